"""Ingestion into a real DuckDB file: manifest, idempotence, replacement, quarantine, GX."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.ingest.load import ingest_landing
from dagster_project.lib.settings import REPO_ROOT

NOW = datetime(2026, 11, 23, 12, 0, 0)


def event(event_id: str, **overrides) -> str:
    record = {
        "event_id": event_id,
        "event_type": "annotation_submitted",
        "occurred_at": "2026-09-07T09:00:00Z",
        "project_id": "p",
        "task_id": "t1",
        "annotation_id": f"a-{event_id}",
        "actor": "ann",
        "duration_s": 30,
    }
    record.update(overrides)
    return json.dumps(record)


def ingest(landing: Path, warehouse: Path):
    return ingest_landing(landing, warehouse, log=lambda _: None, now=NOW)


def query(warehouse: Path, sql: str):
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_second_ingest_of_the_same_files_loads_nothing(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    landing.mkdir()
    (landing / "a.jsonl").write_text(event("e1") + "\n" + event("e2") + "\n")
    first = ingest(landing, warehouse)
    second = ingest(landing, warehouse)
    assert first.rows_loaded == 2 and first.count("loaded") == 1
    assert second.rows_loaded == 0 and second.count("unchanged") == 1
    assert query(warehouse, "select count(*) from raw.events") == [(2,)]
    manifest = query(
        warehouse,
        "select source_file, status, rows_loaded, size_bytes, "
        "length(content_hash) from raw.ingest_manifest",
    )
    assert manifest == [("a.jsonl", "loaded", 2, (landing / "a.jsonl").stat().st_size, 64)]


def test_new_version_of_a_file_replaces_its_rows(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    landing.mkdir()
    (landing / "a.jsonl").write_text(event("e1") + "\n" + event("e2") + "\n")
    ingest(landing, warehouse)
    (landing / "a.jsonl").write_text(event("e1", duration_s=99) + "\n")
    ingest(landing, warehouse)
    assert query(warehouse, "select event_id, duration_s from raw.events") == [("e1", 99.0)]


def test_same_content_under_another_name_is_a_duplicate(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    landing.mkdir()
    (landing / "a.jsonl").write_text(event("e1") + "\n")
    (landing / "copy-of-a.jsonl").write_text(event("e1") + "\n")
    summary = ingest(landing, warehouse)
    assert [(f.source_file, f.status) for f in summary.files] == [
        ("a.jsonl", "loaded"),
        ("copy-of-a.jsonl", "duplicate"),
    ]
    assert query(warehouse, "select count(*) from raw.events") == [(1,)]


def test_bad_records_are_quarantined_and_good_ones_kept(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    landing.mkdir()
    lines = [
        event("e1"),
        "garbage",
        event("e3", duration_s=-4),
        event("e4", duration_s=90000),
        event("e5", occurred_at="2031-01-01T00:00:00Z"),
        event("e6", event_type="task_moved"),
    ]
    (landing / "a.jsonl").write_text("\n".join(lines) + "\n")
    (landing / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    summary = ingest(landing, warehouse)
    assert summary.rows_loaded == 2  # e1 and the unknown-but-kept e6
    quarantined = query(
        warehouse,
        "select _source_file, record_number, field, detected_by "
        "from raw.quarantine order by _source_file, record_number",
    )
    assert quarantined == [
        ("a.jsonl", 2, None, "parser"),
        ("a.jsonl", 3, "duration_s", "gx:raw_events"),
        ("a.jsonl", 4, "duration_s", "gx:raw_events"),
        ("a.jsonl", 5, "occurred_at", "gx:raw_events"),
        ("photo.png", 0, None, "parser"),
    ]
    assert query(
        warehouse, "select status from raw.ingest_manifest where source_file = 'photo.png'"
    ) == [("rejected",)]
    warnings = [w for f in summary.files for w in f.warnings]
    assert any("event_type" in w and "1 of 5 rows" in w for w in warnings)


def test_a_failed_file_leaves_no_partial_rows(tmp_path, monkeypatch):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    landing.mkdir()
    (landing / "a.jsonl").write_text(event("e1") + "\n")
    import dagster_project.lib.ingest.load as ingest_module

    def explode(*args, **kwargs):
        raise RuntimeError("killed mid-file")

    monkeypatch.setattr(ingest_module._FileLoader, "finish", explode)
    with pytest.raises(RuntimeError, match="killed mid-file"):
        ingest(landing, warehouse)
    assert query(warehouse, "select count(*) from raw.events") == [(0,)]
    assert query(warehouse, "select count(*) from raw.ingest_manifest") == [(0,)]
    monkeypatch.undo()
    assert ingest(landing, warehouse).rows_loaded == 1


def test_files_committed_before_a_kill_survive_without_a_checkpoint(tmp_path):
    """Ingestion raises DuckDB's checkpoint threshold: committed files live in the WAL until
    the connection closes, so a process killed mid-night must still keep every one of them."""
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    landing.mkdir()
    (landing / "a.jsonl").write_text(event("e1") + "\n" + event("e2") + "\n")
    (landing / "b.jsonl").write_text(event("e3") + "\n")
    script = f"""
