"""Wall time, CPU time and peak memory of a command and every process it starts."""

from __future__ import annotations

import contextlib
import resource
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

SAMPLE_EVERY_S = 0.1


@dataclass(frozen=True)
class Measurement:
    wall_s: float
    cpu_s: float  # user + system, the command and every descendant it waited for
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
    """Run ``command`` (output to ``log``), sampling the process tree's RSS every 0.1 s.

    The samples go to ``<log>.rss.tsv`` (seconds, MB), so a peak can be laid next to the
    timestamps in the log to see which step it belongs to. CPU time is what the finished tree
    used on every core (this process's reaped children before and after; one command at a
    time): unlike wall time it barely moves with what else the machine is doing."""
    log.parent.mkdir(parents=True, exist_ok=True)
    trace_path = log.with_name(log.name + ".rss.tsv")
    with log.open("w") as out, trace_path.open("w") as trace:
        trace.write("seconds\trss_mb\n")
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        root = psutil.Process(process.pid)
        peak = 0
        while process.poll() is None:
            rss = _tree_rss(root)
            peak = max(peak, rss)
            trace.write(f"{time.monotonic() - started:.1f}\t{rss / 2**20:.0f}\n")
            time.sleep(SAMPLE_EVERY_S)
        wall = time.monotonic() - started
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (children_after.ru_utime - children_before.ru_utime) + (
        children_after.ru_stime - children_before.ru_stime
    )
    return Measurement(wall, cpu, peak, process.returncode)
