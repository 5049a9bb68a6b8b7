"""Bad input, end to end: one real night over a landing folder holding every kind of bad file.

The run succeeds; each bad part is quarantined (or kept and counted) with a reason that names
file, record and field; good rows in the same file are kept; nothing disappears silently.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from support.nights import Night, run_nightly


def event(number: int, **overrides) -> str:
    record = {
        "event_id": f"e{number}",
        "event_type": "annotation_submitted",
        "occurred_at": "2026-09-07T09:00:00Z",
        "project_id": "p",
        "task_id": f"t{number}",
        "annotation_id": f"a{number}",
        "actor": "ann",
        "duration_s": 30,
        "labels": [{"class": "car", "shape": "bbox", "vertices": 4, "bbox": [1, 2, 3, 4]}],
        "object_count": 1,
    }
    record.update(overrides)
    return json.dumps(record, ensure_ascii=False)


HOSTILE_ACTOR = "<script>alert('actor')</script>"
HOSTILE_CLASS = "'; drop table raw.events; --"
HOSTILE_TEXT = "<img src=x onerror=alert(1)>\x07\x1b[31m" + "long " * 2000


def write_landing(landing) -> None:
    landing.mkdir(parents=True)
    (landing / "not_json.jsonl").write_text(event(1) + "\nthis is not json\n" + event(2) + "\n")
    (landing / "not_csv.csv").write_text("hello world\nthis is; not a csv export\n")
    (landing / "truncated.jsonl").write_text(event(3) + "\n" + event(4)[:40])
    (landing / "empty.jsonl").write_text("")
    (landing / "latin1.jsonl").write_bytes(
        (event(5, actor="josé") + "\n").encode("latin-1") + (event(6) + "\n").encode()
    )
    (landing / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + (event(7) + "\n").encode())
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("inside.jsonl", event(8))
    (landing / "export.zip").write_bytes(archive.getvalue())
    (landing / "binary.jsonl").write_bytes(bytes(range(256)) * 4)
    without_actor = json.loads(event(9))
    del without_actor["actor"]
    (landing / "fields.jsonl").write_text(
        "\n".join(
            [
                json.dumps(without_actor),
                event(10, duration_s="abc"),
                event(11, duration_s=-5),
                event(12, duration_s=90_000),
                event(13, occurred_at="2026-09-07 11:00:00+02:00"),
                event(14, occurred_at="07/09/2026 09:00"),
                event(15, occurred_at="2031-01-01T00:00:00Z"),
                event(16, event_type="task_teleported"),
                event(17, labels=[{"class": "car", "shape": "cuboid", "vertices": 8}]),
                event(18),
                event(18),
            ]
        )
        + "\n"
    )
    (landing / "weekly.jsonl").write_text(event(18) + "\n" + event(19) + "\n")
    (landing / "weekly_copy.jsonl").write_text(event(18) + "\n" + event(19) + "\n")
    (landing / "hostile.jsonl").write_text(
        event(
            20,
            actor=HOSTILE_ACTOR,
            labels=[{"class": HOSTILE_CLASS, "shape": "bbox", "vertices": 4, "bbox": [1, 1, 1, 1]}],
        )
        + "\n"
        + json.dumps(
            {
                "event_id": "e21",
                "event_type": "comment_added",
                "occurred_at": "2026-09-07T10:00:00Z",
                "project_id": "p",
                "task_id": "t20",
                "actor": HOSTILE_ACTOR,
                "text": HOSTILE_TEXT,
            }
        )
        + "\n"
    )


@pytest.fixture(scope="module")
def bad_night(tmp_path_factory) -> Night:
    root = tmp_path_factory.mktemp("bad_input")
    write_landing(root / "landing")
    night = run_nightly(root)
    assert night.exit_code == 0  # bad input never crashes a night
    return night


def issues(night: Night, source_file: str) -> list[tuple]:
    return night.rows(
        "select action, field, first_record_number, reason, records "
        "from marts.mart_input_issues where source_file = ? order by all",
        source_file,
    )


def kept_events(night: Night) -> set[str]:
    return {
        event_id for (event_id,) in night.rows("select event_id from staging.stg_events__events")
    }


@pytest.mark.parametrize(
    ("source_file", "record", "field", "reason"),
    [
        ("not_json.jsonl", 2, None, "not valid JSON"),
        ("not_csv.csv", 0, None, "unrecognised file"),
        ("truncated.jsonl", 2, None, "not valid JSON"),
        ("empty.jsonl", 0, None, "empty file"),
        ("latin1.jsonl", 1, None, "not valid UTF-8"),
        ("export.zip", 0, None, "a zip archive: unpack it"),
        ("binary.jsonl", 1, None, "not valid JSON"),
        ("fields.jsonl", 1, "actor", "required field is missing"),
        ("fields.jsonl", 2, "duration_s", "expected a number, got 'abc'"),
        ("fields.jsonl", 3, "duration_s", "-5.0"),
        ("fields.jsonl", 4, "duration_s", "90000.0"),
        ("fields.jsonl", 6, "occurred_at", "not an ISO 8601 timestamp"),
        ("fields.jsonl", 7, "occurred_at", "2031-01-01"),
    ],
)
def test_bad_records_are_quarantined_with_file_record_field_and_reason(
    bad_night, source_file, record, field, reason
):
    quarantined = [row for row in issues(bad_night, source_file) if row[0] == "quarantined"]
    assert any(
        (got_field, got_record) == (field, record) and reason in got_reason
        for _, got_field, got_record, got_reason, _ in quarantined
    ), quarantined


def test_good_rows_beside_bad_ones_are_kept(bad_night):
    kept = kept_events(bad_night)
    # Good neighbours of bad lines, the BOM file, the Latin-1 file's UTF-8 line, the other
    # time zone (converted), the unknown event type and the unknown shape (kept, counted).
    assert {"e1", "e2", "e3", "e6", "e7", "e13", "e16", "e17", "e18", "e19", "e20"} <= kept
    assert not {"e4", "e5", "e9", "e10", "e11", "e12", "e14", "e15"} & kept


def test_timestamps_with_an_offset_are_stored_in_utc(bad_night):
    assert bad_night.rows("select occurred_at::varchar from raw.events where event_id = 'e13'") == [
        ("2026-09-07 09:00:00",)
    ]


def test_unknown_event_and_shape_types_are_kept_and_counted(bad_night):
    counted = bad_night.rows(
        "select field, records from marts.mart_input_issues where action = 'kept, counted' "
        "order by field"
    )
    assert ("event_type", 1) in counted and ("labels[].shape", 1) in counted
    assert bad_night.rows(
        "select shape_type from core.fct_labels where label_key like '%:a17:%'"
    ) == [("cuboid",)]


def test_duplicates_inside_and_across_files_are_dropped_and_counted(bad_night):
    # weekly_copy.jsonl has the same bytes as weekly.jsonl (read first): a duplicate file.
    assert [row[0] for row in issues(bad_night, "weekly_copy.jsonl")] == [
        "skipped as duplicate file"
    ]

    # e18 is on lines 10 and 11 of fields.jsonl and in weekly.jsonl: the first (by file, then
    # line) is kept; the repeat inside the file and the one across files are counted.
    def dropped(source_file):
        return [
            (field, first, records)
            for action, field, first, _, records in issues(bad_night, source_file)
            if action == "dropped as duplicate"
        ]

    assert dropped("fields.jsonl") == [("event_id", 11, 1)]
    assert dropped("weekly.jsonl") == [("event_id", 1, 1)]
    assert bad_night.rows(
        "select source_file, record_number from staging.stg_events__events where event_id = 'e18'"
    ) == [("fields.jsonl", 10)]


def test_hostile_strings_are_stored_verbatim(bad_night):
    assert bad_night.rows(
        "select distinct actor from raw.events where event_id in ('e20', 'e21')"
    ) == [(HOSTILE_ACTOR,)]
    assert bad_night.rows("select text from raw.events where event_id = 'e21'") == [(HOSTILE_TEXT,)]
    assert bad_night.rows(
        "select class_name from core.fct_labels where annotation_key like '%a20'"
    ) == [(HOSTILE_CLASS,)]
    assert bad_night.rows("select count(*) from raw.events") != [(0,)]  # the table survived


def test_every_bad_file_is_counted_and_nothing_disappears(bad_night):
    """Every landed record is in raw (kept) or in the quarantine: none vanish."""
    [(quarantined,)] = bad_night.rows(
        "select sum(records) from marts.mart_input_issues where action = 'quarantined'"
    )
    [(loaded, in_quarantine)] = bad_night.rows(
        "select sum(rows_loaded), sum(rows_quarantined) from raw.ingest_manifest"
    )
    assert quarantined == in_quarantine > 0
    assert loaded == bad_night.rows("select count(*) from raw.events")[0][0]


def test_the_data_quality_page_counts_every_bad_part(bad_night):
    page = (bad_night.site / "data_quality.html").read_text()
    rows = bad_night.rows("select source_file, records from marts.mart_input_issues")
    assert rows
    for source_file, _ in rows:
        if source_file is not None:
            assert source_file in page
    assert "a zip archive: unpack it into the landing folder" in page
    assert "empty file: nothing to load" in page
