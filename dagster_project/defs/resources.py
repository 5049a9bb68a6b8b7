"""Resources shared by every part of the nightly job."""

import os
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from dagster_project.lib.settings import Paths

from .transform.project import dbt_project


class AnnolyticsPaths(dg.ConfigurableResource):
    """Landing folder, warehouse file and site folder. Empty means: the ANNOLYTICS_* environment
    variables, else data/landing, data/warehouse.duckdb and reports/site in the repository."""

    landing_dir: str = ""
    warehouse_path: str = ""
    site_dir: str = ""

    def paths(self) -> Paths:
        defaults = Paths.from_env()
        resolved = Paths(
            landing=Path(self.landing_dir).resolve() if self.landing_dir else defaults.landing,
            warehouse=Path(self.warehouse_path).resolve()
            if self.warehouse_path
            else defaults.warehouse,
            site=Path(self.site_dir).resolve() if self.site_dir else defaults.site,
        )
        # dbt runs as a subprocess and reads the warehouse path from its profile's env_var.
        resolved.export_to_env()
        return resolved


def _dbt_executable() -> str:
    beside_python = Path(sys.executable).parent / "dbt"
    return str(beside_python) if beside_python.exists() else "dbt"


@dg.definitions
def resources() -> dg.Definitions:
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return dg.Definitions(
        resources={
            "paths": AnnolyticsPaths(),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=_dbt_executable()),
        }
    )
