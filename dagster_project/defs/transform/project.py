"""The dbt project as dagster-dbt sees it; the manifest is (re)built by `dbt parse` on demand."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from dagster_project.lib.settings import DBT_PROJECT_DIR

# The preparer calls `dbt` by name: make the one installed beside this Python findable.
_bin = str(Path(sys.executable).parent)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():
    # A fresh clone has no target/: parse once so the assets can be defined.
    dbt_project.preparer.prepare(dbt_project)