import os
from datetime import datetime
from pathlib import Path
import dagster_project.lib.ingest.load as ingest_module

calls = []

def kill_on_second_file(name):
    calls.append(name)
    if len(calls) == 2:
        os._exit(9)  # no rollback, no close, no checkpoint

ingest_module.failpoint = kill_on_second_file
ingest_module.ingest_landing(
    Path({str(landing)!r}), Path({str(warehouse)!r}), log=lambda _: None,
    now=datetime({NOW.year}, {NOW.month}, {NOW.day}),
)
"""
    done = subprocess.run([sys.executable, "-c", script], check=False)
    assert done.returncode == 9
    assert Path(f"{warehouse}.wal").exists()  # a.jsonl is in the WAL, not yet checkpointed
    assert query(warehouse, "select source_file, rows_loaded from raw.ingest_manifest") == [
        ("a.jsonl", 2)
    ]
    assert query(warehouse, "select count(*) from raw.events") == [(2,)]
    assert ingest(landing, warehouse).rows_loaded == 1
    assert query(warehouse, "select count(*) from raw.events") == [(3,)]


def test_ingestion_bounds_duckdb_memory_like_dbt(tmp_path, monkeypatch):
    """DuckDB's default limit is 80 % of RAM: at 10 M events ingestion alone reached 3.4 GB.
    It takes the limit dbt's profile takes, from the same variable."""
    from dagster_project.lib.ingest.load import connect
    from dagster_project.lib.settings import Settings

    query = "select value from duckdb_settings() where name = 'memory_limit'"

    def limit_of(connection) -> str:
        try:
            return connection.execute(query).fetchone()[0]
        finally:
            connection.close()

    def limit_set_to(value: str) -> str:  # as DuckDB shows it, e.g. "1.8 GiB"
        return limit_of(duckdb.connect(config={"memory_limit": value}))

    assert limit_set_to("2GB") != limit_of(duckdb.connect())  # the default is not 2 GB here
    monkeypatch.delenv("ANNOLYTICS_DUCKDB_MEMORY_LIMIT", raising=False)
    default = Settings.from_env().duckdb_memory_limit
    assert limit_of(connect(tmp_path / "default.duckdb", default)) == limit_set_to("2GB")
    monkeypatch.setenv("ANNOLYTICS_DUCKDB_MEMORY_LIMIT", "300MB")
    chosen = Settings.from_env().duckdb_memory_limit
    assert limit_of(connect(tmp_path / "set.duckdb", chosen)) == limit_set_to("300MB")
    assert Settings.from_env().dbt_env()["ANNOLYTICS_DUCKDB_MEMORY_LIMIT"] == "300MB"
    profile = (REPO_ROOT / "dbt" / "profiles.yml").read_text()
    assert "env_var('ANNOLYTICS_DUCKDB_MEMORY_LIMIT', '2GB')" in profile
