"""Incremental, idempotent ingestion of the landing folder into the raw layer.

A manifest records every landed file (path, size, content hash, rows, status). Per file, in
one transaction: the rows of any earlier version of the same path are replaced, bad records
go to ``raw.quarantine`` with file, record number, field and reason, and the GX raw suite
runs on each batch before it is inserted. A file already ingested with the same content is
skipped; the same content under a second name is recorded as a duplicate and not loaded.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.lib.failpoints import failpoint
from dagster_project.lib.ingest.adapters import Rejection, Row, adapter_for, unrecognised_reason
from dagster_project.lib.ingest.adapters.base import excerpt, shown, storable
from dagster_project.lib.ingest.landing import (
    LandedFile,
    LandedFileChanged,
    RefusedEntry,
    scan_landed,
    scan_landing,
    source_name,
)
from dagster_project.lib.ingest.raw_tables import (
    DATA_TABLES,
    RAW_SCHEMA,
    create_raw_tables_sql,
    first_misfit,
)
from dagster_project.lib.ingest.staging import Staging, batches
from dagster_project.lib.quality.validation import BatchReport, ExpectationOutcome, Validator

CHUNK_ROWS = 100_000
# WAL size that triggers an automatic checkpoint while ingesting. DuckDB's default (16 MiB)
# checkpoints every few files, each time recompressing the tables' last row groups. Every
# file's commit is durable in the WAL either way (a killed night replays it on the next open),
# and closing the connection checkpoints. Not more: data not yet checkpointed is held in
# memory, which the night's memory budget must cover (benchmarks/README.md).
CHECKPOINT_THRESHOLD = "256MB"
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
    # loaded | unchanged | duplicate | rejected | refused (never opened: a link, a pipe...) |
    # deferred (changed while being read: not recorded, read again next night)
    status: str
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
            "files_refused": self.count("refused"),
            "files_deferred": self.count("deferred"),
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
        }


def connect(warehouse: Path, memory_limit: str = "2GB") -> duckdb.DuckDBPyConnection:
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    # Bounded like dbt's (ANNOLYTICS_DUCKDB_MEMORY_LIMIT): DuckDB's default, 80 % of RAM, is
    # more than a night may take; beyond the limit it spills beside the warehouse.
    connection = duckdb.connect(str(warehouse), config={"memory_limit": memory_limit})
    # Landed files are read through their descriptors' names (landing.py), which a later file
    # can reuse: nothing read may be served from a cache keyed by name.
    connection.execute("set enable_external_file_cache = false")
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
                rejection.field and storable(rejection.field),
                storable(rejection.reason),
                detected_by,
                storable(rejection.excerpt),
            )
        )

    def discard(self) -> None:
        """Forget everything read from the file so far (rows already inserted included)."""
        self.buffers.clear()
        self.quarantine.clear()
        self.reports.clear()
        self.rows_loaded = 0
        forget_file(self.connection, self.source_file)

    def add(self, row: Row) -> None:
        misfit = first_misfit(row.values, DATA_TABLES[row.table])
        if misfit:
            # The adapter let through a value its raw column cannot hold: inserting it would
            # abort the file's transaction, so it is quarantined here, naming the column.
            column, kind = misfit
            self.reject(
                Rejection(
                    row.record_number,
                    column,
                    f"value does not fit {RAW_SCHEMA}.{row.table}.{column} ({kind})",
                    excerpt(json.dumps(row.values, default=repr)),
                ),
                row.table,
                "parser",
            )
            return
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
                    f"{outcome.reason} (value {shown(value)})",
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
        self._insert(table, frame)
        self.rows_loaded += len(keep)

    def _insert(self, table: str, frame: pd.DataFrame) -> None:
        self.connection.register("incoming_chunk", frame)
        try:
            target_columns = ", ".join(frame.columns)
            self.connection.execute(
                f"insert into {RAW_SCHEMA}.{table} ({target_columns}) "
                f"select {target_columns} from incoming_chunk"
            )
        finally:
            self.connection.unregister("incoming_chunk")

    def load_staged(self, adapter, checks, file_number: int) -> None:
        """This file's rows of the adapter's staged table (staging.py; ``file_number`` is its
        ``_file``) into its raw table: the adapter's rejections and rows failing a quarantining
        check of the raw suite (evaluated as SQL) go to quarantine, the rest are inserted in one
        statement."""
        table = adapter.tables[0]
        suite = f"{RAW_SCHEMA}_{table}"
        staged = (
            f"(select * from {adapter.staged_table} where _file = {int(file_number)}) as staged"
        )
        for number, field_name, reason, text in self.connection.execute(
            f"select _record_number, _reject_field, _reject_reason, _excerpt from {staged} "
            "where _reject_field is not null order by _record_number"
        ).fetchall():
            self.reject(Rejection(number, field_name, reason, text or ""), None, "parser")
        row_checks = [c for c in checks if c.unexpected_when is not None]
        counts = self.connection.execute(
            "select count(*)"
            + "".join(f", count(*) filter (where {c.unexpected_when})" for c in row_checks)
            + f" from {staged} where _reject_field is null"
        ).fetchone()
        element_count, unexpected = counts[0], dict(zip(row_checks, counts[1:], strict=True))
        report = BatchReport(suite=suite)
        for check in checks:
            failures = unexpected.get(check, 0)
            success = check.table_level_success if check.unexpected_when is None else not failures
            report.outcomes.append(
                ExpectationOutcome(
                    expectation=check.expectation,
                    column=check.column,
                    on_failure=check.on_failure,
                    success=bool(success),
                    element_count=element_count if check.unexpected_when is not None else None,
                    unexpected_count=failures if check.unexpected_when is not None else None,
                )
            )
        self.reports.append(report)
        lineage = f"'{self.source_file.replace(chr(39), chr(39) * 2)}', '{self.digest}'"
        columns = ", ".join(DATA_TABLES[table])
        good = f"from {staged} where _reject_field is null"
        if report.blocking_failures:
            failed = ", ".join(o.reason for o in report.blocking_failures)
            for (number,) in self.connection.execute(f"select _record_number {good}").fetchall():
                self.reject(Rejection(number, None, f"batch {failed}"), table, f"gx:{suite}")
            return
        quarantining = [
            c for c in row_checks if c.on_failure == "quarantine_rows" and unexpected[c]
        ]
        if quarantining:
            first_failed = (
                "case "
                + " ".join(f"when {c.unexpected_when} then {i}" for i, c in enumerate(quarantining))
                + " end"
            )
            self.connection.execute(
                f"create or replace temp table gx_failed as select _record_number, "
                f"{first_failed} as check_index {good} and ({first_failed}) is not null"
            )
            as_object = ", ".join(f"'{name}', {name}" for name in DATA_TABLES[table])
            for i, check in enumerate(quarantining):
                rows = self.connection.execute(
                    f"select _record_number, {check.column}, "
                    f"left(json_object({as_object})::varchar, 500) from {staged} "
                    f"where _record_number in (select _record_number from gx_failed "
                    f"where check_index = {i}) order by _record_number"
                ).fetchall()
                for number, value, text in rows:
                    self.reject(
                        Rejection(
                            number, check.column, f"{check.reason} (value {shown(value)})", text
                        ),
                        table,
                        f"gx:{suite}",
                    )
            good += " and _record_number not in (select _record_number from gx_failed)"
        inserted = self.connection.execute(
            f"insert into {RAW_SCHEMA}.{table} ({columns}, _source_file, _file_hash, "
            f"_record_number) select {columns}, {lineage}, _record_number {good}"
        ).fetchone()[0]
        self.rows_loaded += inserted

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


def forget_file(connection, source_file: str) -> None:
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


def _known_digest(connection, source_file: str) -> str | None:
    known = connection.execute(
        f"select content_hash from {RAW_SCHEMA}.ingest_manifest where source_file = ?",
        [source_file],
    ).fetchone()
    return known[0] if known else None


def _loaded_twin(connection, landed: LandedFile) -> str | None:
    twin = connection.execute(
        f"select source_file from {RAW_SCHEMA}.ingest_manifest "
        f"where content_hash = ? and status = 'loaded' and source_file <> ?",
        [landed.digest, landed.source_file],
    ).fetchone()
    return twin[0] if twin else None


def _adapter(landed: LandedFile):
    return adapter_for(landed.path, landed.open)


def _adapter_unless_changed(landed: LandedFile):
    try:
        return _adapter(landed)
    except LandedFileChanged:
        return None  # ingest_file finds it changed too, and defers it


def _read_rows(loader: _FileLoader, adapter, landed: LandedFile) -> None:
    """The adapter's rows and rejections into the loader. An adapter turns bad records into
    rejections; should it raise all the same, the file is quarantined whole with the error
    (LandedFileChanged goes up: the file is read again next night)."""
    number = 0
    try:
        for item in adapter.parse(landed):
            number = item.record_number
            if isinstance(item, Row):
                loader.add(item)
            else:
                loader.reject(item, None, "parser")
    except LandedFileChanged:
        raise
    except Exception as error:  # noqa: BLE001 - a reader's failure must not stop the night
        loader.discard()
        loader.reject(
            Rejection(
                0,
                None,
                f"the {adapter.name} reader failed after record {number}: "
                f"{type(error).__name__}: {error}"[:500],
            ),
            None,
            "parser",
        )


def ingest_file(
    connection,
    validator: Validator,
    landed: LandedFile,
    now: datetime,
    staging: Staging | None = None,
) -> FileOutcome:
    """Load one landed file in one transaction: staged by DuckDB when its adapter stages it
    (with its batch in ``staging``, else here on its own), else from the adapter's rows."""
    source_file, digest = landed.source_file, landed.digest
    if _known_digest(connection, source_file) == digest:
        return FileOutcome(source_file, "unchanged")
    staging = staging or Staging(connection, now)
    twin = _loaded_twin(connection, landed)
    try:
        adapter = None if twin else _adapter(landed)
        number = None if twin else staging.staged_number(landed, adapter)
    except LandedFileChanged as changed:
        return _deferred(source_file, changed)
    connection.execute("begin transaction")
    try:
        forget_file(connection, source_file)
        if twin:
            outcome = FileOutcome(
                source_file, "duplicate", warnings=[f"same content as {twin}; not loaded twice"]
            )
            _record_manifest(connection, outcome, landed.size, digest, twin, now)
            connection.execute("commit")
            return outcome
        loader = _FileLoader(
            connection, validator, source_file, digest, latest_allowed_time=now + timedelta(days=1)
        )
        if adapter is None:
            loader.reject(
                Rejection(0, None, unrecognised_reason(landed.path, landed.open)),
                None,
                "parser",
            )
            outcome = FileOutcome(source_file, "rejected")
        elif number is not None:
            loader.load_staged(adapter, staging.checks(adapter), number)
            outcome = FileOutcome(source_file, "loaded", adapter=adapter.name)
        else:
            _read_rows(loader, adapter, landed)
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
        _record_manifest(connection, outcome, landed.size, digest, None, now)
        failpoint("ingest")  # rows written, not committed: a kill here must lose nothing
        connection.execute("commit")
        return outcome
    except LandedFileChanged as changed:
        connection.execute("rollback")
        return _deferred(source_file, changed)
    except BaseException:
        connection.execute("rollback")
        raise
    finally:
        staging.release_alone()


