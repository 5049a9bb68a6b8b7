"""The same warehouse on Apache Spark: over the same landed files, a night with ``--engine
spark`` on a real multi-process Spark (standalone master, one worker, a Spark Connect server
whose driver runs on that master; support/spark_cluster.py) gives every fact, dimension and
mart table of the DuckDB night, row for row and value for value.

The landing folder holds every tool's fixture export, the gold study and a small generated
event log with the planted case studies, so every model has rows on both engines.
"""

from __future__ import annotations

import math
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from support.gold_study import gold_study_export
from support.nights import Night
from support.spark_cluster import local_spark_cluster
from support.tools import tools_landing

from dagster_project.cli import run_night
from dagster_project.lib.settings import SPARK_CONNECT_URL_ENV, overlaid_environment
from dagster_project.lib.synthetic import generate

COMPARED_SCHEMAS = ("core", "marts")
# Change detection only: each engine hashes with its own 64-bit function (docs/spark.md).
ENGINE_HASHES = {("marts", "mart_drift"): {"inputs_hash"}}


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("spark_landing")
    folder = root / "landing"
    generate(folder / "events", events=4_000, seed=11)
    files = tools_landing(root)
    files["label_studio/gold_study.json"] = gold_study_export(root / "gold_study.json")
    for name, source in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return folder


def _night(root: Path, landing: Path, engine: str | None = None) -> Night:
    shutil.copytree(landing, root / "landing")
    night = Night(root / "landing", root / "warehouse.duckdb", root / "site", 0)
    night.exit_code = run_night(night.landing, night.warehouse, night.site, engine=engine)
    return night


@pytest.fixture(scope="module")
def duckdb_night(landing, tmp_path_factory) -> Night:
    return _night(tmp_path_factory.mktemp("duckdb_night"), landing)


@pytest.fixture(scope="module")
def spark_night(landing, tmp_path_factory) -> Night:
    root = tmp_path_factory.mktemp("spark_night")
    with (
        local_spark_cluster(root / "cluster") as cluster,
        overlaid_environment({SPARK_CONNECT_URL_ENV: cluster.connect_url}),
    ):
        night = _night(root, landing, engine="spark")
        # The work ran on the worker's executor, not in the driver alone.
        executors = cluster.driver_api(
            f"applications/{cluster.driver_api('applications')[0]['id']}/executors"
        )
        night.executor_tasks = sum(
            executor["completedTasks"] for executor in executors if executor["id"] != "driver"
        )
        # The night closed its session while the server was up: an open one makes pyspark's
        # exit hook call the stopped server and retry for minutes (pytest hung after its summary).
        from pyspark.sql.connect.session import SparkSession as ConnectSession

        night.open_session = ConnectSession.getActiveSession() or ConnectSession._default_session
    return night


def _tables(night: Night) -> list[tuple[str, str]]:
    return [
        tuple(row)
        for row in night.rows(
            "select table_schema, table_name from information_schema.tables"
            f" where table_schema in {COMPARED_SCHEMAS} order by 1, 2"
        )
    ]


def _comparable(value):
    """One value as both engines' rows can be compared: numbers by value (an integer column
    may be int32 on one engine and int64 on the other), NaN equal to NaN."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return tuple(_comparable(item) for item in value)
    return value


def _sort_key(row: tuple) -> tuple:
    return tuple((value is None, str(type(value).__name__), str(value)) for value in row)


def _rows(night: Night, schema: str, table: str) -> tuple[list[str], list[tuple]]:
    with duckdb.connect(str(night.warehouse), read_only=True) as connection:
        cursor = connection.execute(f"select * from {schema}.{table}")
        columns = [column[0] for column in cursor.description]
        ignored = ENGINE_HASHES.get((schema, table), set())
        kept = [index for index, name in enumerate(columns) if name not in ignored]
        rows = [tuple(_comparable(row[index]) for index in kept) for row in cursor.fetchall()]
    return [columns[index] for index in kept], sorted(rows, key=_sort_key)


def test_the_spark_night_succeeds_on_the_cluster(duckdb_night, spark_night):
    assert duckdb_night.exit_code == 0
    assert spark_night.exit_code == 0
    assert spark_night.executor_tasks > 0
    assert (spark_night.site / "index.html").is_file()
    assert spark_night.open_session is None


def test_spark_builds_every_fact_dimension_and_mart(duckdb_night, spark_night):
    duckdb_tables = _tables(duckdb_night)
    assert len(duckdb_tables) > 40
    assert _tables(spark_night) == duckdb_tables


def test_every_table_equals_the_duckdb_nights_row_for_row(duckdb_night, spark_night):
    differing = []
    for schema, table in _tables(duckdb_night):
        expected_columns, expected = _rows(duckdb_night, schema, table)
        columns, rows = _rows(spark_night, schema, table)
        if columns != expected_columns:
            differing.append(f"{schema}.{table}: columns {columns} != {expected_columns}")
        elif rows != expected:
            missing = [row for row in expected if row not in rows][:2]
            extra = [row for row in rows if row not in expected][:2]
            differing.append(
                f"{schema}.{table}: {len(rows)} rows vs {len(expected)}; "
                f"DuckDB only {missing}; Spark only {extra}"
            )
    assert not differing, "\n".join(differing)


def test_the_tables_hold_rows_on_both_engines(duckdb_night, spark_night):
    """The comparison means something: the facts and the statistics marts are not empty."""
    for relation in ("core.fct_annotations", "marts.mart_agreement", "marts.mart_alerts"):
        count = spark_night.rows(f"select count(*) from {relation}")[0][0]
        assert count > 0, relation
        assert count == duckdb_night.rows(f"select count(*) from {relation}")[0][0]


def test_timestamps_keep_their_wall_time(duckdb_night, spark_night):
    query = "select min(completed_at), max(completed_at) from core.fct_annotations"
    first, last = spark_night.rows(query)[0]
    assert isinstance(first, datetime) and first.tzinfo is None
    assert (first, last) == tuple(duckdb_night.rows(query)[0])
    assert isinstance(spark_night.rows("select min(day) from core.dim_date")[0][0], date)
