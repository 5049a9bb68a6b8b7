"""DuckDB-native reading of event-log JSON Lines equals the Python adapter + GX, record by record.

The same landing file is ingested twice into real DuckDB files: once natively (the default for
readable JSON Lines) and once with the native path switched off, so the Python adapter parses
it and GX validates it on pandas. Loaded rows and quarantine entries must be the same.
"""

from __future__ import annotations

import json
import os
from datetime import datetime

import duckdb
import pytest

import dagster_project.lib.ingest.adapters.event_log as event_log_reader
import dagster_project.lib.ingest.staging as staging_module
from dagster_project.lib.ingest.landing import scan_file
from dagster_project.lib.ingest.load import ingest_landing

NOW = datetime(2026, 11, 23, 12, 0, 0)


def _event(event_id: str, **fields) -> dict:
    record = {
        "event_id": event_id,
        "event_type": "annotation_submitted",
        "occurred_at": "2026-09-07T09:00:00Z",
        "project_id": "p",
        "task_id": "t1",
        "annotation_id": f"a-{event_id}",
        "actor": "ann@example.com",
        "duration_s": 30,
    }
    record.update(fields)
    return {key: value for key, value in record.items() if value is not ...}


RECORDS = [
    _event("good", labels=[{"class": "car", "vertices": 4, "bbox": [1, 2, 3, 4]}]),
    _event("offset", occurred_at="2026-09-07T11:00:00+02:00", confidence=0.5),
    _event("no-offset", occurred_at="2026-09-07 09:00:00", is_ground_truth="TRUE"),
    _event("numeric-text", duration_s="12.5", actor=42, object_count="3"),
    _event("labels-as-text", labels='[{"class": "bus", "vertices": "6"}]'),
    _event("no-actor", actor=""),
    _event("no-annotation", annotation_id=...),
    {**_event("stage-missing", event_type="stage_entered"), "annotation_id": None},
    _event("bad-time", occurred_at="yesterday"),
    _event("time-not-text", occurred_at=20260907),
    _event("bad-number", duration_s="fast"),
    _event("bool-number", duration_s=True),
    _event("float-text", actor=1.5),
    _event("object-text", stage={"name": "x"}),
    _event("fraction", object_count=2.5),
    _event("labels-object", labels={"class": "car"}),
    _event("labels-garbage", labels="not json"),
    _event("labels-no-class", labels=[{"shape": "bbox"}]),
    _event("labels-bad-vertices", labels=[{"class": "car", "vertices": 1.5}]),
    _event("bad-bool", is_ground_truth="maybe"),
    _event("negative", duration_s=-4),
    _event("too-long", duration_s=90000),
    _event("future", occurred_at="2031-01-01T00:00:00Z"),
    _event("unknown-type", event_type="task_teleported", annotation_id=...),
    _event("bad-confidence", confidence=1.5),
    _event("derived-counts", labels=[{"class": "a", "vertices": 3}, {"class": "b"}]),
]


def _ingest(tmp_path, name: str, native: bool, monkeypatch):
    landing, warehouse = tmp_path / "landing", tmp_path / f"{name}.duckdb"
    if not landing.exists():
        landing.mkdir()
        text = "\n".join(json.dumps(record) for record in RECORDS) + "\n"
        (landing / "events.jsonl").write_text(text)
    if not native:
        monkeypatch.setattr(event_log_reader, "stage_event_logs", lambda *_: False)
    summary = ingest_landing(landing, warehouse, log=lambda _: None, now=NOW)
    monkeypatch.undo()
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select * exclude (_file_hash) from raw.events order by _record_number"
        ).fetchall()
        quarantine = connection.execute(
            "select record_number, field, detected_by from raw.quarantine order by record_number"
        ).fetchall()
        results = connection.execute(
            "select expectation, column_name, success, element_count, unexpected_count "
            "from raw.validation_results order by all"
        ).fetchall()
    return summary, rows, quarantine, results


