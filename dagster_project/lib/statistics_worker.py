"""The statistics of a dbt Python model computed in a worker process.

dbt runs its models on threads of one process, and the statistics marts are Python (pandas,
scipy, krippendorff) that holds the interpreter lock: two of them at once share one core, and
at 10 M events they are the end of every build (agreement and drift ran one after the other
for ~25 s while the second core idled). Here the model's inputs go to Parquet files (DuckDB
writes them without the lock), a fresh interpreter (worker_process.py) reads them, computes
and writes the result to Parquet, and the model returns that result as a relation on dbt's
connection. The worker reads each input in its total order, as the models did, so the same
rows give the same figures.
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


def compute_in_worker(
    session: duckdb.DuckDBPyConnection,
    function: Callable[..., pd.DataFrame],
    inputs: dict[str, duckdb.DuckDBPyRelation],
    what: str,
    **options: Any,
) -> duckdb.DuckDBPyRelation:
    """``function(**{name: frame of relation}, **options)`` in a worker process, returned as a
    relation on ``session`` (dbt's connection, so an incremental model can append it).
    ``function`` must be a module-level function; ``what`` names the model in an error."""
    with tempfile.TemporaryDirectory(prefix="annolytics-statistics-") as folder:
        paths = {}
        for name, relation in inputs.items():
            paths[name] = str(Path(folder) / f"{name}.parquet")
            relation.write_parquet(paths[name])
        call = _Call(function, paths, str(Path(folder) / "result.parquet"), options)
        worker = WorkerProcess(Path(folder) / "call", _compute, call, f"{what} statistics")
        try:
            worker.result()
        finally:
            worker.stop()
        # Read into memory before the folder goes: dbt creates the table after the model returns.
        result = session.read_parquet(call.output).to_arrow_table()
    return session.from_arrow(result)
