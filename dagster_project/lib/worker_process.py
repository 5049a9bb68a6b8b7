"""Run one pickled call in a fresh Python interpreter: the site's render shards and the dbt
Python models' statistics use it to put a second core to work from a process whose Python
code runs one thread at a time.

A worker is ``python -m dagster_project.lib.worker_process <stem>``, handed its call in
``<stem>.call``; it writes the pickled result to ``<stem>.result`` or its traceback to
``<stem>.failed``. Not multiprocessing: a multiprocessing child re-runs the parent's main
script (a script without an ``if __name__ == "__main__"`` guard would run again in each
worker), and neither a night inside Dagster nor dbt's threads can fork safely.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path


def default_workers() -> int:
    """The cores this process may use, at most 4: beyond that more workers mostly repeat
    start-up and reading (measured on 2 cores only)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cores or 1))


class WorkerProcess:
    """``function(argument)`` running in its own interpreter from construction on; ``result()``
    waits for it. ``function`` and ``argument`` must be picklable (a module-level function or a
    ``functools.partial`` of one)."""

    def __init__(self, stem: Path, function: Callable, argument, what: str = "worker") -> None:
        self._stem = stem
        self._what = what
        with stem.with_suffix(".call").open("wb") as file:
            pickle.dump((function, argument), file, protocol=pickle.HIGHEST_PROTOCOL)
        self._process = subprocess.Popen([sys.executable, "-m", __name__, str(stem)])

    def result(self):
        """The call's return value; a failed call raises here with the worker's traceback."""
        code = self._process.wait()
        if code != 0:
            failure = self._stem.with_suffix(".failed")
            detail = failure.read_text() if failure.exists() else f"exit code {code}"
            raise RuntimeError(f"A {self._what} process failed:\n{detail}")
        with self._stem.with_suffix(".result").open("rb") as file:
            return pickle.load(file)

    def stop(self) -> None:
        """Kill the worker if it still runs (the caller failed or gave up on it)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()


def _work(stem: Path) -> int:
    with stem.with_suffix(".call").open("rb") as file:
        function, argument = pickle.load(file)
    try:
        result = function(argument)
    except BaseException:
        stem.with_suffix(".failed").write_text(traceback.format_exc())
        return 1
    with stem.with_suffix(".result").open("wb") as file:
        pickle.dump(result, file, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


if __name__ == "__main__":
    sys.exit(_work(Path(sys.argv[1])))
