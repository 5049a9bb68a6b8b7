"""Render the site's pages in several processes: a large team's site has thousands of person
pages and millions of rows to fetch, convert and write, all in Python, while the machine's
other cores idle.

Each page is rendered on its own from its own rows, so the split changes no byte of the site.
A shard is a list of pages; the first is rendered in this process, each other one in a worker
process that opens the warehouse read-only itself and fetches its own pages' rows.

Workers are ``python -m dagster_project.lib.site.shards``, handed a pickled call in a file, not
multiprocessing's: a multiprocessing child re-runs the parent's main script, so a script that
publishes the site without an ``if __name__ == "__main__"`` guard would publish again in each
worker (and clear the parent's half-built folder); a night inside Dagster cannot fork either.
"""

from __future__ import annotations

import contextlib
import pickle
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from dagster_project.lib.site.data import PageInstance

# A worker costs a new interpreter, a pickled call and the split queries run again for its
# pages: below this many rows per shard it is not worth it (the demo's and the tests' sites
# stay in one process).
ROWS_PER_WORKER = 50_000

Result = TypeVar("Result")


def _weight(page: PageInstance) -> int:
    """Rows the page shows: what fetching and rendering it costs, roughly (plus one per page)."""
    if page.data is not None:
        return 1 + sum(len(rows) for rows in page.data.values())
    return 1 + page.rows


def batches(pages: list[PageInstance], rows: int) -> Iterator[list[PageInstance]]:
    """``pages`` in order, in runs of consecutive pages of at most ``rows`` rows together (a
    page with more is a run of its own): what a process fetches and holds at a time."""
    batch: list[PageInstance] = []
    held = 0
    for page in pages:
        weight = _weight(page)
        if batch and held + weight > rows:
            yield batch
            batch, held = [], 0
        batch.append(page)
        held += weight
    if batch:
        yield batch


def split(
    pages: list[PageInstance],
    workers: int,
    in_process: set[str] = frozenset(),
) -> list[list[PageInstance]]:
    """At most ``workers`` shards of about equal rows (largest page first onto the lightest
    shard), each in the pages' order; the pages named in ``in_process`` go to the first shard,
    the one rendered in this process. One shard when there are too few rows to share."""
    total = sum(map(_weight, pages))
    count = max(1, min(workers, total // ROWS_PER_WORKER))
    if count == 1:
        return [list(pages)]
    load = [0] * count
    shard_of: dict[str, int] = {}
    for page in pages:
        if page.filename in in_process:
            shard_of[page.filename] = 0
            load[0] += _weight(page)
    rest = [page for page in pages if page.filename not in in_process]
    for page in sorted(rest, key=lambda page: (-_weight(page), page.filename)):
        lightest = min(range(count), key=lambda shard: (load[shard], shard))
        shard_of[page.filename] = lightest
        load[lightest] += _weight(page)
    shards: list[list[PageInstance]] = [[] for _ in range(count)]
    for page in pages:
        shards[shard_of[page.filename]].append(page)
    return [shard for shard in shards if shard]


@contextlib.contextmanager
def _scratch_folder(scratch: Path | None) -> Iterator[str]:
    if scratch is None:
        with tempfile.TemporaryDirectory(prefix="annolytics-site-") as folder:
            yield folder
        return
    scratch.mkdir(parents=True)
    try:
        yield str(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_split(
    shards: list[list[PageInstance]],
    here: Callable[[list[PageInstance]], Result],
    elsewhere: Callable[[list[PageInstance]], Result],
    scratch: Path | None = None,
) -> list[Result]:
    """``here(shards[0])`` in this process while ``elsewhere(shard)`` runs on every other shard
    in a worker process (``elsewhere`` must be picklable: a module-level function or a
    ``functools.partial`` of one); results in shard order. A failed worker raises here with
    its traceback. The workers' calls and results are files in ``scratch`` (a new folder,
    removed afterwards; a temporary folder when None), which a killed process leaves behind:
    publish.py puts it where the next night removes leftovers."""
    if len(shards) == 1:
        return [here(shards[0])]
    with _scratch_folder(scratch) as folder:
        workers = [_Worker(Path(folder) / f"shard-{number}", elsewhere, shard)
                   for number, shard in enumerate(shards[1:], start=1)]  # fmt: skip
        try:
            first = here(shards[0])
            return [first, *(worker.result() for worker in workers)]
        finally:
            for worker in workers:
                worker.stop()


class _Worker:
    """One worker process: the call pickled into ``<folder>/shard-N.call``, its pickled result
    written to ``shard-N.result`` or its traceback to ``shard-N.failed``."""

    def __init__(self, stem: Path, function: Callable, argument) -> None:
        self._stem = stem
        with stem.with_suffix(".call").open("wb") as file:
            pickle.dump((function, argument), file, protocol=pickle.HIGHEST_PROTOCOL)
        self._process = subprocess.Popen([sys.executable, "-m", __name__, str(stem)])

    def result(self):
        code = self._process.wait()
        if code != 0:
            failure = self._stem.with_suffix(".failed")
            detail = failure.read_text() if failure.exists() else f"exit code {code}"
            raise RuntimeError(f"A site worker process failed:\n{detail}")
        with self._stem.with_suffix(".result").open("rb") as file:
            return pickle.load(file)

    def stop(self) -> None:
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
