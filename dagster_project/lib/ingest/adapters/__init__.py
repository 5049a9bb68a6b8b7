"""Source adapters: one module per format, each class reads its files (``base.Adapter``).

To add a source: a module here with a class deriving from ``base.RowsAdapter`` (``name``,
``tables``, ``matches``, ``parse`` yielding rows or rejections; stage with DuckDB instead by
implementing ``stages`` and ``stage`` as ``event_log.EventLogJsonLines`` does), registered in
ADAPTERS below; its raw table in ``../raw_tables.py``; its GX suite
``expectations/raw_<table>.json``; its dbt models in ``dbt/models/staging/<source>/``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from dagster_project.lib.ingest.adapters.base import Adapter, Rejection, Row
from dagster_project.lib.ingest.adapters.cvat import CvatEventsCsv, CvatRestJson
from dagster_project.lib.ingest.adapters.encord import EncordLabelRowsJson
from dagster_project.lib.ingest.adapters.event_log import EventLogCsv, EventLogJsonLines
from dagster_project.lib.ingest.adapters.label_studio import LabelStudioJson
from dagster_project.lib.ingest.adapters.label_studio_comments import LabelStudioCommentsJson
from dagster_project.lib.ingest.adapters.label_studio_users import LabelStudioUsersJson
from dagster_project.lib.ingest.adapters.labelbox import LabelboxNdjson

# In the order asked: the first that matches a file reads it, so a tool recognised by content
# comes before a format recognised by its name alone (Label Studio: any .json array).
ADAPTERS: tuple[Adapter, ...] = (
    LabelboxNdjson(),
    EventLogJsonLines(),
    CvatEventsCsv(),
    EventLogCsv(),
    CvatRestJson(),
    EncordLabelRowsJson(),
    LabelStudioUsersJson(),
    LabelStudioCommentsJson(),
    LabelStudioJson(),
)


# Files people drop into a landing folder by mistake, recognised by their first bytes.
_MAGIC = (
    (b"PK\x03\x04", "a zip archive: unpack it into the landing folder"),
    (b"\x1f\x8b", "a gzip file: decompress it into the landing folder"),
    (b"%PDF", "a PDF document, not an export"),
    (b"\x89PNG", "a PNG image, not an export"),
    (b"\xff\xd8\xff", "a JPEG image, not an export"),
)
_EXPECTED = (
    "expected an event log (.jsonl, .ndjson, .csv with an event_type header), a Label "
    "Studio JSON export (.json array of tasks) or users list or comments (.json from its API), "
    "a CVAT events export (.csv with a scope header), CVAT's users or jobs from its REST "
    "API (.json) or a Labelbox export (.ndjson of data rows) or Encord label rows (.json)"
)


def _head(open_file: Callable[[], BinaryIO]) -> bytes:
    with open_file() as handle:
        return handle.read(4096)


def adapter_for(path: Path, open_file: Callable[[], BinaryIO]) -> Adapter | None:
    """The adapter that reads the file at ``path`` (by its name and first bytes, read through
    ``open_file``: the landing folder's checked open), or None."""
    head = _head(open_file)
    if any(head.startswith(magic) for magic, _ in _MAGIC):
        return None  # whatever its name says, an archive or image is not an export
    return next((adapter for adapter in ADAPTERS if adapter.matches(path, head)), None)


def unrecognised_reason(path: Path, open_file: Callable[[], BinaryIO]) -> str:
    """Why no adapter reads ``path``, and what to do about it."""
    head = _head(open_file)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return f"unrecognised file: {what}; {_EXPECTED}"
    if b"\x00" in head:
        return f"unrecognised file: binary content; {_EXPECTED}"
    return f"unrecognised file: {_EXPECTED}"


__all__ = ["ADAPTERS", "Adapter", "Rejection", "Row", "adapter_for", "unrecognised_reason"]
