"""Renders the rest of the bare-DuckDB reference from dbt's models (part 1, ``raw_events.sql``,
reads the landed files and is written by hand):

- ``marts.sql``: every SQL model that reads no statistics mart, as ``create or replace table
  <schema>.<model> as (<its SQL>)`` in dependency order, with the SQL dbt compiles for a full
  build, so the reference computes exactly the warehouse's definitions, each relation once, with
  none of dbt's start-up, tests or bookkeeping;
- ``statistics.json``: the Python models (the statistics marts), with the relations they read
  and the config values their code asks for; the reference computes them with the same
  ``lib.stats`` functions (``duckdb_reference.py``);
- ``after_statistics.sql``: the SQL models that read a statistics mart, the same way.

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
from dataclasses import dataclass
from pathlib import Path

from dagster_project.lib.settings import DBT_PROJECT_DIR, REPO_ROOT

REFERENCE_DIR = REPO_ROOT / "benchmarks" / "reference"
MARTS_SQL = REFERENCE_DIR / "marts.sql"
STATISTICS_JSON = REFERENCE_DIR / "statistics.json"
AFTER_STATISTICS_SQL = REFERENCE_DIR / "after_statistics.sql"
# dbt hands a Python model the config keys its code names as dbt.config.get("key").
_CONFIG_KEY = re.compile(r"""dbt\.config\.get\(\s*["'](\w+)["']""")
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


@dataclass(frozen=True)
class Reference:
    marts_sql: str
    statistics: list[dict]
    after_statistics_sql: str


def _create_table(node: dict, qualified: re.Pattern) -> list[str]:
    sql = qualified.sub(r"\1.\2", node["compiled_code"]).strip().rstrip(";")
    return [
        f"-- {node['original_file_path']}",
        f"create or replace table {node['schema']}.{node['name']} as (",
        sql,
        ");",
        "",
    ]


def _statistics_mart(node: dict, nodes: dict[str, dict]) -> dict:
    inputs = {
        nodes[parent]["name"]: f"{nodes[parent]['schema']}.{nodes[parent]['alias']}"
        for parent in sorted(node["depends_on"]["nodes"])
        if parent in nodes
    }
    keys = sorted(set(_CONFIG_KEY.findall(node["raw_code"])))
    return {
        "name": node["name"],
        "table": f"{node['schema']}.{node['alias']}",
        "relations": inputs,
        "config": {key: node["config"][key] for key in keys},
    }


def render(manifest: dict) -> Reference:
    nodes = {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "seed")
    }
    models = {u: n for u, n in nodes.items() if n["resource_type"] == "model"}
    python_models = {u for u, n in models.items() if n.get("language") == "python"}
    # The nightly increment's bookkeeping (which tasks tonight's files touch) is no part of
    # computing the marts: a full build's SQL never reads it.
    increment_bookkeeping = {
        u
        for u, n in models.items()
        if any(
            parent.startswith("source.annolytics.nightly.") for parent in n["depends_on"]["nodes"]
        )
    }
    after: set[str] = set(python_models)
    changed = True
    while changed:
        changed = False
        for unique_id, node in models.items():
            if unique_id not in after and after & set(node["depends_on"]["nodes"]):
                after.add(unique_id)
                changed = True
    after -= python_models
    database = re.escape(next(iter(models.values()))["database"])
    qualified = re.compile(rf'"{database}"\."(\w+)"\."(\w+)"')
    header = (
        "-- (rendered by dagster_project/lib/bench/reference_sql.py from dbt's full-build SQL;",
        "-- re-render after changing a model)",
        "",
    )
    before_lines = [
        "-- Bare-DuckDB reference, part 2: every dbt SQL model that reads no statistics mart,",
        "-- as one plain table, in dependency order",
        *header,
    ]
    after_lines = [
        "-- Bare-DuckDB reference, part 4: the SQL models that read a statistics mart",
        *header,
    ]
    statistics = []
    for node in _ordered(models):
        unique_id = node["unique_id"]
        if unique_id in increment_bookkeeping:
            continue
        if unique_id in python_models:
            if after & set(node["depends_on"]["nodes"]):
                raise ValueError(f"{node['name']} reads a model that reads a statistics mart")
            statistics.append(_statistics_mart(node, nodes))
        elif unique_id in after:
            after_lines += _create_table(node, qualified)
        else:
            before_lines += _create_table(node, qualified)
    return Reference("\n".join(before_lines), statistics, "\n".join(after_lines))


def main() -> int:
    with tempfile.TemporaryDirectory() as work:
        manifest = _compiled_manifest(Path(work))
    reference = render(manifest)
    MARTS_SQL.write_text(reference.marts_sql)
    STATISTICS_JSON.write_text(json.dumps(reference.statistics, indent=2) + "\n")
    AFTER_STATISTICS_SQL.write_text(reference.after_statistics_sql)
    for path in (MARTS_SQL, STATISTICS_JSON, AFTER_STATISTICS_SQL):
        print(f"wrote {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
