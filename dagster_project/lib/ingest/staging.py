"""Files DuckDB reads itself, staged before they are loaded.

An adapter either stages a file (DuckDB reads it into the adapter's ``staged_table``, typed,
each record with its verdict) or yields its rows; ``Staging.staged_number`` asks it once per
file. Files an adapter stages are read together, up to STAGE_BATCH_BYTES of them in one scan (a
scan has a fixed cost: planning the checks, the last row group left to one thread); a batch
DuckDB cannot read whole is staged one file at a time, and a file it cannot read is parsed by
the adapter instead. Staging happens outside the file's transaction, so a file DuckDB refuses
cannot abort it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from dagster_project.lib.ingest.adapters import ADAPTERS, Adapter
from dagster_project.lib.ingest.landing import LandedFile, LandedFileChanged, paths_for_duckdb
from dagster_project.lib.ingest.raw_tables import DATA_TABLES, RAW_SCHEMA
from dagster_project.lib.quality.suite_sql import SqlExpectation, UnsupportedSuite, compile_suite

# Files staged together: up to this many bytes, held in memory as read and as typed until the
# last of them is loaded, and this many files.
STAGE_BATCH_BYTES = 256 * 2**20
STAGE_BATCH_FILES = 64


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except FileNotFoundError:
        return 0  # gone since the walk: the scan says so


def batches(files: list[Path]) -> Iterator[list[Path]]:
    """Consecutive files of up to STAGE_BATCH_BYTES (or one larger file) and STAGE_BATCH_FILES."""
    batch: list[Path] = []
    size = 0
    for path in files:
        file_size = _size(path)
        if batch and (size + file_size > STAGE_BATCH_BYTES or len(batch) >= STAGE_BATCH_FILES):
            yield batch
            batch, size = [], 0
        batch.append(path)
        size += file_size
    if batch:
        yield batch


class Staging:
    """The staged files of one batch, and the raw suite each staging adapter's rows are checked
    with (as SQL: the suite compiled for DuckDB)."""

    def __init__(self, connection, now: datetime):
        self.connection = connection
        self.now = now
        self._numbers: dict[Path, int] = {}
        self._alone: str | None = None  # the table of a file staged on its own
        self._checks: dict[str, list[SqlExpectation] | None] = {}

    def checks(self, adapter: Adapter) -> list[SqlExpectation] | None:
        """The adapter's raw suite as SQL, or None when it uses an expectation SQL cannot
        express (its files are then parsed and validated by GX on pandas, as any other)."""
        table = adapter.tables[0]
        if table not in self._checks:
            try:
                self._checks[table] = compile_suite(
                    f"{RAW_SCHEMA}_{table}",
                    list(DATA_TABLES[table]),
                    {"latest_allowed_time": self.now + timedelta(days=1)},
                )
            except UnsupportedSuite:
                self._checks[table] = None
        return self._checks[table]

    def _stages(self, landed: LandedFile, adapter: Adapter | None) -> bool:
        return adapter is not None and adapter.stages(landed) and self.checks(adapter) is not None

    def stage_batch(self, files: list[tuple[LandedFile, Adapter | None]]) -> None:
        """Stage in one scan the files of the batch their adapter stages (two or more of one
        adapter); nothing when DuckDB cannot read one of them."""
        self.clear()
        staged = [(landed, adapter) for landed, adapter in files if self._stages(landed, adapter)]
        if len(staged) < 2 or len({adapter.name for _, adapter in staged}) > 1:
            return
        adapter = staged[0][1]
        try:
            with paths_for_duckdb([landed for landed, _ in staged]) as readable:
                if not adapter.stage(self.connection, readable):
                    return
        except LandedFileChanged:
            return  # each file is staged alone, and the changed one deferred
        self._numbers = {landed.path: number for number, (landed, _) in enumerate(staged)}

    def staged_number(self, landed: LandedFile, adapter: Adapter | None) -> int | None:
        """The file's number in its adapter's staged table, staging it alone when it was not
        staged with its batch; None when its adapter parses it (or DuckDB cannot read it)."""
        if not self._stages(landed, adapter):
            return None
        if landed.path in self._numbers:
            return self._numbers[landed.path]
        with paths_for_duckdb([landed]) as readable:
            if not adapter.stage(self.connection, readable):
                return None
        self._alone = adapter.staged_table
        return 0

    def release_alone(self) -> None:
        """Drop the table of a file staged on its own (its batch's stays for the others)."""
        if self._alone:
            self.connection.execute(f"drop table if exists {self._alone}")
            self._alone = None

    def clear(self) -> None:
        for table in {adapter.staged_table for adapter in ADAPTERS} - {None}:
            self.connection.execute(f"drop table if exists {table}")
        self._numbers, self._alone = {}, None
