"""A hostile landing folder: nothing outside it is read, no record or file stops ingestion.

Each test ingests a real landing folder into a real DuckDB file (no night needed). A secret
file outside the folder holds a marker; wherever a link leads to it, the marker must appear
nowhere in the warehouse.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from support.events import submitted as event

import dagster_project.lib.ingest.adapters.event_log as event_log
import dagster_project.lib.ingest.adapters.text_records as text_records
import dagster_project.lib.ingest.load as ingest_module
from dagster_project.lib.ingest.landing import (
    REFUSED_FOLDER_LINK,
    REFUSED_LINK,
    REFUSED_OUTSIDE,
    LandedFileChanged,
    RefusedEntry,
    scan_landed,
    scan_landing,
)
from dagster_project.lib.ingest.load import ingest_file, ingest_landing
from dagster_project.lib.quality.validation import Validator

NOW = datetime(2026, 11, 23, 12, 0, 0)
MARKER = "root:x:0:0:secret-marker"


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder outside the landing folder: a secret file, and an export the night may not
    read either (it is not in the landing folder)."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "passwd").write_text(f"{MARKER}:/root:/bin/bash\n" + event("from-outside") + "\n")
    (folder / "export.jsonl").write_text(event("from-outside-folder") + "\n")
    return folder


def ingest(landing: Path, warehouse: Path):
    return ingest_landing(landing, warehouse, log=lambda _: None, now=NOW)


def warehouse_text(warehouse: Path) -> str:
    """Every value of every raw table, as text: what a marker must not be found in."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tables = connection.execute(
            "select table_name from duckdb_tables() where schema_name = 'raw'"
        ).fetchall()
        return "\n".join(
            str(row)
            for (table,) in tables
            for row in connection.execute(f"select * from raw.{table}").fetchall()
        )


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_links_are_refused_unread_and_named_only(tmp_path, outside):
    landing = tmp_path / "landing"
    (landing / "faults").mkdir(parents=True)
    (landing / "good.jsonl").write_text(event("good") + "\n")
    os.symlink(outside / "passwd", landing / "faults" / "passwd.jsonl")
    os.symlink(outside, landing / "share")  # a sub-folder link
    os.symlink(landing / "good.jsonl", landing / "inside-link.jsonl")  # even to inside
    os.symlink(tmp_path / "nowhere", landing / "dangling.jsonl")
    warehouse = tmp_path / "w.duckdb"
    summary = ingest(landing, warehouse)

    assert summary.count("refused") == 4
    assert rows(warehouse, "select event_id from raw.events") == [("good",)]
    manifest = rows(
        warehouse,
        "select source_file, status, adapter, rows_loaded from raw.ingest_manifest "
        "where status = 'refused' order by 1",
    )
    assert manifest == [
        ("dangling.jsonl", "refused", None, 0),
        ("faults/passwd.jsonl", "refused", None, 0),
        ("inside-link.jsonl", "refused", None, 0),
        ("share", "refused", None, 0),
    ]
    quarantined = dict(
        rows(
            warehouse,
            "select _source_file, (record_number, field, reason, detected_by, excerpt) "
            "from raw.quarantine",
        )
    )
    assert quarantined["faults/passwd.jsonl"] == (0, None, REFUSED_LINK, "landing", None)
    assert quarantined["share"] == (0, None, REFUSED_FOLDER_LINK, "landing", None)
    text = warehouse_text(warehouse)
    assert MARKER not in text and "from-outside" not in text
    assert str(outside) not in text  # not even where a link points


def test_a_refused_entry_is_recorded_once_and_its_replacement_is_read(tmp_path, outside):
    landing = tmp_path / "landing"
    landing.mkdir()
    link = landing / "passwd.jsonl"
    os.symlink(outside / "passwd", link)
    warehouse = tmp_path / "w.duckdb"
    ingest(landing, warehouse)
    assert [f.status for f in ingest(landing, warehouse).files] == ["unchanged"]
    link.unlink()
    link.write_text(event("real") + "\n")  # the export itself, put where the link was
    assert [f.status for f in ingest(landing, warehouse).files] == ["loaded"]
    assert rows(warehouse, "select event_id from raw.events") == [("real",)]
    assert rows(warehouse, "select count(*) from raw.quarantine") == [(0,)]


