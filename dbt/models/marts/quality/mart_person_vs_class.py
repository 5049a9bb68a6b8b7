"""Person vs ontology: is a high rejection rate the annotator's or the class's?

Per project, annotator and primary class: the annotator's first-review rejection rate beside
the rest of the cohort's for the same class (Wilson 95 % intervals), a one-sided Fisher exact
test of "this annotator is rejected more than the others on this class", and a one-sided
Fisher test of "this class is rejected more than the project's other classes".
"""

from dagster_project.lib.stats.marts import compute, relation_reader


def model(dbt, session):
    dbt.config(materialized="table")
    # lib/stats/marts.py: what it reads and computes, the same on the Spark engine.
    relations = {"int_annotations_first_reviewed": dbt.ref("int_annotations_first_reviewed")}
    # Named one by one: dbt hands a Python model only the config keys its code reads by name.
    config = {"min_reviewed": dbt.config.get("min_reviewed"), "alpha": dbt.config.get("alpha")}
    return compute("mart_person_vs_class", relation_reader(relations), config)
