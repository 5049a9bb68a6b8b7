"""Parsers: rows with types, rejections that name the record and the field."""

from __future__ import annotations

import json
from datetime import datetime

from dagster_project.lib.ingest.adapters import Rejection, Row, adapter_for
from dagster_project.lib.ingest.adapters.event_log import EventLogCsv, EventLogJsonLines
from dagster_project.lib.ingest.adapters.label_studio import LabelStudioJson
from dagster_project.lib.ingest.landing import scan_landed
from dagster_project.lib.settings import REPO_ROOT

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
        (None, None),  # no author in the export: loaded, counted as not attributed in staging
    ]
    assert annotations[0]["project_id"] == 9
    assert rejections == []


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


LSE_EXPORT = REPO_ROOT / "tests" / "fixtures" / "label_studio" / "export_enterprise.json"


def test_label_studio_enterprise_reviews_and_history_get_rows_of_their_own(tmp_path):
    path = tmp_path / "export.json"
    path.write_bytes(LSE_EXPORT.read_bytes())
    rows, rejections = _parse(LabelStudioJson(), path)
    assert rejections == []
    by_table: dict[str, list[dict]] = {}
    for row in rows:
        by_table.setdefault(row.table, []).append(row.values)
    assert {table: len(found) for table, found in by_table.items()} == {
        "label_studio_tasks": 7,
        "label_studio_annotations": 7,
        "label_studio_reviews": 4,
        "label_studio_annotation_history": 12,
    }
    authors = {
        a["annotation_id"]: (a["completed_by_id"], a["completed_by_source"])
        for a in by_table["label_studio_annotations"]
    }
    assert authors[1001] == (11, "completed_by")
    assert authors[1003] == (12, "completed_by")  # an id, not an object
    assert authors[1004] == (12, "history")  # the history action that submitted it
    assert authors[1005] == (None, None)  # nobody: loaded, not attributed
    fix = next(r for r in by_table["label_studio_reviews"] if r["review_id"] == 3)
    assert (fix["reviewer_id"], fix["reviewer_email"], fix["accepted"], fix["fixed"]) == (
        22,
        "rex@example.com",
        True,
        True,
    )
    edit = next(h for h in by_table["label_studio_annotation_history"] if h["history_id"] == 13)
    assert (edit["action"], edit["created_by_id"], edit["lead_time"]) == ("updated", 11, 12.0)
    assert edit["created_at"] == datetime(2026, 11, 16, 13, 0)


def test_a_bad_review_is_quarantined_and_its_annotation_kept(tmp_path):
    tasks = json.loads(LSE_EXPORT.read_text())
    tasks[0]["annotations"][0]["reviews"][0]["created_at"] = "yesterday"
    tasks[1]["annotations"][0]["history"] = "not a list"
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks))
    rows, rejections = _parse(LabelStudioJson(), path)
    assert [(r.record_number, r.field) for r in rejections] == [
        (1, "annotations[0].reviews[0].created_at"),
        (2, "annotations[0].history"),
    ]
    annotations = [r.values["annotation_id"] for r in rows if r.table == "label_studio_annotations"]
    assert annotations == [1001, 1002, 1003, 1004, 1005, 1006, 1007]
    assert sum(r.table == "label_studio_reviews" for r in rows) == 3
