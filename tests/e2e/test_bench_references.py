"""The benchmark's references compute what the warehouse computes, on a small generated set:
the bare-DuckDB script every table (the statistics marts by the same lib.stats functions, and
the SQL models reading them), the pandas script its two marts."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd
import pytest
from support.bench_nights import bench_nights, same_contents, table_contents

from dagster_project.lib.bench import duckdb_reference, pandas_reference
from dagster_project.lib.stats.marts import STATISTICS_MARTS

LAYERS = ("staging", "intermediate", "core", "marts")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    database = tmp_path_factory.mktemp("reference") / "reference.duckdb"
    duckdb_reference.run(bench_nights().all_files, database)
    return database


def test_bare_duckdb_reference_computes_every_table_of_the_warehouse(reference):
    with duckdb.connect(str(reference), read_only=True) as connection:
        tables = [
            f"{schema}.{name}"
            for schema, name in connection.execute(
                "select schema_name, table_name from duckdb_tables() "
                f"where schema_name in {LAYERS} order by all"
            ).fetchall()
        ]
        expected = {table: table_contents(connection, table) for table in tables}
    assert "marts.mart_reworks" in tables and "marts.mart_throughput_daily" in tables
    # The statistics marts, computed once each in the reference's own process, and the SQL
    # models that read them.
    statistics = [f"marts.{mart}" for mart in STATISTICS_MARTS]
    assert set(statistics) | {"marts.mart_alerts", "marts.mart_accuracy_vs_speed"} <= set(tables)
    assert expected["marts.mart_agreement"] and expected["marts.mart_alerts"]
    with duckdb.connect(str(bench_nights().rebuilt), read_only=True) as warehouse:
        assert expected["marts.mart_reworks"], "the reference computed an empty mart"
        # The script keeps no ingestion bookkeeping (raw.ingest_manifest, ...): the staging
        # views over it differ by design, and the marts over them are empty on clean data.
        compared = [t for t in tables if not t.startswith("staging.stg_ingest__")]
        differing = [
            t for t in compared if not same_contents(table_contents(warehouse, t), expected[t])
        ]
    assert differing == []


def _frame(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    rows = rows.sort_values(key).reset_index(drop=True)
    for column in rows.columns:
        if (
            rows[column].dtype == object
            and rows[column].map(lambda v: isinstance(v, date | datetime)).any()
        ):
            rows[column] = pd.to_datetime(rows[column])
    return rows


@pytest.mark.parametrize(
    ("mart", "key"), [("mart_annotator_performance", "annotator"), ("mart_reworks", "person")]
)
def test_pandas_reference_computes_the_same_two_marts(mart, key):
    computed = pandas_reference.build(bench_nights().all_files)[mart]
    with duckdb.connect(str(bench_nights().rebuilt), read_only=True) as connection:
        warehouse = connection.execute(f"select * from marts.{mart}").df()
    assert len(warehouse) > 10
    expected = _frame(warehouse, key)
    actual = _frame(computed[list(warehouse.columns)], key)
    for column in expected.columns:
        if pd.api.types.is_datetime64_any_dtype(expected[column]):
            actual[column] = pd.to_datetime(actual[column]).astype(expected[column].dtype)
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False, check_exact=False)
