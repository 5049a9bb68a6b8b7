"""Resources shared by every part of the nightly job."""

import os
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from dagster_project.lib.settings import Settings

from .transform.project import dbt_project


class AnnolyticsSettings(dg.ConfigurableResource):
    """The night's settings (lib/settings.py): the ANNOLYTICS_* variables of this process, with
    the paths set here, when set, in their place (`annolytics run` sets them as run config)."""

    landing_dir: str = ""
    warehouse_path: str = ""
    site_dir: str = ""
    engine: str = ""  # duckdb or spark; empty: ANNOLYTICS_ENGINE (default duckdb)

    def current(self) -> Settings:
        return (
            Settings.from_env()
            .with_paths(
                Path(self.landing_dir) if self.landing_dir else None,
                Path(self.warehouse_path) if self.warehouse_path else None,
                Path(self.site_dir) if self.site_dir else None,
            )
            .with_engine(self.engine or None)
        )


def _dbt_executable() -> str:
    beside_python = Path(sys.executable).parent / "dbt"
    return str(beside_python) if beside_python.exists() else "dbt"


@dg.definitions
def resources() -> dg.Definitions:
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return dg.Definitions(
        resources={
            "settings": AnnolyticsSettings(),
            "dbt": DbtCliResource(project_dir=dbt_project(), dbt_executable=_dbt_executable()),
        }
    )
