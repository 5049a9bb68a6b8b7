"""One task at a time: scenes, annotations, reviews, corrections, issues -> event tuples.

A task is simulated into a short list of ``(epoch_seconds, event_type, tail)`` tuples, where
``tail`` is the pre-serialized JSON fragment after ``task_id`` (``,"annotation_id":...``), in
the schema's key order. The writer sorts a task's events by time, numbers them and writes
them. Nothing outlives the task except a few per-person counters.
"""

from __future__ import annotations

import json
import random
from bisect import bisect
from itertools import accumulate
from math import exp

from dagster_project.lib.synthetic.clock import next_working_time
from dagster_project.lib.synthetic.config import (
    BACKGROUND_CORRECTIONS_CAP,
    COMMENT_P,
    COMMENT_TEXTS,
    FORGOTTEN_TAB_P,
    GROUND_TRUTH_P,
    ISSUE_P,
    ISSUE_RESOLVED_P,
    ISSUE_TAG_WEIGHTS,
    ISSUE_TAGGED_P,
    ISSUE_TAGS,
    ISSUE_TEXTS,
    MAX_REVIEW_ROUNDS,
    OVERLAP_P,
    RE_REJECT_FACTOR,
    REASSIGN_AFTER_SKIP_P,
    RESOLUTION_TEXTS,
    REVIEWER_TAGS,
    SOURCE_TOOL,
    THIRD_ANNOTATOR_P,
    UNTAGGED_ISSUE_TEXTS,
    WEEKEND_WORK_P,
    ProjectSpec,
)
from dagster_project.lib.synthetic.people import SYSTEM, Person, Team

SYS_ANN = SYSTEM.in_annotate
SYS_REV = SYSTEM.in_review
MAX_WAIT_S = 4 * 86400

ACCEPT = "A"  # review_accepted
REJECT_FIX = "RF"  # review_rejected, then review_fixed by the reviewer (a correction)
REJECT_REWORK = "RU"  # review_rejected, then annotation_updated by the author, reviewed again


def _literals(texts) -> tuple[str, ...]:
    """Texts as ready JSON string literals."""
    return tuple(json.dumps(text) for text in texts)


_ISSUE_TEXTS = {tag: _literals(texts) for tag, texts in ISSUE_TEXTS.items()}
_UNTAGGED = {tag: _literals(texts) for tag, texts in UNTAGGED_ISSUE_TEXTS.items()}
_RESOLUTIONS = _literals(RESOLUTION_TEXTS)
_COMMENTS = _literals(COMMENT_TEXTS)
_TAG_CUM = list(accumulate(ISSUE_TAG_WEIGHTS))
_TENTHS = tuple(f"{i // 10}.{i % 10}" for i in range(1001))  # 0.0 ... 100.0
_INTS = tuple(str(i) for i in range(64))


class Annotation:
    __slots__ = ("aid", "author", "objs", "submitted", "keep")

    def __init__(self, aid: str, author: Person, objs: list, submitted: int, keep: float):
        self.aid = aid  # ',"annotation_id":"..."' fragment
        self.author = author
        self.objs = objs
        self.submitted = submitted
        self.keep = keep  # product of (1 - class difficulty) over the classes present


