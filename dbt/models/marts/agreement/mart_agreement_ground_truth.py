"""Agreement with ground truth by task type: accuracy for classification, precision, recall
and F1 of matched objects for shapes, with 95 % intervals.

See dagster_project/lib/stats/ground_truth.py and _agreement__models.yml for the definitions.
"""

from dagster_project.lib.stats.ground_truth import LABEL_COLUMNS, ground_truth_scores


def model(dbt, session):
    dbt.config(materialized="table")
    # A total order of the input: the same rows in the same order give the same figures.
    labels = dbt.ref("int_ground_truth_labels").project(", ".join(LABEL_COLUMNS)).order("all")
    return ground_truth_scores(labels.df(), float(dbt.config.get("iou_threshold")))
