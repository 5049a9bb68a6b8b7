"""Inter-annotator agreement per project, class and annotator pair.

See dagster_project/lib/stats/agreement.py and _agreement__models.yml for the definitions.
"""

from dagster_project.lib.stats.agreement import BOX_COLUMNS, agreement

COLUMNS = "project_key, task_key, annotator, annotation_key, class_name, shape_type, " + ", ".join(
    f"bbox[{position}] as {column}" for position, column in enumerate(BOX_COLUMNS, start=1)
)


def model(dbt, session):
    dbt.config(materialized="table")
    # The box as four columns (stats.agreement.BOX_COLUMNS); a total order of the input: the
    # same rows in the same order give the same figures (four-element lists sort as their
    # elements do).
    labels = dbt.ref("int_overlap_labels_selected").project(COLUMNS).order("all").df()
    return agreement(labels, resamples=int(dbt.config.get("bootstrap_resamples")), seed=7)
