"""Parsers: rows with types, rejections that name the record and the field."""

from __future__ import annotations

import json
from datetime import datetime

from dagster_project.lib.ingest.adapters import Rejection, Row, adapter_for
from dagster_project.lib.ingest.adapters.event_log import EventLogCsv, EventLogJsonLines
from dagster_project.lib.ingest.adapters.label_studio import LabelStudioJson
from dagster_project.lib.ingest.landing import scan_landed

GOOD = {
    "event_id": "e1",
    "event_type": "annotation_submitted",
    "occurred_at": "2026-09-07T11:00:00+02:00",
    "project_id": "p",
    "task_id": "t",
    "annotation_id": "a",
    "actor": "ann@example.com",
    "duration_s": "42.5",
    "labels": [{"class": "car", "shape": "polygon", "vertices": 7}, {"class": "bus"}],
}


def _parse(adapter, path):
    items = list(adapter.parse(scan_landed(path.parent, path)))
    return (
        [i for i in items if isinstance(i, Row)],
        [i for i in items if isinstance(i, Rejection)],
    )


def test_jsonl_rows_are_typed_and_timestamps_are_utc(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(GOOD) + "\n")
    rows, rejections = _parse(EventLogJsonLines(), path)
    assert rejections == []
    values = rows[0].values
    assert values["occurred_at"] == datetime(2026, 9, 7, 9, 0, 0)
    assert values["duration_s"] == 42.5
    assert (values["object_count"], values["vertex_count"]) == (2, 7)
    assert json.loads(values["labels"])[0]["class"] == "car"


def test_jsonl_rejections_name_line_and_field(tmp_path):
    missing_actor = {k: v for k, v in GOOD.items() if k != "actor"}
    review_without_annotation = {**GOOD, "event_type": "review_rejected", "annotation_id": None}
    bad_number = {**GOOD, "duration_s": "forty"}
    lines = [
        json.dumps(GOOD),
        "{not json",
        json.dumps(missing_actor),
        "",
        json.dumps(review_without_annotation),
        json.dumps(bad_number),
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    rows, rejections = _parse(EventLogJsonLines(), path)
    assert [r.record_number for r in rows] == [1]
    assert [(r.record_number, r.field) for r in rejections] == [
        (2, None),
        (3, "actor"),
        (5, "annotation_id"),
        (6, "duration_s"),
    ]
    assert "not valid JSON" in rejections[0].reason
    assert "forty" in rejections[3].reason


def test_jsonl_with_bom_and_a_latin1_line(tmp_path):
    path = tmp_path / "events.jsonl"
    latin1 = json.dumps({**GOOD, "event_id": "e2", "actor": "zoé"}, ensure_ascii=False)
    path.write_bytes(
        b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\n" + latin1.encode("latin-1") + b"\n"
    )
    rows, rejections = _parse(EventLogJsonLines(), path)
    assert [r.record_number for r in rows] == [1]
    assert [(r.record_number, r.reason) for r in rejections] == [
        (2, "line is not valid UTF-8 text")
    ]


def test_csv_reads_the_same_contract(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "event_id,event_type,occurred_at,project_id,task_id,annotation_id,actor,duration_s,labels\n"
        'e1,annotation_submitted,2026-09-07T09:00:00Z,p,t,a,ann,30,"[{""class"":""car""}]"\n'
        "e2,annotation_submitted,2026-09-07T09:00:00Z,p,t,,ann,30,\n"
        "e3,task_created,2026-09-07T09:00:00Z,p,t\n"
    )
    assert isinstance(adapter_for(path, scan_landed(path.parent, path).open), EventLogCsv)
    rows, rejections = _parse(EventLogCsv(), path)
    assert [r.values["event_id"] for r in rows] == ["e1"]
    assert rows[0].values["object_count"] == 1
    assert [(r.record_number, r.field) for r in rejections] == [(3, "annotation_id"), (4, None)]


def test_label_studio_accepts_id_and_object_completed_by(tmp_path):
    tasks = [
        {
            "id": 1,
            "project": 9,
            "data": {"image": "x.jpg"},
            "annotations": [
                {
                    "id": 10,
                    "completed_by": 3,
                    "result": [],
                    "lead_time": 12.5,
                    "was_cancelled": False,
                    "created_at": "2026-09-07T10:00:00.123456Z",
                    "last_action": None,
                },
                {
                    "id": 11,
                    "completed_by": {"id": 4, "email": "Ann@Example.com"},
                    "result": [],
                    "was_cancelled": True,
                    "created_at": "2026-09-07T10:00:00Z",
                },
                {"id": 12, "result": []},
            ],
        }
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks))
    assert isinstance(adapter_for(path, scan_landed(path.parent, path).open), LabelStudioJson)
    rows, rejections = _parse(LabelStudioJson(), path)
    annotations = [r.values for r in rows if r.table == "label_studio_annotations"]
    assert [(a["completed_by_id"], a["completed_by_email"]) for a in annotations] == [
        (3, None),
        (4, "Ann@Example.com"),
    ]
    assert annotations[0]["project_id"] == 9
    assert [(r.record_number, r.field) for r in rejections] == [(1, "annotations[2].completed_by")]


def test_label_studio_export_that_is_not_json_is_one_rejection(tmp_path):
    path = tmp_path / "export.json"
    path.write_text('[{"id": 1, "annotations": [')
    rows, rejections = _parse(LabelStudioJson(), path)
    assert rows == [] and len(rejections) == 1
    assert rejections[0].record_number == 0 and "not valid JSON" in rejections[0].reason


def test_unknown_file_has_no_adapter(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    assert adapter_for(path, scan_landed(path.parent, path).open) is None
