"""Weekly drift of rejection rates against each subject's own baseline (called by dbt).

For every subject (an annotator, or a class, within a project) and week the work was done: the
first-review rejection rate of that week's work against the pooled rate of the subject's
earlier unflagged weeks (its normal), with a one-sided Fisher exact test. A week is flagged
when it has enough reviews, the baseline has enough, the rate rose by at least ``min_change``
and the test is significant; the first week of the run of elevated weeks (rate up by at least
``min_change``) leading into a flagged week is where the drift began.
"""

import pandas as pd

from .rejection_stats import fisher_greater

DRIFT_COLUMNS = [
    "project_key",
    "subject_type",
    "subject",
    "week",
    "reviewed",
    "rejected",
    "rejection_rate",
    "baseline_reviewed",
    "baseline_rejected",
    "baseline_rate",
    "change",
    "p_value",
    "is_flagged",
    "is_drift_start",
    "guideline_version",
    "guideline_changed",
]


def _dominant(values: pd.Series) -> str | None:
    counts = values.dropna().value_counts()
    if counts.empty:
        return None
    return sorted(counts[counts == counts.max()].index)[0]


def _date_drift_starts(weeks: list[dict], min_change: float) -> list[dict]:
    """A drift began at the first week of the run of elevated weeks (rate up by at least
    ``min_change``) that leads into a flagged week, even if that first week alone was not
    yet significant."""
    for position, week in enumerate(weeks):
        if not week["is_drift_start"]:
            continue
        start = position
        while (
            start > 0
            and not weeks[start - 1]["is_flagged"]
            and (weeks[start - 1]["change"] or 0.0) >= min_change
        ):
            start -= 1
        if start != position:
            week["is_drift_start"] = False
            weeks[start]["is_drift_start"] = True
    return weeks


def weekly_drift(
    reviewed: pd.DataFrame,
    min_week_reviewed: int,
    min_baseline_reviewed: int,
    min_change: float,
    alpha: float,
) -> pd.DataFrame:
    """``reviewed``: one row per reviewed annotation with project_key, annotator,
    primary_class, work_week, is_rejected, guideline_version."""
    rows = []
    for subject_type, column in (("annotator", "annotator"), ("class", "primary_class")):
        frame = reviewed[reviewed[column].notna()]
        weekly = (
            frame.groupby(["project_key", column, "work_week"])
            .agg(
                reviewed=("is_rejected", "count"),
                rejected=("is_rejected", "sum"),
                guideline_version=("guideline_version", _dominant),
            )
            .reset_index()
            .sort_values(["project_key", column, "work_week"])
        )
        for (project, subject), weeks in weekly.groupby(["project_key", column], sort=True):
            subject_rows: list[dict] = []
            base_n = base_r = 0
            previous_flagged, previous_version = False, None
            for week in weeks.itertuples(index=False):
                n, r = int(week.reviewed), int(week.rejected)
                rate = r / n
                base_rate = base_r / base_n if base_n else None
                p_value = fisher_greater(r, n, base_r, base_n)
                flagged = bool(
                    n >= min_week_reviewed
                    and base_n >= min_baseline_reviewed
                    and base_rate is not None
                    and rate - base_rate >= min_change
                    and p_value is not None
                    and p_value < alpha
                )
                subject_rows.append(
                    {
                        "project_key": project,
                        "subject_type": subject_type,
                        "subject": subject,
                        "week": week.work_week,
                        "reviewed": n,
                        "rejected": r,
                        "rejection_rate": rate,
                        "baseline_reviewed": base_n,
                        "baseline_rejected": base_r,
                        "baseline_rate": base_rate,
                        "change": None if base_rate is None else rate - base_rate,
                        "p_value": p_value,
                        "is_flagged": flagged,
                        "is_drift_start": flagged and not previous_flagged,
                        "guideline_version": week.guideline_version,
                        "guideline_changed": previous_version is not None
                        and week.guideline_version is not None
                        and week.guideline_version != previous_version,
                    }
                )
                if not flagged:  # the baseline is the subject's normal, not its drift
                    base_n, base_r = base_n + n, base_r + r
                previous_flagged = flagged
                previous_version = week.guideline_version or previous_version
            rows += _date_drift_starts(subject_rows, min_change)
    return pd.DataFrame(rows, columns=DRIFT_COLUMNS)
