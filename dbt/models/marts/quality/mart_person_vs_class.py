"""Person vs ontology: is a high rejection rate the annotator's or the class's?

Per project, annotator and primary class: the annotator's first-review rejection rate beside
the rest of the cohort's for the same class (Wilson 95 % intervals), a one-sided Fisher exact
test of "this annotator is rejected more than the others on this class", and a one-sided
Fisher test of "this class is rejected more than the project's other classes".
"""

from dagster_project.lib.stats.rejection import person_vs_class

REVIEW_COLUMNS = "project_key, annotator, primary_class, is_rejected"


def model(dbt, session):
    dbt.config(materialized="table")
    # Only the columns the statistics read (the rest would only be loaded to be dropped), in a total
    # order: the same rows in the same order give the same figures.
    reviewed = dbt.ref("int_annotations_first_reviewed").project(REVIEW_COLUMNS).order("all").df()
    return person_vs_class(
        reviewed, int(dbt.config.get("min_reviewed")), float(dbt.config.get("alpha"))
    )
