"""Real nightly runs (Dagster in process, real dbt, real GX) on small inputs, for the tests."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.cli import run_night
from dagster_project.lib.settings import REPO_ROOT

FIXTURES = REPO_ROOT / "tests" / "fixtures"


@dataclass
class Night:
    landing: Path
    warehouse: Path
    site: Path
    exit_code: int

    def rows(self, sql: str, *params) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as connection:
            return connection.execute(sql, list(params)).fetchall()

    def dicts(self, sql: str) -> list[dict]:
        with duckdb.connect(str(self.warehouse), read_only=True) as connection:
            cursor = connection.execute(sql)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def run_nightly(root: Path, files: dict[str, Path] | None = None) -> Night:
    """Copy ``files`` (name in landing -> source path) into ``root/landing`` and run one night."""
    landing = root / "landing"
    landing.mkdir(parents=True, exist_ok=True)
    for name, source in (files or {}).items():
        target = landing / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    night = Night(landing, root / "warehouse.duckdb", root / "site", 0)
    night.exit_code = run_night(night.landing, night.warehouse, night.site)
    return night
