"""What a Spark night built, copied into the DuckDB warehouse: the report, the validations and
the asset checks read the warehouse file, so they read what Spark built, unchanged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

# The facts, dimensions and marts, the seeds, and the ingest models the data-quality page reads.
MIRRORED_SCHEMAS = ("core", "marts", "seeds")
MIRRORED_PREFIXES = ("stg_ingest__",)


def mirrored_relations(manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(schema, table) of every model and seed the mirror copies."""
    found = []
    for node in manifest["nodes"].values():
        if node["resource_type"] not in ("model", "seed"):
            continue
        if node["schema"] in MIRRORED_SCHEMAS or node["name"].startswith(MIRRORED_PREFIXES):
            found.append((node["schema"], node["alias"]))
    return sorted(found)


def _without_time_zone(table: pa.Table) -> pa.Table:
    """Spark hands timestamps over as UTC instants; the warehouse holds them as UTC wall times
    (TIMESTAMP, no zone), as ingestion wrote them."""
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            column = pc.cast(column, pa.timestamp(field.type.unit))
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def copy_into_duckdb(
    spark, connection: duckdb.DuckDBPyConnection, relations: list[tuple[str, str]]
) -> int:
    """Replace each relation in the DuckDB warehouse by Spark's; returns the rows copied."""
    rows = 0
    for schema, name in relations:
        arrow = _without_time_zone(spark.table(f"{schema}.{name}").toArrow())
        connection.execute(f"create schema if not exists {schema}")
        connection.register("spark_relation", arrow)
        try:
            _drop_view(connection, schema, name)  # a DuckDB night's staging views
            connection.execute(
                f"create or replace table {schema}.{name} as select * from spark_relation"
            )
        finally:
            connection.unregister("spark_relation")
        rows += arrow.num_rows
    return rows


def _drop_view(connection: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
    kind = connection.execute(
        "select table_type from information_schema.tables"
        " where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()
    if kind and kind[0][0] == "VIEW":
        connection.execute(f"drop view {schema}.{name}")
