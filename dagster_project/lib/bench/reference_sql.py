"""Renders ``benchmarks/reference/marts.sql``: the dbt models as one plain DuckDB script.

Part 2 of the bare-DuckDB reference (part 1, ``raw_events.sql``, reads the landed files and is
written by hand). Every SQL model becomes ``create or replace table <schema>.<model> as
(<its SQL>)`` in dependency order, with the SQL dbt compiles for a full build, so the reference
computes exactly the warehouse's definitions, each relation once, with none of dbt's start-up,
tests or bookkeeping. Python models (the statistical marts) cannot be plain SQL: the script
computes their SQL inputs and stops there; models that read a Python model are left out too.
Re-render after changing a model::

    python -m dagster_project.lib.bench.reference_sql
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from dagster_project.lib.settings import DBT_PROJECT_DIR, REPO_ROOT

REFERENCE_DIR = REPO_ROOT / "benchmarks" / "reference"
MARTS_SQL = REFERENCE_DIR / "marts.sql"
RAW_SQL = REFERENCE_DIR / "raw_events.sql"


def _compiled_manifest(work: Path) -> dict:
    env = {**os.environ, "ANNOLYTICS_WAREHOUSE": str(work / "compile.duckdb")}
    dbt = Path(sys.executable).parent / "dbt"
    # Sources must exist for dbt to compile against them: create the raw tables empty.
    import duckdb

    from dagster_project.lib.ingest.raw_tables import create_raw_tables_sql

    with duckdb.connect(str(work / "compile.duckdb")) as connection:
        connection.execute(create_raw_tables_sql())
    subprocess.run(
        [str(dbt), "compile", "--quiet", "--profiles-dir", ".", "--target-path", str(work)],
        cwd=DBT_PROJECT_DIR,
        env=env,
        check=True,
    )
    return json.loads((work / "manifest.json").read_text())


def _ordered(nodes: dict[str, dict]) -> list[dict]:
    done: set[str] = set()
    ordered: list[dict] = []

    def visit(unique_id: str) -> None:
        if unique_id in done or unique_id not in nodes:
            return
        done.add(unique_id)
        for parent in sorted(nodes[unique_id]["depends_on"]["nodes"]):
            visit(parent)
        ordered.append(nodes[unique_id])

    for unique_id in sorted(nodes):
        visit(unique_id)
    return ordered


def render(manifest: dict) -> str:
    nodes = {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
    }
    python_models = {u for u, n in nodes.items() if n.get("language") == "python"}
    # The nightly increment's bookkeeping (which tasks tonight's files touch) is no part of
    # computing the marts: a full build's SQL never reads it.
    increment_bookkeeping = {
        u
        for u, n in nodes.items()
        if any(
            parent.startswith("source.annolytics.nightly.") for parent in n["depends_on"]["nodes"]
        )
    }
    left_out: set[str] = set(python_models)
    changed = True
    while changed:
        changed = False
        for unique_id, node in nodes.items():
            if unique_id not in left_out and left_out & set(node["depends_on"]["nodes"]):
                left_out.add(unique_id)
                changed = True
    database = re.escape(next(iter(nodes.values()))["database"])
    qualified = re.compile(rf'"{database}"\."(\w+)"\."(\w+)"')
    lines = [
        "-- Bare-DuckDB reference, part 2: every dbt SQL model as one plain table, in dependency",
        "-- order (rendered by dagster_project/lib/bench/reference_sql.py from dbt's full-build",
        "-- SQL; re-render after changing a model). Not computed here: the Python statistics",
        "-- marts (" + ", ".join(sorted(nodes[u]["name"] for u in python_models)) + ")",
        "-- and what reads them ("
        + ", ".join(sorted(nodes[u]["name"] for u in left_out - python_models))
        + "); their SQL inputs are.",
        "",
    ]
    for node in _ordered(nodes):
        if node["unique_id"] in left_out | increment_bookkeeping:
            continue
        sql = qualified.sub(r"\1.\2", node["compiled_code"]).strip().rstrip(";")
        lines += [
            f"-- {node['original_file_path']}",
            f"create or replace table {node['schema']}.{node['name']} as (",
            sql,
            ");",
            "",
        ]
    return "\n".join(lines)


def main() -> int:
    with tempfile.TemporaryDirectory() as work:
        manifest = _compiled_manifest(Path(work))
    MARTS_SQL.write_text(render(manifest))
    print(f"wrote {MARTS_SQL.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
