"""Forget landed files so the next night loads them again (``annolytics replay``)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from dagster_project.lib.ingest.load import forget_file
from dagster_project.lib.ingest.raw_tables import RAW_SCHEMA


def replay(warehouse: Path, source_files: list[str]) -> dict[str, int]:
    """Remove each file's rows, quarantine entries and manifest line in one transaction.

    Returns the rows each file had loaded; raises ValueError naming any file the warehouse has
    never seen (a typo must not pass silently)."""
    with duckdb.connect(str(warehouse)) as connection:
        known = dict(
            connection.execute(
                f"select source_file, rows_loaded from {RAW_SCHEMA}.ingest_manifest "
                "where source_file in (select unnest(?::varchar[]))",
                [source_files],
            ).fetchall()
        )
        unknown = [name for name in source_files if name not in known]
        if unknown:
            raise ValueError(
                f"not in {warehouse}'s ingest manifest: {', '.join(unknown)} (paths are "
                "relative to the landing folder, as raw.ingest_manifest.source_file shows them)"
            )
        connection.execute("begin transaction")
        for name in source_files:
            forget_file(connection, name)
        connection.execute("commit")
    return {name: int(known[name]) for name in source_files}
