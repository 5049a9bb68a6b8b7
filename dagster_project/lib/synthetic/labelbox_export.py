"""A small Labelbox project as its export v2 writes it: one NDJSON line per data row.

The shape follows Labelbox's export v2 (``project.export()`` with label_details,
performance_details, project_details and data_row_details; field names and nesting as in
Labelbox's SDK tests and documented examples): ``data_row`` {id, global_key, external_id,
row_data, details}, ``media_attributes``, ``projects.<project id>`` {name, labels[] {id,
label_kind, version, label_details {created_at, updated_at, created_by (email),
content_last_updated_at, reviews}, performance_details {seconds_to_create, seconds_to_review,
skipped}, annotations {objects, classifications, relationships}}, project_details
{batch_id, batch_name, priority, consensus_expected_label_count, workflow_status, task_name,
selected_label_id, workflow_history[] newest first {action, created_at, created_by,
next_task_name}}}. Timestamps ``2025-06-02T09:05:00.000+00:00``. Labelbox's own actions are
Approve and Reject; the labeler's move to review is written "Move" here (the warehouse reads
only Approve, Reject and the task moved to).

Written, not exported (no Labelbox account here): the test fixture (tests/fixtures/labelbox/,
whose figures tests/integration/test_labelbox.py computes by hand) and the demo's example come
from here. The scenario, on one day:

    row 1  alice labels it (120.5 s: a car box and a road polygon), rita approves (30 s review)
    row 2  bob labels it (200 s: a car box); rita rejects it to Rework; bob sends it back;
           rita approves (45 s of review over both)
    row 3  alice skips it (15 s); no workflow history (a project without workflows)
    row 4  not labelled yet
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

PROJECT = "clx9pj0000001abcdxyz0003"


def _time(day: date, clock: str) -> str:
    return f"{day}T{clock}.000+00:00"


def _box(feature: str, name: str, left: float, top: float, width: float, height: float) -> dict:
    return {
        "feature_id": f"clx9ft{feature}", "feature_schema_id": "clx9fs0000001abcdxyz0006",
        "name": name, "value": name, "annotation_kind": "ImageBoundingBox",
        "classifications": [],
        "bounding_box": {"top": top, "left": left, "height": height, "width": width},
    }  # fmt: skip


def _road(feature: str) -> dict:
    corners = [{"x": 0.0, "y": 720.5}, {"x": 1919.0, "y": 698.2}, {"x": 1919.0, "y": 1079.0},
               {"x": 0.0, "y": 1079.0}]  # fmt: skip
    return {
        "feature_id": f"clx9ft{feature}", "feature_schema_id": "clx9fs0000001abcdxyz0008",
        "name": "road", "value": "road", "annotation_kind": "ImagePolygon",
        "classifications": [], "polygon": [*corners, corners[0]],
    }  # fmt: skip


def _label(day, label_id, who, created, seconds, review_s, objects, skipped=False) -> dict:
    return {
        "label_kind": "Default", "version": "1.0.0", "id": label_id,
        "label_details": {
            "created_at": _time(day, created), "updated_at": _time(day, created),
            "created_by": who, "content_last_updated_at": _time(day, created),
            "reviews": [],
        },
        "performance_details": {
            "seconds_to_create": seconds, "seconds_to_review": review_s, "skipped": skipped,
        },
        "annotations": {"objects": objects, "classifications": [], "relationships": []},
    }  # fmt: skip


def _step(day, action, who, clock, next_task) -> dict:
    return {"action": action, "created_at": _time(day, clock), "created_by": who,
            "next_task_name": next_task}  # fmt: skip


def _line(day, number, labels, status, task, history, selected=None) -> dict:
    return {
        "data_row": {
            "id": f"clx9dr000000{number}abcdxyz0001",
            "global_key": f"site42/cam3/frame_{number:06d}.jpg",
            "external_id": f"frame_{number:06d}.jpg",
            "row_data": f"https://storage.example.com/site42/cam3/frame_{number:06d}.jpg",
            "details": {
                "dataset_id": "clx9ds0000001abcdxyz0002", "dataset_name": "site42_cam3",
                "created_at": _time(day, "08:00:00"), "updated_at": _time(day, "08:00:00"),
                "last_activity_at": _time(day, "11:00:00"),
                "created_by": "ingest-bot@example.com",
            },
        },
        "media_attributes": {"height": 1080, "width": 1920, "mime_type": "image/jpeg"},
        "attachments": [],
        "metadata_fields": [],
        "projects": {
            PROJECT: {
                "name": "Vehicle boxes + road polygons",
                "labels": labels,
                "project_details": {
                    "batch_id": "clx9bt0000001abcdxyz0010", "batch_name": "site42-week18",
                    "priority": 5, "consensus_expected_label_count": 1,
                    "workflow_status": status, "task_name": task,
                    "selected_label_id": selected, "workflow_history": history,
                },
            }
        },
    }  # fmt: skip


def data_rows(day: date) -> list[dict]:
    review, rework = "Initial review task", "Rework"
    return [
        _line(day, 1, [_label(day, "clx9lb0000001abcdxyz0001", "alice@example.com", "09:05:00",
                              120.5, 30.0, [_box("01", "car", 1033.0, 412.0, 260.0, 188.0),
                                            _road("02")])],
              "DONE", "Done",
              [_step(day, "Approve", "rita@example.com", "10:00:00", "Done"),
               _step(day, "Move", "alice@example.com", "09:05:00", review)],
              selected="clx9lb0000001abcdxyz0001"),
        _line(day, 2, [_label(day, "clx9lb0000001abcdxyz0002", "Bob@Example.com", "09:10:00",
                              200.0, 45.0, [_box("03", "car", 10.0, 20.0, 30.0, 40.0)])],
              "DONE", "Done",
              [_step(day, "Approve", "rita@example.com", "11:00:00", "Done"),
               _step(day, "Move", "Bob@Example.com", "10:50:00", review),
               _step(day, "Reject", "rita@example.com", "09:30:00", rework),
               _step(day, "Move", "Bob@Example.com", "09:10:00", review)]),
        _line(day, 3, [_label(day, "clx9lb0000001abcdxyz0003", "alice@example.com", "09:20:00",
                              15.0, 0.0, [], skipped=True)],
              "DONE", "Done", []),
        _line(day, 4, [], "TO_LABEL", "Initial labeling task", []),
    ]  # fmt: skip


def write_labelbox_export(folder: Path, day: date = date(2025, 6, 2)) -> list[Path]:
    """export.ndjson for the scenario above, on ``day``, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "export.ndjson"
    path.write_text("".join(json.dumps(row) + "\n" for row in data_rows(day)))
    return [path]
