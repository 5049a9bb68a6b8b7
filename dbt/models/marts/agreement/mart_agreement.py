"""Inter-annotator agreement per project, class and annotator pair.

See dagster_project/lib/agreement_stats.py and _agreement__models.yml for the definitions.
"""

from dagster_project.lib.agreement_stats import agreement


def model(dbt, session):
    dbt.config(materialized="table")
    # A total order of the input: the same rows in the same order give the same figures.
    labels = dbt.ref("int_overlap_labels").order("all").df()
    return agreement(labels, resamples=int(dbt.config.get("bootstrap_resamples")), seed=7)
