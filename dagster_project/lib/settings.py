"""Where a night reads and writes: one place, shared by the CLI, Dagster and dbt.

The paths travel as environment variables because dbt (a subprocess of Dagster) reads the
warehouse path from its profile through ``env_var('ANNOLYTICS_WAREHOUSE')``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
REPORTS_DIR = REPO_ROOT / "reports"

LANDING_ENV = "ANNOLYTICS_LANDING"
WAREHOUSE_ENV = "ANNOLYTICS_WAREHOUSE"
SITE_ENV = "ANNOLYTICS_SITE"
# DuckDB's memory limit for the steps that write the warehouse: ingestion here, dbt through its
# profile (dbt/profiles.yml reads the same variable with the same default). DuckDB's own default,
# 80 % of RAM, let ingestion alone reach 3.4 GB at 10 M events; beyond the limit it spills.
DUCKDB_MEMORY_LIMIT_ENV = "ANNOLYTICS_DUCKDB_MEMORY_LIMIT"
DUCKDB_MEMORY_LIMIT_DEFAULT = "2GB"


def duckdb_memory_limit() -> str:
    return os.environ.get(DUCKDB_MEMORY_LIMIT_ENV, DUCKDB_MEMORY_LIMIT_DEFAULT)


@dataclass(frozen=True)
class Paths:
    landing: Path
    warehouse: Path
    site: Path

    @classmethod
    def from_env(cls) -> Paths:
        return cls(
            landing=Path(os.environ.get(LANDING_ENV, REPO_ROOT / "data" / "landing")).resolve(),
            warehouse=Path(
                os.environ.get(WAREHOUSE_ENV, REPO_ROOT / "data" / "warehouse.duckdb")
            ).resolve(),
            site=Path(os.environ.get(SITE_ENV, REPO_ROOT / "reports" / "site")).resolve(),
        )

    def export_to_env(self) -> None:
        """Make these paths the ones every component of this process (and dbt) uses."""
        os.environ[LANDING_ENV] = str(self.landing)
        os.environ[WAREHOUSE_ENV] = str(self.warehouse)
        os.environ[SITE_ENV] = str(self.site)
