"""Agreement with ground truth by task type: accuracy for classification, precision, recall
and F1 of matched objects for shapes, with 95 % intervals.

See dagster_project/lib/stats/ground_truth.py and _agreement__models.yml for the definitions.
"""

from dagster_project.lib.stats.marts import compute, relation_reader


def model(dbt, session):
    dbt.config(materialized="table")
    # lib/stats/marts.py: what it reads and computes, the same on the Spark engine.
    relations = {"int_ground_truth_labels": dbt.ref("int_ground_truth_labels")}
    # Named one by one: dbt hands a Python model only the config keys its code reads by name.
    config = {"iou_threshold": dbt.config.get("iou_threshold")}
    return compute("mart_agreement_ground_truth", relation_reader(relations), config)
