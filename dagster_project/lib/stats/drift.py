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

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu

from dagster_project.lib.stats.rejection import fisher_greater, fisher_greater_many

# scipy's Mann-Whitney U without its axis/NaN-policy wrapper, which costs more than the test itself
# when called once per subject-week (inspect.signature, broadcasting). The
# inputs here are 1-d, non-empty and NaN-free, which is all the wrapper adds; a scipy without
# ``__wrapped__`` gets the public function. tests/unit/test_drift_stats.py checks both agree.
_mann_whitney_u = getattr(mannwhitneyu, "__wrapped__", mannwhitneyu)

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
    # Rates: the test against every earlier week, the baseline while none was flagged (computed
    # for all subject-weeks at once).
    p_value_against_all_earlier: float | None = None


def _compare_rates(
    week: _Week, base_n: int, base_k: int, rule: DriftRule, baseline_is_all_earlier: bool
) -> dict:
    rate = week.numerator / week.observations
    base_rate = base_k / base_n if base_n else None
    change = None if base_rate is None else rate - base_rate
    if baseline_is_all_earlier:
        p_value = week.p_value_against_all_earlier
    else:
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
        p_value = float(_mann_whitney_u(week.times, pooled, alternative="two-sided").pvalue)
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
    any_flagged = False
    for week in weeks:
        if is_time:
            figures = _compare_times(week, base_times, rule)
        else:
            figures = _compare_rates(week, base_n, base_k, rule, not any_flagged)
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
        any_flagged = any_flagged or flagged
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
    frame: pd.DataFrame, subject_column: str, value_column: str, is_time: bool
) -> Iterator[tuple[str, str, list[_Week]]]:
    """Per project and subject (sorted), its weeks (sorted): observations, the dominant
    guideline version (most frequent, ties to the first in sort order), and the count of
    flagged rows (rates) or the rows' times in input order (time). All groups at once."""
    frame = frame[frame[subject_column].notna()]
    keys = ["project_key", subject_column, "work_week"]
    week_groups = frame.groupby(keys, sort=True)
    week_of_row = week_groups.ngroup().to_numpy()
    week_keys = week_groups.size()
    week_count = len(week_keys)
    in_a_week = week_of_row >= 0  # rows with a null key are in no group, as in groupby
    rows_by_week = np.flatnonzero(in_a_week)[np.argsort(week_of_row[in_a_week], kind="stable")]
    bounds = np.searchsorted(week_of_row[rows_by_week], np.arange(week_count + 1))
    observations = np.diff(bounds)
    versions = _dominant_versions(frame["guideline_version"], week_of_row, week_count)
    if is_time:
        values = frame[value_column].to_numpy(dtype=float)[rows_by_week]
    else:
        flagged_rows = frame[value_column].astype(bool).to_numpy()
        numerators = np.bincount(week_of_row[in_a_week & flagged_rows], minlength=week_count)
        p_values = _p_values_against_all_earlier(week_keys.index, observations, numerators)
    projects = week_keys.index.get_level_values(0).tolist()
    subjects = week_keys.index.get_level_values(1).tolist()
    week_starts = week_keys.index.get_level_values(2).tolist()
    weeks: list[_Week] = []
    for number in range(week_count):
        week = _Week(
            week=week_starts[number],
            guideline_version=versions[number],
            observations=int(observations[number]),
        )
        if is_time:
            week.times = values[bounds[number] : bounds[number + 1]]
        else:
            week.numerator = int(numerators[number])
            p_value = p_values[number]
            week.p_value_against_all_earlier = None if np.isnan(p_value) else float(p_value)
        weeks.append(week)
        is_last_of_subject = number + 1 == week_count or (
            (projects[number + 1], subjects[number + 1]) != (projects[number], subjects[number])
        )
        if is_last_of_subject:
            yield projects[number], subjects[number], weeks
            weeks = []


def _dominant_versions(versions: pd.Series, week_of_row: np.ndarray, week_count: int) -> list:
    """The most frequent non-null guideline version of each week group, ties to the first in
    sort order; None for a week without any."""
    counted = pd.DataFrame({"week": week_of_row, "version": versions.to_numpy()})
    counted = counted[(counted["week"] >= 0) & counted["version"].notna()]
    counts = counted.groupby(["week", "version"], sort=True).size().reset_index(name="rows")
    # Stable sort by count descending keeps versions in sort order within a count.
    counts = counts.sort_values(["week", "rows"], ascending=[True, False], kind="stable")
    dominant = counts.drop_duplicates("week")
    by_week: list = [None] * week_count
    for week, version in zip(dominant["week"], dominant["version"], strict=True):
        by_week[week] = version
    return by_week


def _p_values_against_all_earlier(
    week_keys: pd.MultiIndex, observations: np.ndarray, numerators: np.ndarray
) -> np.ndarray:
    """For each subject-week (sorted by subject, then week), the one-sided Fisher p-value of
    its rate against all earlier weeks of the subject pooled; NaN without earlier weeks."""
    subject = pd.MultiIndex.from_arrays(
        [week_keys.get_level_values(0), week_keys.get_level_values(1)]
    )
    subject_number = pd.factorize(subject)[0]
    earlier_n = pd.Series(observations).groupby(subject_number).cumsum().to_numpy()
    earlier_k = pd.Series(numerators).groupby(subject_number).cumsum().to_numpy()
    return fisher_greater_many(
        numerators, observations, earlier_k - numerators, earlier_n - observations
    )


def weekly_drift(
    annotation_weeks: pd.DataFrame,
    comparisons: pd.DataFrame,
    rule: DriftRule,
    subject_types: tuple[str, ...] = ("annotator", "class"),
) -> pd.DataFrame:
    """``annotation_weeks``: dbt model int_annotations_measured (project_key, annotator,
    primary_class, work_week, time_per_label_s, is_rejected, guideline_version);
    ``comparisons``: int_overlap_labels_compared (project_key, class_name, annotator,
    other_annotator, work_week, guideline_version, disagrees). Only the series of
    ``subject_types`` are computed: a subject's rows depend on its own input rows only, so the
    frames may hold just the subjects to compute."""
    reviewed = annotation_weeks[annotation_weeks["is_rejected"].notna()]
    timed = annotation_weeks[annotation_weeks["time_per_label_s"].notna()]
    # A class's comparisons count each pair once; a person's count their own side.
    pairs_once = comparisons[comparisons["annotator"] < comparisons["other_annotator"]]
    series = [
        ("rejection_rate", "annotator", reviewed, "annotator", "is_rejected"),
        ("rejection_rate", "class", reviewed, "primary_class", "is_rejected"),
        ("time_per_label", "annotator", timed, "annotator", "time_per_label_s"),
        ("time_per_label", "class", timed, "primary_class", "time_per_label_s"),
        ("disagreement_rate", "annotator", comparisons, "annotator", "disagrees"),
        ("disagreement_rate", "class", pairs_once, "class_name", "disagrees"),
    ]
    rows = []
    for metric, subject_type, frame, subject_column, value_column in series:
        if subject_type not in subject_types:
            continue
        is_time = metric == "time_per_label"
        for project, subject, weeks in _subject_weeks(frame, subject_column, value_column, is_time):
            for row in _walk(weeks, is_time, rule):
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
