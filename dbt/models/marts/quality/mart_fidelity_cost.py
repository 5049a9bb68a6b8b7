"""Whether high-vertex polygons cost more time than they return, per project.

See dagster_project/lib/fidelity_stats.py and _quality__models.yml for the definitions.
"""

from dagster_project.lib.fidelity_stats import fidelity_cost
from dagster_project.lib.statistics_worker import compute_in_worker


def model(dbt, session):
    dbt.config(materialized="table")
    return compute_in_worker(
        session,
        fidelity_cost,
        {"annotations": dbt.ref("int_polygon_annotations")},
        "mart_fidelity_cost",
        high_quantile=float(dbt.config.get("high_quantile")),
        min_reviewed=int(dbt.config.get("min_reviewed")),
        min_time_ratio=float(dbt.config.get("min_time_ratio")),
        alpha=float(dbt.config.get("alpha")),
    )
