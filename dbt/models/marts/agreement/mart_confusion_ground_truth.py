"""Confusion with ground truth for classification: gold class x chosen class task counts per
project and annotator.

See dagster_project/lib/stats/ground_truth.py and _agreement__models.yml for the definitions.
"""

from dagster_project.lib.stats.marts import compute, relation_reader


def model(dbt, session):
    dbt.config(materialized="table")
    # lib/stats/marts.py: what it reads and computes, the same on the Spark engine.
    relations = {"int_ground_truth_labels": dbt.ref("int_ground_truth_labels")}
    return compute("mart_confusion_ground_truth", relation_reader(relations), {})
