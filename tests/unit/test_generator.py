"""The synthetic event-log generator: determinism, layout, schema, ids, planted case studies,
bounded memory. Every figure is recomputed from the written files with plain Python."""

from __future__ import annotations

import json
import re
import statistics
import tracemalloc
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import jsonschema
import pytest

from dagster_project.lib.settings import REPO_ROOT
from dagster_project.lib.synthetic import CASE_STUDIES, GenerationSummary, generate

SCHEMA_PATH = REPO_ROOT / "dagster_project/lib/ingest/adapters/event_log.schema.json"
EVENTS = 50_000
SEED = 7
START = date(2026, 9, 7)
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
EMAIL = re.compile(r"^[a-z]+\.[a-z]+\d*@[a-z0-9.-]+\.example$")
CASE_STUDY_EVENTS = 6071  # the planted block; also the documented minimum


# ----------------------------------------------------------------------------------------------
# Fixtures and helpers
# ----------------------------------------------------------------------------------------------
def read_events(out_dir: Path, summary: GenerationSummary) -> list[dict]:
    events = []
    for relative in summary.files:
        with open(out_dir / relative, encoding="utf-8") as handle:
            for line in handle:
                event = json.loads(line)
                event["_file"] = relative
                events.append(event)
    return events


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("synthetic")
    calls: list[int] = []
    summary = generate(out_dir, events=EVENTS, seed=SEED, start=START, progress=calls.append)
    return out_dir, summary, read_events(out_dir, summary), calls


@pytest.fixture(scope="module")
def events(run):
    return run[2]


@pytest.fixture(scope="module")
def index(events):
    """Annotation authors, corrections, first review outcome per annotation."""
    author: dict[str, str] = {}
    submitted: dict[str, dict] = {}
    for e in events:
        if e["event_type"] in ("annotation_submitted", "annotation_skipped"):
            author[e["annotation_id"]] = e["actor"]
        if e["event_type"] == "annotation_submitted":
            submitted[e["annotation_id"]] = e
    corrections = [
        e
        for e in events
        if e["event_type"] == "review_fixed"
        or (e["event_type"] == "annotation_updated" and e["actor"] != author[e["annotation_id"]])
    ]
    first_review: dict[str, bool] = {}  # annotation -> rejected at its first review
    for e in events:  # events of a task are written in time order
        if e["event_type"] in ("review_accepted", "review_rejected"):
            first_review.setdefault(e["annotation_id"], e["event_type"] == "review_rejected")
    return {
        "author": author,
        "submitted": submitted,
        "corrections": corrections,
        "first_review": first_review,
    }


def iso_week(timestamp: str) -> str:
    year, week, _ = date.fromisoformat(timestamp[:10]).isocalendar()
    return f"{year}-W{week:02d}"


def rejection(index, predicate) -> tuple[int, int]:
    first = index["first_review"]
    outcomes = [first[a] for a, e in index["submitted"].items() if a in first and predicate(e)]
    return sum(outcomes), len(outcomes)


# ----------------------------------------------------------------------------------------------
# Output, determinism, volume
# ----------------------------------------------------------------------------------------------
def test_same_arguments_give_identical_bytes(run, tmp_path):
    out_dir, summary, _, _ = run
    again = generate(tmp_path, events=EVENTS, seed=SEED, start=START)
    assert again.files == summary.files
    for relative in summary.files:
        assert (out_dir / relative).read_bytes() == (tmp_path / relative).read_bytes(), relative
    generate(tmp_path / "other", events=EVENTS, seed=SEED + 1, start=START)
    first = summary.files[0]
    assert (out_dir / first).read_bytes() != (tmp_path / "other" / first).read_bytes()


def test_event_count_layout_and_summary(run):
    out_dir, summary, events, calls = run
    assert abs(summary.events_written - EVENTS) <= 0.02 * EVENTS
    assert len(events) == summary.events_written
    assert summary.case_study_events == CASE_STUDY_EVENTS
    assert summary.tasks == len({e["task_id"] for e in events})
    assert summary.projects == sorted({e["project_id"] for e in events})
    assert 4 <= len(summary.projects) <= 6
    for relative in summary.files:
        assert not relative.is_absolute()
        assert re.fullmatch(r"events/proj-[a-z]+/\d{4}-W\d{2}\.jsonl", relative.as_posix())
    # One file per project and ISO week of the task's creation.
    for e in events:
        if e["event_type"] == "task_created":
            assert e["_file"].parts[1] == e["project_id"]
            assert e["_file"].stem == iso_week(e["occurred_at"])
    # 8 weeks from a Monday: 8 ISO weeks per project.
    assert len(summary.files) == 8 * len(summary.projects)
    assert calls and calls[-1] == summary.events_written


