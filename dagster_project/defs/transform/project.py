"""The dbt project as dagster-dbt sees it; the manifest is (re)built by `dbt parse` on demand.

``dbt_project()`` is a cached factory, as in Dagster's own platform project: importing this
module changes nothing; the first call prepares the manifest when it is missing or stale.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from dagster_dbt import DbtProject

from dagster_project.lib.settings import DBT_PROJECT_DIR

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


@contextmanager
def _dbt_on_path() -> Iterator[None]:
    """The preparer calls `dbt` by name: the one installed beside this Python, while it runs."""
    saved = os.environ.get("PATH", "")
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + saved
    try:
        yield
    finally:
        os.environ["PATH"] = saved


@cache
def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    with _dbt_on_path():
        project.prepare_if_dev()
        if manifest_is_stale(project):
            project.preparer.prepare(project)
    return project
