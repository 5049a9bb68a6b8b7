"""Confusion with ground truth for classification: gold class x chosen class task counts per
project and annotator.

See dagster_project/lib/stats/ground_truth.py and _agreement__models.yml for the definitions.
"""

from dagster_project.lib.stats.ground_truth import LABEL_COLUMNS, confusion


def model(dbt, session):
    dbt.config(materialized="table")
    labels = dbt.ref("int_ground_truth_labels").project(", ".join(LABEL_COLUMNS)).order("all")
    return confusion(labels.df())
