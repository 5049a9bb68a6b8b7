"""A later night that lands 1 % more events (mostly dated in the past) on an existing warehouse
gives every table of the warehouse exactly what one night over all the files gives."""

from __future__ import annotations

import duckdb
from support.bench_nights import bench_nights, same_contents, table_contents

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


# Tonight's increment itself (which tasks the later night touched): bookkeeping, not data.
INCREMENT_TASKS = "staging.stg_events__increment_tasks"


def test_incremental_night_equals_a_full_rebuild():
    nights = bench_nights()
    tables = _tables(nights.rebuilt)
    assert "core.fct_annotations" in tables and "marts.mart_reworks" in tables
    assert _tables(nights.incremental) == tables
    differing = [
        table
        for table in tables
        if table != INCREMENT_TASKS
        and not same_contents(
            _contents(nights.incremental, table), _contents(nights.rebuilt, table)
        )
    ]
    assert differing == []


def test_the_later_night_rebuilt_only_the_tasks_its_files_touched():
    nights = bench_nights()
    with duckdb.connect(str(nights.incremental), read_only=True) as connection:
        touched, tasks, late_tasks = connection.execute(
            f"select (select count(*) from {INCREMENT_TASKS}), "
            "(select count(*) from core.fct_tasks), "
            "(select count(distinct task_key) from staging.stg_events__events "
            "where source_file like 'late/%')"
        ).fetchone()
        increment = connection.execute(
            "select count(*), count(*) filter (where source_file like 'late/%') "
            "from nightly.increment_files"
        ).fetchone()
    assert increment[0] == increment[1] > 0  # the later night's files, and only those
    assert late_tasks <= touched < tasks / 2  # an increment, not a rebuild
    with duckdb.connect(str(nights.rebuilt), read_only=True) as connection:
        assert connection.execute(f"select count(*) from {INCREMENT_TASKS}").fetchone() == (0,)


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


def _published(warehouse) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tables = connection.execute(
            "select schema_name || '.' || table_name from duckdb_tables() "
            "where schema_name in ('core', 'marts') order by 1"
        ).fetchall()
        return {
            t: connection.execute(f"select * from {t} order by all").fetchall() for (t,) in tables
        }


def _builds(warehouse) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(
            "select run_id, fingerprint, succeeded_at is not null from nightly.builds "
            "order by started_at"
        ).fetchall()


def test_a_night_with_nothing_new_skips_the_build_and_a_forced_one_gives_the_same_bytes(
    tmp_path, monkeypatch, capfd
):
    from support.nights import FIXTURES, run_nightly

    from dagster_project.lib.night.fingerprint import FORCE_ENV

    files = {"hand_computed.jsonl": FIXTURES / "events" / "hand_computed.jsonl"}
    first = run_nightly(tmp_path, files)
    assert first.exit_code == 0
    (built,) = _builds(first.warehouse)
    assert built[2]  # the first night succeeded and said so
    marts = _published(first.warehouse)
    index = first.site / "index.html"
    page, stamp = index.read_bytes(), index.stat().st_mtime_ns
    capfd.readouterr()

    quiet = run_nightly(tmp_path)
    assert quiet.exit_code == 0
    assert "Nothing new since the last successful night" in capfd.readouterr().err
    assert _builds(quiet.warehouse) == [built]  # no build started
    assert (index.read_bytes(), index.stat().st_mtime_ns) == (page, stamp)

    monkeypatch.setenv(FORCE_ENV, "1")
    forced = run_nightly(tmp_path)
    assert forced.exit_code == 0
    builds = _builds(forced.warehouse)
    assert len(builds) == 2 and builds[1][1] == built[1] and builds[1][2]
    assert _published(forced.warehouse) == marts  # the rebuilt night is byte-identical
