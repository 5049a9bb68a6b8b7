"""Inter-annotator agreement per project, class and annotator pair.

See dagster_project/lib/stats/agreement.py and _agreement__models.yml for the definitions.
"""

from dagster_project.lib.stats.marts import compute, relation_reader


def model(dbt, session):
    dbt.config(materialized="table")
    # lib/stats/marts.py: what it reads and computes, the same on the Spark engine.
    relations = {"int_overlap_labels_selected": dbt.ref("int_overlap_labels_selected")}
    # Named one by one: dbt hands a Python model only the config keys its code reads by name.
    config = {"bootstrap_resamples": dbt.config.get("bootstrap_resamples")}
    return compute("mart_agreement", relation_reader(relations), config)
