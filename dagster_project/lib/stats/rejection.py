"""Rejection-rate statistics for the quality marts (called by dbt Python models).

Input for both: one row per reviewed annotation with ``project_key``, ``annotator``,
``primary_class`` and ``is_rejected`` (dbt model ``int_annotations_first_reviewed``).
"""

import math

import numpy as np
import pandas as pd
from scipy.stats import binomtest, fisher_exact, hypergeom
from statsmodels.stats.proportion import proportion_confint

PERSON_VS_CLASS_COLUMNS = [
    "project_key",
    "annotator",
    "class_name",
    "reviewed",
    "rejected",
    "rejection_rate",
    "rate_low",
    "rate_high",
    "cohort_reviewed",
    "cohort_rejected",
    "cohort_rate",
    "cohort_rate_low",
    "cohort_rate_high",
    "class_rate",
    "other_classes_rate",
    "p_annotator",
    "p_class",
    "verdict",
]
ANNOTATOR_QUALITY_COLUMNS = [
    "project_key",
    "annotator",
    "reviewed",
    "rejected",
    "rejection_rate",
    "rate_low",
    "rate_high",
    "project_rate",
    "expected_rejections",
    "expected_rate",
    "p_vs_project",
    "p_vs_expected",
    "verdict",
]


def wilson(rejected: float, reviewed: float) -> tuple[float | None, float | None]:
    """Wilson 95 % interval of a proportion; (None, None) without observations. Also for
    other shares (stats.ground_truth: accuracy, precision, recall, F1)."""
    if reviewed == 0:
        return None, None
    low, high = proportion_confint(rejected, reviewed, alpha=0.05, method="wilson")
    rate = rejected / reviewed
    # The interval contains its estimate; statsmodels can miss 0 or 1 by a rounding error.
    return float(min(max(low, 0.0), rate)), float(max(min(high, 1.0), rate))


def wilson_many(rejected, reviewed) -> tuple[np.ndarray, np.ndarray]:
    """``wilson`` of many proportions at once, NaN where it is None: statsmodels computes the
    Wilson interval element by element, so the bounds are the same floats."""
    # Floats: a share's trials need not be whole (F1's are (gold + drawn) / 2).
    rejected, reviewed = np.asarray(rejected, dtype=float), np.asarray(reviewed, dtype=float)
    low, high = np.full(reviewed.shape, np.nan), np.full(reviewed.shape, np.nan)
    seen = reviewed > 0
    if seen.any():
        cell_low, cell_high = proportion_confint(
            rejected[seen], reviewed[seen], alpha=0.05, method="wilson"
        )
        rate = rejected[seen] / reviewed[seen]
        # As wilson: the interval contains its estimate.
        low[seen] = np.minimum(np.maximum(cell_low, 0.0), rate)
        high[seen] = np.maximum(np.minimum(cell_high, 1.0), rate)
    return low, high


def fisher_greater(a_rejected: int, a_total: int, b_rejected: int, b_total: int) -> float | None:
    """One-sided Fisher exact p-value that group a is rejected more often than group b."""
    if a_total == 0 or b_total == 0:
        return None
    table = [[a_rejected, a_total - a_rejected], [b_rejected, b_total - b_rejected]]
    return float(fisher_exact(table, alternative="greater")[1])


