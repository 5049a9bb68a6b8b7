"""The mixed landing folder: each tool's fixture export plus the neutral event log, as a team
using several tools would land them (sub-folders per tool)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from support.nights import FIXTURES

CVAT = FIXTURES / "cvat"


def later_cvat_export(path: Path, rows: int = 12) -> Path:
    """A second CVAT export whose window overlaps the first: its last rows, as CVAT writes."""
    with (CVAT / "events.csv").open(newline="", encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([lines[0], *lines[-rows:]])
    return path


def other_server_copy(path: Path) -> Path:
    """The Community export's data as a second server would write it (compact JSON: another
    file, not a duplicate of the first, with the same ids)."""
    tasks = json.loads((FIXTURES / "label_studio" / "export.json").read_text())
    path.write_text(json.dumps(tasks))
    return path


def tools_landing(root: Path) -> dict[str, Path]:
    """Name in the landing folder -> file to copy there."""
    return {
        "cvat/events_2025-06-02.csv": CVAT / "events.csv",
        "cvat/events_2025-06-03.csv": later_cvat_export(root / "later.csv"),
        "cvat/users.json": CVAT / "users.json",
        "cvat/jobs.json": CVAT / "jobs.json",
        # The same project's events from a second CVAT server: job 118 there is another job.
        "cvat/instance=eu/events.csv": later_cvat_export(root / "eu_events.csv", rows=24),
        "label_studio/lse.json": FIXTURES / "label_studio" / "export_enterprise.json",
        # The same Community export from two servers: ids are scoped by instance.
        "label_studio/export.json": FIXTURES / "label_studio" / "export.json",
        "label_studio/instance=eu/export.json": other_server_copy(root / "eu_export.json"),
        "labelbox/export.ndjson": FIXTURES / "labelbox" / "export.ndjson",
        "encord/streets/labels.json": FIXTURES / "encord" / "labels.json",
        "events/hand_computed.jsonl": FIXTURES / "events" / "hand_computed.jsonl",
    }
