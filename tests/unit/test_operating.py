"""Operating commands: replaying a landed file, the warehouse lock."""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pytest

from dagster_project.cli import EXIT_BUSY, main
from dagster_project.lib.ingest.load import ingest_landing
from dagster_project.lib.ingest.replay import replay
from dagster_project.lib.night.run_lock import WarehouseBusy, warehouse_lock


def landed(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    (landing / "events").mkdir(parents=True)
    records = [
        {
            "event_id": "e1",
            "event_type": "annotation_submitted",
            "occurred_at": "2026-09-07T09:00:00Z",
            "project_id": "p",
            "task_id": "t1",
            "annotation_id": "a1",
            "actor": "ann",
            "duration_s": 30,
        },
        {
            "event_id": "e2",
            "event_type": "annotation_submitted",
            "occurred_at": "2026-09-07T09:00:00Z",
            "project_id": "p",
            "task_id": "t2",
            "annotation_id": "a2",
            "actor": "ann",
            "duration_s": -3,
        },
    ]
    (landing / "events" / "a.jsonl").write_text("\n".join(map(json.dumps, records)) + "\n")
    ingest_landing(landing, warehouse, log=lambda _: None, now=datetime(2026, 11, 23))
    return landing, warehouse


def counts(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(
            "select (select count(*) from raw.events), (select count(*) from raw.quarantine), "
            "(select count(*) from raw.ingest_manifest)"
        ).fetchone()


def test_a_replayed_file_is_forgotten_then_loaded_again_the_same(tmp_path):
    landing, warehouse = landed(tmp_path)
    assert counts(warehouse) == (1, 1, 1)
    assert replay(warehouse, ["events/a.jsonl"]) == {"events/a.jsonl": 1}
    assert counts(warehouse) == (0, 0, 0)
    summary = ingest_landing(landing, warehouse, log=lambda _: None, now=datetime(2026, 11, 23))
    assert [f.status for f in summary.files] == ["loaded"]
    assert counts(warehouse) == (1, 1, 1)


def test_replaying_an_unknown_file_changes_nothing_and_says_why(tmp_path, capsys):
    _, warehouse = landed(tmp_path)
    with pytest.raises(ValueError, match="not in .* ingest manifest: events/typo.jsonl"):
        replay(warehouse, ["events/a.jsonl", "events/typo.jsonl"])
    assert counts(warehouse) == (1, 1, 1)
    assert main(["replay", "events/typo.jsonl", "--warehouse", str(warehouse)]) == 2
    assert "events/typo.jsonl" in capsys.readouterr().err


def test_replay_refuses_while_a_night_holds_the_warehouse(tmp_path, capsys):
    _, warehouse = landed(tmp_path)
    with warehouse_lock(warehouse):
        assert main(["replay", "events/a.jsonl", "--warehouse", str(warehouse)]) == EXIT_BUSY
        with pytest.raises(WarehouseBusy), warehouse_lock(warehouse, wait_s=0.3, poll_s=0.1):
            pass
    assert "is in use by nightly run pid" in capsys.readouterr().err
    assert counts(warehouse) == (1, 1, 1)
