"""Whether high-vertex polygons cost more time than they return, per project.

See dagster_project/lib/stats/fidelity.py and _quality__models.yml for the definitions.
"""

from dagster_project.lib.stats.marts import compute, relation_reader


def model(dbt, session):
    dbt.config(materialized="table")
    # lib/stats/marts.py: what it reads and computes, the same on the Spark engine.
    relations = {"int_polygon_annotations_selected": dbt.ref("int_polygon_annotations_selected")}
    # Named one by one: dbt hands a Python model only the config keys its code reads by name.
    config = {"high_quantile": dbt.config.get("high_quantile"), "min_reviewed": dbt.config.get("min_reviewed"), "min_time_ratio": dbt.config.get("min_time_ratio"), "alpha": dbt.config.get("alpha")}
    return compute("mart_fidelity_cost", relation_reader(relations), config)
