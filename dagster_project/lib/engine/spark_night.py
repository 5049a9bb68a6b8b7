"""The steps of a night on the Spark engine around dbt's builds (defs/transform/assets.py):
hand the raw layer over as Parquet, build the statistics marts between dbt's two passes, copy
what Spark built back into the DuckDB warehouse."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from dagster_project.lib.ingest.load import connect as connect_warehouse
from dagster_project.lib.settings import Settings

from . import spark_mirror, spark_raw, spark_statistics
from .spark_session import connect

# dbt's arguments on Spark: plain Parquet tables support no DELETE, which the incremental models'
# pre-hooks need, so every Spark night is a full build (docs/spark.md).
DBT_SPARK_ARGUMENTS = ["--target", "spark_connect", "--full-refresh"]


def load_manifest(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


python_models = spark_statistics.python_models


def python_model_names(manifest: dict) -> list[str]:
    return [node["name"] for node in python_models(manifest)]


def _downstream_of_python_models(manifest: dict) -> set[str]:
    """Unique ids of the Python models and every node depending on them (tests included)."""
    children = manifest["child_map"]
    found: set[str] = set()
    stack = [node["unique_id"] for node in python_models(manifest)]
    while stack:
        unique_id = stack.pop()
        if unique_id not in found:
            found.add(unique_id)
            stack.extend(children.get(unique_id, []))
    return found


def _selectors(manifest: dict, unique_ids) -> str:
    """dbt selectors naming exactly these nodes (tests by name, the rest by fqn)."""
    names = []
    for unique_id in sorted(unique_ids):
        node = manifest["nodes"].get(unique_id)
        if node is None:
            continue
        names.append(node["name"] if node["resource_type"] == "test" else ".".join(node["fqn"]))
    return " ".join(f"fqn:{name}" if "." in name else name for name in names)


def sql_pass_selection(manifest: dict) -> list[str]:
    """First pass: every node but the statistics marts and what depends on them."""
    names = python_model_names(manifest)
    # One argument per flag: dagster-dbt reads a single value after --select / --exclude.
    return ["--exclude", " ".join(f"{name}+" for name in names)] if names else []


def dependants_pass_selection(manifest: dict) -> list[str] | None:
    """Second pass: what depends on the statistics marts (their tests included), not they.
    As exclusions of what the first pass built: dagster-dbt adds the asset selection's
    --select to a run's own, so a --select here would widen the pass instead of narrowing it."""
    python = {node["unique_id"] for node in python_models(manifest)}
    if not python:
        return None
    second = _downstream_of_python_models(manifest) - python
    built = set(manifest["nodes"]) - second
    # "empty": excluding a model here must not exclude its tests (the statistics marts' tests
    # run in this pass, on the tables the statistics step wrote).
    return ["--exclude", _selectors(manifest, built), "--indirect-selection", "empty"]


def hand_over_raw_layer(settings: Settings, spark, log: Callable[[str], None]) -> None:
    """Write the raw layer's missing Parquet files and declare its tables on Spark."""
    folder = settings.spark_raw_folder
    with connect_warehouse(settings.warehouse, settings.duckdb_memory_limit) as connection:
        counts = spark_raw.export_raw_layer(connection, folder)
        tables = spark_raw.raw_tables(connection)
    log(
        f"Raw layer for Spark in {folder}: {counts.written} Parquet files written, "
        f"{counts.kept} kept, {counts.removed} removed"
    )
    for statement in spark_raw.register_statements(tables, folder):
        spark.sql(statement)


def build_statistics(spark, manifest: dict, log: Callable[[str], None]) -> list[str]:
    return spark_statistics.build_statistics_marts(spark, manifest, log=log)


def copy_back(settings: Settings, spark, manifest: dict, log: Callable[[str], None]) -> int:
    relations = spark_mirror.mirrored_relations(manifest)
    with connect_warehouse(settings.warehouse, settings.duckdb_memory_limit) as connection:
        rows = spark_mirror.copy_into_duckdb(spark, connection, relations)
    log(f"Copied {len(relations)} relations ({rows} rows) from Spark into {settings.warehouse}")
    return rows


def session(settings: Settings):
    return connect(settings.spark_connect_url)
