"""Nights shared by the benchmark tests (built once per test session, real DuckDB, dbt, GX):
the same generated files ingested as history + a later night, and all at once."""

from __future__ import annotations

import math
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dagster_project.cli import run_night
from dagster_project.lib.bench.data import write_increment
from dagster_project.lib.synthetic import generate

HISTORY_EVENTS = 12_000
SEED = 11


@dataclass(frozen=True)
class BenchNights:
    all_files: Path  # landing folder: history and the later night's files
    incremental: Path  # warehouse: history night, then the later night
    rebuilt: Path  # warehouse: one night over all files


@cache
def bench_nights() -> BenchNights:
    root = Path(tempfile.mkdtemp(prefix="annolytics-bench-nights-"))
    history = root / "history"
    generate(history, events=HISTORY_EVENTS, seed=SEED)
    write_increment(root / "increment", HISTORY_EVENTS, SEED)
    incremental = root / "incremental.duckdb"
    assert run_night(history, incremental, root / "site-incremental") == 0
    shutil.copytree(root / "increment" / "late", history / "late")
    assert run_night(history, incremental, root / "site-incremental") == 0
    everything = root / "everything"
    shutil.copytree(history, everything)
    rebuilt = root / "rebuilt.duckdb"
    assert run_night(everything, rebuilt, root / "site-rebuilt") == 0
    return BenchNights(everything, incremental, rebuilt)


def table_contents(connection, table: str) -> list[tuple]:
    """Rows of ``table`` in a stable order, floats rounded to 9 decimals: DuckDB sums in
    parallel, so the last bits of a float sum depend on the order rows arrive in."""
    rows = connection.execute(f"select * from {table}").fetchall()
    return sorted((tuple(_normalised(v) for v in row) for row in rows), key=repr)


def _normalised(value):
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 9)
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value


def same_contents(left: list[tuple], right: list[tuple]) -> bool:
    """Equal rows, floats equal to 1e-9 relative, except that a figure a mart rounds to cents
    (``round(sum(...), 2)``) may differ by one cent: the float sum under the rounding can land
    either side of a half cent depending on summation order."""
    if len(left) != len(right):
        return False
    key = lambda row: repr(tuple(v for v in row if not isinstance(v, float)))  # noqa: E731
    for a, b in zip(sorted(left, key=key), sorted(right, key=key), strict=True):
        for x, y in zip(a, b, strict=True):
            if isinstance(x, float) and isinstance(y, float):
                cents = round(x, 2) == x and round(y, 2) == y
                if not math.isclose(x, y, rel_tol=1e-9) and not (cents and abs(x - y) < 0.0101):
                    return False
            elif x != y:
                return False
    return True
