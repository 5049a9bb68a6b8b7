"""People: fixed core staff and case-study persons, plus a seeded background team per project."""

from __future__ import annotations

import math
import random
from bisect import bisect
from itertools import accumulate

from dagster_project.lib.synthetic.config import (
    ANNOTATORS_PER_LEAD,
    ANNOTATORS_PER_REVIEWER,
    FIRST_NAMES,
    LAST_NAMES,
    MIN_ANNOTATORS,
    STAFF_DOMAIN,
    TASKS_PER_ANNOTATOR,
    VENDOR_DOMAIN,
    ProjectSpec,
)


class Person:
    """One actor. ``actor`` is the pre-serialized ``,"actor":...,"actor_role":...`` fragment."""

    __slots__ = (
        "email",
        "role",
        "actor",
        "in_annotate",
        "in_review",
        "speed",
        "error",
        "skip_p",
        "weight",
    )

    def __init__(
        self,
        email: str,
        role: str,
        speed: float = 1.0,
        error: float = 0.035,
        skip_p: float = 0.015,
        weight: float = 1.0,
    ) -> None:
        self.email = email
        self.role = role
        self.actor = f',"actor":"{email}","actor_role":"{role}"'
        self.in_annotate = self.actor + ',"stage":"annotate"'
        self.in_review = self.actor + ',"stage":"review"'
        self.speed = speed  # multiplies work time
        self.error = error  # base rejection probability of this person's annotations
        self.skip_p = skip_p
        self.weight = weight  # share of the queue this person picks up

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Person({self.email!r}, {self.role!r})"


SYSTEM = Person("system", "system")


class Team:
    """Background people of one project with weighted pickers."""

    def __init__(
        self,
        annotators: list[Person],
        reviewers: list[Person],
        leads: list[Person],
        reviewer_weights: list[float] | None = None,
    ) -> None:
        self.annotators = annotators
        self.reviewers = reviewers
        self.leads = leads
        self._a_cum = list(accumulate(p.weight for p in annotators))
        weights = reviewer_weights or [p.weight for p in reviewers]
        self._r_cum = list(accumulate(weights))

    def annotator(self, u: float) -> Person:
        cum = self._a_cum
        return self.annotators[min(bisect(cum, u * cum[-1]), len(cum) - 1)]

    def other_annotator(self, u: float, *exclude: Person) -> Person:
        for step in range(len(self.annotators)):
            person = self.annotator((u + step * 0.618034) % 1.0)
            if person not in exclude:
                return person
        return self.annotators[0]

    def reviewer(self, u: float) -> Person:
        cum = self._r_cum
        return self.reviewers[min(bisect(cum, u * cum[-1]), len(cum) - 1)]

    def lead(self, u: float) -> Person:
        return self.leads[int(u * len(self.leads)) % len(self.leads)]


def staff(local: str, role: str, domain: str = STAFF_DOMAIN, **kwargs) -> Person:
    return Person(f"{local}@{domain}", role, **kwargs)


class NamePool:
    """Unique ``first.last`` names in a seeded order, never one of the reserved names."""

    def __init__(self, rng: random.Random, reserved: set[str]) -> None:
        self._rng = rng
        self._used = set(reserved)

    def take(self) -> str:
        for _ in range(50):
            name = f"{self._rng.choice(FIRST_NAMES)}.{self._rng.choice(LAST_NAMES)}"
            if name not in self._used:
                self._used.add(name)
                return name
        # Pool (6,400 names) nearly exhausted: number the name.
        base = f"{self._rng.choice(FIRST_NAMES)}.{self._rng.choice(LAST_NAMES)}"
        number = 2
        while f"{base}{number}" in self._used:
            number += 1
        self._used.add(f"{base}{number}")
        return f"{base}{number}"


def _annotator_traits(rng: random.Random) -> dict[str, float]:
    return {
        "speed": min(2.2, max(0.55, rng.lognormvariate(0.0, 0.25))),
        "error": min(0.09, max(0.012, rng.lognormvariate(math.log(0.025), 0.35))),
        "skip_p": rng.uniform(0.004, 0.03),
        "weight": min(2.2, max(0.45, rng.lognormvariate(0.0, 0.3))),
    }


def build_team(
    spec: ProjectSpec,
    expected_tasks: float,
    rng: random.Random,
    pool: NamePool,
    reserved_people: dict[str, Person],
) -> Team:
    """The background team of a project, sized to the expected number of background tasks."""
    n_annotators = max(MIN_ANNOTATORS, math.ceil(expected_tasks / TASKS_PER_ANNOTATOR))
    annotators: list[Person] = []
    for local in spec.core_annotators:
        person = reserved_people.get(local) or staff(local, "annotator", **_annotator_traits(rng))
        reserved_people[local] = person
        annotators.append(person)
    while len(annotators) < n_annotators:
        domain = VENDOR_DOMAIN if rng.random() < spec.vendor_share else STAFF_DOMAIN
        annotators.append(staff(pool.take(), "annotator", domain, **_annotator_traits(rng)))

    n_reviewers = max(len(spec.reviewers), math.ceil(n_annotators / ANNOTATORS_PER_REVIEWER))
    reviewers = [reserved_people[local] for local in spec.reviewers]
    while len(reviewers) < n_reviewers:
        reviewers.append(staff(pool.take(), "reviewer", speed=rng.uniform(0.7, 1.3)))
    n_leads = max(len(spec.leads), math.ceil(n_annotators / ANNOTATORS_PER_LEAD))
    leads = [reserved_people[local] for local in spec.leads]
    while len(leads) < n_leads:
        leads.append(staff(pool.take(), "annotator", speed=0.9, error=0.01))

    reviewer_weights = None
    if spec.key == "aerial":
        # The bottleneck reviewer picks up a large share of the aerial queue.
        rest = max(1, len(reviewers) - 2)
        reviewer_weights = [0.45, 0.2] + [0.35 / rest] * (len(reviewers) - 2)
    return Team(annotators, reviewers, leads, reviewer_weights)
