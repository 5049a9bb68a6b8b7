"""Incremental, idempotent ingestion of the landing folder into the raw layer.

A manifest records every landed file (path, size, content hash, rows, status). Per file, in
one transaction: the rows of any earlier version of the same path are replaced, bad records
go to ``raw.quarantine`` with file, record number, field and reason, and the GX raw suite
runs on each batch before it is inserted. A file already ingested with the same content is
skipped; the same content under a second name is recorded as a duplicate and not loaded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from .adapters import Rejection, Row, adapter_for
from .adapters.base import excerpt
from .raw_tables import DATA_TABLES, RAW_SCHEMA, create_raw_tables_sql
from .validation import BatchReport, Validator

CHUNK_ROWS = 100_000
QUARANTINE_COLUMNS = (
    "_source_file",
    "_file_hash",
    "record_number",
    "target_table",
    "field",
    "reason",
    "detected_by",
    "excerpt",
)


@dataclass
class FileOutcome:
    source_file: str
    status: str  # loaded | unchanged | duplicate | rejected
    adapter: str | None = None
    rows_loaded: int = 0
    rows_quarantined: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestSummary:
    files: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    def as_metadata(self) -> dict[str, int]:
        return {
            "files_seen": len(self.files),
            "files_loaded": self.count("loaded"),
            "files_unchanged": self.count("unchanged"),
            "files_duplicate": self.count("duplicate"),
            "files_rejected": self.count("rejected"),
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
        }


def landed_files(landing: Path) -> list[Path]:
    """Files to consider, in a stable order; hidden and partial (``.part``/``.tmp``) files wait."""
    if not landing.exists():
        return []
    return sorted(
        path
        for path in landing.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(landing).parts)
        and path.suffix not in {".part", ".tmp"}
    )


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(warehouse))
    connection.execute(create_raw_tables_sql())
    return connection


class _FileLoader:
    """Streams one file's rows into raw tables in chunks, validating each chunk with GX."""

    def __init__(
        self,
        connection,
        validator: Validator,
        source_file: str,
        digest: str,
        latest_allowed_time: datetime,
    ):
        self.connection = connection
        self.validator = validator
        self.source_file = source_file
        self.digest = digest
        self.parameters = {"latest_allowed_time": latest_allowed_time}
        self.buffers: dict[str, list[Row]] = {}
        self.quarantine: list[tuple] = []
        self.rows_loaded = 0
        self.reports: list[BatchReport] = []

    def reject(self, rejection: Rejection, table: str | None, detected_by: str) -> None:
        self.quarantine.append(
            (
                self.source_file,
                self.digest,
                rejection.record_number,
                table,
                rejection.field,
                rejection.reason,
                detected_by,
                rejection.excerpt,
            )
        )

    def add(self, row: Row) -> None:
        buffer = self.buffers.setdefault(row.table, [])
        buffer.append(row)
        if len(buffer) >= CHUNK_ROWS:
            self.flush(row.table)

    def flush(self, table: str) -> None:
        rows = self.buffers.pop(table, [])
        if not rows:
            return
        columns = list(DATA_TABLES[table])
        frame = pd.DataFrame([row.values for row in rows], columns=columns)
        report = self.validator.validate(f"{RAW_SCHEMA}_{table}", frame, self.parameters)
        self.reports.append(report)
        if report.blocking_failures:
            failed = ", ".join(o.reason for o in report.blocking_failures)
            for row in rows:
                self.reject(
                    Rejection(row.record_number, None, f"batch {failed}"),
                    table,
                    f"gx:{report.suite}",
                )
            return
        failing = report.rows_to_quarantine()
        for index, outcome in failing.items():
            row = rows[index]
            value = row.values.get(outcome.column) if outcome.column else None
            self.reject(
                Rejection(
                    row.record_number,
                    outcome.column,
                    f"{outcome.reason} (value {value!r})",
                    excerpt(json.dumps(row.values, default=str)),
                ),
                table,
                f"gx:{report.suite}",
            )
        keep = [i for i in range(len(rows)) if i not in failing]
        frame = frame.iloc[keep]
        frame["_source_file"] = self.source_file
        frame["_record_number"] = [rows[i].record_number for i in keep]
        frame["_file_hash"] = self.digest
        self.connection.register("incoming_chunk", frame)
        target_columns = ", ".join(frame.columns)
        self.connection.execute(
            f"insert into {RAW_SCHEMA}.{table} ({target_columns}) "
            f"select {target_columns} from incoming_chunk"
        )
        self.connection.unregister("incoming_chunk")
        self.rows_loaded += len(keep)

    def finish(self) -> None:
        for table in list(self.buffers):
            self.flush(table)
        if self.quarantine:
            self.connection.executemany(
                f"insert into {RAW_SCHEMA}.quarantine ({', '.join(QUARANTINE_COLUMNS)}) "
                f"values ({', '.join('?' for _ in QUARANTINE_COLUMNS)})",
                self.quarantine,
            )
        results = [
            (
                self.source_file,
                self.digest,
                report.suite,
                o.expectation,
                o.column,
                o.on_failure,
                o.success,
                o.element_count,
                o.unexpected_count,
            )
            for report in self.reports
            for o in report.outcomes
        ]
        if results:
            self.connection.executemany(
                f"insert into {RAW_SCHEMA}.validation_results values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                results,
            )


