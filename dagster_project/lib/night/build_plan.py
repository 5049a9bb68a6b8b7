"""Whether tonight's dbt build may fold in only what landed since the last successful night
(the incremental models rebuild just the tasks those files touch) or must rebuild every model
from all of raw (``dbt build --full-refresh``).

An increment is only trusted when it can be proved to give what a full rebuild gives: the code
is the one the last successful night was built with, every file that night was built from is
still loaded unchanged, and what landed since are event-log files (append-only records keyed by
task). Anything else (no earlier success, changed code or dependency, a file replaced or
forgotten, a Label Studio export, which replaces its tasks wholesale) means a full rebuild.
Re-applying an increment is harmless (the models delete and rebuild the touched tasks), so a
night that failed half way is simply folded in again by the next one.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from dagster_project.lib.night.fingerprint import SCHEMA
from dagster_project.lib.settings import FULL_REFRESH_ENV

# Set to 1 to rebuild every model from all of raw whatever the plan says.
INCREMENT_TABLE = f"{SCHEMA}.increment_files"
EVENT_LOG_ADAPTERS = ("event_log_jsonl", "event_log_csv")

_DDL = f"""
create schema if not exists {SCHEMA};
create table if not exists {INCREMENT_TABLE} (source_file varchar primary key);
"""


@dataclass(frozen=True)
class BuildPlan:
    full_refresh: bool
    reason: str
    increment_files: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.full_refresh:
            return f"Full rebuild of every model: {self.reason}."
        return (
            f"Incremental build: {self.reason}; only the tasks their records touch are rebuilt "
            f"in the incremental models. Set {FULL_REFRESH_ENV}=1 to rebuild everything."
        )


def _full(reason: str) -> BuildPlan:
    return BuildPlan(full_refresh=True, reason=reason)


def _examples(names: list[str]) -> str:
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def plan_build(
    connection: duckdb.DuckDBPyConnection,
    code: str,
    full_refresh: bool = False,
    engine: str = "duckdb",
) -> BuildPlan:
    """The plan for tonight, from ``nightly.builds`` / ``nightly.build_files`` and the ingest
    manifest; ``code`` is tonight's ``fingerprint.code_fingerprint``."""
    if full_refresh:
        return _full(f"{FULL_REFRESH_ENV} is set")
    if engine == "spark":
        return _full("the spark engine builds every model (Parquet tables take no DELETE)")
    has_builds = connection.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = 'build_files'",
        [SCHEMA],
    ).fetchone()[0]
    last = None
    if has_builds:
        last = connection.execute(
            f"select run_id, code_fingerprint from {SCHEMA}.builds "
            "where succeeded_at is not null order by succeeded_at desc limit 1"
        ).fetchone()
    if last is None:
        return _full("no earlier night succeeded on this warehouse")
    run_id, last_code = last
    if last_code != code:
        return _full(
            "the code (dbt project, expectations, report pages or the annolytics package) or a "
            "dependency's version changed since the last successful night"
        )
    gone = [
        name
        for (name,) in connection.execute(
            f"""
            select built.source_file
            from {SCHEMA}.build_files as built
            left join raw.ingest_manifest as manifest
                on manifest.source_file = built.source_file
                and manifest.content_hash = built.content_hash
                and manifest.ingested_at = built.ingested_at
            where built.run_id = ? and manifest.source_file is null
            order by 1
            """,
            [run_id],
        ).fetchall()
    ]
    if gone:
        return _full(
            f"{len(gone)} file(s) the last successful night was built from were replaced or "
            f"forgotten since ({_examples(gone)})"
        )
    landed = connection.execute(
        f"""
        select manifest.source_file, manifest.adapter, manifest.status
        from raw.ingest_manifest as manifest
        anti join (select source_file from {SCHEMA}.build_files where run_id = ?) as built
            using (source_file)
        order by 1
        """,
        [run_id],
    ).fetchall()
    loaded = [(name, adapter) for name, adapter, status in landed if status == "loaded"]
    other = [name for name, adapter in loaded if adapter not in EVENT_LOG_ADAPTERS]
    if other:
        return _full(
            f"{len(other)} file(s) that are not event logs landed ({_examples(other)}); an "
            "export replaces its tasks as a whole"
        )
    files = tuple(name for name, _ in loaded)
    return BuildPlan(
        full_refresh=False,
        reason=f"{len(files)} event-log file(s) loaded since the last successful night"
        + (f" ({_examples(list(files))})" if files else ""),
        increment_files=files,
    )


def write_increment(connection: duckdb.DuckDBPyConnection, plan: BuildPlan) -> None:
    """The files the incremental models fold in tonight (dbt source nightly.increment_files);
    empty on a full rebuild, where every model reads all of raw."""
    connection.execute(_DDL)
    connection.execute("begin")
    connection.execute(f"delete from {INCREMENT_TABLE}")
    if plan.increment_files and not plan.full_refresh:
        connection.executemany(
            f"insert into {INCREMENT_TABLE} values (?)", [[name] for name in plan.increment_files]
        )
    connection.execute("commit")


def plan_and_record(
    warehouse, code: str, full_refresh: bool = False, engine: str = "duckdb"
) -> BuildPlan:
    with duckdb.connect(str(warehouse)) as connection:
        plan = plan_build(connection, code, full_refresh, engine)
        write_increment(connection, plan)
    return plan
