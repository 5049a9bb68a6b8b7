"""Weekly drift of time, rejection rate and agreement against each subject's own baseline
(called by dbt).

For every subject (an annotator, or a class, within a project), metric and week the work was
done, that week's figure is compared with the pooled figure of the subject's earlier unflagged
weeks (its normal: a drift does not become the new baseline):

- ``rejection_rate``: first-review rejections / reviews; one-sided Fisher exact test (a rise);
- ``disagreement_rate``: pairwise presence disagreements with co-annotators / comparisons on
  overlap tasks; one-sided Fisher exact test (a rise, i.e. agreement fell);
- ``time_per_label``: median seconds per label; two-sided Mann-Whitney U test on the
  annotations' times (slower or suspiciously faster).

A week is flagged when it and the baseline have enough observations, the change is large
enough (``min_change`` for rates, ``min_relative_change`` for time) and p < ``alpha``. The first
week of the run of elevated weeks leading into a flagged week is where the drift began.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu

from .rejection_stats import fisher_greater

DRIFT_COLUMNS = [
    "project_key",
    "subject_type",
    "subject",
    "metric",
    "week",
    "observations",
    "numerator",
    "value",
    "baseline_observations",
    "baseline_numerator",
    "baseline_value",
    "change",
    "relative_change",
    "p_value",
    "test",
    "is_flagged",
    "is_drift_start",
    "guideline_version",
    "guideline_changed",
]


@dataclass(frozen=True)
class DriftRule:
    min_week_observations: int
    min_baseline_observations: int
    min_change: float  # absolute rise of a rate
    min_relative_change: float  # relative change of a median time, either way
    alpha: float


@dataclass
class _Week:
    """One subject-week: how to compare it with a baseline, and how to grow that baseline."""

    week: object
    guideline_version: str | None
    observations: int
    numerator: int | None = None
    times: np.ndarray | None = None


def _dominant(values: pd.Series) -> str | None:
    counts = values.dropna().value_counts()
    if counts.empty:
        return None
    return sorted(counts[counts == counts.max()].index)[0]


def _compare_rates(week: _Week, base_n: int, base_k: int, rule: DriftRule) -> dict:
    rate = week.numerator / week.observations
    base_rate = base_k / base_n if base_n else None
    change = None if base_rate is None else rate - base_rate
    p_value = fisher_greater(week.numerator, week.observations, base_k, base_n)
    return {
        "numerator": week.numerator,
        "value": rate,
        "baseline_numerator": base_k,
        "baseline_value": base_rate,
        "change": change,
        "relative_change": None if not base_rate else rate / base_rate - 1,
        "p_value": p_value,
        "test": "fisher_exact_greater",
        "is_elevated": change is not None and change >= rule.min_change,
    }


def _compare_times(week: _Week, baseline: list[np.ndarray], rule: DriftRule) -> dict:
    value = float(np.median(week.times))
    pooled = np.concatenate(baseline) if baseline else np.array([])
    base_value = float(np.median(pooled)) if len(pooled) else None
    relative = None if not base_value else value / base_value - 1
    p_value = None
    if len(pooled) and len(week.times):
        p_value = float(mannwhitneyu(week.times, pooled, alternative="two-sided").pvalue)
    return {
        "numerator": None,
        "value": value,
        "baseline_numerator": None,
        "baseline_value": base_value,
        "change": None if base_value is None else value - base_value,
        "relative_change": relative,
        "p_value": p_value,
        "test": "mann_whitney_two_sided",
        "is_elevated": relative is not None and abs(relative) >= rule.min_relative_change,
    }


def _walk(weeks: list[_Week], is_time: bool, rule: DriftRule) -> list[dict]:
    """Compare each week with the pooled unflagged weeks before it."""
    rows: list[dict] = []
    base_n = base_k = 0
    base_times: list[np.ndarray] = []
    previous_flagged, previous_version = False, None
    for week in weeks:
        if is_time:
            figures = _compare_times(week, base_times, rule)
        else:
            figures = _compare_rates(week, base_n, base_k, rule)
        flagged = bool(
            week.observations >= rule.min_week_observations
            and base_n >= rule.min_baseline_observations
            and figures["is_elevated"]
            and figures["p_value"] is not None
            and figures["p_value"] < rule.alpha
        )
        rows.append(
            {
                "week": week.week,
                "observations": week.observations,
                "baseline_observations": base_n,
                **figures,
                "is_flagged": flagged,
                "is_drift_start": flagged and not previous_flagged,
                "guideline_version": week.guideline_version,
                "guideline_changed": previous_version is not None
                and week.guideline_version is not None
                and week.guideline_version != previous_version,
            }
        )
        if not flagged:  # the baseline is the subject's normal, not its drift
            base_n += week.observations
            if is_time:
                base_times.append(week.times)
            else:
                base_k += week.numerator
        previous_flagged = flagged
        previous_version = week.guideline_version or previous_version
    return _date_drift_starts(rows)


def _date_drift_starts(rows: list[dict]) -> list[dict]:
    """A drift began at the first week of the run of elevated weeks that leads into a flagged
    week, even if that first week alone was not yet significant."""
    for position, row in enumerate(rows):
        if not row["is_drift_start"]:
            continue
        start = position
        while start > 0 and not rows[start - 1]["is_flagged"] and rows[start - 1]["is_elevated"]:
            start -= 1
        if start != position:
            row["is_drift_start"] = False
            rows[start]["is_drift_start"] = True
    return rows


def _subject_weeks(
    frame: pd.DataFrame, subject_column: str, week_column: str, to_week: Callable
) -> Iterator[tuple[str, str, list[_Week]]]:
    frame = frame[frame[subject_column].notna()]
    for (project, subject), series in frame.groupby(["project_key", subject_column], sort=True):
        weeks = [
            to_week(week, rows)
            for week, rows in series.groupby(week_column, sort=True)
            if len(rows)
        ]
        yield project, subject, weeks


def _rate_week(flag_column: str):
    def to_week(week, rows: pd.DataFrame) -> _Week:
        return _Week(
            week=week,
            guideline_version=_dominant(rows["guideline_version"]),
            observations=len(rows),
            numerator=int(rows[flag_column].astype(bool).sum()),
        )

    return to_week


def _time_week(week, rows: pd.DataFrame) -> _Week:
    times = rows["time_per_label_s"].to_numpy(dtype=float)
    return _Week(
        week=week,
        guideline_version=_dominant(rows["guideline_version"]),
        observations=len(times),
        times=times,
    )


def weekly_drift(
    annotation_weeks: pd.DataFrame, comparisons: pd.DataFrame, rule: DriftRule
) -> pd.DataFrame:
    """``annotation_weeks``: dbt model int_annotation_weeks (project_key, annotator,
    primary_class, work_week, time_per_label_s, is_rejected, guideline_version);
    ``comparisons``: int_overlap_comparisons (project_key, class_name, annotator,
    other_annotator, work_week, guideline_version, disagrees)."""
    reviewed = annotation_weeks[annotation_weeks["is_rejected"].notna()]
    timed = annotation_weeks[annotation_weeks["time_per_label_s"].notna()]
    # A class's comparisons count each pair once; a person's count their own side.
    pairs_once = comparisons[comparisons["annotator"] < comparisons["other_annotator"]]
    series = [
        ("rejection_rate", "annotator", reviewed, "annotator", _rate_week("is_rejected")),
        ("rejection_rate", "class", reviewed, "primary_class", _rate_week("is_rejected")),
        ("time_per_label", "annotator", timed, "annotator", _time_week),
        ("time_per_label", "class", timed, "primary_class", _time_week),
        ("disagreement_rate", "annotator", comparisons, "annotator", _rate_week("disagrees")),
        ("disagreement_rate", "class", pairs_once, "class_name", _rate_week("disagrees")),
    ]
    rows = []
    for metric, subject_type, frame, subject_column, to_week in series:
        for project, subject, weeks in _subject_weeks(frame, subject_column, "work_week", to_week):
            for row in _walk(weeks, metric == "time_per_label", rule):
                row.pop("is_elevated")
                rows.append(
                    {
                        "project_key": project,
                        "subject_type": subject_type,
                        "subject": subject,
                        "metric": metric,
                        **row,
                    }
                )
    drift = pd.DataFrame(rows, columns=DRIFT_COLUMNS)
    # Counts stay integers with nulls (time has none), not floats; a week is a date.
    drift["week"] = pd.to_datetime(drift["week"]).dt.date
    return drift.astype({"numerator": "Int64", "baseline_numerator": "Int64"})
