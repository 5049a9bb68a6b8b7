"""The statistics marts that are incremental by subject recompute exactly the subjects whose
inputs changed: an untouched subject's rows are kept as stored, a subject whose stored hash is
stale is recomputed, a subject that no longer has inputs is dropped. Real dbt on a copy of the
benchmark's incremental warehouse."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
from support.bench_nights import bench_nights, same_contents, table_contents

from dagster_project.lib.settings import DBT_PROJECT_DIR, WAREHOUSE_ENV
from dagster_project.lib.stats.drift import DRIFT_COLUMNS

DRIFT = "marts.mart_drift"
KEPT_P_VALUE = 0.123456789  # a p-value no test computes: only a kept row can still hold it
P_VALUE = DRIFT_COLUMNS.index("p_value")  # its position in a row of the mart


def _dbt_run(warehouse: Path, target: Path, model: str) -> None:
    dbt = Path(sys.executable).parent / "dbt"
    completed = subprocess.run(
        [str(dbt), "run", "--select", model, "--target-path", str(target),
         "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
        env={**os.environ, WAREHOUSE_ENV: str(warehouse)},
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout[-3000:]


def _rows(warehouse: Path, where: str = "true") -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return table_contents(connection, f"(select * from {DRIFT} where {where})")


def test_mart_drift_recomputes_only_subjects_whose_inputs_changed(tmp_path):
    nights = bench_nights()
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(nights.incremental, warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        subjects = connection.execute(
            f"select distinct project_key, subject from {DRIFT} "
            "where subject_type = 'annotator' and p_value is not null order by all limit 2"
        ).fetchall()
        (kept_project, kept), (stale_project, stale) = subjects
        # Untouched inputs, but a value no computation gives: kept only if not recomputed.
        connection.execute(
            f"update {DRIFT} set p_value = ? where project_key = ? and subject = ? "
            "and p_value is not null",
            [KEPT_P_VALUE, kept_project, kept],
        )
        # A stale hash with wrong figures: must be recomputed.
        connection.execute(
            f"update {DRIFT} set inputs_hash = 'stale', value = -5 "
            "where project_key = ? and subject = ?",
            [stale_project, stale],
        )
        # A subject without inputs any more: must be dropped.
        connection.execute(
            f"insert into {DRIFT} select * replace ('nobody any more' as subject) from {DRIFT} "
            "where project_key = ? and subject = ?",
            [stale_project, kept],
        )
    kept_filter = f"not (project_key = '{kept_project}' and subject = '{kept}')"

    _dbt_run(warehouse, tmp_path / "target", "mart_drift")
    rebuilt = _rows(nights.rebuilt, kept_filter)
    assert same_contents(_rows(warehouse, kept_filter), rebuilt)
    kept_rows = _rows(warehouse, f"project_key = '{kept_project}' and subject = '{kept}'")
    assert kept_rows and {row[P_VALUE] for row in kept_rows} <= {KEPT_P_VALUE, None}
    assert KEPT_P_VALUE in {row[P_VALUE] for row in kept_rows}
    assert _rows(warehouse, "subject = 'nobody any more'") == []

    # Nothing changed since: nothing is computed and the table stays as it is.
    before = _rows(warehouse)
    _dbt_run(warehouse, tmp_path / "target", "mart_drift")
    assert _rows(warehouse) == before
