"""Orchestration: calendar, teams, event budget, merge of planted and background tasks."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from dagster_project.lib.synthetic.case_studies import (
    CASE_STUDY_WEEKS,
    GUIDELINE_SWITCH_WEEK,
    PlantedTask,
    build_planted,
    planted_people,
)
from dagster_project.lib.synthetic.clock import DAY, epoch, first_monday, iso_key
from dagster_project.lib.synthetic.config import (
    DAY_WEIGHTS,
    DEFAULT_START,
    EVENTS_PER_TASK_PRIOR,
    PROJECTS,
)
from dagster_project.lib.synthetic.people import NamePool, Person, build_team, staff
from dagster_project.lib.synthetic.simulate import ProjectRuntime, Simulator
from dagster_project.lib.synthetic.writer import EventWriter

_OUTPUT_NAME = re.compile(r"^\d{4}-W\d{2}\.jsonl$")
_PRIOR_WEIGHT = 30.0  # pseudo-count of the events-per-task prior


@dataclass
class GenerationSummary:
    events_written: int
    tasks: int
    files: list[Path] = field(default_factory=list)  # relative to out_dir, sorted
    projects: list[str] = field(default_factory=list)  # project ids written
    case_study_events: int = 0  # events of the planted block (0 when not planted)


def _reserved_people() -> dict[str, Person]:
    """Core reviewers, leads and aerial core annotators (fixed names), and case-study people."""
    people = planted_people()
    for spec in PROJECTS:
        for local in spec.reviewers:
            people[local] = staff(local, "reviewer")
        for local in spec.leads:
            people[local] = staff(local, "annotator", speed=0.9, error=0.01)
        for local in spec.core_annotators:
            people[local] = staff(local, "annotator", speed=1.0, error=0.03, weight=1.2)
    return people


def _clear_previous(out_dir: Path) -> None:
    """Remove earlier synthetic output (this layout, these projects) so runs never mix."""
    for spec in PROJECTS:
        folder = out_dir / "events" / spec.project_id
        if folder.is_dir():
            for path in folder.iterdir():
                if path.is_file() and _OUTPUT_NAME.match(path.name):
                    path.unlink()


def _creation_second(rng: random.Random, weekday: int) -> int:
    """Second of the day a task is created (imports mostly during the working day)."""
    r = rng.random
    if weekday >= 5:
        return 9 * 3600 + int(r() * 8 * 3600)
    if r() < 0.85:
        return 7 * 3600 + int(r() * 11.5 * 3600)
    return int(r() * DAY)


def generate(
    out_dir: Path,
    events: int = 50_000,
    seed: int = 7,
    start: date = DEFAULT_START,
    weeks: int = 8,
    plant_case_studies: bool = True,
    progress: Callable[[int], None] | None = None,
) -> GenerationSummary:
    """Write a synthetic event log under ``out_dir/events/`` and return what was written.

    Args:
        out_dir: output root; ``events/<project_id>/<ISO year>-W<ww>.jsonl`` go below it.
            Earlier synthetic files of this layout for these projects are removed first.
        events: approximate total (within 2 %), planted block included. Minimum with case
            studies: 6,071 events (the block alone); below it only the block is written.
        seed: everything (people, scenes, times, outcomes) follows from it; same arguments,
            byte-identical files.
        start: first day of task creation (UTC).
        weeks: tasks are created over ``weeks * 7`` days from ``start``. With case studies,
            six ISO weeks from the first Monday on/after ``start`` must fit (ValueError).
        plant_case_studies: add the fixed block described by ``CASE_STUDIES``.
        progress: called with the running event count about every 100,000 events and once
            at the end.
    """
    out_dir = Path(out_dir)
    if events < 0:
        raise ValueError("events must be >= 0")
    if weeks < 1:
        raise ValueError("weeks must be >= 1")
    end = start + timedelta(weeks=weeks)
    monday = first_monday(start)
    if plant_case_studies and monday + timedelta(weeks=CASE_STUDY_WEEKS) > end:
        raise ValueError(
            f"the case studies need {CASE_STUDY_WEEKS} full ISO weeks from the first Monday on "
            f"or after start ({monday}); extend weeks or pass plant_case_studies=False"
        )

    rng = random.Random(seed)
    planted_rng = random.Random(f"annolytics-planted-{seed}")
    switch_t = epoch(monday) + GUIDELINE_SWITCH_WEEK * 7 * DAY
    people = _reserved_people()
    runtimes = {spec.key: ProjectRuntime(spec, None, switch_t) for spec in PROJECTS}

    planted: dict[tuple[str, str], list[PlantedTask]] = {}
    if plant_case_studies:
        planted = build_planted(planted_rng, runtimes, people, start)
    planted_events = sum(len(t.events) for tasks in planted.values() for t in tasks)
    background_target = max(0, events - planted_events)

    pool = NamePool(rng, set(people))
    for spec in PROJECTS:
        expected_tasks = background_target * spec.share / EVENTS_PER_TASK_PRIOR[spec.key]
        runtimes[spec.key].team = build_team(spec, expected_tasks, rng, pool, people)

    # Calendar: days grouped by ISO week, each (week, project, day) a slot of the budget.
    days = [start + timedelta(days=i) for i in range((end - start).days)]
    week_keys: list[str] = []
    week_days: dict[str, list[date]] = {}
    for day in days:
        key = iso_key(day)
        if key not in week_days:
            week_keys.append(key)
            week_days[key] = []
        week_days[key].append(day)
    week_factor = {
        (spec.key, key): 0.85 + 0.3 * rng.random() for key in week_keys for spec in PROJECTS
    }
    remaining_weight = sum(
        spec.share * DAY_WEIGHTS[day.weekday()] * week_factor[(spec.key, key)]
        for key in week_keys
        for spec in PROJECTS
        for day in week_days[key]
    )

    writer = EventWriter(out_dir, progress)
    sim = Simulator(rng)
    _clear_previous(out_dir)
    background_events = 0
    stats = {spec.key: [0, 0] for spec in PROJECTS}  # background events, tasks
    try:
        for key in week_keys:
            for spec in PROJECTS:
                proj = runtimes[spec.key]
                pid = proj.pid
                prefix = proj.task_prefix
                writer.select(pid, key)
                queue = planted.get((pid, key), [])
                qi = 0
                counter = stats[spec.key]
                prior = EVENTS_PER_TASK_PRIOR[spec.key]
                for day in week_days[key]:
                    weekday = day.weekday()
                    weight = spec.share * DAY_WEIGHTS[weekday] * week_factor[(spec.key, key)]
                    share = weight / remaining_weight if remaining_weight > 0 else 1.0
                    remaining_weight -= weight
                    per_task = (counter[0] + prior * _PRIOR_WEIGHT) / (counter[1] + _PRIOR_WEIGHT)
                    wanted = max(0, background_target - background_events) * min(1.0, share)
                    x = wanted / per_task
                    n = int(x)
                    if rng.random() < x - n:
                        n += 1
                    base = epoch(day)
                    created_times = sorted(base + _creation_second(rng, weekday) for _ in range(n))
                    for created in created_times:
                        while qi < len(queue) and queue[qi].created <= created:
                            task = queue[qi]
                            qi += 1
                            tid = writer.next_task_id(pid)
                            writer.write_task(pid, prefix, tid, task.events, placeholder=True)
                        tid = writer.next_task_id(pid)
                        written = writer.write_task(
                            pid, prefix, tid, sim.background_task(proj, tid, created)
                        )
                        background_events += written
                        counter[0] += written
                        counter[1] += 1
                while qi < len(queue):
                    task = queue[qi]
                    qi += 1
                    tid = writer.next_task_id(pid)
                    writer.write_task(pid, prefix, tid, task.events, placeholder=True)
    finally:
        writer.close()
    if progress is not None:
        progress(writer.events)

    files = sorted(writer.files)
    return GenerationSummary(
        events_written=writer.events,
        tasks=sum(writer.tasks.values()),
        files=files,
        projects=sorted({path.parts[1] for path in files}),
        case_study_events=planted_events,
    )
