"""Benchmark inputs: a history of N events, and one more night's worth (1 %) landing later.

The later night is a second, independent generation (another seed, no planted case studies)
over the last two weeks of the history, so most of its events are dated in the past: late
arrivals for days the warehouse has already summarised, plus new tasks. Its ids are renamed
(``proj-x-e5`` -> ``proj-x-n2-e5``) so they never collide with the history's, and its files
land beside the history's as new files, as a tool exporting "what changed since" would.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from dagster_project.lib.synthetic import generate
from dagster_project.lib.synthetic.config import DEFAULT_START

HISTORY_WEEKS = 8
INCREMENT_SHARE = 0.01
INCREMENT_SEED_OFFSET = 1000


def write_increment(out: Path, history_events: int, seed: int) -> int:
    """Generate the later night's files under ``out/late/``; returns their event count."""
    scratch = out / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    summary = generate(
        scratch,
        events=max(1, round(history_events * INCREMENT_SHARE)),
        seed=seed + INCREMENT_SEED_OFFSET,
        start=DEFAULT_START + timedelta(weeks=HISTORY_WEEKS - 2),
        weeks=2,
        plant_case_studies=False,
    )
    late = out / "late"
    shutil.rmtree(late, ignore_errors=True)
    late.mkdir(parents=True)
    for relative in summary.files:
        project = relative.parts[1]
        text = (scratch / relative).read_text(encoding="utf-8")
        renamed = text.replace(f'"{project}-', f'"{project}-n2-')
        (late / f"{project}-{relative.stem}.jsonl").write_text(renamed, encoding="utf-8")
    shutil.rmtree(scratch)
    return summary.events_written