def fisher_greater_many(a_rejected, a_total, b_rejected, b_total) -> np.ndarray:
    """``fisher_greater`` of many tables at once, NaN where it is None.

    scipy's ``fisher_exact(alternative="greater")`` on [[a, c], [b, d]] is 1.0 when a row or a
    column of the table is empty, else ``hypergeom.cdf(c, a + b + c + d, a + c, c + d)``
    capped at 1; the same call on arrays evaluates that element by element, so the p-values
    are the same floats (tests/unit/test_rejection_stats.py compares them table by table)."""
    a_rejected, a_total, b_rejected, b_total = (
        np.asarray(counts, dtype=np.int64) for counts in (a_rejected, a_total, b_rejected, b_total)
    )
    a_accepted, b_accepted = a_total - a_rejected, b_total - b_rejected
    p_values = np.full(np.broadcast(a_rejected, a_total, b_rejected, b_total).shape, np.nan)
    defined = (a_total > 0) & (b_total > 0)
    one_side_empty = (a_rejected + b_rejected == 0) | (a_accepted + b_accepted == 0)
    p_values[defined & one_side_empty] = 1.0
    tested = defined & ~one_side_empty
    if tested.any():
        accepted = (a_accepted + b_accepted)[tested]
        tails = hypergeom.cdf(
            a_accepted[tested], (a_total + b_total)[tested], a_total[tested], accepted
        )
        p_values[tested] = np.minimum(tails, 1.0)
    return p_values


def binomial_greater(rejected: int, reviewed: int, rate: float | None) -> float | None:
    """One-sided binomial p-value of at least ``rejected`` of ``reviewed`` at ``rate``."""
    if rate is None or not 0.0 < rate < 1.0 or reviewed == 0:
        return None
    return float(binomtest(rejected, reviewed, rate, alternative="greater").pvalue)


def _none_if_nan(value: float) -> float | None:
    return None if math.isnan(value) else value


def _cell_verdict(reviewed, p_annotator, p_class, min_reviewed, alpha):
    if reviewed < min_reviewed or p_annotator is None:
        return "too little data"
    if p_annotator < alpha:
        return "annotator"
    if p_class is not None and p_class < alpha:
        return "class"
    return "neither"


def person_vs_class(reviewed: pd.DataFrame, min_reviewed: int, alpha: float) -> pd.DataFrame:
    """Per project, annotator and class: her rate beside the rest of the cohort's, and tests."""
    reviewed = reviewed[reviewed["primary_class"].notna()]
    cells = (
        reviewed.groupby(["project_key", "annotator", "primary_class"])["is_rejected"]
        .agg(reviewed="count", rejected="sum")
        .reset_index()
    )
    classes = (
        reviewed.groupby(["project_key", "primary_class"])["is_rejected"]
        .agg(class_reviewed="count", class_rejected="sum")
        .reset_index()
    )
    projects = (
        reviewed.groupby("project_key")["is_rejected"]
        .agg(project_reviewed="count", project_rejected="sum")
        .reset_index()
    )
    cells = cells.merge(classes, on=["project_key", "primary_class"]).merge(
        projects, on="project_key"
    )
    # Both tests for every cell at once (the same p-values as fisher_greater cell by cell).
    others_reviewed = cells["class_reviewed"] - cells["reviewed"]
    others_rejected = cells["class_rejected"] - cells["rejected"]
    p_annotators = fisher_greater_many(
        cells["rejected"], cells["reviewed"], others_rejected, others_reviewed
    )
    p_classes = fisher_greater_many(
        cells["class_rejected"],
        cells["class_reviewed"],
        cells["project_rejected"] - cells["class_rejected"],
        cells["project_reviewed"] - cells["class_reviewed"],
    )
    lows, highs = wilson_many(cells["rejected"], cells["reviewed"])
    cohort_lows, cohort_highs = wilson_many(others_rejected, others_reviewed)
    rows = []
    for cell, p_annotator, p_class, cell_low, cell_high, cohort_low, cohort_high in zip(
        cells.itertuples(index=False),
        p_annotators.tolist(),
        p_classes.tolist(),
        lows.tolist(),
        highs.tolist(),
        cohort_lows.tolist(),
        cohort_highs.tolist(),
        strict=True,
    ):
        n, r = int(cell.reviewed), int(cell.rejected)
        others_n, others_r = int(cell.class_reviewed) - n, int(cell.class_rejected) - r
        rest_n = int(cell.project_reviewed) - int(cell.class_reviewed)
        rest_r = int(cell.project_rejected) - int(cell.class_rejected)
        p_annotator = _none_if_nan(p_annotator)
        p_class = _none_if_nan(p_class)
        low, high = _none_if_nan(cell_low), _none_if_nan(cell_high)
        cohort_low, cohort_high = _none_if_nan(cohort_low), _none_if_nan(cohort_high)
        rows.append(
            {
                "project_key": cell.project_key,
                "annotator": cell.annotator,
                "class_name": cell.primary_class,
                "reviewed": n,
                "rejected": r,
                "rejection_rate": r / n,
                "rate_low": low,
                "rate_high": high,
                "cohort_reviewed": others_n,
                "cohort_rejected": others_r,
                "cohort_rate": others_r / others_n if others_n else None,
                "cohort_rate_low": cohort_low,
                "cohort_rate_high": cohort_high,
                "class_rate": int(cell.class_rejected) / int(cell.class_reviewed),
                "other_classes_rate": rest_r / rest_n if rest_n else None,
                "p_annotator": p_annotator,
                "p_class": p_class,
                "verdict": _cell_verdict(n, p_annotator, p_class, min_reviewed, alpha),
            }
        )
    return pd.DataFrame(rows, columns=PERSON_VS_CLASS_COLUMNS)


