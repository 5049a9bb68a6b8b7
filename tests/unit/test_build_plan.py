"""When a night may fold in only what landed (incremental models) and when it must rebuild
every model: decided from the real bookkeeping tables in a real DuckDB file."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from dagster_project.lib.ingest.raw_tables import create_raw_tables_sql
from dagster_project.lib.night import build_plan
from dagster_project.lib.night import fingerprint as night_fingerprint

CODE = "code-of-last-night"
LANDED = datetime(2026, 11, 20, 2, 0)
TONIGHT = datetime(2026, 11, 21, 2, 0)


def _land(connection, name, content_hash="h", adapter="event_log_jsonl", status="loaded",
          at=LANDED):  # fmt: skip
    connection.execute(
        "insert or replace into raw.ingest_manifest values (?, 1, ?, ?, ?, null, 1, 0, ?)",
        [name, content_hash, adapter, status, at],
    )


@pytest.fixture
def warehouse(tmp_path):
    """A warehouse whose last successful night was built from two event-log files."""
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(create_raw_tables_sql())
        _land(connection, "events/a.jsonl")
        _land(connection, "events/b.jsonl")
    night_fingerprint.record_started(path, "last-night", "fingerprint", CODE)
    night_fingerprint.record_succeeded(path, "last-night")
    with duckdb.connect(str(path)) as connection:
        yield connection


def test_event_log_files_landed_since_the_last_success_are_tonights_increment(warehouse):
    _land(warehouse, "events/c.jsonl", at=TONIGHT)
    _land(warehouse, "events/c.csv", adapter="event_log_csv", at=TONIGHT)
    _land(warehouse, "events/broken.jsonl", status="rejected", at=TONIGHT)
    plan = build_plan.plan_build(warehouse, CODE)
    assert not plan.full_refresh
    assert plan.increment_files == ("events/c.csv", "events/c.jsonl")
    build_plan.write_increment(warehouse, plan)
    assert warehouse.execute(
        "select source_file from nightly.increment_files order by 1"
    ).fetchall() == [("events/c.csv",), ("events/c.jsonl",)]


def test_nothing_landed_is_an_empty_increment(warehouse):
    plan = build_plan.plan_build(warehouse, CODE)
    assert not plan.full_refresh and plan.increment_files == ()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda c: None, "code"),  # same data, other code: checked with another fingerprint
        (
            lambda c: c.execute(
                "delete from raw.ingest_manifest where source_file = 'events/a.jsonl'"
            ),
            "replaced or forgotten",
        ),  # fmt: skip
        (
            lambda c: _land(c, "events/a.jsonl", content_hash="other", at=TONIGHT),
            "replaced or forgotten",
        ),  # fmt: skip
        (
            lambda c: _land(c, "label_studio/export.json", adapter="label_studio_json", at=TONIGHT),
            "not event logs",
        ),  # fmt: skip
    ],
)
def test_what_an_increment_cannot_prove_rebuilds_everything(warehouse, change, reason):
    change(warehouse)
    code = "changed-code" if reason == "code" else CODE
    plan = build_plan.plan_build(warehouse, code)
    assert plan.full_refresh and reason in plan.reason
    build_plan.write_increment(warehouse, plan)
    assert warehouse.execute("select count(*) from nightly.increment_files").fetchone() == (0,)


def test_a_failed_night_leaves_its_files_in_the_next_increment(warehouse, tmp_path):
    _land(warehouse, "events/c.jsonl", at=TONIGHT)
    warehouse.close()
    path = tmp_path / "w.duckdb"
    night_fingerprint.record_started(path, "failed-night", "fingerprint-2", CODE)  # never succeeded
    with duckdb.connect(str(path)) as connection:
        _land(connection, "events/d.jsonl", at=TONIGHT)
        plan = build_plan.plan_build(connection, CODE)
    assert plan.increment_files == ("events/c.jsonl", "events/d.jsonl")


def test_no_earlier_success_and_the_override_rebuild_everything(tmp_path, warehouse, monkeypatch):
    fresh = duckdb.connect(str(tmp_path / "fresh.duckdb"))
    fresh.execute(create_raw_tables_sql())
    assert build_plan.plan_build(fresh, CODE).full_refresh
    plan = build_plan.plan_build(warehouse, CODE, full_refresh=True)
    assert plan.full_refresh and "ANNOLYTICS_FULL_REFRESH" in plan.reason
