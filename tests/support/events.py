"""Event-log records for tests: a submitted annotation, with any field replaced."""

from __future__ import annotations

import json


def submitted(event_id: str, **fields) -> str:
    """One JSON Lines record of an ``annotation_submitted`` event on a task of its own."""
    record = {
        "event_id": event_id,
        "event_type": "annotation_submitted",
        "occurred_at": "2026-09-07T09:00:00Z",
        "project_id": "p",
        "task_id": f"t-{event_id}",
        "annotation_id": f"a-{event_id}",
        "actor": "ann@example.com",
        "duration_s": 30,
    }
    record.update(fields)
    return json.dumps(record)
