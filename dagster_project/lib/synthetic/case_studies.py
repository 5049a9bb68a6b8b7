"""The six planted case studies: a fixed block of scripted tasks with exact, known counts.

Weeks are counted on the case-study calendar: week 0 starts on the first Monday on or after
``start``; ``CaseStudy.iso_week(k, start)`` gives the ISO label of week ``k`` (for the default
start 2026-09-07, week 0 is ``2026-W37``). A planted task is created Monday-Wednesday during
working hours with short waits, so all its events fall inside the ISO week of its creation.

The block is the same for every ``events`` value (only its task and event numbers change); its
content varies with ``seed`` but its counts never do. Planted people do no background work in
their project, except the five aerial core annotators (who receive the bottleneck's 62
corrections) and the core reviewers/leads; background aerial reviews never correct anything.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from dagster_project.lib.synthetic.clock import DAY, epoch, first_monday, iso_key
from dagster_project.lib.synthetic.config import (
    CONTRACTOR_DOMAIN,
    DEFAULT_START,
    PROJECTS_BY_KEY,
    STAFF_DOMAIN,
)
from dagster_project.lib.synthetic.people import SYSTEM, Person
from dagster_project.lib.synthetic.simulate import (
    ACCEPT,
    REJECT_FIX,
    REJECT_REWORK,
    SYS_ANN,
    SYS_REV,
    ProjectRuntime,
    Simulator,
)
from dagster_project.lib.synthetic.writer import TASK_PLACEHOLDER

#: Calendar weeks the planted block needs (weeks 0..5 after the first Monday on/after start).
CASE_STUDY_WEEKS = 6


def _email(local: str, domain: str = STAFF_DOMAIN) -> str:
    return f"{local}@{domain}"


@dataclass(frozen=True)
class CaseStudy:
    name: str
    project: str  # project_id
    story: str

    @staticmethod
    def iso_week(week: int, start: date = DEFAULT_START) -> str:
        """ISO label (``2026-W40``) of case-study week ``week`` for a run starting at ``start``."""
        return iso_key(first_monday(start) + timedelta(weeks=week))


@dataclass(frozen=True)
class Complexity(CaseStudy):
    annotator: str
    tasks: int
    object_factor: float  # her scenes hold this many times the objects of her peers'
    weeks: tuple[int, ...]
    corrections_received: int


@dataclass(frozen=True)
class ReviewBottleneck(CaseStudy):
    reviewer: str
    other_reviewer: str
    corrections: int  # all corrections in the project over the whole data set
    by_reviewer: int
    by_other_reviewer: int
    reviewer_fixes: int  # review_fixed by the reviewer (the rest are annotation_updated)
    reviewer_updates: int
    receivers: tuple[str, ...]  # the annotators whose work was corrected (round robin)


@dataclass(frozen=True)
class JuniorReworks(CaseStudy):
    annotator: str
    corrections: int  # received, all within ``weeks``
    weeks: tuple[int, ...]  # three consecutive case-study weeks
    per_week: tuple[int, ...]
    review_fixes: int
    lead_updates: int
    lead: str
    tasks: int
    active_weeks: tuple[int, ...]


@dataclass(frozen=True)
class UnreviewedContractor(CaseStudy):
    annotator: str
    tasks: int
    review_events: int  # stage/review events on her annotations: none


@dataclass(frozen=True)
class AmbiguousClass(CaseStudy):
    class_name: str
    annotator: str
    class_tasks: int  # her annotations containing the class (first review)
    class_rejected: int
    other_tasks: int  # her annotations without the class
    other_rejected: int
    class_rejection: float  # target rate of the class, everyone (background ~ the same)
    other_rejection: float  # target rate of other classes


@dataclass(frozen=True)
class GuidelineDrift(CaseStudy):
    annotator: str
    week: int  # first case-study week of the new guideline (and of her drift)
    old_version: str
    new_version: str
    tasks_before: int
    rejected_before: int
    tasks_after: int
    rejected_after: int


CASE_STUDIES: dict[str, CaseStudy] = {
    "complexity": Complexity(
        name="complexity",
        project="proj-retail",
        story="Her scenes hold ~4x the objects of her peers': ~4x the time per task, a normal "
        "time per label.",
        annotator=_email("maya.lindqvist"),
        tasks=120,
        object_factor=4.0,
        weeks=(0, 1, 2, 3, 4, 5),
        corrections_received=2,
    ),
    "review_bottleneck": ReviewBottleneck(
        name="review_bottleneck",
        project="proj-aerial",
        story="Exactly 62 corrections in the project: one reviewer made 58, another 4.",
        reviewer=_email("tomasz.wojcik"),
        other_reviewer=_email("amara.okafor"),
        corrections=62,
        by_reviewer=58,
        by_other_reviewer=4,
        reviewer_fixes=52,
        reviewer_updates=6,
        receivers=tuple(
            _email(n)
            for n in (
                "jonas.berg",
                "keiko.tanaka",
                "rafael.moreno",
                "ines.duarte",
                "samuel.adeyemi",
            )
        ),
    ),
    "junior_reworks": JuniorReworks(
        name="junior_reworks",
        project="proj-docs",
        story="A junior receives 26 corrections within 3 consecutive weeks, the most anyone "
        "receives; none afterwards.",
        annotator=_email("noah.baptiste"),
        corrections=26,
        weeks=(1, 2, 3),
        per_week=(10, 9, 7),
        review_fixes=21,
        lead_updates=5,
        lead=_email("felix.wagner"),
        tasks=125,
        active_weeks=(1, 2, 3, 4, 5),
    ),
    "unreviewed_contractor": UnreviewedContractor(
        name="unreviewed_contractor",
        project="proj-retail",
        story="A contractor whose annotations are never reviewed nor corrected.",
        annotator=_email("lena.fischer", CONTRACTOR_DOMAIN),
        tasks=90,
        review_events=0,
    ),
    "ambiguous_class": AmbiguousClass(
        name="ambiguous_class",
        project="proj-streets",
        story="Class bus is rejected ~35 % of the time for everyone; an annotator who labels "
        "mostly buses has a high overall rejection rate but a normal bus rejection rate.",
        class_name="bus",
        annotator=_email("priya.raman"),
        class_tasks=120,
        class_rejected=42,
        other_tasks=40,
        other_rejected=2,
        class_rejection=0.35,
        other_rejection=0.05,
    ),
    "guideline_drift": GuidelineDrift(
        name="guideline_drift",
        project="proj-medical",
        story="Her rejection rate jumps from ~5 % to ~40 % in the week guideline v2 starts.",
        annotator=_email("sofia.marchetti"),
        week=3,
        old_version="v1",
        new_version="v2",
        tasks_before=100,
        rejected_before=5,
        tasks_after=100,
        rejected_after=40,
    ),
}

#: Week (case-study calendar) in which proj-medical switches guideline v1 -> v2.
GUIDELINE_SWITCH_WEEK = CASE_STUDIES["guideline_drift"].week

#: Planted people who never appear in the background of their project.
PLANTED_ONLY = (
    ("maya.lindqvist", STAFF_DOMAIN, "annotator"),
    ("noah.baptiste", STAFF_DOMAIN, "annotator"),
    ("lena.fischer", CONTRACTOR_DOMAIN, "annotator"),
    ("priya.raman", STAFF_DOMAIN, "annotator"),
    ("sofia.marchetti", STAFF_DOMAIN, "annotator"),
)


class PlantedTask:
    """Events of one planted task with the task id left as a placeholder."""

    __slots__ = ("created", "events")

    def __init__(self, created: int, events: list) -> None:
        self.created = created
        self.events = events


def _created_times(rng: random.Random, week_start: int, n: int) -> list[int]:
    """``n`` creation times Monday-Wednesday 08:30-14:00 of the week starting ``week_start``."""
    times = []
    for _ in range(n):
        day = int(rng.random() * 3)
        times.append(week_start + day * DAY + 30600 + int(rng.random() * 19800))
    times.sort()
    return times


def _task(
    sim: Simulator,
    proj: ProjectRuntime,
    created: int,
    author: Person,
    objs: list,
    reviewer: Person | None,
    script: list,
    slow: float = 1.0,
) -> PlantedTask:
    tid = TASK_PLACEHOLDER
    ev: list = [(created, "task_created", SYSTEM.actor), (created, "stage_entered", SYS_ANN)]
    start = sim.after(created, 1800.0)
    ann = sim.annotate(ev, proj, tid, 1, author, start, objs)
    t = ann.submitted
    ev.append((t, "stage_left", author.in_annotate))
    if reviewer is not None:
        ev.append((t, "stage_entered", SYS_REV))
        t = sim.after(t, 2400.0)
        t = sim.review(ev, proj, ann, reviewer, t, script, slow)
        ev.append((t, "stage_left", reviewer.in_review))
    return PlantedTask(created, ev)


def _scripts(rng: random.Random, counts: list[tuple[int, list]]) -> list[list]:
    """A shuffled list holding each script ``count`` times."""
    out = [script for count, script in counts for _ in range(count)]
    rng.shuffle(out)
    return out


def build_planted(
    rng: random.Random,
    runtimes: dict[str, ProjectRuntime],
    people: dict[str, Person],
    start: date,
) -> dict[tuple[str, str], list[PlantedTask]]:
    """All planted tasks keyed by (project_id, ISO week), each list sorted by creation time."""
    sim = Simulator(rng, planted=True)
    monday = first_monday(start)
    week_start = [epoch(monday) + 7 * k * DAY for k in range(CASE_STUDY_WEEKS)]
    week_key = [iso_key(monday + timedelta(weeks=k)) for k in range(CASE_STUDY_WEEKS)]
    out: dict[tuple[str, str], list[PlantedTask]] = {}

    def add(proj: ProjectRuntime, week: int, task: PlantedTask) -> None:
        out.setdefault((proj.pid, week_key[week]), []).append(task)

    def reviewer_of(proj: ProjectRuntime) -> Person:
        return people[proj.spec.reviewers[int(rng.random() * len(proj.spec.reviewers))]]

    rework = [REJECT_REWORK, ACCEPT]
    rework_twice = [REJECT_REWORK, REJECT_REWORK, ACCEPT]

    # 1. complexity -------------------------------------------------------------------------
    case = CASE_STUDIES["complexity"]
    retail = runtimes["retail"]
    maya = people["maya.lindqvist"]
    scripts = _scripts(
        rng,
        [
            (case.tasks - case.corrections_received - 5, [ACCEPT]),
            (case.corrections_received, [REJECT_FIX]),
            (5, rework),
        ],
    )
    per_week = case.tasks // len(case.weeks)
    for w in case.weeks:
        for created in _created_times(rng, week_start[w], per_week):
            objs = retail.scene(rng, factor=case.object_factor)
            add(
                retail,
                w,
                _task(sim, retail, created, maya, objs, reviewer_of(retail), scripts.pop()),
            )

    # 2. review_bottleneck ------------------------------------------------------------------
    case = CASE_STUDIES["review_bottleneck"]
    aerial = runtimes["aerial"]
    tomasz = people["tomasz.wojcik"]
    amara = people["amara.okafor"]
    receivers = [people[r.split("@")[0]] for r in case.receivers]
    plan = (
        [(tomasz, [REJECT_FIX])] * case.reviewer_fixes
        + [(tomasz, [("L", tomasz), ACCEPT])] * case.reviewer_updates
        + [(amara, [REJECT_FIX])] * case.by_other_reviewer
    )
    rng.shuffle(plan)
    weeks = [i % CASE_STUDY_WEEKS for i in range(len(plan))]
    counts = [weeks.count(w) for w in range(CASE_STUDY_WEEKS)]
    i = 0
    for w in range(CASE_STUDY_WEEKS):
        for created in _created_times(rng, week_start[w], counts[w]):
            reviewer, script = plan[i]
            author = receivers[i % len(receivers)]
            i += 1
            objs = aerial.scene(rng)
            slow = 1.3 if reviewer is tomasz else 1.0
            add(aerial, w, _task(sim, aerial, created, author, objs, reviewer, script, slow))

    # 3. junior_reworks ---------------------------------------------------------------------
    case = CASE_STUDIES["junior_reworks"]
    docs = runtimes["docs"]
    noah = people["noah.baptiste"]
    lead = people[case.lead.split("@")[0]]
    tasks_per_week = case.tasks // len(case.active_weeks)
    fixes = {1: 8, 2: 7, 3: 6}
    for w in case.active_weeks:
        if w in case.weeks:
            n_corr = case.per_week[case.weeks.index(w)]
            n_fix = fixes[w]
            counts = [
                (n_fix, [REJECT_FIX]),
                (n_corr - n_fix, [("L", lead), ACCEPT]),
                (3, rework),
                (tasks_per_week - n_corr - 3, [ACCEPT]),
            ]
        else:
            counts = [(2, rework), (tasks_per_week - 2, [ACCEPT])]
        scripts = _scripts(rng, counts)
        for created in _created_times(rng, week_start[w], tasks_per_week):
            add(
                docs,
                w,
                _task(sim, docs, created, noah, docs.scene(rng), reviewer_of(docs), scripts.pop()),
            )
    assert sum(fixes.values()) == case.review_fixes

    # 4. unreviewed_contractor --------------------------------------------------------------
    case = CASE_STUDIES["unreviewed_contractor"]
    lena = people["lena.fischer"]
    for w in range(CASE_STUDY_WEEKS):
        for created in _created_times(rng, week_start[w], case.tasks // CASE_STUDY_WEEKS):
            add(retail, w, _task(sim, retail, created, lena, retail.scene(rng), None, []))

    # 5. ambiguous_class --------------------------------------------------------------------
    case = CASE_STUDIES["ambiguous_class"]
    streets = runtimes["streets"]
    priya = people["priya.raman"]
    # First-round rejections of bus scenes split like the background (fix_p 0.4, ~10 % of
    # reworks rejected again).
    bus_fixed = 17
    bus_scripts = _scripts(
        rng,
        [
            (case.class_tasks - case.class_rejected, [ACCEPT]),
            (bus_fixed, [REJECT_FIX]),
            (case.class_rejected - bus_fixed - 3, rework),
            (3, rework_twice),
        ],
    )
    other_scripts = _scripts(
        rng,
        [
            (case.other_tasks - case.other_rejected, [ACCEPT]),
            (1, [REJECT_FIX]),
            (case.other_rejected - 1, rework),
        ],
    )
    kinds = ["bus"] * case.class_tasks + ["other"] * case.other_tasks
    rng.shuffle(kinds)
    per_week = len(kinds) // CASE_STUDY_WEEKS
    extra = len(kinds) - per_week * CASE_STUDY_WEEKS
    i = 0
    for w in range(CASE_STUDY_WEEKS):
        n = per_week + (1 if w < extra else 0)
        for created in _created_times(rng, week_start[w], n):
            if kinds[i] == "bus":
                objs = streets.transit_scene(rng, 3 + int(rng.random() * 6), int(rng.random() * 3))
                script = bus_scripts.pop()
            else:
                objs = streets.plain_scene(rng, exclude=streets.bus)
                script = other_scripts.pop()
            i += 1
            add(streets, w, _task(sim, streets, created, priya, objs, reviewer_of(streets), script))

    # 6. guideline_drift --------------------------------------------------------------------
    case = CASE_STUDIES["guideline_drift"]
    medical = runtimes["medical"]
    sofia = people["sofia.marchetti"]
    before = _scripts(
        rng,
        [
            (case.tasks_before - case.rejected_before, [ACCEPT]),
            (1, [REJECT_FIX]),
            (case.rejected_before - 1, rework),
        ],
    )
    after = _scripts(
        rng,
        [
            (case.tasks_after - case.rejected_after, [ACCEPT]),
            (12, [REJECT_FIX]),
            (case.rejected_after - 15, rework),
            (3, rework_twice),
        ],
    )
    weeks_before = list(range(case.week))
    weeks_after = list(range(case.week, CASE_STUDY_WEEKS))
    for weeks, scripts, total in (
        (weeks_before, before, case.tasks_before),
        (weeks_after, after, case.tasks_after),
    ):
        for j, w in enumerate(weeks):
            n = total // len(weeks) + (1 if j < total % len(weeks) else 0)
            for created in _created_times(rng, week_start[w], n):
                add(
                    medical,
                    w,
                    _task(
                        sim,
                        medical,
                        created,
                        sofia,
                        medical.scene(rng),
                        reviewer_of(medical),
                        scripts.pop(),
                    ),
                )

    for tasks in out.values():
        tasks.sort(key=lambda task: task.created)
    return out


def planted_people() -> dict[str, Person]:
    """Case-study persons (who do no background work in their project)."""
    return {
        local: Person(f"{local}@{domain}", role, speed=_SPEED.get(local, 1.0), error=0.032)
        for local, domain, role in PLANTED_ONLY
    }


_SPEED = {"lena.fischer": 0.75, "noah.baptiste": 1.25}

for _case in CASE_STUDIES.values():
    assert _case.project.removeprefix("proj-") in PROJECTS_BY_KEY, _case.project
