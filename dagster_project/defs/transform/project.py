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

_SOURCES = ("dbt_project.yml", "models", "macros", "seeds", "data-tests")


def _newest_source_mtime(project_dir: Path) -> float:
    newest = 0.0
    for name in _SOURCES:
        path = project_dir / name
        files = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        newest = max([newest, *(f.stat().st_mtime for f in files if f.is_file())])
    return newest


def manifest_is_stale(project: DbtProject) -> bool:
    """No manifest yet (a fresh clone), or a model, macro, seed or test edited since it was
    written: the asset graph would miss or misname nodes."""
    manifest = project.manifest_path
    return not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime(
        Path(project.project_dir)
    )


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
if manifest_is_stale(dbt_project):
    dbt_project.preparer.prepare(dbt_project)