def test_a_named_pipe_is_refused_without_blocking_the_night(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    os.mkfifo(landing / "pipe.jsonl")
    (landing / "good.jsonl").write_text(event("good") + "\n")
    done: list = []
    worker = threading.Thread(target=lambda: done.append(ingest(landing, tmp_path / "w.duckdb")))
    worker.start()
    worker.join(timeout=120)
    assert done, "ingestion blocked on a named pipe"
    assert {(f.source_file, f.status) for f in done[0].files} == {
        ("pipe.jsonl", "refused"),
        ("good.jsonl", "loaded"),
    }


def test_a_file_swapped_for_a_link_after_the_scan_is_never_read(tmp_path, outside):
    landing = tmp_path / "landing"
    landing.mkdir()
    path = landing / "events.jsonl"
    path.write_text(event("scanned") + "\n")
    landed = scan_landed(landing, path)
    path.unlink()
    os.symlink(outside / "passwd", path)
    with pytest.raises(LandedFileChanged):
        landed.open()
    warehouse = tmp_path / "w.duckdb"
    with ingest_module.connect(warehouse) as connection:
        outcome = ingest_file(connection, Validator(), landed, NOW)
    assert outcome.status == "deferred"  # not recorded: read again next night
    assert MARKER not in warehouse_text(warehouse)


def test_duckdb_reads_the_file_that_was_checked_not_what_the_name_leads_to(tmp_path, outside):
    landing = tmp_path / "landing"
    landing.mkdir()
    path = landing / "events.jsonl"
    path.write_text(event("checked") + "\n")
    landed = scan_landed(landing, path)
    with landed.path_for_duckdb() as readable, duckdb.connect() as connection:
        path.rename(landing / "elsewhere.jsonl")
        os.symlink(outside / "export.jsonl", path)
        read = connection.execute(
            f"select event_id from read_json('{readable}', format = 'newline_delimited')"
        ).fetchall()
    assert read == [("checked",)]


def test_a_folder_swapped_for_a_link_after_the_walk_is_refused(tmp_path, outside):
    landing = tmp_path / "landing"
    (landing / "sub").mkdir(parents=True)
    (landing / "sub" / "export.jsonl").write_text(event("inside") + "\n")
    files, refused = scan_landing(landing)
    assert refused == [] and files == [landing / "sub" / "export.jsonl"]
    (landing / "sub").rename(landing / "moved")
    os.symlink(outside, landing / "sub")
    scanned = scan_landed(landing, files[0])
    assert isinstance(scanned, RefusedEntry)
    assert scanned.reason == REFUSED_OUTSIDE


def test_file_names_that_are_not_utf8_are_stored_escaped(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    name = os.fsdecode(b"caf\xe9.jsonl")
    (landing / name).write_text(event("latin-name") + "\n")
    warehouse = tmp_path / "w.duckdb"
    ingest(landing, warehouse)
    assert rows(warehouse, "select _source_file, event_id from raw.events") == [
        ("caf\\udce9.jsonl", "latin-name")
    ]


def _python_reader(monkeypatch) -> None:
    monkeypatch.setattr(event_log, "stage_event_logs", lambda *_: False)


@pytest.mark.parametrize("reader", ["duckdb", "python"])
def test_a_poison_file_never_fails_ingestion_and_the_next_run_goes_on(
    tmp_path, monkeypatch, reader
):
    """One line nested 10,000 levels deep, in a known field, in the labels and in a field
    nobody reads; the night after it ingests as usual."""
    if reader == "python":
        _python_reader(monkeypatch)
    deep = "[" * 10_000 + "]" * 10_000
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "poison.jsonl").write_text(
        "\n".join(
            [
                event("good-1"),
                event("deep-unknown")[:-1] + f', "unknown": {deep}}}',
                event("deep-duration")[:-1].replace('"duration_s": 30', f'"duration_s": {deep}')
                + "}",
                event("deep-labels")[:-1] + f', "labels": [{{"class": "car", "x": {deep}}}]}}',
                event("good-2"),
            ]
        )
        + "\n"
    )
    warehouse = tmp_path / "w.duckdb"
    summary = ingest(landing, warehouse)
    assert summary.files[0].status == "loaded"
    loaded = {event_id for (event_id,) in rows(warehouse, "select event_id from raw.events")}
    # DuckDB reads any depth: the unknown field is ignored and the labels kept, as it would.
    assert loaded == {"good-1", "good-2", "deep-unknown", "deep-labels"}
    assert rows(warehouse, "select record_number, field, reason from raw.quarantine") == [
        (3, "duration_s", "expected a number, got list")
    ]
    (landing / "next.jsonl").write_text(event("next-night") + "\n")
    statuses = {f.source_file: f.status for f in ingest(landing, warehouse).files}
    assert statuses == {"poison.jsonl": "unchanged", "next.jsonl": "loaded"}


def test_an_overlong_line_is_quarantined_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(text_records, "MAX_LINE_BYTES", 1000)
    _python_reader(monkeypatch)
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "long.jsonl").write_text(
        event("before") + "\n" + event("long", text="x" * 5000) + "\n" + event("after") + "\n"
    )
    warehouse = tmp_path / "w.duckdb"
    ingest(landing, warehouse)
    assert rows(warehouse, "select event_id, _record_number from raw.events order by 2") == [
        ("before", 1),
        ("after", 3),
    ]
    assert rows(warehouse, "select record_number, reason, excerpt from raw.quarantine") == [
        (2, text_records.OVERLONG, "")
    ]


