"""Encord label rows: every timestamp form Encord writes, objects per frame, legacy reviews;
a label row with a fault is rejected with its position and field."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from dagster_project.lib.ingest.adapters import Rejection, Row, adapter_for
from dagster_project.lib.ingest.adapters.base import FieldError
from dagster_project.lib.ingest.adapters.encord import EncordLabelRowsJson, encord_time
from dagster_project.lib.ingest.landing import scan_landed
from dagster_project.lib.settings import REPO_ROOT

EXPORT = REPO_ROOT / "tests" / "fixtures" / "encord" / "labels.json"


def _parse(path):
    items = list(EncordLabelRowsJson().parse(scan_landed(path.parent, path)))
    return (
        [i for i in items if isinstance(i, Row)],
        [i for i in items if isinstance(i, Rejection)],
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wed, 17 Aug 2022 16:05:11 GMT", datetime(2022, 8, 17, 16, 5, 11)),
        ("Thu, 09 Feb 2023 14:12:03 UTC", datetime(2023, 2, 9, 14, 12, 3)),
        ("Tue, 05 Nov 2024 10:00:00 ", datetime(2024, 11, 5, 10, 0)),
        ("2025-01-07 16:12:23", datetime(2025, 1, 7, 16, 12, 23)),
        ("2023-03-21T09:58:08.472959", datetime(2023, 3, 21, 9, 58, 8, 472959)),
        ("2023-03-21T09:58:08+02:00", datetime(2023, 3, 21, 7, 58, 8)),
    ],
)
def test_every_timestamp_form_encord_writes_is_read_as_utc(text, expected):
    assert encord_time(text, "createdAt") == expected


@pytest.mark.parametrize("text", ["Tue, 05 Nov 2024 10:00:00 CET", "yesterday", "05/11/2024"])
def test_other_timestamp_text_is_refused_by_field(text):
    with pytest.raises(FieldError) as refused:
        encord_time(text, "createdAt")
    assert refused.value.field == "createdAt"


def test_the_fixture_export_is_read_whole():
    rows, rejections = _parse(EXPORT)
    assert rejections == []
    counts = {}
    for row in rows:
        counts[row.table] = counts.get(row.table, 0) + 1
    assert counts == {"encord_label_rows": 3, "encord_objects": 6, "encord_reviews": 2}
    video = [r.values for r in rows if r.table == "encord_objects" and r.values["frame"]]
    assert [(v["frame"], v["instance_hash"]) for v in video] == [
        ("0", "vid0car1"),
        ("1", "vid0car1"),
    ]
    assert adapter_for(EXPORT, lambda: EXPORT.open("rb")).name == "encord_label_rows_json"


def test_a_label_row_with_a_fault_is_rejected_whole_with_its_field(tmp_path):
    rows = json.loads(EXPORT.read_text())
    obj = rows[0]["data_units"]["dh-0001"]["labels"]["objects"][0]
    obj["createdAt"] = "on Tuesday"
    rows[2]["label_hash"] = None
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(rows))
    kept, rejections = _parse(path)
    assert [(r.record_number, r.field, r.reason) for r in rejections] == [
        (1, "data_units.dh-0001.labels.objects[0].createdAt",
         "not a timestamp Encord writes: 'on Tuesday'"),
        (3, "label_hash", "label row has no label_hash"),
    ]  # fmt: skip
    assert {r.record_number for r in kept} == {2}
