"""Runs the bare-DuckDB reference (``benchmarks/reference/*.sql``) in one DuckDB process::

python -m dagster_project.lib.bench.duckdb_reference LANDING DATABASE
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from dagster_project.lib.bench.reference_sql import MARTS_SQL, RAW_SQL
from dagster_project.lib.ingest.raw_tables import BOOKKEEPING_DDL, DATA_TABLES, create_table_sql
from dagster_project.lib.settings import DBT_PROJECT_DIR


def script(landing: Path) -> str:
    raw = RAW_SQL.read_text()
    raw = raw.replace("__LANDING__", str(landing.resolve())).replace(
        "__SEEDS__", str(DBT_PROJECT_DIR / "seeds")
    )
    # The other tools' raw tables, empty (the generated data has only event logs).
    empty = "\n".join(create_table_sql(table) for table in DATA_TABLES if table != "events")
    # A bare script keeps no ingestion bookkeeping: the marts that report on it read empty tables.
    return "\n".join((raw, empty, BOOKKEEPING_DDL, MARTS_SQL.read_text()))


def run(landing: Path, database: Path) -> None:
    with duckdb.connect(str(database)) as connection:
        connection.execute(script(landing))


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(sys.argv[2]))
