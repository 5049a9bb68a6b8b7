"""Labelbox export v2 lines: data rows, labels in the warehouse's shape, workflow steps; every
fault a named rejection of its line."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from dagster_project.lib.ingest.adapters import Rejection, Row, adapter_for
from dagster_project.lib.ingest.adapters.labelbox import LabelboxNdjson, label_items
from dagster_project.lib.ingest.landing import scan_landed
from dagster_project.lib.settings import REPO_ROOT

EXPORT = REPO_ROOT / "tests" / "fixtures" / "labelbox" / "export.ndjson"


def _parse(path: Path):
    items = list(LabelboxNdjson().parse(scan_landed(path.parent, path)))
    return (
        [i for i in items if isinstance(i, Row)],
        [i for i in items if isinstance(i, Rejection)],
    )


def test_the_fixture_export_is_read_whole():
    rows, rejections = _parse(EXPORT)
    assert rejections == []
    by_table = {}
    for row in rows:
        by_table.setdefault(row.table, []).append(row.values)
    assert {table: len(values) for table, values in by_table.items()} == {
        "labelbox_data_rows": 4,
        "labelbox_labels": 3,
        "labelbox_workflow_history": 6,
    }
    first = by_table["labelbox_labels"][0]
    assert first["created_at"] == datetime(2025, 6, 2, 9, 5)
    assert (first["seconds_to_create"], first["skipped"], first["created_by"]) == (
        120.5,
        False,
        "alice@example.com",
    )
    assert json.loads(first["labels"]) == [
        {"class": "car", "shape": "bbox", "bbox": [1033.0, 412.0, 260.0, 188.0], "vertices": 4},
        {"class": "road", "shape": "polygon", "vertices": 4},
    ]
    steps = [(v["history_position"], v["action"]) for v in by_table["labelbox_workflow_history"]]
    assert steps[:2] == [(0, "Approve"), (1, "Move")]  # newest first, as exported


def test_shapes_and_classifications_in_the_warehouse_label_shape():
    annotations = {
        "objects": [
            {"name": "lane", "line": [{"x": 0, "y": 0}, {"x": 5, "y": 5}, {"x": 9, "y": 1}]},
            {"name": "pole", "point": {"x": 3, "y": 4}},
            {"name": "sky", "annotation_kind": "ImageSegmentationMask", "mask": {"url": "u"}},
        ],
        "classifications": [
            {"name": "weather", "radio_answer": {"name": "rain"}},
            {"name": "flags", "checklist_answers": [{"name": "night"}, {"name": "blur"}]},
        ],
    }
    assert label_items(annotations, "annotations") == [
        {"class": "lane", "shape": "polyline", "vertices": 3},
        {"class": "pole", "shape": "keypoint", "vertices": 1},
        {"class": "sky", "shape": "mask"},
        {"class": "rain", "shape": "choice"},
        {"class": "night", "shape": "choice"},
        {"class": "blur", "shape": "choice"},
    ]


def test_bad_lines_and_labels_are_rejected_with_line_and_field(tmp_path):
    good = EXPORT.read_text().splitlines()[0]
    line = json.loads(good)
    project = next(iter(line["projects"]))
    bad_time = json.loads(good)
    bad_time["projects"][project]["labels"][0]["label_details"]["created_at"] = "June 2nd"
    bad_box = json.loads(good)
    bad_box["projects"][project]["labels"][0]["annotations"]["objects"][0]["bounding_box"] = {
        "top": 1
    }
    no_id = {**line, "data_row": {"global_key": "x"}}
    path = tmp_path / "export.ndjson"
    path.write_text(
        "\n".join([good, "{not json", json.dumps(bad_time), json.dumps(bad_box),
                   json.dumps(no_id), good.replace("120.5", "NaN")]) + "\n"
    )  # fmt: skip
    rows, rejections = _parse(path)
    assert [(r.record_number, r.field, r.reason) for r in rejections] == [
        (2, None, "not valid JSON (Expecting property name enclosed in double quotes, "
         "column 2)"),
        (3, "labels[0].label_details.created_at", "not an ISO 8601 timestamp: 'June 2nd'"),
        (4, "labels[0].annotations.objects[0].bounding_box", "expected left, top, width, "
         "height"),
        (5, "data_row.id", "a data row with a text id is required"),
        (6, None, "holds NaN or Infinity, which is not a JSON number"),
    ]  # fmt: skip
    # A line whose label is bad keeps its data row (the task) and its workflow steps.
    assert sorted({(r.record_number, r.table) for r in rows}) == [
        (1, "labelbox_data_rows"), (1, "labelbox_labels"), (1, "labelbox_workflow_history"),
        (3, "labelbox_data_rows"), (3, "labelbox_workflow_history"),
        (4, "labelbox_data_rows"), (4, "labelbox_workflow_history"),
    ]  # fmt: skip


def test_a_labelbox_export_is_not_taken_for_an_event_log(tmp_path):
    assert adapter_for(EXPORT, lambda: EXPORT.open("rb")).name == "labelbox_ndjson"
    log = tmp_path / "log.ndjson"
    log.write_text('{"event_id":"e1","event_type":"task_created","data_row":"x"}\n')
    assert adapter_for(log, lambda: log.open("rb")).name == "event_log_jsonl"
