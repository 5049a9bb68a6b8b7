"""Drift flags against hand-computed baselines (exact Fisher tails with math.comb)."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
import pytest
from support.stats import hypergeometric_tail

from dagster_project.lib.stats.drift import DriftRule, weekly_drift

MONDAY = date(2026, 9, 7)
NO_COMPARISONS = pd.DataFrame(
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


def rejection_drift(rows: list[dict], rule: DriftRule) -> pd.DataFrame:
    drift = weekly_drift(pd.DataFrame(rows), NO_COMPARISONS, rule)
    return drift[drift.metric == "rejection_rate"]


def week_rows(annotator: str, week: int, reviewed: int, rejected: int, version: str):
    return [
        {
            "project_key": "p",
            "annotator": annotator,
            "primary_class": "car",
            "work_week": MONDAY + timedelta(weeks=week),
            "is_rejected": i < rejected,
            "time_per_label_s": 10.0,
            "guideline_version": version,
        }
        for i in range(reviewed)
    ]


def test_a_jump_is_flagged_once_with_its_start_week_and_guideline():
    rows = (
        week_rows("ann", 0, 20, 1, "v1")
        + week_rows("ann", 1, 20, 1, "v1")
        + week_rows("ann", 2, 20, 9, "v2")
        + week_rows("ann", 3, 20, 8, "v2")
    )
    drift = rejection_drift(rows, DriftRule(10, 20, 0.15, 0.5, 0.01))
    ann = drift[drift.subject_type == "annotator"].set_index("week")
    jump = ann.loc[MONDAY + timedelta(weeks=2)]
    # Baseline = weeks 0-1: 2 of 40. Week 2: 9 of 20 -> change 0.45 - 0.05 = 0.40.
    assert (jump.baseline_observations, jump.baseline_numerator) == (40, 2)
    assert jump.change == pytest.approx(0.40)
    # Fisher [[9, 11], [2, 38]]: population 60, 11 rejected, 20 drawn, P(X >= 9).
    assert jump.p_value == pytest.approx(hypergeometric_tail(9, 60, 11, 20))
    assert jump.is_flagged and jump.is_drift_start and jump.guideline_changed
    after = ann.loc[MONDAY + timedelta(weeks=3)]
    # The drifted week does not join the baseline: still 2 of 40.
    assert after.baseline_numerator == 2 and after.is_flagged and not after.is_drift_start
    assert ann.is_drift_start.sum() == 1
    first = ann.loc[MONDAY]
    assert first.baseline_value is None or pd.isna(first.baseline_value)
    assert not first.is_flagged


def test_small_weeks_are_not_flagged():
    rows = week_rows("bob", 0, 30, 1, "v1") + week_rows("bob", 1, 5, 4, "v1")
    drift = rejection_drift(rows, DriftRule(10, 20, 0.15, 0.5, 0.01))
    assert not drift.is_flagged.any()


def test_drift_start_goes_back_to_the_first_elevated_week():
    # Week 2 rises by 0.20 but is not significant alone; week 3 is: the drift began in week 2.
    rows = (
        week_rows("ann", 0, 50, 2, "v1")
        + week_rows("ann", 1, 50, 3, "v1")
        + week_rows("ann", 2, 10, 3, "v2")
        + week_rows("ann", 3, 30, 15, "v2")
    )
    drift = rejection_drift(rows, DriftRule(10, 20, 0.15, 0.5, 0.001))
    ann = drift[drift.subject_type == "annotator"].set_index("week")
    week2, week3 = ann.loc[MONDAY + timedelta(weeks=2)], ann.loc[MONDAY + timedelta(weeks=3)]
    assert week2.change == pytest.approx(0.3 - 0.05)  # 3 of 10 against 5 of 100
    assert not week2.is_flagged and week2.is_drift_start
    assert week3.is_flagged and not week3.is_drift_start


def timed_rows(annotator: str, week: int, seconds: list[float]) -> list[dict]:
    return [
        {
            "project_key": "p",
            "annotator": annotator,
            "primary_class": "car",
            "work_week": MONDAY + timedelta(weeks=week),
            "is_rejected": None,
            "time_per_label_s": value,
            "guideline_version": "v1",
        }
        for value in seconds
    ]


def mann_whitney_p_all_greater(n_week: int, n_base: int) -> float:
    """Two-sided normal-approximation p-value (continuity-corrected, no ties) when every value
    of the week exceeds every baseline value: U = n_week * n_base."""
    mean = n_week * n_base / 2
    sd = math.sqrt(n_week * n_base * (n_week + n_base + 1) / 12)
    z = (n_week * n_base - mean - 0.5) / sd
    return math.erfc(z / math.sqrt(2))


def test_time_per_label_drift_compares_medians_with_a_mann_whitney_test():
    normal = [float(s) for s in range(10, 30)]  # 10 .. 29
    rows = (
        timed_rows("ann", 0, normal)
        + timed_rows("ann", 1, [s + 0.5 for s in normal])  # no ties: pooled median 19.75
        + timed_rows("ann", 2, [s + 30 for s in normal])  # median 49.5, all slower
    )
    drift = weekly_drift(pd.DataFrame(rows), NO_COMPARISONS, DriftRule(10, 20, 0.15, 0.5, 0.001))
    time = drift[(drift.metric == "time_per_label") & (drift.subject_type == "annotator")]
    slow = time.set_index("week").loc[MONDAY + timedelta(weeks=2)]
    assert slow.value == 49.5 and slow.baseline_value == 19.75
    assert slow.relative_change == pytest.approx(49.5 / 19.75 - 1)
    assert slow.p_value == pytest.approx(mann_whitney_p_all_greater(20, 40))
    assert slow.is_flagged and slow.is_drift_start and slow.test == "mann_whitney_two_sided"
    # Rejection drift needs reviews: none here, so no rejection rows at all.
    assert not (drift.metric == "rejection_rate").any()


def test_faster_weeks_are_flagged_too_but_small_changes_are_not():
    normal = [float(s) for s in range(10, 30)]
    rows = (
        timed_rows("ann", 0, normal)
        + timed_rows("ann", 1, normal)
        + timed_rows("ann", 2, [s / 4 for s in normal])  # a quarter of the time: careless?
        + timed_rows("bob", 0, normal)
        + timed_rows("bob", 1, normal)
        + timed_rows("bob", 2, [s * 1.2 for s in normal])  # 20 % slower: under 50 %
    )
    drift = weekly_drift(pd.DataFrame(rows), NO_COMPARISONS, DriftRule(10, 20, 0.15, 0.5, 0.001))
    flagged = drift[drift.is_flagged & (drift.subject_type == "annotator")]
    assert list(flagged.subject) == ["ann"]
    assert flagged.iloc[0].relative_change == pytest.approx(4.875 / 19.5 - 1)


def comparison_rows(week: int, comparisons: int, disagreeing: int) -> list[dict]:
    rows = []
    for i in range(comparisons):
        for mine, theirs in (("ann", "bob"), ("bob", "ann")):
            rows.append(
                {
                    "project_key": "p",
                    "task_key": f"w{week}-t{i}",
                    "class_name": "car",
                    "annotator": mine,
                    "other_annotator": theirs,
                    "work_week": MONDAY + timedelta(weeks=week),
                    "guideline_version": "v1",
                    "disagrees": i < disagreeing,
                }
            )
    return rows


def test_disagreement_drift_counts_a_person_from_their_side_and_a_class_once_per_pair():
    comparisons = pd.DataFrame(
        comparison_rows(0, 20, 1) + comparison_rows(1, 20, 1) + comparison_rows(2, 20, 10)
    )
    empty_weeks = pd.DataFrame(timed_rows("nobody", 0, [])).reindex(
        columns=[
            "project_key",
            "annotator",
            "primary_class",
            "work_week",
            "is_rejected",
            "time_per_label_s",
            "guideline_version",
        ]
    )
    drift = weekly_drift(empty_weeks, comparisons, DriftRule(10, 20, 0.15, 0.5, 0.001))
    disagreement = drift[drift.metric == "disagreement_rate"]
    # ann, bob (each from their own side) and the class car (each pair once): same figures.
    assert sorted(disagreement.subject.unique()) == ["ann", "bob", "car"]
    for _, subject in disagreement.groupby("subject"):
        jump = subject.set_index("week").loc[MONDAY + timedelta(weeks=2)]
        assert (jump.observations, jump.numerator) == (20, 10)
        assert (jump.baseline_observations, jump.baseline_numerator) == (40, 2)
        # Fisher [[10, 10], [2, 38]]: population 60, 12 disagreeing, 20 drawn, P(X >= 10).
        assert jump.p_value == pytest.approx(hypergeometric_tail(10, 60, 12, 20))
        assert jump.is_flagged and jump.is_drift_start


@pytest.mark.parametrize("seed", range(4))
def test_the_unwrapped_mann_whitney_test_gives_scipys_public_p_values(seed):
    """Drift calls scipy's Mann-Whitney U without its axis/NaN wrapper (speed): on 1-d samples
    with and without ties, small (scipy's exact method) and large (normal approximation), the
    p-values are those of scipy.stats.mannwhitneyu."""
    import numpy as np
    from scipy.stats import mannwhitneyu

    from dagster_project.lib.stats import drift as drift_stats

    assert drift_stats._mann_whitney_u is mannwhitneyu.__wrapped__
    generator = np.random.default_rng(seed)
    for week_size, baseline_size in [(1, 1), (3, 5), (8, 8), (10, 30), (200, 5000)]:
        for values in (generator.exponential(30, 6000), generator.integers(1, 20, 6000) * 1.0):
            week, baseline = values[:week_size], values[week_size : week_size + baseline_size]
            expected = mannwhitneyu(week, baseline, alternative="two-sided").pvalue
            found = drift_stats._mann_whitney_u(week, baseline, alternative="two-sided").pvalue
            assert found == expected
