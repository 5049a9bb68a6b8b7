"""A later night that lands 1 % more events (mostly dated in the past) on an existing warehouse
gives every table of the warehouse exactly what one night over all the files gives."""

from __future__ import annotations

import duckdb
from bench_nights import bench_nights, same_contents, table_contents

LAYERS = ("staging", "intermediate", "core", "marts")


def _tables(warehouse) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return [
            f"{schema}.{name}"
            for schema, name in connection.execute(
                "select schema_name, table_name from duckdb_tables() "
                f"where schema_name in {LAYERS} order by all"
            ).fetchall()
        ]


def _contents(warehouse, table: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return table_contents(connection, table)


def test_incremental_night_equals_a_full_rebuild():
    nights = bench_nights()
    tables = _tables(nights.rebuilt)
    assert "core.fct_annotations" in tables and "marts.mart_reworks" in tables
    assert _tables(nights.incremental) == tables
    differing = [
        table
        for table in tables
        if not same_contents(_contents(nights.incremental, table), _contents(nights.rebuilt, table))
    ]
    assert differing == []


def test_the_later_night_added_events_dated_before_the_history_ended():
    nights = bench_nights()
    with duckdb.connect(str(nights.incremental), read_only=True) as connection:
        late, history_end = connection.execute(
            "select count(*) filter (where source_file like 'late/%' "
            "and occurred_at < (select max(occurred_at) from staging.stg_events__events "
            "where source_file not like 'late/%')), "
            "(select max(occurred_at) from staging.stg_events__events) "
            "from staging.stg_events__events"
        ).fetchone()
    assert late > 0 and history_end is not None
