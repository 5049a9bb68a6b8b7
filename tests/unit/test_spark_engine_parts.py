"""The Spark engine's parts that need no cluster: its settings, the raw layer's Parquet files,
the statistics marts' total order, the two dbt passes and the copy back's timestamps."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from dagster_project.lib.engine import spark_mirror, spark_night, spark_raw
from dagster_project.lib.ingest.load import connect
from dagster_project.lib.settings import DBT_PROJECT_DIR, Settings, SettingsError
from dagster_project.lib.stats.marts import STATISTICS_MARTS, in_total_order


def test_the_engine_is_duckdb_unless_asked():
    assert Settings.from_env({}).engine == "duckdb"
    assert Settings.from_env({}).dbt_target == "duckdb"


def test_spark_needs_a_connect_server_named_in_the_error():
    with pytest.raises(SettingsError, match="ANNOLYTICS_SPARK_CONNECT_URL"):
        Settings.from_env({"ANNOLYTICS_ENGINE": "spark"})
    with pytest.raises(SettingsError, match="ANNOLYTICS_ENGINE"):
        Settings.from_env({"ANNOLYTICS_ENGINE": "postgres"})
    with pytest.raises(SettingsError, match="sc://host:15002"):
        Settings.from_env({"ANNOLYTICS_SPARK_CONNECT_URL": "http://host:15002"})


def test_spark_settings_reach_dbt_and_the_raw_folder_sits_beside_the_warehouse(tmp_path):
    settings = Settings.from_env(
        {"ANNOLYTICS_SPARK_CONNECT_URL": "sc://127.0.0.1:15002"}
    ).with_paths(warehouse=tmp_path / "w.duckdb")
    assert settings.with_engine(None).engine == "duckdb"
    spark = settings.with_engine("spark")
    assert spark.dbt_target == "spark_connect"
    assert spark.dbt_env()["ANNOLYTICS_SPARK_CONNECT_URL"] == "sc://127.0.0.1:15002"
    assert spark.spark_raw_folder == tmp_path / "w.spark"


NOON = dt.datetime(2026, 1, 1, 12)


def _warehouse_with_two_files(path):
    connection = connect(path)
    # What the build plan writes before the models run (the incremental nights' task list).
    connection.execute("create schema nightly")
    connection.execute("create table nightly.increment_files (source_file varchar)")
    for digest, record_count in (("aaa", 2), ("bbb", 1)):
        for number in range(record_count):
            connection.execute(
                "insert into raw.events (event_id, occurred_at, _source_file, _record_number,"
                " _file_hash) values (?, ?, ?, ?, ?)",
                [f"{digest}-{number}", NOON, f"{digest}.jsonl", number, digest],
            )
    return connection


def test_each_landed_file_becomes_one_parquet_file_written_once(tmp_path):
    connection = _warehouse_with_two_files(tmp_path / "w.duckdb")
    root = tmp_path / "spark"
    first = spark_raw.export_raw_layer(connection, root)
    events = root / "raw" / "events"
    assert sorted(path.name for path in events.glob("*.parquet")) == ["aaa.parquet", "bbb.parquet"]
    assert first.written >= 2
    again = spark_raw.export_raw_layer(connection, root)
    assert again.kept == first.kept + 2  # the events' two files are not written again
    rows = duckdb.sql(f"select event_id from '{events / 'aaa.parquet'}' order by 1").fetchall()
    assert rows == [("aaa-0",), ("aaa-1",)]
    # A file that left the warehouse (forgotten, replaced) leaves the Parquet folder.
    connection.execute("delete from raw.events where _file_hash = 'bbb'")
    gone = spark_raw.export_raw_layer(connection, root)
    assert gone.removed == 1
    assert [path.name for path in events.glob("*.parquet")] == ["aaa.parquet"]


def test_parallel_writers_write_what_one_writer_writes(tmp_path):
    connection = _warehouse_with_two_files(tmp_path / "w.duckdb")
    for digest in ("ccc", "ddd", "eee", "fff"):
        connection.execute(
            "insert into raw.events (event_id, occurred_at, _source_file, _record_number,"
            " _file_hash) values (?, ?, ?, 0, ?)",
            [f"{digest}-0", NOON, f"{digest}.jsonl", digest],
        )
    one, four = tmp_path / "one", tmp_path / "four"
    assert spark_raw.export_raw_layer(connection, one, workers=1).written == (
        spark_raw.export_raw_layer(connection, four, workers=4).written
    )
    written = sorted(path.relative_to(one) for path in one.rglob("*.parquet"))
    assert written == sorted(path.relative_to(four) for path in four.rglob("*.parquet"))
    assert len([path for path in written if path.parent.name == "events"]) == 6
    for path in written:
        assert duckdb.sql(f"select * from '{one / path}'").fetchall() == (
            duckdb.sql(f"select * from '{four / path}'").fetchall()
        )
    assert not list(four.rglob("*.partial"))


def test_every_raw_table_is_declared_with_its_schema(tmp_path):
    connection = _warehouse_with_two_files(tmp_path / "w.duckdb")
    tables = spark_raw.raw_tables(connection)
    statements = spark_raw.register_statements(tables, tmp_path / "spark")
    events = next(s for s in statements if s.startswith("create table raw.events "))
    assert "`occurred_at` timestamp" in events and "`_record_number` bigint" in events
    assert "using parquet location 'file://" in events
    assert any(
        s == "create table nightly.increment_files (`source_file` string) using parquet "
        f"location '{(tmp_path / 'spark' / 'nightly' / 'increment_files').as_uri()}'"
        for s in statements
    )


def test_statistics_inputs_are_read_in_one_total_order_whatever_the_engine_returned():
    frame = pd.DataFrame({"a": ["b", None, "a", "a"], "b": [1.0, 2.0, None, 0.5]})
    ordered = in_total_order(frame)
    assert ordered["a"].tolist()[:3] == ["a", "a", "b"] and pd.isna(ordered["a"].iloc[3])
    assert ordered["b"].iloc[0] == 0.5 and pd.isna(ordered["b"].iloc[1])
    assert in_total_order(frame.iloc[::-1]).equals(ordered)


def _manifest() -> dict:
    return json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())


def test_every_python_model_has_its_statistics_and_the_two_passes_split_the_project():
    manifest = _manifest()
    python = spark_night.python_model_names(manifest)
    assert sorted(python) == sorted(STATISTICS_MARTS)
    first = spark_night.sql_pass_selection(manifest)
    assert first[0] == "--exclude" and "mart_agreement+" in first[1].split()
    second = spark_night.dependants_pass_selection(manifest)
    assert second[-2:] == ["--indirect-selection", "empty"]
    excluded = second[1].split()
    # The first pass built fct_annotations; the second must not build it again, nor the
    # statistics marts, but does build what reads them (mart_alerts) and their tests.
    assert "fqn:annolytics.marts.core.fct_annotations" in excluded
    assert "fqn:annolytics.marts.agreement.mart_agreement" in excluded
    assert not any(name.endswith("mart_alerts") for name in excluded)
    assert not any(name == "not_null_mart_agreement_subject" for name in excluded)


def test_the_copy_back_keeps_utc_wall_times_and_covers_what_the_report_reads():
    instant = pa.array([dt.datetime(2026, 1, 1, 12)], type=pa.timestamp("us", tz="UTC"))
    table = spark_mirror._without_time_zone(pa.table({"at": instant}))
    assert table.schema.field("at").type == pa.timestamp("us")
    assert table.column("at").to_pylist() == [dt.datetime(2026, 1, 1, 12)]
    relations = spark_mirror.mirrored_relations(_manifest())
    assert ("marts", "mart_alerts") in relations and ("core", "fct_annotations") in relations
    assert ("staging", "stg_ingest__files") in relations
    assert not any(schema == "intermediate" for schema, _ in relations)