def test_native_reading_equals_the_python_adapter_and_gx(tmp_path, monkeypatch):
    native = _ingest(tmp_path, "native", True, monkeypatch)
    python = _ingest(tmp_path, "python", False, monkeypatch)
    assert native[1] == python[1]
    assert native[2] == python[2]
    assert native[3] == python[3]
    assert native[0].rows_loaded == python[0].rows_loaded == 7
    loaded = {row[0] for row in native[1]}
    assert loaded == {
        "good",
        "offset",
        "no-offset",
        "numeric-text",
        "labels-as-text",
        "unknown-type",
        "derived-counts",
    }


def test_the_native_path_is_the_one_taken_for_readable_json_lines(tmp_path, monkeypatch):
    calls = []
    original = event_log_reader.stage_event_logs

    def spy(connection, path):
        calls.append(path)
        return original(connection, path)

    monkeypatch.setattr(event_log_reader, "stage_event_logs", spy)
    (tmp_path / "landing").mkdir()
    (tmp_path / "landing" / "a.jsonl").write_text(json.dumps(_event("e1")) + "\n")
    ingest_landing(tmp_path / "landing", tmp_path / "w.duckdb", log=lambda _: None, now=NOW)
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("content", "blank"),
    [
        (b'{"a":1}\n{"a":2}\n', False),
        (b'{"a":1}\n\n{"a":2}\n', True),
        (b'\n{"a":1}\n', True),
        (b'{"a":1}\n  \t\r\n{"a":2}', True),
        (b'{"a":1}\r\n{"a":2}\r\n', False),
    ],
)
def test_blank_lines_are_detected_so_line_numbers_stay_exact(tmp_path, content, blank):
    path = tmp_path / "f.jsonl"
    path.write_bytes(content)
    assert scan_file(path)[1] is blank


def test_record_numbers_are_line_numbers_in_a_file_read_on_several_threads(tmp_path):
    """75 MB: several of DuckDB's read buffers, scanned by both threads. Every loaded row and
    every quarantined one keeps the number of its line."""
    padding = "x" * 60_000
    bad_lines = {2, 601, 1199}
    lines = []
    for line in range(1, 1201):
        record = _event(f"e{line}", text=padding)
        if line in bad_lines:
            record["duration_s"] = "fast"
        lines.append(json.dumps(record))
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "big.jsonl").write_text("\n".join(lines) + "\n")
    warehouse = tmp_path / "w.duckdb"
    ingest_landing(landing, warehouse, log=lambda _: None, now=NOW)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        loaded = connection.execute("select event_id, _record_number from raw.events").fetchall()
        quarantined = connection.execute("select record_number from raw.quarantine").fetchall()
    assert len(loaded) == 1200 - len(bad_lines)
    assert all(event_id == f"e{number}" for event_id, number in loaded)
    assert {number for (number,) in quarantined} == bad_lines


def _landed_name(path: str) -> str:
    """The name of the file DuckDB is given: it reads a landed file through the descriptor
    the night opened and checked (landing.py), whose link names the file."""
    return os.path.basename(os.readlink(path) if path.startswith("/proc/self/fd/") else path)


def _landing_of_several_files(landing):
    """Five event logs of one batch: good and bad records, one file DuckDB cannot read (a
    broken line), one with a blank line, one the same as another, one empty."""
    landing.mkdir()
    files = {
        "a.jsonl": [_event("a1"), _event("a2", duration_s="fast"), _event("a3")],
        "b.jsonl": [_event("b1", actor=""), _event("b2"), _event("b3"), _event("b4")],
        "d.jsonl": [_event("a1"), _event("a2", duration_s="fast"), _event("a3")],
        "e.jsonl": [_event("e1", labels=[{"class": "car", "vertices": 1.5}]), _event("e2")],
    }
    for name, records in files.items():
        (landing / name).write_text("\n".join(json.dumps(r) for r in records) + "\n")
    (landing / "c.jsonl").write_text(json.dumps(_event("c1")) + "\n{broken\n")
    (landing / "f.jsonl").write_text(json.dumps(_event("f1")) + "\n\n" + json.dumps(_event("f2")))
    (landing / "g.jsonl").write_text("")


