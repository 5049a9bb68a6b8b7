"""Weekly rejection-rate drift per annotator and per class against their own baseline.

See dagster_project/lib/drift_stats.py and _quality__models.yml for the definitions.
"""

from dagster_project.lib.drift_stats import weekly_drift


def model(dbt, session):
    dbt.config(materialized="table")
    reviewed = dbt.ref("int_annotations_first_reviewed").df()
    return weekly_drift(
        reviewed,
        min_week_reviewed=int(dbt.config.get("min_week_reviewed")),
        min_baseline_reviewed=int(dbt.config.get("min_baseline_reviewed")),
        min_change=float(dbt.config.get("min_change")),
        alpha=float(dbt.config.get("alpha")),
    )