class ProjectRuntime:
    """A project's classes and people, precomputed for fast per-task work."""

    def __init__(self, spec: ProjectSpec, team: Team, switch_t: int | None) -> None:
        self.spec = spec
        self.key = spec.key
        self.pid = spec.project_id
        self.team = team
        self.task_prefix = f'"source_tool":"{SOURCE_TOOL}","project_id":"{self.pid}","task_id":"'
        classes = spec.classes
        self.names = [c.name for c in classes]
        self.choice = all(c.shape == "choice" for c in classes)
        self.prefix = []
        for c in classes:
            if c.shape == "choice":
                self.prefix.append(f'{{"class":"{c.name}","shape":"choice","vertices":0}}')
            else:
                self.prefix.append(f'{{"class":"{c.name}","shape":"{c.shape}","vertices":')
        self.seconds = [c.seconds for c in classes]
        self.per_vertex = [c.per_vertex_s for c in classes]
        self.vmin = [c.vertices[0] for c in classes]
        self.vspan = [c.vertices[1] - c.vertices[0] + 1 for c in classes]
        self.smin = [c.size[0] for c in classes]
        self.sspan = [c.size[1] - c.size[0] for c in classes]
        self.keep = [1.0 - c.difficulty for c in classes]
        self.cum = list(accumulate(c.weight for c in classes))
        self.same_shape = [
            [j for j, o in enumerate(classes) if o.shape == c.shape and j != i] or [i]
            for i, c in enumerate(classes)
        ]
        self.index = {c.name: i for i, c in enumerate(classes)}
        self.bus = self.index.get("bus")
        self.car = self.index.get("car")
        self.pedestrian = self.index.get("pedestrian")
        versions = spec.guideline
        self.gv_old = f',"guideline_version":"{versions[0]}"'
        self.gv_new = f',"guideline_version":"{versions[-1]}"'
        self.switch_t = switch_t if (switch_t is not None and len(versions) > 1) else None
        # Background corrections allowed in this project?
        self.corrections = spec.fix_p > 0 or spec.lead_fix_p > 0

    def gv(self, t: int) -> str:
        if self.switch_t is not None and t >= self.switch_t:
            return self.gv_new
        return self.gv_old

    # -- scenes --------------------------------------------------------------------------------
    def pick_class(self, u: float) -> int:
        cum = self.cum
        return min(bisect(cum, u * cum[-1]), len(cum) - 1)

    def make_object(self, c: int, r) -> tuple:
        """``(class index, vertices, x, y, w, h)``; geometry in tenths of a percent (0-1000)."""
        if self.choice:
            return (c, 0, 0, 0, 0, 0)
        v = self.vmin[c] + int(r() * self.vspan[c])
        w = int((self.smin[c] + r() * self.sspan[c]) * 10.0)
        h = min(990, int(w * (0.5 + r())))
        return (c, v, int(r() * (1000 - w)), int(r() * (1000 - h)), w, h)

    def scene(self, rng: random.Random, factor: float = 1.0) -> list[tuple]:
        r = rng.random
        spec = self.spec
        if self.choice:
            return [(self.pick_class(r()), 0, 0, 0, 0, 0)]
        if self.bus is not None and r() < spec.transit_p:
            return self.transit_scene(rng, 1 + int(exp(rng.gauss(0.4, 0.6))))
        n = 1 + int(exp(rng.gauss(spec.objects_mu, spec.objects_sigma)))
        if factor != 1.0:
            n = round(n * factor)
        n = min(30, max(1, n))
        return [self.make_object(self.pick_class(r()), r) for _ in range(n)]

    def transit_scene(self, rng: random.Random, buses: int, others: int | None = None) -> list:
        """Bus stop / terminal: mostly buses plus a couple of cars or pedestrians."""
        r = rng.random
        objs = [self.make_object(self.bus, r) for _ in range(min(buses, 12))]
        if others is None:
            others = int(r() * 3)
        for _ in range(others):
            objs.append(self.make_object(self.car if r() < 0.5 else self.pedestrian, r))
        return objs

    def plain_scene(self, rng: random.Random, exclude: int | None = None) -> list:
        """A regular scene (streets: without buses)."""
        spec = self.spec
        r = rng.random
        if self.choice:
            return [(self.pick_class(r()), 0, 0, 0, 0, 0)]
        n = min(30, 1 + int(exp(rng.gauss(spec.objects_mu, spec.objects_sigma))))
        objs = []
        for _ in range(n):
            c = self.pick_class(r())
            if c == exclude:
                c = self.car
            objs.append(self.make_object(c, r))
        return objs

    # -- labels --------------------------------------------------------------------------------
    def labels(self, objs: list) -> tuple[str, float, float]:
        """(``,"labels":[...],"object_count":n,"vertex_count":v`` fragment, work seconds,
        product of (1 - difficulty) over the classes present)."""
        prefix = self.prefix
        seconds = self.seconds
        if self.choice:
            c = objs[0][0]
            return (
                f',"labels":[{prefix[c]}],"object_count":1,"vertex_count":0',
                seconds[c],
                self.keep[c],
            )
        per_vertex = self.per_vertex
        tenths = _TENTHS
        ints = _INTS
        work = 0.0
        vertices = 0
        parts = []
        seen = set()
        for c, v, x, y, w, h in objs:
            parts.append(
                f'{prefix[c]}{ints[v]},"bbox":[{tenths[x]},{tenths[y]},{tenths[w]},{tenths[h]}]}}'
            )
            work += seconds[c] + per_vertex[c] * v
            vertices += v
            seen.add(c)
        keep = 1.0
        for c in seen:
            keep *= self.keep[c]
        joined = ",".join(parts)
        fragment = f',"labels":[{joined}],"object_count":{len(objs)},"vertex_count":{vertices}'
        return fragment, work, keep

    def variant(self, objs: list, rng: random.Random, error: float) -> list:
        """Another annotator's take on the same scene: same classes, boxes jittered, rare
        misses and confusions (so agreement is high but measurable)."""
        r = rng.random
        out = []
        for obj in objs:
            c, v, x, y, w, h = obj
            if len(objs) > 1 and r() < error * 0.8:
                continue  # missed object
            if r() < error:
                same = self.same_shape[c]
                c = same[int(r() * len(same))]
            if not self.choice:
                j = 0.04 * w
                x = min(1000, max(0, x + int((r() - 0.5) * j)))
                y = min(1000, max(0, y + int((r() - 0.5) * j)))
                w = min(1000, int(w * (0.96 + 0.08 * r())))
                h = min(1000, int(h * (0.96 + 0.08 * r())))
            out.append((c, v, x, y, w, h))
        return out or [objs[0]]

    def corrected(self, objs: list, rng: random.Random) -> list:
        """The annotation after a correction: one object relabeled or re-drawn, maybe one added."""
        r = rng.random
        out = list(objs)
        i = int(r() * len(out))
        c, v, x, y, w, h = out[i]
        if self.choice or r() < 0.5:
            same = self.same_shape[c]
            c = same[int(r() * len(same))]
        else:
            w = int(w * (0.8 + 0.15 * r()))
            h = int(h * (0.8 + 0.15 * r()))
        out[i] = (c, v, x, y, w, h)
        if not self.choice and r() < 0.3 and len(out) < 30:
            out.append(self.make_object(out[0][0], r))
        return out


