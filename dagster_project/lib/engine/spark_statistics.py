"""The statistics marts on Spark: dbt-spark runs Python models only on Databricks, so a Spark
night builds them here, between the SQL models they read and the SQL models that read them,
with the same code the DuckDB models call (``lib.stats.marts``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from dagster_project.lib.stats.marts import compute


def python_models(manifest: Mapping[str, Any]) -> list[dict]:
    """The dbt project's Python models (manifest nodes), by name."""
    nodes = manifest["nodes"].values()
    models = [n for n in nodes if n["resource_type"] == "model" and n["language"] == "python"]
    return sorted(models, key=lambda node: node["name"])


def _relations(manifest: Mapping[str, Any]) -> dict[str, str]:
    """Every model's and seed's qualified name (schema.alias) by its name."""
    return {
        node["name"]: f"{node['schema']}.{node['alias']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed")
    }


def build_statistics_marts(spark, manifest: Mapping[str, Any], log=print) -> list[str]:
    """Compute every Python model of the project from Spark's tables and write it as a Parquet
    table in its schema; returns the tables written."""
    relations = _relations(manifest)

    def read(name: str, columns: list[str] | None) -> pd.DataFrame:
        frame = spark.table(relations[name])
        if columns:
            frame = frame.select(*columns)
        return frame.toArrow().to_pandas()

    written = []
    for node in python_models(manifest):
        table = f"{node['schema']}.{node['alias']}"
        result = compute(node["name"], read, node["config"])
        spark.sql(f"create database if not exists {node['schema']}")
        _write(spark, result, table)
        log(f"{table}: {len(result)} rows")
        written.append(table)
    return written


def _write(spark, frame: pd.DataFrame, table: str) -> None:
    import pyarrow as pa

    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    spark.createDataFrame(arrow).write.mode("overwrite").format("parquet").saveAsTable(table)
