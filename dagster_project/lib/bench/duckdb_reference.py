"""Runs the bare-DuckDB reference (``benchmarks/reference/``) in one DuckDB process::

    python -m dagster_project.lib.bench.duckdb_reference LANDING DATABASE

1. ``raw_events.sql``: the landed files read with ``read_json`` (written by hand);
2. ``marts.sql``: the SQL models that read no statistics mart;
3. ``statistics.json``: each statistics mart computed once, here, by the same ``lib.stats``
   function the warehouse calls, on this process's tables (no Dagster, dbt, GX or site);
4. ``after_statistics.sql``: the SQL models that read a statistics mart.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.lib.bench.reference_sql import (
    AFTER_STATISTICS_SQL,
    MARTS_SQL,
    RAW_SQL,
    STATISTICS_JSON,
)
from dagster_project.lib.ingest.raw_tables import BOOKKEEPING_DDL, DATA_TABLES, create_table_sql
from dagster_project.lib.settings import DBT_PROJECT_DIR
from dagster_project.lib.stats.marts import compute


def script(landing: Path) -> str:
    raw = RAW_SQL.read_text()
    raw = raw.replace("__LANDING__", str(landing.resolve())).replace(
        "__SEEDS__", str(DBT_PROJECT_DIR / "seeds")
    )
    # The other tools' raw tables, empty (the generated data has only event logs).
    empty = "\n".join(create_table_sql(table) for table in DATA_TABLES if table != "events")
    # A bare script keeps no ingestion bookkeeping: the marts that report on it read empty tables.
    return "\n".join((raw, empty, BOOKKEEPING_DDL, MARTS_SQL.read_text()))


def build_statistics_marts(connection: duckdb.DuckDBPyConnection, marts: list[dict]) -> None:
    for mart in marts:
        relations = mart["relations"]

        def read(name: str, columns: list[str] | None, relations=relations) -> pd.DataFrame:
            projection = ", ".join(f'"{column}"' for column in columns) if columns else "*"
            return connection.sql(f"select {projection} from {relations[name]}").df()

        result = compute(mart["name"], read, mart["config"])
        connection.register("statistics_result", result)
        schema = mart["table"].split(".")[0]
        connection.execute(f"create schema if not exists {schema}")
        connection.execute(
            f"create or replace table {mart['table']} as select * from statistics_result"
        )
        connection.unregister("statistics_result")


def run(landing: Path, database: Path) -> None:
    with duckdb.connect(str(database)) as connection:
        connection.execute(script(landing))
        build_statistics_marts(connection, json.loads(STATISTICS_JSON.read_text()))
        connection.execute(AFTER_STATISTICS_SQL.read_text())


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(sys.argv[2]))
