"""Comparing warehouses: published tables as fingerprints."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("core", "marts")


def warehouse_fingerprints(warehouse: Path, scratch: Path) -> dict[str, str]:
    """SHA-256 of every fact, dimension and mart written as CSV in a total order."""
    scratch.mkdir(parents=True, exist_ok=True)
    fingerprints = {}
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tables = connection.execute(
            "select schema_name || '.' || table_name from duckdb_tables() "
            "where schema_name in (select unnest(?::varchar[])) order by 1",
            [list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        for (table,) in tables:
            target = scratch / f"{table}.csv"
            connection.execute(f"copy (select * from {table} order by all) to '{target}'")
            fingerprints[table] = hashlib.sha256(target.read_bytes()).hexdigest()
    return fingerprints
