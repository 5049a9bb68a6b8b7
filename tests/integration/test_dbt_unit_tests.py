"""dbt unit tests pin the tricky model logic (event-log folding, the submitted definition, the
performance figures). They test SQL, not data, so they run here rather than in every night."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dagster_project.lib.settings import DBT_PROJECT_DIR, WAREHOUSE_ENV


def test_dbt_unit_tests_pass(hand_night, tmp_path):
    dbt = Path(sys.executable).parent / "dbt"
    target = tmp_path / "target"
    completed = subprocess.run(
        [str(dbt), "test", "--select", "test_type:unit", "--target-path", str(target),
         "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
        env={**os.environ, WAREHOUSE_ENV: str(hand_night.warehouse)},
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout[-3000:]
    results = json.loads((target / "run_results.json").read_text())["results"]
    manifest = json.loads((target / "manifest.json").read_text())
    assert len(results) == len(manifest["unit_tests"]) >= 10
    assert {r["status"] for r in results} == {"pass"}
