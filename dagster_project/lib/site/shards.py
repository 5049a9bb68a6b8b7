"""Render the site's pages in several processes: at 10 M events there are 6,300 person pages
and 2 M rows to fetch, convert and write, all in Python, while the machine's other cores idle.

Each page is rendered on its own from its own rows, so the split changes no byte of the site.
A shard is a list of pages; the first is rendered in this process, each other one in a worker
process that opens the warehouse read-only itself and fetches its own pages' rows.

Workers are fresh interpreters (worker_process.py), not multiprocessing's children: those
re-run the parent's main script, so a script that publishes the site without an
``if __name__ == "__main__"`` guard would publish again in each worker (and clear the parent's
half-built folder).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..worker_process import WorkerProcess
from .data import PageInstance

# A worker costs a new interpreter, a pickled call and the split queries run again for its
# pages: below this many rows per shard it is not worth it (the demo's and the tests' sites
# stay in one process).
ROWS_PER_WORKER = 50_000
WORKERS_ENV = "ANNOLYTICS_SITE_WORKERS"

Result = TypeVar("Result")


def _weight(page: PageInstance) -> int:
    """Rows the page shows: what fetching and rendering it costs, roughly (plus one per page)."""
    if page.data is not None:
        return 1 + sum(len(rows) for rows in page.data.values())
    return 1 + page.rows


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


def run_split(
    shards: list[list[PageInstance]],
    here: Callable[[list[PageInstance]], Result],
    elsewhere: Callable[[list[PageInstance]], Result],
) -> list[Result]:
    """``here(shards[0])`` in this process while ``elsewhere(shard)`` runs on every other shard
    in a worker process (``elsewhere`` must be picklable: a module-level function or a
    ``functools.partial`` of one); results in shard order. A failed worker raises here with
    its traceback."""
    if len(shards) == 1:
        return [here(shards[0])]
    with tempfile.TemporaryDirectory(prefix="annolytics-site-") as folder:
        workers = [
            WorkerProcess(Path(folder) / f"shard-{number}", elsewhere, shard, "site worker")
            for number, shard in enumerate(shards[1:], start=1)
        ]
        try:
            first = here(shards[0])
            return [first, *(worker.result() for worker in workers)]
        finally:
            for worker in workers:
                worker.stop()
