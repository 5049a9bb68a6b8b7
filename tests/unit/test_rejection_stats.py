"""Quality statistics against figures computed here by hand (exact tails with math.comb)."""

from __future__ import annotations

import pandas as pd
import pytest
from support.stats import binomial_tail, hypergeometric_tail

from dagster_project.lib.stats.rejection import annotator_quality, person_vs_class, wilson


def reviews(*cells: tuple[str, str, int, int]) -> pd.DataFrame:
    """(annotator, class, reviewed, rejected) -> one row per reviewed annotation."""
    rows = []
    for annotator, klass, reviewed, rejected in cells:
        rows += [
            {
                "project_key": "p",
                "annotator": annotator,
                "primary_class": klass,
                "is_rejected": i < rejected,
            }
            for i in range(reviewed)
        ]
    return pd.DataFrame(rows)


# ann labels mostly buses (hard for everyone); bob mostly cars; cat is bad at cars.
DATA = reviews(
    ("ann", "bus", 20, 8),
    ("ann", "car", 5, 0),
    ("bob", "bus", 10, 4),
    ("bob", "car", 60, 3),
    ("cat", "car", 30, 12),
)


def test_person_vs_class_cells():
    cells = person_vs_class(DATA, min_reviewed=10, alpha=0.01).set_index(
        ["annotator", "class_name"]
    )
    ann_bus = cells.loc[("ann", "bus")]
    assert (ann_bus.reviewed, ann_bus.rejected, ann_bus.rejection_rate) == (20, 8, 0.4)
    assert (ann_bus.cohort_reviewed, ann_bus.cohort_rejected, ann_bus.cohort_rate) == (10, 4, 0.4)
    # ann vs the others on bus: [[8, 12], [4, 6]] -> population 30, 12 rejected, 20 drawn.
    assert ann_bus.p_annotator == pytest.approx(hypergeometric_tail(8, 30, 12, 20))
    # bus (12 of 30) vs the project's cars (15 of 95): population 125, 27 rejected, 30 drawn.
    assert ann_bus.class_rate == pytest.approx(12 / 30)
    assert ann_bus.other_classes_rate == pytest.approx(15 / 95)
    assert ann_bus.p_class == pytest.approx(hypergeometric_tail(12, 125, 27, 30))
    assert ann_bus.verdict == "class"
    # cat on cars: 12 of 30 against 3 of 65 for the others.
    cat_car = cells.loc[("cat", "car")]
    assert cat_car.p_annotator == pytest.approx(hypergeometric_tail(12, 95, 15, 30))
    assert cat_car.verdict == "annotator"
    assert cells.loc[("ann", "car")].verdict == "too little data"  # 5 reviews < 10
    low, high = wilson(8, 20)
    assert (ann_bus.rate_low, ann_bus.rate_high) == (pytest.approx(low), pytest.approx(high))
    assert low == pytest.approx(0.2188, abs=1e-4) and high == pytest.approx(0.6134, abs=1e-4)


def test_annotator_quality_separates_class_mix_from_person():
    people = annotator_quality(DATA, min_reviewed=20, alpha=0.01).set_index("annotator")
    ann = people.loc["ann"]
    # Expected for ann: 20 buses x bob's 0.4 + 5 cars x (3 + 12) / 90 = 8 + 0.8333.
    assert ann.expected_rejections == pytest.approx(8 + 5 * 15 / 90)
    assert ann.project_rate == pytest.approx(19 / 100)  # bob 7 of 70 + cat 12 of 30
    assert ann.p_vs_project == pytest.approx(binomial_tail(8, 25, 0.19))
    assert ann.p_vs_expected == pytest.approx(binomial_tail(8, 25, (8 + 5 * 15 / 90) / 25))
    assert ann.verdict == "neither"  # 8 of 25 vs 19 % is not significant at 1 %
    cat = people.loc["cat"]
    # cat: 30 cars; others' car rate 3 of 65 -> expected 30 x 3 / 65.
    assert cat.expected_rejections == pytest.approx(30 * 3 / 65)
    assert cat.verdict == "annotator"


def test_high_rate_explained_by_class_mix_says_class():
    data = reviews(
        ("ann", "bus", 20, 8), ("ann", "car", 5, 0), ("bob", "bus", 10, 4), ("bob", "car", 60, 3)
    )
    ann = annotator_quality(data, min_reviewed=20, alpha=0.01).set_index("annotator").loc["ann"]
    assert ann.project_rate == pytest.approx(7 / 70)
    assert ann.p_vs_project == pytest.approx(binomial_tail(8, 25, 0.1))
    assert ann.p_vs_project < 0.01  # 32 % against the project's 10 %: significant ...
    assert ann.expected_rejections == pytest.approx(20 * 0.4 + 5 * 3 / 60)
    assert ann.p_vs_expected > 0.5  # ... and exactly what her buses predict
    assert ann.verdict == "class"


def test_wilson_interval_contains_zero_and_one_exactly():
    # statsmodels returns 3.5e-18 as the lower bound for 0 of 112: the published interval
    # must still contain the rate (the GX suite blocks otherwise).
    assert wilson(0, 112)[0] == 0.0
    assert wilson(18, 18)[1] == 1.0
    assert wilson(0, 0) == (None, None)