def _warehouse_rows(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return [
            connection.execute(sql).fetchall()
            for sql in (
                "select * exclude (_file_hash) from raw.events order by _source_file, "
                "_record_number",
                "select _source_file, record_number, field, reason, detected_by from "
                "raw.quarantine order by all",
                "select source_file, adapter, status, duplicate_of, rows_loaded, "
                "rows_quarantined from raw.ingest_manifest order by source_file",
            )
        ]


def test_files_staged_together_load_as_files_staged_one_by_one(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    _landing_of_several_files(landing)
    calls = []
    original = event_log_reader.stage_event_logs

    def spy(connection, paths):
        calls.append([_landed_name(path) for path in paths])
        return original(connection, paths)

    monkeypatch.setattr(event_log_reader, "stage_event_logs", spy)
    ingest_landing(landing, tmp_path / "together.duckdb", log=lambda _: None, now=NOW)
    # One scan of every new event log DuckDB may read; it fails on c.jsonl, so each is staged
    # on its own and c.jsonl goes to the adapter.
    assert calls[0] == ["a.jsonl", "b.jsonl", "c.jsonl", "d.jsonl", "e.jsonl"]
    assert calls[1:] == [["a.jsonl"], ["b.jsonl"], ["c.jsonl"], ["e.jsonl"]]
    (landing / "c.jsonl").unlink()
    calls.clear()
    ingest_landing(landing, tmp_path / "readable.duckdb", log=lambda _: None, now=NOW)
    assert calls == [["a.jsonl", "b.jsonl", "d.jsonl", "e.jsonl"]]
    monkeypatch.setattr(staging_module, "STAGE_BATCH_FILES", 1)
    calls.clear()
    ingest_landing(landing, tmp_path / "one-by-one.duckdb", log=lambda _: None, now=NOW)
    assert calls == [["a.jsonl"], ["b.jsonl"], ["e.jsonl"]]

    together = _warehouse_rows(tmp_path / "readable.duckdb")
    assert together == _warehouse_rows(tmp_path / "one-by-one.duckdb")
    events, quarantine, manifest = together
    assert [(row[0], row[-1]) for row in events if row[-2] == "e.jsonl"] == [("e2", 2)]
    assert [row[:3] for row in quarantine if row[0] != "f.jsonl"] == [
        ("a.jsonl", 2, "duration_s"),
        ("b.jsonl", 1, "actor"),
        ("e.jsonl", 1, "labels[0].vertices"),
        ("g.jsonl", 0, None),
    ]
    assert [row[:4] for row in manifest if row[0] == "d.jsonl"] == [
        ("d.jsonl", None, "duplicate", "a.jsonl")
    ]
    # With the unreadable file, every other file loads as it does without it.
    with_broken = _warehouse_rows(tmp_path / "together.duckdb")
    assert [row for row in with_broken[0] if row[-2] != "c.jsonl"] == events
    assert [row for row in with_broken[1] if row[0] != "c.jsonl"] == quarantine
    assert any(row[0] == "c.jsonl" and row[1] == 2 for row in with_broken[1])


def test_a_file_named_like_a_pattern_loads_its_own_records_only(tmp_path):
    """DuckDB reads a path as a glob pattern: ``a[1].jsonl`` would be read as ``a1.jsonl`` and
    ``b*.jsonl`` as every file starting with b. Such files are read by the adapter instead."""
    landing = tmp_path / "landing"
    landing.mkdir()
    names = ["a1.jsonl", "a[1].jsonl", "b*.jsonl", "b-other.jsonl", "c.jsonl", "d?.jsonl"]
    for number, name in enumerate(names):
        (landing / name).write_text(json.dumps(_event(f"e{number}")) + "\n")
    ingest_landing(landing, tmp_path / "w.duckdb", log=lambda _: None, now=NOW)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as connection:
        loaded = connection.execute(
            "select _source_file, event_id, _record_number from raw.events order by all"
        ).fetchall()
    assert loaded == sorted((name, f"e{number}", 1) for number, name in enumerate(names))
