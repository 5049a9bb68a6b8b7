"""Statistics behind the quality and agreement marts: agreement (kappa, alpha, box IoU),
drift, label fidelity, rejection rates against the cohort, and box matching.

The boundary with dbt: this is the only package dbt's Python models import
(``dbt/models/marts/*/mart_*.py``). Keep it free of Dagster, of the warehouse file and of any
other ``dagster_project.lib`` package: a model passes it data frames and takes data frames back.
"""