def _deferred(source_file: str, changed: LandedFileChanged) -> FileOutcome:
    return FileOutcome(source_file, "deferred", warnings=[f"{changed}; read next night"])


def record_refused(connection, entry: RefusedEntry, now: datetime) -> FileOutcome:
    """A landing entry that is never opened, in the manifest and quarantine with its reason
    (once: an unchanged entry is not recorded again). No excerpt: nothing of it was read."""
    if _known_digest(connection, entry.source_file) == entry.identity:
        return FileOutcome(entry.source_file, "unchanged")
    outcome = FileOutcome(entry.source_file, "refused", rows_quarantined=1)
    connection.execute("begin transaction")
    try:
        forget_file(connection, entry.source_file)
        connection.execute(
            f"insert into {RAW_SCHEMA}.quarantine ({', '.join(QUARANTINE_COLUMNS)}) "
            f"values (?, ?, 0, null, null, ?, 'landing', null)",
            [entry.source_file, entry.identity, entry.reason],
        )
        _record_manifest(connection, outcome, 0, entry.identity, None, now)
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise
    return outcome


def ingest_landing(
    landing: Path,
    warehouse: Path,
    validator: Validator | None = None,
    log: Callable[[str], None] = print,
    now: datetime | None = None,
    memory_limit: str = "2GB",
) -> IngestSummary:
    """Ingest every new or changed file of ``landing`` into ``warehouse``; record every entry
    that is refused unread (landing.py)."""
    validator = validator or Validator()
    now = now or datetime.now(UTC).replace(tzinfo=None)
    summary = IngestSummary()
    files, refused = scan_landing(landing)
    total = len(files) + len(refused)

    def report(outcome: FileOutcome) -> None:
        summary.files.append(outcome)
        if outcome.status != "unchanged":
            log(
                f"[{len(summary.files)}/{total}] {outcome.source_file}: "
                f"{outcome.status}, {outcome.rows_loaded} rows, "
                f"{outcome.rows_quarantined} quarantined"
                + "".join(f"; {w}" for w in outcome.warnings)
            )

    connection = connect(warehouse, memory_limit)
    try:
        connection.execute(f"set checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
        for entry in refused:
            report(record_refused(connection, entry, now))
        staging = Staging(connection, now)
        for batch in batches(files):
            landed_batch = []
            for path in batch:
                try:
                    scanned = scan_landed(landing, path)
                except LandedFileChanged as gone:
                    report(_deferred(source_name(landing, path), gone))
                    continue
                if isinstance(scanned, RefusedEntry):
                    report(record_refused(connection, scanned, now))
                else:
                    landed_batch.append(scanned)
            new = [f for f in landed_batch if _known_digest(connection, f.source_file) != f.digest]
            staging.stage_batch([(landed, _adapter_unless_changed(landed)) for landed in new])
            try:
                for landed in landed_batch:
                    report(ingest_file(connection, validator, landed, now, staging))
            finally:
                staging.clear()
        connection.execute("reset checkpoint_threshold")
    finally:
        connection.close()
    return summary
