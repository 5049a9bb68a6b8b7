"""Whether high-vertex polygons cost more time than they return, per project.

See dagster_project/lib/stats/fidelity.py and _quality__models.yml for the definitions.
"""

from dagster_project.lib.stats.fidelity import fidelity_cost


def model(dbt, session):
    dbt.config(materialized="table")
    # A total order of the input: the same rows in the same order give the same figures.
    return fidelity_cost(
        dbt.ref("int_polygon_annotations_selected").order("all").df(),
        high_quantile=float(dbt.config.get("high_quantile")),
        min_reviewed=int(dbt.config.get("min_reviewed")),
        min_time_ratio=float(dbt.config.get("min_time_ratio")),
        alpha=float(dbt.config.get("alpha")),
    )
