"""Faults: a night killed at each stage, and two nights started at once.

The killed run is a real `annolytics run` process killed with SIGKILL (with its dbt child) at a
named failpoint (dagster_project/lib/failpoints.py). The next run must complete, and the
warehouse must equal that of a night that was never interrupted; the published site stays
readable throughout.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.nights import FIXTURES
from support.warehouse import warehouse_fingerprints

from dagster_project.cli import EXIT_BUSY, run_night
from dagster_project.lib.failpoints import ENV, POINTS
from dagster_project.lib.night.run_lock import lock_path
from dagster_project.lib.synthetic import generate


def annolytics_run(root: Path, failpoint: str | None = None) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != ENV}
    if failpoint:
        env[ENV] = failpoint
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dagster_project.cli",
            "run",
            "--landing",
            str(root / "landing"),
            "--warehouse",
            str(root / "warehouse.duckdb"),
            "--site",
            str(root / "site"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a scheduler would start it
    )


def finish(process: subprocess.Popen, timeout: float = 600) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=timeout)
    return process.returncode, stderr


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Night 1 published; the files that arrive for night 2; night 2 run without interruption."""
    root = tmp_path_factory.mktemp("faults")
    generate(root / "generated", events=2_000, seed=3, plant_case_studies=False)
    files = sorted((root / "generated").rglob("*.jsonl"))
    first, second = files[: len(files) // 2], files[len(files) // 2 :]
    base = root / "night1"
    (base / "landing").mkdir(parents=True)
    shutil.copy(FIXTURES / "events" / "hand_computed.jsonl", base / "landing")
    for path in first:
        shutil.copy(path, base / "landing" / path.name)
    assert finish(annolytics_run(base))[0] == 0
    reference = copy_night(base, root / "reference", second)
    assert finish(annolytics_run(reference))[0] == 0
    return base, second, reference


def copy_night(base: Path, target: Path, arriving: list[Path]) -> Path:
    shutil.copytree(base, target)
    for path in arriving:
        shutil.copy(path, target / "landing" / path.name)
    return target


@pytest.mark.parametrize("stage", POINTS)
def test_a_night_killed_at_any_stage_is_completed_by_the_next(nights, stage, tmp_path):
    base, arriving, reference = nights
    root = copy_night(base, tmp_path / "night", arriving)
    published = (root / "site" / "index.html").read_bytes()

    code, _ = finish(annolytics_run(root, failpoint=stage))
    assert code == -signal.SIGKILL  # it really died at the failpoint
    # The previous site is still there, whole, and no half-built one replaced it.
    assert (root / "site" / "index.html").read_bytes() == published

    code, stderr = finish(annolytics_run(root))
    assert code == 0, stderr[-2000:]
    assert warehouse_fingerprints(root / "warehouse.duckdb", tmp_path / "after") == (
        warehouse_fingerprints(reference / "warehouse.duckdb", tmp_path / "reference")
    )
    pages = sorted(p.name for p in (root / "site").glob("*.html"))
    assert pages == sorted(p.name for p in (reference / "site").glob("*.html"))
    assert not list(root.glob("site.building-*")) and not list(root.glob("site.previous-*"))


def test_a_second_run_on_the_same_warehouse_refuses_with_a_clear_message(nights, tmp_path, capsys):
    base, arriving, reference = nights
    root = copy_night(base, tmp_path / "night", arriving)
    first = annolytics_run(root)
    lock = lock_path(root / "warehouse.duckdb")
    deadline = time.monotonic() + 120
    while f"pid {first.pid}" not in (lock.read_text() if lock.exists() else ""):
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)

    second = run_night(root / "landing", root / "warehouse.duckdb", root / "site")

    assert second == EXIT_BUSY
    message = capsys.readouterr().err
    assert f"is in use by nightly run pid {first.pid}" in message and "--wait" in message
    assert finish(first)[0] == 0  # the first run was not disturbed
    assert warehouse_fingerprints(root / "warehouse.duckdb", tmp_path / "after") == (
        warehouse_fingerprints(reference / "warehouse.duckdb", tmp_path / "reference")
    )
    # The lock dies with its holder: the next night starts.
    assert run_night(root / "landing", root / "warehouse.duckdb", root / "site") == 0
