"""The vectorised statistics give the same floats as the one-at-a-time definitions they replace:
box IoU and greedy matching (with its tie-breaking), Fisher one-sided p-values, Wilson
intervals, and drift p-values once a flagged week has left the baseline."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from dagster_project.lib.stats.agreement import BOX_COLUMNS, agreement, box_iou
from dagster_project.lib.stats.box_matching import box_ious, greedy_matches
from dagster_project.lib.stats.drift import DriftRule, weekly_drift
from dagster_project.lib.stats.rejection import (
    fisher_greater,
    fisher_greater_many,
    wilson,
    wilson_many,
)


def scanned_matches(boxes_a: list, boxes_b: list) -> list[float]:
    """The greedy scan: all pairs by (iou, i, j) descending, keep a pair with IoU > 0 whose
    boxes are both unused."""
    candidates = sorted(
        ((box_iou(a, b), i, j) for i, a in enumerate(boxes_a) for j, b in enumerate(boxes_b)),
        reverse=True,
    )
    used_a, used_b, ious = set(), set(), []
    for iou, i, j in candidates:
        if iou > 0 and i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            ious.append(iou)
    return ious


def grid_boxes(rng, count: int) -> list[list[float]]:
    # Coarse integer boxes: many equal IoUs, so the tie-breaking is exercised.
    return [
        [float(rng.integers(0, 4)), float(rng.integers(0, 4)), 2.0, float(rng.integers(1, 3))]
        for _ in range(count)
    ]


def test_box_ious_are_box_iou_bit_for_bit():
    rng = np.random.default_rng(3)
    first = np.round(rng.uniform(0, 20, (2000, 4)), 1)
    second = np.round(rng.uniform(0, 20, (2000, 4)), 1)
    second[:50] = first[:50]  # identical boxes: capped at exactly 1
    second[50:60, 2:] = 0.0  # empty boxes: union may be 0
    first[50:60, 2:] = 0.0
    expected = [box_iou(a, b) for a, b in zip(first.tolist(), second.tolist(), strict=True)]
    assert box_ious(first, second).tolist() == expected


@pytest.mark.parametrize("seed", range(5))
def test_greedy_matches_follow_the_scan_group_by_group(seed):
    rng = np.random.default_rng(seed)
    groups = [
        (grid_boxes(rng, rng.integers(0, 6)), grid_boxes(rng, rng.integers(0, 6)))
        for _ in range(40)
    ]
    group, first, second, first_boxes, second_boxes = [], [], [], [], []
    for number, (boxes_a, boxes_b) in enumerate(groups):
        for (i, a), (j, b) in itertools.product(enumerate(boxes_a), enumerate(boxes_b)):
            group.append(number)
            first.append(i)
            second.append(j)
            first_boxes.append(a)
            second_boxes.append(b)
    ious = box_ious(np.array(first_boxes).reshape(-1, 4), np.array(second_boxes).reshape(-1, 4))
    accepted = greedy_matches(np.array(group), ious, np.array(first), np.array(second))
    expected = [iou for boxes_a, boxes_b in groups for iou in scanned_matches(boxes_a, boxes_b)]
    assert ious[accepted].tolist() == expected
    # Same boxes too, not just the same IoUs.
    for number in range(len(groups)):
        mine = [(first[k], second[k]) for k in accepted if group[k] == number]
        assert len({i for i, _ in mine}) == len(mine) and len({j for _, j in mine}) == len(mine)


def test_pair_box_iou_is_the_mean_of_the_scans_over_sorted_tasks_and_classes():
    rng = np.random.default_rng(11)
    rows = []
    for task, annotator, klass in itertools.product(
        ["t1", "t2", "t3"], ["ann", "bob", "cy"], ["bus", "car"]
    ):
        for box in grid_boxes(rng, rng.integers(0, 4)):
            rows.append(
                {
                    "project_key": "p",
                    "task_key": task,
                    "annotator": annotator,
                    "class_name": klass,
                    **dict(zip(BOX_COLUMNS, box, strict=True)),
                }
            )
    labels = pd.DataFrame(rows)
    pairs = agreement(labels, resamples=10).query("scope == 'pair'").set_index("subject")
    for first, second in [("ann", "bob"), ("ann", "cy"), ("bob", "cy")]:
        ious = []
        for task, klass in itertools.product(["t1", "t2", "t3"], ["bus", "car"]):
            mine = labels[(labels.task_key == task) & (labels.class_name == klass)]
            ious += scanned_matches(
                mine.loc[mine.annotator == first, list(BOX_COLUMNS)].to_numpy().tolist(),
                mine.loc[mine.annotator == second, list(BOX_COLUMNS)].to_numpy().tolist(),
            )
        pair = pairs.loc[f"{first} | {second}"]
        assert pair.matched_boxes == len(ious)
        if ious:
            assert pair.mean_box_iou == float(np.mean(ious))
        else:
            assert pd.isna(pair.mean_box_iou)


def test_fisher_greater_many_is_fisher_greater_table_by_table():
    tables = [
        (a, n, b, m)
        for n, m in itertools.product(range(8), range(8))
        for a in range(n + 1)
        for b in range(m + 1)
    ]
    rng = np.random.default_rng(5)
    for _ in range(300):
        n, m = (int(v) for v in rng.integers(1, 5000, 2))
        tables.append((int(rng.integers(0, n + 1)), n, int(rng.integers(0, m + 1)), m))
    many = fisher_greater_many(*np.array(tables).T)
    for table, p_value in zip(tables, many.tolist(), strict=True):
        single = fisher_greater(*table)
        assert (single is None and np.isnan(p_value)) or p_value == single, table


def test_wilson_many_is_wilson_proportion_by_proportion():
    cells = [(r, n) for n in range(30) for r in range(n + 1)] + [(0, 5000), (5000, 5000)]
    lows, highs = wilson_many(*np.array(cells).T)
    for (rejected, reviewed), low, high in zip(cells, lows.tolist(), highs.tolist(), strict=True):
        expected_low, expected_high = wilson(rejected, reviewed)
        if expected_low is None:
            assert np.isnan(low) and np.isnan(high)
        else:
            assert (low, high) == (expected_low, expected_high)


def test_after_a_flagged_week_the_p_value_is_against_the_unflagged_weeks_only():
    start = date(2024, 1, 1)
    rows = []
    # Weeks 0-2 at 10 %, week 3 at 80 % (flagged), week 4 at 30 %.
    for week, (reviewed, rejected) in enumerate([(40, 4), (40, 4), (40, 4), (40, 32), (40, 12)]):
        for k in range(reviewed):
            rows.append(
                {
                    "project_key": "p",
                    "annotation_key": f"{week}-{k}",
                    "annotator": "ann",
                    "primary_class": "car",
                    "work_week": start + timedelta(weeks=week),
                    "time_per_label_s": 1.0,
                    "is_rejected": k < rejected,
                    "guideline_version": "v1",
                }
            )
    comparisons = pd.DataFrame(
        columns=[
            "project_key",
            "task_key",
            "class_name",
            "annotator",
            "other_annotator",
            "work_week",
            "guideline_version",
            "disagrees",
        ]
    )
    rule = DriftRule(10, 20, 0.15, 0.5, 0.001)
    drift = weekly_drift(pd.DataFrame(rows), comparisons, rule)
    rates = drift.query("metric == 'rejection_rate' and subject_type == 'annotator'")
    assert rates.is_flagged.tolist() == [False, False, False, True, False]
    assert rates.p_value.iloc[3] == fisher_greater(32, 40, 12, 120)
    assert rates.p_value.iloc[4] == fisher_greater(12, 40, 12, 120)  # week 3 left out
    assert rates.p_value.iloc[2] == fisher_greater(4, 40, 8, 80)


def one_group_at_a_time(sets: pd.DataFrame) -> list[dict]:
    """The classification rows as first written: per person, per class, filtered frames."""
    from dagster_project.lib.stats.ground_truth import _row

    def mean_or_none(values: pd.Series):
        values = values.dropna()
        return float(values.mean()) if len(values) else None

    rows = []
    for (project, annotator), done in sets.groupby(["project_key", "annotator"], sort=True):
        correct = int(done.is_correct.sum())
        per_class = []
        for klass in sorted(set().union(*done.gold, *done.chosen)):
            in_gold = done.gold.apply(lambda classes, k=klass: k in classes)
            chosen = done.chosen.apply(lambda classes, k=klass: k in classes)
            counts = (int(in_gold.sum()), int(chosen.sum()), int((in_gold & chosen).sum()))
            per_class.append(
                _row(
                    project, annotator, "classification", klass, int((in_gold | chosen).sum()),
                    counts, mean_confidence_correct=mean_or_none(done.confidence[chosen & in_gold]),
                    mean_confidence_wrong=mean_or_none(done.confidence[chosen & ~in_gold]),
                )
            )  # fmt: skip
        totals = tuple(
            sum(row[key] for row in per_class)
            for key in ("gold_items", "chosen_items", "matched_items")
        )
        rows.append(
            _row(
                project, annotator, "classification", None, len(done), totals,
                correct_tasks=correct, accuracy=correct / len(done),
                mean_confidence_correct=mean_or_none(done.confidence[done.is_correct]),
                mean_confidence_wrong=mean_or_none(done.confidence[~done.is_correct]),
            )
        )  # fmt: skip
        rows += per_class
    return rows


@pytest.mark.parametrize("seed", range(3))
def test_classification_rows_are_the_per_group_definition_bit_for_bit(seed):
    from dagster_project.lib.stats.ground_truth import _classification_rows

    rng = np.random.default_rng(seed)
    classes = ["cat", "dog", "bird", "fish"]
    records = []
    for number in range(400):
        gold = frozenset(rng.choice(classes, size=rng.integers(1, 3), replace=False).tolist())
        chosen = frozenset(rng.choice(classes, size=rng.integers(0, 3), replace=False).tolist())
        confidence = np.nan if rng.random() < 0.2 else float(rng.random())
        records.append(
            (f"a{number:04d}", f"p{rng.integers(0, 2)}", f"t{number % 50}",
             f"u{rng.integers(0, 7)}", confidence, chosen, gold, chosen == gold)
        )  # fmt: skip
    sets = pd.DataFrame(
        records,
        columns=["annotation_key", "project_key", "task_key", "annotator", "confidence",
                 "chosen", "gold", "is_correct"],
    )  # fmt: skip
    fast, slow = _classification_rows(sets), one_group_at_a_time(sets)
    key = lambda row: (row["project_key"], row["annotator"], row["class_name"] or "")  # noqa: E731
    assert sorted(fast, key=key) == sorted(slow, key=key)


def test_t_intervals_are_scipy_per_mean():
    from scipy import stats

    from dagster_project.lib.stats.ground_truth import _mean_and_spread, _t_intervals

    rng = np.random.default_rng(4)
    samples = [rng.random(size) for size in (0, 1, 2, 3, 10, 200)]
    means, sizes, spreads = zip(*map(_mean_and_spread, samples), strict=True)
    lows, highs = _t_intervals(means, sizes, spreads)
    for values, low, high in zip(samples, lows, highs, strict=True):
        if values.size < 2:
            assert low is None and high is None
            continue
        mean = float(values.mean())
        half = float(stats.t.ppf(0.975, values.size - 1) * stats.sem(values))
        assert (low, high) == (max(mean - half, 0.0), min(mean + half, 1.0))
