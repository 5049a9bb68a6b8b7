"""Wall time and peak memory of a command and every process it starts."""

from __future__ import annotations

import contextlib
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

SAMPLE_EVERY_S = 0.1


@dataclass(frozen=True)
class Measurement:
    wall_s: float
    peak_rss_bytes: int
    exit_code: int


def _tree_rss(root: psutil.Process) -> int:
    """Resident memory of ``root`` and all its descendants (dbt runs as a child of Dagster)."""
    total = 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += process.memory_info().rss
    return total


def measure(command: list[str], log: Path, cwd: Path | None = None) -> Measurement:
    """Run ``command`` (output to ``log``), sampling the process tree's RSS every 0.1 s."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        root = psutil.Process(process.pid)
        peak = 0
        while process.poll() is None:
            peak = max(peak, _tree_rss(root))
            time.sleep(SAMPLE_EVERY_S)
        wall = time.monotonic() - started
    return Measurement(wall, peak, process.returncode)