def _forget_file(connection, source_file: str) -> None:
    for table in (*DATA_TABLES, "quarantine", "validation_results"):
        connection.execute(
            f"delete from {RAW_SCHEMA}.{table} where _source_file = ?", [source_file]
        )
    connection.execute(
        f"delete from {RAW_SCHEMA}.ingest_manifest where source_file = ?", [source_file]
    )


def _record_manifest(
    connection,
    outcome: FileOutcome,
    size: int,
    digest: str,
    duplicate_of: str | None,
    now: datetime,
) -> None:
    connection.execute(
        f"insert into {RAW_SCHEMA}.ingest_manifest values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            outcome.source_file,
            size,
            digest,
            outcome.adapter,
            outcome.status,
            duplicate_of,
            outcome.rows_loaded,
            outcome.rows_quarantined,
            now,
        ],
    )


def ingest_file(
    connection, validator: Validator, landing: Path, path: Path, now: datetime
) -> FileOutcome:
    source_file = path.relative_to(landing).as_posix()
    size, digest = path.stat().st_size, file_hash(path)
    known = connection.execute(
        f"select content_hash from {RAW_SCHEMA}.ingest_manifest where source_file = ?",
        [source_file],
    ).fetchone()
    if known and known[0] == digest:
        return FileOutcome(source_file, "unchanged")
    twin = connection.execute(
        f"select source_file from {RAW_SCHEMA}.ingest_manifest "
        f"where content_hash = ? and status = 'loaded' and source_file <> ?",
        [digest, source_file],
    ).fetchone()
    connection.execute("begin transaction")
    try:
        _forget_file(connection, source_file)
        if twin:
            outcome = FileOutcome(
                source_file, "duplicate", warnings=[f"same content as {twin[0]}; not loaded twice"]
            )
            _record_manifest(connection, outcome, size, digest, twin[0], now)
            connection.execute("commit")
            return outcome
        adapter = adapter_for(path)
        loader = _FileLoader(
            connection, validator, source_file, digest, latest_allowed_time=now + timedelta(days=1)
        )
        if adapter is None:
            loader.reject(
                Rejection(
                    0,
                    None,
                    "unrecognised file: expected an event log (.jsonl, .ndjson, .csv with "
                    "an event_type header) or a Label Studio JSON export (.json array of tasks)",
                ),
                None,
                "parser",
            )
            outcome = FileOutcome(source_file, "rejected")
        else:
            for item in adapter.parse(path):
                if isinstance(item, Row):
                    loader.add(item)
                else:
                    loader.reject(item, None, "parser")
            outcome = FileOutcome(source_file, "loaded", adapter=adapter.name)
        loader.finish()
        outcome.rows_loaded = loader.rows_loaded
        outcome.rows_quarantined = len(loader.quarantine)
        if adapter is not None and outcome.rows_loaded == 0 and outcome.rows_quarantined:
            outcome.status = "rejected"
        outcome.warnings += [
            f"{o.reason}: {o.unexpected_count} of {o.element_count} rows (kept)"
            for report in loader.reports
            for o in report.outcomes
            if not o.success and o.on_failure == "warn"
        ]
        _record_manifest(connection, outcome, size, digest, None, now)
        connection.execute("commit")
        return outcome
    except BaseException:
        connection.execute("rollback")
        raise


def ingest_landing(
    landing: Path,
    warehouse: Path,
    validator: Validator | None = None,
    log: Callable[[str], None] = print,
    now: datetime | None = None,
    paths: Iterable[Path] | None = None,
) -> IngestSummary:
    """Ingest every new or changed file of ``landing`` into ``warehouse``."""
    validator = validator or Validator()
    now = now or datetime.now(UTC).replace(tzinfo=None)
    summary = IngestSummary()
    files = list(paths) if paths is not None else landed_files(landing)
    connection = connect(warehouse)
    try:
        for position, path in enumerate(files, start=1):
            outcome = ingest_file(connection, validator, landing, path, now)
            summary.files.append(outcome)
            if outcome.status != "unchanged":
                log(
                    f"[{position}/{len(files)}] {outcome.source_file}: {outcome.status}, "
                    f"{outcome.rows_loaded} rows, {outcome.rows_quarantined} quarantined"
                    + "".join(f"; {w}" for w in outcome.warnings)
                )
    finally:
        connection.close()
    return summary
