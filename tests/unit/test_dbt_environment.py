"""The dbt subprocess's environment: numpy must not delete variables from it while dbt's other
threads iterate it (dbt's log scrubber did, and a Python model failed with KeyError)."""

from __future__ import annotations

import os
import subprocess
import sys

from dagster_project.lib.settings import Settings

# Records which variables are deleted from os.environ while numpy is first imported.
DELETIONS_DURING_NUMPY_IMPORT = """
import os
deleted = []
original = os._Environ.__delitem__
def recording(self, key):
    deleted.append(key)
    original(self, key)
os._Environ.__delitem__ = recording
import numpy
print(",".join(deleted))
"""


def _deleted_while_importing_numpy(environment: dict[str, str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", DELETIONS_DURING_NUMPY_IMPORT],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return [key for key in result.stdout.strip().split(",") if key]


def test_numpy_leaves_the_dbt_environment_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOLYTICS_WAREHOUSE", str(tmp_path / "w.duckdb"))
    bare = {k: v for k, v in os.environ.items() if not k.endswith("BLAS_MAIN_FREE")}
    # Without the dbt environment numpy adds two variables and deletes them again ...
    assert "OPENBLAS_MAIN_FREE" in _deleted_while_importing_numpy(bare)
    # ... with it, nothing is deleted while another thread may be reading the environment.
    dbt_environment = {**bare, **Settings.from_env().dbt_env()}
    assert _deleted_while_importing_numpy(dbt_environment) == []
