"""Weekly drift of time per label, rejection rate and disagreement per annotator and per class
against their own baseline.

See dagster_project/lib/drift_stats.py and _quality__models.yml for the definitions.
"""

from dagster_project.lib.drift_stats import DriftRule, weekly_drift


def model(dbt, session):
    dbt.config(materialized="table")
    # A total order of the input: the same rows in the same order give the same figures.
    rule = DriftRule(
        min_week_observations=int(dbt.config.get("min_week_observations")),
        min_baseline_observations=int(dbt.config.get("min_baseline_observations")),
        min_change=float(dbt.config.get("min_change")),
        min_relative_change=float(dbt.config.get("min_relative_change")),
        alpha=float(dbt.config.get("alpha")),
    )
    return weekly_drift(
        dbt.ref("int_annotation_weeks").order("all").df(),
        dbt.ref("int_overlap_comparisons").order("all").df(),
        rule,
    )