def test_small_budget_writes_only_the_case_studies(tmp_path):
    summary = generate(tmp_path, events=1_000, seed=3)
    assert summary.events_written == summary.case_study_events == CASE_STUDY_EVENTS
    background = generate(tmp_path / "plain", events=20_000, seed=3, plant_case_studies=False)
    assert abs(background.events_written - 20_000) <= 400
    assert background.case_study_events == 0
    people = {case.annotator for case in CASE_STUDIES.values() if hasattr(case, "annotator")}
    for relative in background.files:
        text = (tmp_path / "plain" / relative).read_text()
        assert not any(person in text for person in people)


def test_progress_every_100k_and_calendar_checks(tmp_path):
    calls: list[int] = []
    summary = generate(tmp_path, events=120_000, seed=1, progress=calls.append)
    assert len(calls) == 2 and 100_000 <= calls[0] < 100_100
    assert calls[-1] == summary.events_written
    with pytest.raises(ValueError):
        generate(tmp_path / "short", events=10_000, weeks=5)
    # A start that is not a Monday works; the case-study calendar starts on the next Monday.
    later = generate(tmp_path / "thu", events=10_000, start=date(2026, 9, 10), weeks=7)
    assert later.files[0].stem == "2026-W37"


# ----------------------------------------------------------------------------------------------
# Contract
# ----------------------------------------------------------------------------------------------
def test_sample_validates_against_the_schema(events):
    schema = json.loads(SCHEMA_PATH.read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    sample = events[::11]
    seen_types = {e["event_type"] for e in sample}
    sample += [
        next(e for e in events if e["event_type"] == t)
        for t in schema["properties"]["event_type"]["enum"]
        if t not in seen_types
    ]
    for e in sample:
        record = {k: v for k, v in e.items() if k != "_file"}
        errors = list(validator.iter_errors(record))
        assert not errors, (record, errors[0].message)
        assert TIMESTAMP.match(record["occurred_at"])
        datetime.fromisoformat(record["occurred_at"])


def test_ids_are_unique_and_shaped(events):
    ids = [e["event_id"] for e in events]
    assert len(ids) == len(set(ids))
    for e in events:
        project = e["project_id"]
        assert re.fullmatch(r"proj-[a-z]+", project)
        assert re.fullmatch(re.escape(project) + r"-e\d+", e["event_id"])
        assert re.fullmatch(re.escape(project) + r"-t\d+", e["task_id"])
        if "annotation_id" in e:
            assert re.fullmatch(re.escape(e["task_id"]) + r"-a\d+", e["annotation_id"])
        assert e["source_tool"] == "synthetic"
        if e["actor"] == "system":
            assert e["actor_role"] == "system"
        else:
            assert EMAIL.match(e["actor"]), e["actor"]
            assert e["actor_role"] in ("annotator", "reviewer")
        assert list(e)[:6] == [
            "event_id",
            "event_type",
            "occurred_at",
            "source_tool",
            "project_id",
            "task_id",
        ]


def test_task_lifecycle_order(events):
    by_task: dict[str, list[dict]] = defaultdict(list)
    for e in events:
        by_task[e["task_id"]].append(e)
    for task, items in by_task.items():
        times = [e["occurred_at"] for e in items]
        assert times == sorted(times), task
        assert items[0]["event_type"] == "task_created"
        assert (items[1]["event_type"], items[1]["stage"]) == ("stage_entered", "annotate")
        stages = [
            (e["event_type"], e["stage"]) for e in items if e["event_type"].startswith("stage_")
        ]
        assert stages in (
            [("stage_entered", "annotate"), ("stage_left", "annotate")],
            [
                ("stage_entered", "annotate"),
                ("stage_left", "annotate"),
                ("stage_entered", "review"),
                ("stage_left", "review"),
            ],
        ), task
        for e in items:
            if e["event_type"] in ("annotation_submitted", "annotation_updated", "review_fixed"):
                assert e["object_count"] == len(e["labels"]) >= 1
                assert e["vertex_count"] == sum(label["vertices"] for label in e["labels"])
            if e["event_type"] == "annotation_skipped":
                assert "labels" not in e


def test_realism_mix(events, index):
    tasks = {e["task_id"] for e in events}
    annotations_per_task = Counter(
        e["task_id"] for e in index["submitted"].values() if not e.get("is_ground_truth")
    )
    overlap = sum(1 for n in annotations_per_task.values() if n > 1) / len(tasks)
    assert 0.04 <= overlap <= 0.12
    gold = [e for e in index["submitted"].values() if e.get("is_ground_truth")]
    assert 0.01 <= len({e["task_id"] for e in gold}) / len(tasks) <= 0.03
    assert {e["actor"].split("@")[0] for e in gold} <= {
        "victor.almeida",
        "julia.hoffmann",
        "marta.silva",
        "ruth.abebe",
        "felix.wagner",
        "nina.koval",
    }
    # Overlapping annotators mostly agree on the classes.
    agree = total = 0
    by_task = defaultdict(list)
    for e in index["submitted"].values():
        by_task[e["task_id"]].append(sorted(label["class"] for label in e["labels"]))
    for labels in by_task.values():
        if len(labels) > 1:
            total += 1
            agree += labels[0] == labels[1]
    assert agree / total >= 0.6
    issues = [e for e in events if e["event_type"] == "issue_raised"]
    assert 0.03 <= len(issues) / len(tasks) <= 0.07
    assert any("issue_tag" not in e for e in issues) and all("text" in e for e in issues)
    resolved = {e["issue_id"] for e in events if e["event_type"] == "issue_resolved"}
    assert resolved <= {e["issue_id"] for e in issues}
    assert 0.6 <= len(resolved) / len(issues) <= 0.95
    shapes = Counter(label["shape"] for e in index["submitted"].values() for label in e["labels"])
    assert {"bbox", "polygon", "choice"} <= set(shapes)
    sizes = [e["object_count"] for e in index["submitted"].values()]
    assert max(sizes) <= 30 and statistics.median(sizes) < statistics.mean(sizes)
    durations = [e["duration_s"] for e in index["submitted"].values()]
    assert max(durations) > 20 * statistics.median(durations)  # rare forgotten tabs
    rounds = Counter(e["annotation_id"] for e in events if e["event_type"] == "review_rejected")
    assert max(rounds.values()) >= 2


def test_timestamps_are_weekday_heavy(events):
    weekdays = Counter(date.fromisoformat(e["occurred_at"][:10]).weekday() for e in events)
    weekday_share = sum(weekdays[d] for d in range(5)) / len(events)
    assert 0.9 <= weekday_share < 1.0  # light weekend activity
    hours = Counter(int(e["occurred_at"][11:13]) for e in events)
    assert sum(hours[h] for h in range(8, 19)) / len(events) >= 0.9


def test_memory_stays_bounded(tmp_path):
    """Peak traced memory does not grow with the volume (4x the events, same peak). Sizes are
    25k/100k rather than 50k/200k because tracemalloc slows the generator about tenfold; the
    10 M-event run peaks at 22 MB RSS."""

    def peak(n: int) -> int:
        tracemalloc.start()
        try:
            generate(tmp_path / str(n), events=n, seed=5)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(25_000), peak(100_000)
    assert large < small * 1.3 + 1_000_000, (small, large)


# ----------------------------------------------------------------------------------------------
# Planted case studies
# ----------------------------------------------------------------------------------------------
def test_case_study_catalog():
    assert set(CASE_STUDIES) == {
        "complexity",
        "review_bottleneck",
        "junior_reworks",
        "unreviewed_contractor",
        "ambiguous_class",
        "guideline_drift",
    }
    assert CASE_STUDIES["guideline_drift"].iso_week(3) == "2026-W40"
    with pytest.raises(AttributeError):
        CASE_STUDIES["review_bottleneck"].corrections = 1  # frozen


def test_complexity(index):
    case = CASE_STUDIES["complexity"]
    mine = [e for e in index["submitted"].values() if e["actor"] == case.annotator]
    peers = [
        e
        for e in index["submitted"].values()
        if e["project_id"] == case.project and e["actor"] != case.annotator
    ]
    assert len(mine) == case.tasks
    median = statistics.median
    objects = median(e["object_count"] for e in mine) / median(e["object_count"] for e in peers)
    per_task = median(e["duration_s"] for e in mine) / median(e["duration_s"] for e in peers)
    per_label = median(e["duration_s"] / e["object_count"] for e in mine) / median(
        e["duration_s"] / e["object_count"] for e in peers
    )
    assert 3.0 <= objects <= 5.0
    assert per_task >= 3.0
    assert 0.7 <= per_label <= 1.3


def test_review_bottleneck(index):
    case = CASE_STUDIES["review_bottleneck"]
    in_project = [e for e in index["corrections"] if e["project_id"] == case.project]
    assert len(in_project) == case.corrections == 62
    by_actor = Counter(e["actor"] for e in in_project)
    assert by_actor == {case.reviewer: 58, case.other_reviewer: 4}
    by_type = Counter(e["event_type"] for e in in_project if e["actor"] == case.reviewer)
    assert by_type == {
        "review_fixed": case.reviewer_fixes,
        "annotation_updated": case.reviewer_updates,
    }
    assert {index["author"][e["annotation_id"]] for e in in_project} == set(case.receivers)
    # Neither reviewer corrects anything anywhere else.
    assert all(
        e["project_id"] == case.project
        for e in index["corrections"]
        if e["actor"] in (case.reviewer, case.other_reviewer)
    )


def test_junior_reworks(index):
    case = CASE_STUDIES["junior_reworks"]
    received = Counter(index["author"][e["annotation_id"]] for e in index["corrections"])
    assert received[case.annotator] == case.corrections == 26
    assert received.most_common(1)[0][0] == case.annotator
    assert max(n for person, n in received.items() if person != case.annotator) < 26
    mine = [
        e for e in index["corrections"] if index["author"][e["annotation_id"]] == case.annotator
    ]
    weeks = Counter(iso_week(e["occurred_at"]) for e in mine)
    expected = [CASE_STUDIES["junior_reworks"].iso_week(w, START) for w in case.weeks]
    assert [weeks[w] for w in expected] == list(case.per_week)
    assert sum(weeks.values()) == 26 and set(weeks) == set(expected)
    assert expected == ["2026-W38", "2026-W39", "2026-W40"]


def test_unreviewed_contractor(events, index):
    case = CASE_STUDIES["unreviewed_contractor"]
    mine = {a for a, person in index["author"].items() if person == case.annotator}
    tasks = {index["submitted"][a]["task_id"] for a in mine}
    assert len(mine) == len(tasks) == case.tasks
    touching = [
        e
        for e in events
        if e["task_id"] in tasks
        and (
            e["event_type"].startswith("review_")
            or e.get("stage") == "review"
            or e["event_type"] == "annotation_updated"
        )
    ]
    assert touching == []
    # Everyone else in her project is reviewed.
    others = [
        a
        for a, e in index["submitted"].items()
        if e["project_id"] == case.project and e["actor"] != case.annotator
    ]
    assert all(a in index["first_review"] for a in others)


def test_ambiguous_class(index):
    case = CASE_STUDIES["ambiguous_class"]

    def has(e):
        return any(label["class"] == case.class_name for label in e["labels"])

    def cohort(e):
        return e["project_id"] == case.project and e["actor"] != case.annotator

    def mine(e):
        return e["actor"] == case.annotator

    assert rejection(index, lambda e: mine(e) and has(e)) == (case.class_rejected, case.class_tasks)
    assert rejection(index, lambda e: mine(e) and not has(e)) == (
        case.other_rejected,
        case.other_tasks,
    )
    rejected, total = rejection(index, lambda e: cohort(e) and has(e))
    cohort_class = rejected / total
    rejected, total = rejection(index, lambda e: cohort(e) and not has(e))
    cohort_other = rejected / total
    assert 0.25 <= cohort_class <= 0.45 and cohort_other <= 0.08
    assert abs(case.class_rejected / case.class_tasks - cohort_class) <= 0.1
    rejected, total = rejection(index, mine)
    mine_overall = rejected / total
    rejected, total = rejection(index, cohort)
    assert mine_overall >= 2.5 * rejected / total
    labels = Counter(
        label["class"] for e in index["submitted"].values() if mine(e) for label in e["labels"]
    )
    assert labels[case.class_name] > sum(labels.values()) / 2


def test_guideline_drift(index):
    case = CASE_STUDIES["guideline_drift"]
    switch = case.iso_week(case.week, START)
    assert switch == "2026-W40"
    mine = [e for e in index["submitted"].values() if e["actor"] == case.annotator]
    first = index["first_review"]
    before = [e for e in mine if iso_week(e["occurred_at"]) < switch]
    after = [e for e in mine if iso_week(e["occurred_at"]) >= switch]
    assert (sum(first[e["annotation_id"]] for e in before), len(before)) == (
        case.rejected_before,
        case.tasks_before,
    )
    assert (sum(first[e["annotation_id"]] for e in after), len(after)) == (
        case.rejected_after,
        case.tasks_after,
    )
    project = [e for e in index["submitted"].values() if e["project_id"] == case.project]
    for e in project:
        expected = case.new_version if iso_week(e["occurred_at"]) >= switch else case.old_version
        assert e["guideline_version"] == expected

    # The rest of the project does not drift.
    def peer(e):
        return e["project_id"] == case.project and e["actor"] != case.annotator

    rejected, total = rejection(index, lambda e: peer(e) and iso_week(e["occurred_at"]) < switch)
    assert rejected / total < 0.15
    rejected, total = rejection(index, lambda e: peer(e) and iso_week(e["occurred_at"]) >= switch)
    assert rejected / total < 0.15