def test_a_csv_field_over_the_size_limit_quarantines_its_row(tmp_path):
    header = "event_id,event_type,occurred_at,project_id,task_id,actor,text"
    good = "e{0},task_created,2026-09-07T09:00:00Z,p,t{0},system,short"
    huge = "e2,comment_added,2026-09-07T09:00:00Z,p,t2,ann," + "x" * (
        text_records.MAX_CSV_FIELD_CHARS + 10
    )
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "events.csv").write_text("\n".join([header, good.format(1), huge, good.format(3)]))
    warehouse = tmp_path / "w.duckdb"
    ingest(landing, warehouse)
    assert rows(warehouse, "select event_id from raw.events order by 1") == [("e1",), ("e3",)]
    [(number, reason)] = rows(warehouse, "select record_number, reason from raw.quarantine")
    assert number == 3 and reason.startswith("CSV row could not be read: field larger than")


def test_label_studio_exports_that_python_cannot_hold_are_quarantined(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    made = "2026-09-07T09:00:00.000000Z"
    annotation = {"id": 11, "completed_by": 3, "lead_time": 12.5, "result": [], "created_at": made}
    task = {"id": 1, "project": 7, "data": {}, "created_at": made, "annotations": [annotation]}
    (landing / "deep.json").write_text("[" + "[" * 10_000 + "]" * 10_000 + "]")
    (landing / "values.json").write_text(
        json.dumps(
            [
                task,
                {**task, "id": 2, "total_annotations": 2**40},
                {
                    **task,
                    "id": 3,
                    "annotations": [{**annotation, "id": 12, "lead_time": float("nan")}],
                },
                {
                    **task,
                    "id": 4,
                    "annotations": [
                        {**annotation, "id": 13, "result": [{"value": {"x": float("inf")}}]}
                    ],
                },
            ]
        )
    )
    warehouse = tmp_path / "w.duckdb"
    ingest(landing, warehouse)
    assert rows(warehouse, "select task_id from raw.label_studio_tasks order by 1") == [
        (1,),
        (3,),
        (4,),
    ]
    assert rows(
        warehouse,
        "select _source_file, record_number, field, reason from raw.quarantine order by all",
    ) == [
        ("deep.json", 0, None, "JSON nested too deeply to read"),
        (
            "values.json",
            2,
            "total_annotations",
            "expected a whole number from -2147483648 to 2147483647, got 1099511627776",
        ),
        ("values.json", 3, "annotations[0].lead_time", "expected a finite number, got NaN"),
        ("values.json", 4, "annotations[0].result", event_log.NON_FINITE),
    ]
