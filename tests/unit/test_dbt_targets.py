"""dbt target folders, one per warehouse: marked with their warehouse, and removed once it is
gone (a test session builds hundreds of warehouses)."""

from __future__ import annotations

import os
import time

from dagster_project.lib.night import dbt_targets


def test_a_folder_lives_as_long_as_its_warehouse(tmp_path):
    nights = tmp_path / "nights"
    kept_warehouse = tmp_path / "kept.duckdb"
    gone_warehouse = tmp_path / "gone.duckdb"
    kept_warehouse.write_bytes(b"")
    gone_warehouse.write_bytes(b"")
    kept = dbt_targets.claim(nights, kept_warehouse)
    gone = dbt_targets.claim(nights, gone_warehouse)
    (gone / "partial_parse.msgpack").write_bytes(b"x")
    assert kept != gone
    assert (kept / dbt_targets.MARKER).read_text() == str(kept_warehouse)
    assert dbt_targets.prune(nights, kept) == []  # both warehouses exist
    gone_warehouse.unlink()
    assert dbt_targets.prune(nights, kept) == [gone]
    assert kept.is_dir() and not gone.exists()
    # The same warehouse path again gets the same folder.
    assert dbt_targets.claim(nights, kept_warehouse) == kept


def test_tonights_folder_is_kept_even_when_its_warehouse_is_not_there_yet(tmp_path):
    nights = tmp_path / "nights"
    tonight = dbt_targets.claim(nights, tmp_path / "not-yet.duckdb")
    assert dbt_targets.prune(nights, tonight) == []
    assert tonight.is_dir()


def test_unmarked_folders_are_removed_only_when_old(tmp_path):
    nights = tmp_path / "nights"
    keep = dbt_targets.claim(nights, tmp_path / "w.duckdb")
    recent, old = nights / "aaaaaaaaaaaa", nights / "bbbbbbbbbbbb"
    recent.mkdir()
    old.mkdir()
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    assert dbt_targets.prune(nights, keep) == [old]
    assert recent.is_dir()
