"""The statistics of a dbt Python model computed in worker processes.

dbt runs its models on threads of one process, and the statistics marts are Python (pandas,
scipy, krippendorff) that holds the interpreter lock: two of them at once shared one core, and
at 10 M events they were the end of every build while the second core idled. Here the model's
inputs go to Parquet files (DuckDB writes them without the lock), fresh interpreters
(worker_process.py) read them, compute and write their results to Parquet, and the model
returns those results as one relation on dbt's connection. A worker reads each input in its
total order, as the models did, so the same rows give the same figures.

Every statistics mart computes a project from that project's rows alone, so a large input is
shared among several workers by project (the largest project first onto the lightest worker).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from .worker_process import WorkerProcess

# Below this many rows in the first input one worker does it all: another interpreter costs
# about a second of start-up (the demo's and the tests' marts stay in one worker).
ROWS_PER_WORKER = 200_000
PROJECT = "project_key"


@dataclass(frozen=True)
class _Call:
    function: Callable[..., pd.DataFrame]
    inputs: dict[str, str]  # the function's argument name -> the Parquet file of its frame
    output: str
    options: dict[str, Any] = field(default_factory=dict)


def _compute(call: _Call) -> int:
    """In the worker: the frames in their total order, the function, the result to Parquet."""
    with duckdb.connect() as connection:
        frames = {
            name: connection.read_parquet(path).order("all").df()
            for name, path in call.inputs.items()
        }
        result = call.function(**frames, **call.options)
        connection.from_df(result).write_parquet(call.output)
    return len(result)


def project_shards(rows_by_project: dict[str | None, int], workers: int) -> list[list]:
    """At most ``workers`` groups of projects of about equal rows, largest project first onto
    the lightest group (ties by name, rows without a project as ``None``); one group when the
    rows are too few to share, and an empty one when there are none."""
    total = sum(rows_by_project.values())
    count = max(1, min(workers, len(rows_by_project), total // ROWS_PER_WORKER))
    load = [0] * count
    shards: list[list] = [[] for _ in range(count)]
    for project, rows in sorted(rows_by_project.items(), key=lambda item: (-item[1], str(item[0]))):
        lightest = min(range(count), key=lambda shard: (load[shard], shard))
        shards[lightest].append(project)
        load[lightest] += rows
    return [shard for shard in shards if shard] or [[]]  # no rows: one worker all the same


def _of_projects(relation: duckdb.DuckDBPyRelation, projects: list) -> duckdb.DuckDBPyRelation:
    named = [project for project in projects if project is not None]
    conditions = [f"{PROJECT} is null"] if len(named) < len(projects) else []
    if named:
        listed = ", ".join("'" + project.replace("'", "''") + "'" for project in named)
        conditions.append(f"{PROJECT} in ({listed})")
    return relation.filter(" or ".join(conditions))


def compute_in_worker(
    session: duckdb.DuckDBPyConnection,
    function: Callable[..., pd.DataFrame],
    inputs: dict[str, duckdb.DuckDBPyRelation],
    what: str,
    workers: int = 1,
    **options: Any,
) -> duckdb.DuckDBPyRelation:
    """``function(**{name: frame of relation}, **options)`` in worker processes, returned as a
    relation on ``session`` (dbt's connection, so an incremental model can append it).

    ``function`` must be a module-level function that computes each project from its own rows
    (every input has ``project_key``): the projects are shared among up to ``workers`` processes
    by their rows in the first input, and the results are put together in that order. ``what``
    names the model in an error."""
    first = next(iter(inputs.values()))
    counts = first.aggregate(f"{PROJECT}, count(*)", PROJECT).fetchall()
    shards = project_shards(dict(counts), workers)
    with tempfile.TemporaryDirectory(prefix="annolytics-statistics-") as folder:
        calls = []
        for number, projects in enumerate(shards):
            paths = {}
            for name, relation in inputs.items():
                paths[name] = str(Path(folder) / f"{name}-{number}.parquet")
                part = relation if len(shards) == 1 else _of_projects(relation, projects)
                part.write_parquet(paths[name])
            output = str(Path(folder) / f"result-{number}.parquet")
            calls.append(_Call(function, paths, output, options))
        running = [
            WorkerProcess(Path(folder) / f"call-{number}", _compute, call, f"{what} statistics")
            for number, call in enumerate(calls)
        ]
        try:
            for worker in running:
                worker.result()
        finally:
            for worker in running:
                worker.stop()
        # Read into memory before the folder goes: dbt creates the table after the model returns.
        # By name: a column with no value in one worker's projects is typed by the others'.
        results = session.read_parquet([call.output for call in calls], union_by_name=True)
        result = results.to_arrow_table()
    return session.from_arrow(result)