def annotator_quality(reviewed: pd.DataFrame, min_reviewed: int, alpha: float) -> pd.DataFrame:
    """Per project and annotator: observed rejections vs the project and vs her class mix."""
    reviewed = reviewed.copy()
    reviewed["primary_class"] = reviewed["primary_class"].fillna("(no class)")
    cells = (
        reviewed.groupby(["project_key", "annotator", "primary_class"])["is_rejected"]
        .agg(n="count", r="sum")
        .reset_index()
    )
    totals = (
        cells.groupby(["project_key", "primary_class"])[["n", "r"]]
        .sum()
        .rename(columns={"n": "class_n", "r": "class_r"})
        .reset_index()
    )
    cells = cells.merge(totals, on=["project_key", "primary_class"])
    others_n = cells["class_n"] - cells["n"]
    # The rest of the cohort's rate for the class; a class nobody else labels gets her own.
    cells["others_rate"] = ((cells["class_r"] - cells["r"]) / others_n).where(
        others_n > 0, cells["r"] / cells["n"]
    )
    cells["expected"] = cells["n"] * cells["others_rate"]
    people = cells.groupby(["project_key", "annotator"])[["n", "r", "expected"]].sum().reset_index()
    project = people.groupby("project_key")[["n", "r"]].sum()
    rows = []
    for person in people.itertuples(index=False):
        n, r = int(person.n), int(person.r)
        rest_n = int(project.loc[person.project_key, "n"]) - n
        rest_r = int(project.loc[person.project_key, "r"]) - r
        project_rate = rest_r / rest_n if rest_n else None
        expected_rate = min(max(person.expected / n, 0.0), 1.0)
        p_vs_project = binomial_greater(r, n, project_rate)
        p_vs_expected = binomial_greater(r, n, expected_rate)
        low, high = wilson(r, n)
        if n < min_reviewed:
            verdict = "too little data"
        elif p_vs_expected is not None and p_vs_expected < alpha:
            verdict = "annotator"
        elif p_vs_project is not None and p_vs_project < alpha:
            verdict = "class"
        else:
            verdict = "neither"
        rows.append(
            {
                "project_key": person.project_key,
                "annotator": person.annotator,
                "reviewed": n,
                "rejected": r,
                "rejection_rate": r / n,
                "rate_low": low,
                "rate_high": high,
                "project_rate": project_rate,
                "expected_rejections": float(person.expected),
                "expected_rate": expected_rate,
                "p_vs_project": p_vs_project,
                "p_vs_expected": p_vs_expected,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows, columns=ANNOTATOR_QUALITY_COLUMNS)
