"""Test tiers and the nights they share.

- ``tests/unit/``: plain function calls and real DuckDB files; no night.
- ``tests/integration/``: read nights built once per session (the fixtures below, and the
  site's night in support/site.py) and never change them.
- ``tests/e2e/``: build nights of their own (faults, reruns, publishing, the browser, full
  disks, the benchmark's references); marked ``slow``. ``make test-fast`` leaves them out,
  ``make test`` (CI) runs everything.

Helpers live in ``support/`` (this folder is on the import path).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.gold_study import gold_study_export
from support.nights import FIXTURES, Night, run_nightly
from support.tools import tools_landing

from dagster_project.lib.synthetic import generate

E2E = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(items):
    for item in items:
        if E2E in Path(item.fspath).parents:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def hand_night(tmp_path_factory) -> Night:
    """The hand-computed fixture (tests/fixtures/events/hand_computed.jsonl), one night."""
    night = run_nightly(
        tmp_path_factory.mktemp("hand"),
        {"hand_computed.jsonl": FIXTURES / "events" / "hand_computed.jsonl"},
    )
    assert night.exit_code == 0
    return night


@pytest.fixture(scope="session")
def tools_night(tmp_path_factory) -> Night:
    """Every tool's export in one landing folder, one night (support/tools.py lists them)."""
    root = tmp_path_factory.mktemp("tools")
    night = run_nightly(root, tools_landing(root))
    assert night.exit_code == 0
    return night


@pytest.fixture(scope="session")
def case_night(tmp_path_factory) -> Night:
    """30 k generated events with every planted case study (lib/synthetic/case_studies.py)."""
    root = tmp_path_factory.mktemp("generated")
    generate(root / "landing", events=30_000, seed=11)
    night = run_nightly(root)
    assert night.exit_code == 0
    return night


@pytest.fixture(scope="session")
def gold_night(tmp_path_factory) -> Night:
    """A one-day, no-reviewer, gold-checked classification study (support/gold_study.py)."""
    root = tmp_path_factory.mktemp("gold_study")
    export = gold_study_export(root / "export.json")
    night = run_nightly(root, {"label_studio/export.json": export})
    assert night.exit_code == 0
    return night