class Simulator:
    """Turns task decisions into event tuples. ``planted`` mode uses short bounded waits and
    no forgotten tabs, so a planted task stays within the weekday it was created on."""

    def __init__(self, rng: random.Random, planted: bool = False) -> None:
        self.rng = rng
        self.r = rng.random
        self.planted = planted
        self.received: dict[str, int] = {}

    # -- time ----------------------------------------------------------------------------------
    def after(self, t: int, median_s: float, sigma: float = 1.0) -> int:
        """A waiting time (queue, pick-up) after ``t``, moved into working hours."""
        if self.planted:
            return t + int(median_s * (0.3 + 1.2 * self.r()))
        wait = min(MAX_WAIT_S, median_s * exp(self.rng.gauss(0.0, sigma)))
        return next_working_time(t + int(wait), self.r, WEEKEND_WORK_P)

    def work_seconds(self, base: float, speed: float, sigma: float = 0.3) -> float:
        d = base * speed * exp(self.rng.gauss(0.0, sigma))
        if not self.planted and self.r() < FORGOTTEN_TAB_P:
            d += 1800 + self.r() * 5 * 3600  # tab left open
        return min(86000.0, max(1.0, d))

    # -- annotate ------------------------------------------------------------------------------
    def annotate(
        self,
        ev: list,
        proj: ProjectRuntime,
        tid: str,
        number: int,
        person: Person,
        start: int,
        objs: list,
        gold: bool = False,
    ) -> Annotation:
        aid = f',"annotation_id":"{tid}-a{number}"'
        labels, work, keep = proj.labels(objs)
        dur = self.work_seconds(proj.spec.overhead_s + work, person.speed)
        end = start + int(dur + 0.5)
        who = aid + person.in_annotate
        ev.append((start, "annotation_started", who))
        tail = f'{who},"duration_s":{dur:.1f}{labels}{proj.gv(end)}'
        if gold:
            tail += ',"is_ground_truth":true'
        if proj.spec.confidence:
            tail += f',"confidence":{0.99 - 0.45 * self.r() ** 2:.2f}'
        ev.append((end, "annotation_submitted", tail))
        return Annotation(aid, person, objs, end, keep)

    def skip(
        self, ev: list, proj: ProjectRuntime, tid: str, number: int, person: Person, start: int
    ) -> int:
        aid = f',"annotation_id":"{tid}-a{number}"'
        dur = min(900.0, 4.0 + 25.0 * exp(self.rng.gauss(0.0, 0.8)))
        end = start + int(dur + 0.5)
        who = aid + person.in_annotate
        ev.append((start, "annotation_started", who))
        ev.append((end, "annotation_skipped", f'{who},"duration_s":{dur:.1f}{proj.gv(end)}'))
        return end

    # -- review --------------------------------------------------------------------------------
    def review_time(self, proj: ProjectRuntime, objs: list, reviewer: Person, factor=1.0) -> float:
        if proj.choice:
            base = 3.0 + 0.35 * proj.seconds[objs[0][0]]
        else:
            base = 5.0 + 1.3 * len(objs) + 0.08 * sum(o[1] for o in objs)
        return min(
            86000.0, max(1.0, base * factor * reviewer.speed * exp(self.rng.gauss(0.0, 0.35)))
        )

    def random_script(self, proj: ProjectRuntime, ann: Annotation) -> list:
        """Background review outcome of one annotation, respecting the per-person cap."""
        r = self.r
        spec = proj.spec
        email = ann.author.email
        received = self.received.get(email, 0)
        steps: list = []
        if spec.lead_fix_p and r() < spec.lead_fix_p and received < BACKGROUND_CORRECTIONS_CAP:
            lead = proj.team.lead(r())
            if lead is not ann.author:
                steps.append(("L", lead))
                received += 1
        p = 1.0 - (1.0 - ann.author.error) * ann.keep
        for _ in range(MAX_REVIEW_ROUNDS):
            if r() < p:
                if spec.fix_p and r() < spec.fix_p and received < BACKGROUND_CORRECTIONS_CAP:
                    steps.append(REJECT_FIX)
                    received += 1
                    break
                steps.append(REJECT_REWORK)
                p *= RE_REJECT_FACTOR
            else:
                steps.append(ACCEPT)
                break
        else:
            steps.append(ACCEPT)
        if received:
            self.received[email] = received
        return steps

    def review(
        self,
        ev: list,
        proj: ProjectRuntime,
        ann: Annotation,
        reviewer: Person,
        t: int,
        script: list,
        slow: float = 1.0,
    ) -> int:
        """Execute a review script for one annotation starting at ``t``; returns the end time."""
        aid = ann.aid
        rev = aid + reviewer.in_review
        objs = ann.objs
        author = ann.author
        for step in script:
            if step == ACCEPT:
                d = self.review_time(proj, objs, reviewer, slow)
                t += int(d + 0.5)
                ev.append((t, "review_accepted", f'{rev},"duration_s":{d:.1f}'))
            elif step == REJECT_FIX:
                d = self.review_time(proj, objs, reviewer, slow)
                t += int(d + 0.5)
                ev.append((t, "review_rejected", f'{rev},"duration_s":{d:.1f}'))
                objs = proj.corrected(objs, self.rng)
                labels, work, _ = proj.labels(objs)
                d = self.work_seconds(4.0 + 0.35 * work, reviewer.speed * slow)
                t += int(d + 0.5)
                ev.append((t, "review_fixed", f'{rev},"duration_s":{d:.1f}{labels}{proj.gv(t)}'))
            elif step == REJECT_REWORK:
                d = self.review_time(proj, objs, reviewer, slow)
                t += int(d + 0.5)
                ev.append((t, "review_rejected", f'{rev},"duration_s":{d:.1f}'))
                t = self.after(t, 3600.0, 1.0)
                objs = proj.corrected(objs, self.rng)
                labels, work, _ = proj.labels(objs)
                d = self.work_seconds(5.0 + 0.3 * work, author.speed)
                t += int(d + 0.5)
                ev.append(
                    (
                        t,
                        "annotation_updated",
                        f'{aid}{author.in_annotate},"duration_s":{d:.1f}{labels}{proj.gv(t)}',
                    )
                )
                t = self.after(t, 1800.0, 1.0)
            else:  # ("L", editor): someone other than the author edits the annotation
                editor = step[1]
                objs = proj.corrected(objs, self.rng)
                labels, work, _ = proj.labels(objs)
                d = self.work_seconds(5.0 + 0.3 * work, editor.speed)
                t += int(d + 0.5)
                ev.append(
                    (
                        t,
                        "annotation_updated",
                        f'{aid}{editor.in_review},"duration_s":{d:.1f}{labels}{proj.gv(t)}',
                    )
                )
            t += 1 + int(self.r() * 20)
        return t

    # -- issues and comments -------------------------------------------------------------------
    def issue(
        self,
        ev: list,
        proj: ProjectRuntime,
        tid: str,
        raiser: Person,
        t: int,
        resolvers: tuple[Person, ...],
        tag: str | None = None,
    ) -> None:
        r = self.r
        if tag is None:
            cum = _TAG_CUM
            tag = ISSUE_TAGS[min(bisect(cum, r() * cum[-1]), len(cum) - 1)]
        iid = f',"issue_id":"{tid}-i1"'
        if r() < ISSUE_TAGGED_P:
            texts = _ISSUE_TEXTS[tag]
            body = f',"issue_tag":"{tag}","text":{texts[int(r() * len(texts))]}'
        else:
            texts = _UNTAGGED[tag]
            body = f',"text":{texts[int(r() * len(texts))]}'
        ev.append((t, "issue_raised", raiser.actor + iid + body))
        if r() < 0.3:
            t = self.after(t, 2400.0, 1.0)
            who = resolvers[int(r() * len(resolvers))]
            ev.append(
                (
                    t,
                    "comment_added",
                    who.actor + iid + f',"text":{_COMMENTS[int(r() * len(_COMMENTS))]}',
                )
            )
        if r() < ISSUE_RESOLVED_P:
            t = self.after(t, 3 * 3600.0, 1.2)
            u = r()
            who = raiser if u < 0.15 else resolvers[int(u * len(resolvers)) % len(resolvers)]
            tail = who.actor + iid
            if r() < 0.6:
                tail += f',"text":{_RESOLUTIONS[int(r() * len(_RESOLUTIONS))]}'
            ev.append((t, "issue_resolved", tail))

    # -- background task -----------------------------------------------------------------------
    def background_task(self, proj: ProjectRuntime, tid: str, created: int) -> list:
        rng = self.rng
        r = self.r
        team = proj.team
        spec = proj.spec
        ev: list = [(created, "task_created", SYSTEM.actor), (created, "stage_entered", SYS_ANN)]
        objs = proj.scene(rng)
        author = team.annotator(r())
        anns: list[Annotation] = []
        number = 0

        u = r()
        gold = u < GROUND_TRUTH_P
        if gold:
            lead = team.lead(r())
            number += 1
            start = self.after(created, 1800.0, 0.8)
            anns.append(self.annotate(ev, proj, tid, number, lead, start, objs, gold=True))

        start = self.after(created, 2700.0, 1.0)
        if not gold and r() < author.skip_p:  # nobody skips a ground-truth item
            number += 1
            end = self.skip(ev, proj, tid, number, author, start)
            if r() >= REASSIGN_AFTER_SKIP_P:
                ev.append((end, "stage_left", author.in_annotate))
                return ev
            author = team.other_annotator(r(), author)
            start = self.after(end, 3600.0, 1.0)
        number += 1
        own = objs if not gold else proj.variant(objs, rng, author.error)
        anns.append(self.annotate(ev, proj, tid, number, author, start, own))

        if not gold and u < GROUND_TRUTH_P + OVERLAP_P:
            extra = 2 if r() < THIRD_ANNOTATOR_P else 1
            taken = [author]
            for _ in range(extra):
                other = team.other_annotator(r(), *taken)
                taken.append(other)
                number += 1
                start = self.after(created, 5400.0, 1.0)
                anns.append(
                    self.annotate(
                        ev, proj, tid, number, other, start, proj.variant(objs, rng, other.error)
                    )
                )

        last = anns[0]
        for ann in anns:
            if ann.submitted >= last.submitted:
                last = ann
        t = last.submitted
        ev.append((t, "stage_left", last.author.in_annotate))

        reviewer = None
        if r() < spec.review_p:
            reviewer = team.reviewer(r())
            ev.append((t, "stage_entered", SYS_REV))
            slow = 1.0
            median = 2.5 * 3600.0
            if spec.key == "aerial" and reviewer is team.reviewers[0]:
                median *= 3.0  # the bottleneck reviewer's queue
                slow = 1.3
            t = self.after(t, median, 1.1)
            for ann in sorted(anns, key=_by_submit):
                if gold and ann is anns[0]:
                    script = [ACCEPT]  # the ground-truth annotation itself
                elif proj.corrections:
                    script = self.random_script(proj, ann)
                else:
                    script = self._rework_only_script(ann)
                t = self.review(ev, proj, ann, reviewer, t, script, slow)
            ev.append((t, "stage_left", reviewer.in_review))

        if r() < ISSUE_P:
            tag = ISSUE_TAGS[min(bisect(_TAG_CUM, r() * _TAG_CUM[-1]), len(_TAG_CUM) - 1)]
            primary = anns[1] if gold else anns[0]
            if tag in REVIEWER_TAGS and reviewer is not None:
                raiser, when = reviewer, t - 1
            else:
                raiser, when = primary.author, primary.submitted - 1
            resolvers = (team.lead(r()), reviewer or team.reviewer(r()))
            self.issue(ev, proj, tid, raiser, max(created + 1, when), resolvers, tag)
        if r() < COMMENT_P:
            who = anns[-1].author if reviewer is None or r() < 0.5 else reviewer
            when = max(created + 1, anns[-1].submitted - int(r() * 60))
            ev.append(
                (
                    when,
                    "comment_added",
                    who.actor + f',"text":{_COMMENTS[int(r() * len(_COMMENTS))]}',
                )
            )
        return ev

    def _rework_only_script(self, ann: Annotation) -> list:
        """Review without corrections (aerial background): rejections go back to the author."""
        p = 1.0 - (1.0 - ann.author.error) * ann.keep
        steps = []
        for _ in range(MAX_REVIEW_ROUNDS):
            if self.r() < p:
                steps.append(REJECT_REWORK)
                p *= RE_REJECT_FACTOR
            else:
                break
        steps.append(ACCEPT)
        return steps


def _by_submit(ann: Annotation) -> int:
    return ann.submitted
