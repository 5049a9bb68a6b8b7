"""The raw layer as Parquet for Spark: one file per landed file and raw table.

Ingestion stays as it is (the DuckDB warehouse keeps the manifest, the quarantine and the
idempotence rules); each landed file's good rows of each raw table are then written as one
Parquet file named by the file's content hash, so files are written independently, an unchanged
file is never written again, and a file that left the warehouse (forgotten or replaced) leaves
the Parquet folder too. Spark reads each folder as an external table ``raw.<table>`` whose schema
is given (an empty table has no file to infer it from).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.lib.ingest.raw_tables import RAW_SCHEMA

# DuckDB's types of the raw layer in Spark SQL.
_SPARK_TYPES = {
    "VARCHAR": "string",
    "BIGINT": "bigint",
    "INTEGER": "int",
    "DOUBLE": "double",
    "BOOLEAN": "boolean",
    "TIMESTAMP": "timestamp",
}
# Tables without per-file lineage, written whole each night (small bookkeeping tables).
_WHOLE_TABLES = {("raw", "ingest_manifest"), ("nightly", "increment_files")}


@dataclass(frozen=True)
class RawTable:
    schema: str
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, DuckDB type)

    @property
    def per_file(self) -> bool:
        return (self.schema, self.name) not in _WHOLE_TABLES and self.has("_file_hash")

    def has(self, column: str) -> bool:
        return any(name == column for name, _ in self.columns)

    def spark_columns(self) -> str:
        return ", ".join(f"`{name}` {_SPARK_TYPES[kind]}" for name, kind in self.columns)


@dataclass
class ExportCounts:
    written: int = 0
    kept: int = 0
    removed: int = 0


def raw_tables(connection: duckdb.DuckDBPyConnection) -> list[RawTable]:
    """Every table dbt reads as a source: the raw schema and the night's increment list."""
    rows = connection.execute(
        """
        select table_schema, table_name, column_name, data_type
        from information_schema.columns
        where table_schema = ? or (table_schema = 'nightly' and table_name = 'increment_files')
        order by table_schema, table_name, ordinal_position
        """,
        [RAW_SCHEMA],
    ).fetchall()
    tables: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, name, column, kind in rows:
        if kind not in _SPARK_TYPES:
            raise ValueError(f"{schema}.{name}.{column}: type {kind} has no Spark counterpart")
        tables.setdefault((schema, name), []).append((column, kind))
    return [RawTable(schema, name, tuple(columns)) for (schema, name), columns in tables.items()]


def table_folder(root: Path, table: RawTable) -> Path:
    return root / table.schema / table.name


def export_raw_layer(
    connection: duckdb.DuckDBPyConnection, root: Path, workers: int | None = None
) -> ExportCounts:
    """Write what Spark lacks of the raw layer under ``root`` and remove what left it. The
    files are independent, so they are written in parallel, each by its own DuckDB cursor."""
    counts = ExportCounts()
    copies: list[tuple[str, Path]] = []
    for table in raw_tables(connection):
        folder = table_folder(root, table)
        folder.mkdir(parents=True, exist_ok=True)
        qualified = f"{table.schema}.{table.name}"
        if not table.per_file:
            copies.append((f"select * from {qualified}", folder / "whole.parquet"))
            continue
        hashes = {
            row[0]
            for row in connection.execute(f"select distinct _file_hash from {qualified}").fetchall()
        }
        present = {path.stem: path for path in folder.glob("*.parquet")}
        for digest, path in present.items():
            if digest not in hashes:
                path.unlink()
                counts.removed += 1
        order = " order by _record_number" if table.has("_record_number") else ""
        for digest in sorted(hashes):
            if digest in present:
                counts.kept += 1
                continue
            query = f"select * from {qualified} where _file_hash = '{_literal(digest)}'{order}"
            copies.append((query, folder / f"{digest}.parquet"))
    _copy_all(connection, copies, workers or min(4, os.cpu_count() or 1))
    counts.written += len(copies)
    return counts


def _copy_all(
    connection: duckdb.DuckDBPyConnection, copies: list[tuple[str, Path]], workers: int
) -> None:
    def copy_one(query: str, target: Path) -> None:
        with connection.cursor() as cursor:
            _copy(cursor, query, target)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done in [pool.submit(copy_one, query, target) for query, target in copies]:
            done.result()  # the first failure, if any, fails the hand-over


def _literal(text: str) -> str:
    return text.replace("'", "''")


def _copy(connection: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    """Write through a temporary name, so a killed night never leaves half a file under the
    name Spark reads."""
    partial = target.with_suffix(".partial")
    connection.execute(f"copy ({query}) to '{_literal(str(partial))}' (format parquet)")
    partial.replace(target)


def register_statements(tables: list[RawTable], root: Path) -> list[str]:
    """Spark SQL declaring each raw folder as an external Parquet table."""
    statements = []
    for schema in sorted({table.schema for table in tables}):
        statements.append(f"create database if not exists {schema}")
    for table in tables:
        location = table_folder(root, table).resolve().as_uri()
        statements.append(f"drop table if exists {table.schema}.{table.name}")
        statements.append(
            f"create table {table.schema}.{table.name} ({table.spark_columns()}) "
            f"using parquet location '{location}'"
        )
    return statements
