"""Per annotator and project: first-review rejection rate, and whether it is explained by the
classes the annotator was given.

expected_rejections = sum over her classes of (her reviews of the class x the rest of the
cohort's rejection rate for that class): what an average annotator would have been rejected on
the same work (indirect standardisation). One-sided binomial tests: observed vs that expectation
(p_vs_expected) and observed vs the rest of the project's raw rate (p_vs_project).
"""

from dagster_project.lib.stats.rejection import annotator_quality

REVIEW_COLUMNS = "project_key, annotator, primary_class, is_rejected"


def model(dbt, session):
    dbt.config(materialized="table")
    # Only the columns the statistics read (the rest would only be loaded to be dropped), in a total
    # order: the same rows in the same order give the same figures.
    reviewed = dbt.ref("int_annotations_first_reviewed").project(REVIEW_COLUMNS).order("all").df()
    return annotator_quality(
        reviewed, int(dbt.config.get("min_reviewed")), float(dbt.config.get("alpha"))
    )
