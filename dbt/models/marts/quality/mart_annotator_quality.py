"""Per annotator and project: first-review rejection rate, and whether it is explained by the
classes the annotator was given.

expected_rejections = sum over her classes of (her reviews of the class x the rest of the
cohort's rejection rate for that class): what an average annotator would have been rejected on
the same work (indirect standardisation). One-sided binomial tests: observed vs that expectation
(p_vs_expected) and observed vs the rest of the project's raw rate (p_vs_project).
"""

from dagster_project.lib.stats.marts import compute, relation_reader


def model(dbt, session):
    dbt.config(materialized="table")
    # lib/stats/marts.py: what it reads and computes, the same on the Spark engine.
    relations = {"int_annotations_first_reviewed": dbt.ref("int_annotations_first_reviewed")}
    # Named one by one: dbt hands a Python model only the config keys its code reads by name.
    config = {"min_reviewed": dbt.config.get("min_reviewed"), "alpha": dbt.config.get("alpha")}
    return compute("mart_annotator_quality", relation_reader(relations), config)
