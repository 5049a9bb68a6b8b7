"""Drift flags against hand-computed baselines (exact Fisher tails with math.comb)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from test_rejection_stats import hypergeometric_tail

from dagster_project.lib.drift_stats import weekly_drift

MONDAY = date(2026, 9, 7)


def week_rows(annotator: str, week: int, reviewed: int, rejected: int, version: str):
    return [
        {
            "project_key": "p",
            "annotator": annotator,
            "primary_class": "car",
            "work_week": MONDAY + timedelta(weeks=week),
            "is_rejected": i < rejected,
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
    drift = weekly_drift(
        pd.DataFrame(rows),
        min_week_reviewed=10,
        min_baseline_reviewed=20,
        min_change=0.15,
        alpha=0.01,
    )
    ann = drift[drift.subject_type == "annotator"].set_index("week")
    jump = ann.loc[MONDAY + timedelta(weeks=2)]
    # Baseline = weeks 0-1: 2 of 40. Week 2: 9 of 20 -> change 0.45 - 0.05 = 0.40.
    assert (jump.baseline_reviewed, jump.baseline_rejected) == (40, 2)
    assert jump.change == pytest.approx(0.40)
    # Fisher [[9, 11], [2, 38]]: population 60, 11 rejected, 20 drawn, P(X >= 9).
    assert jump.p_value == pytest.approx(hypergeometric_tail(9, 60, 11, 20))
    assert jump.is_flagged and jump.is_drift_start and jump.guideline_changed
    after = ann.loc[MONDAY + timedelta(weeks=3)]
    # The drifted week does not join the baseline: still 2 of 40.
    assert after.baseline_rejected == 2 and after.is_flagged and not after.is_drift_start
    assert ann.is_drift_start.sum() == 1
    first = ann.loc[MONDAY]
    assert first.baseline_rate is None or pd.isna(first.baseline_rate)
    assert not first.is_flagged


def test_small_weeks_are_not_flagged():
    rows = week_rows("bob", 0, 30, 1, "v1") + week_rows("bob", 1, 5, 4, "v1")
    drift = weekly_drift(
        pd.DataFrame(rows),
        min_week_reviewed=10,
        min_baseline_reviewed=20,
        min_change=0.15,
        alpha=0.01,
    )
    assert not drift.is_flagged.any()


def test_drift_start_goes_back_to_the_first_elevated_week():
    # Week 2 rises by 0.20 but is not significant alone; week 3 is: the drift began in week 2.
    rows = (
        week_rows("ann", 0, 50, 2, "v1")
        + week_rows("ann", 1, 50, 3, "v1")
        + week_rows("ann", 2, 10, 3, "v2")
        + week_rows("ann", 3, 30, 15, "v2")
    )
    drift = weekly_drift(
        pd.DataFrame(rows),
        min_week_reviewed=10,
        min_baseline_reviewed=20,
        min_change=0.15,
        alpha=0.001,
    )
    ann = drift[drift.subject_type == "annotator"].set_index("week")
    week2, week3 = ann.loc[MONDAY + timedelta(weeks=2)], ann.loc[MONDAY + timedelta(weeks=3)]
    assert week2.change == pytest.approx(0.3 - 0.05)  # 3 of 10 against 5 of 100
    assert not week2.is_flagged and week2.is_drift_start
    assert week3.is_flagged and not week3.is_drift_start
