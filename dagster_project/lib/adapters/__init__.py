"""Source adapters.

To add a source, write a class with ``name``, ``tables``, ``matches`` and ``parse`` (see
``base.Adapter``), declare its raw table in ``raw_tables.py`` and register it here.
"""

from __future__ import annotations

from pathlib import Path

from .base import Adapter, Rejection, Row
from .event_log import EventLogCsv, EventLogJsonLines
from .label_studio import LabelStudioJson

ADAPTERS: tuple[Adapter, ...] = (EventLogJsonLines(), EventLogCsv(), LabelStudioJson())


def adapter_for(path: Path) -> Adapter | None:
    with path.open("rb") as handle:
        head = handle.read(4096)
    return next((adapter for adapter in ADAPTERS if adapter.matches(path, head)), None)


__all__ = ["ADAPTERS", "Adapter", "Rejection", "Row", "adapter_for"]
