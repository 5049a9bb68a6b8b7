"""Weekly drift of time per label, rejection rate and disagreement per annotator and per class
against their own baseline.

See dagster_project/lib/stats/drift.py and _quality__models.yml for the definitions.

Incremental by subject: a subject's rows depend on its own input rows only, and
int_drift_inputs_hashed hashes those per subject. The pre-hook (delete_changed_subjects)
deletes the rows of subjects whose hash changed or that vanished; this model computes every
subject whose current hash is not stored, which on a full rebuild is all of them. An
incremental night returns a DuckDB relation on ``session``, not a DataFrame: dbt-duckdb writes a
returned DataFrame through a second cursor, whose table the materialization's open transaction
cannot see when it appends it.
"""

import pandas as pd

from dagster_project.lib.stats.drift import weekly_drift
from dagster_project.lib.stats.marts import (
    DRIFT_SUBJECT,
    compute,
    drift_rule,
    in_total_order,
    relation_reader,
    with_inputs_hash,
)

# The column naming the subject in each input, per subject type.
SUBJECT_COLUMNS = {
    "annotator": ("annotator", "annotator"),
    "class": ("primary_class", "class_name"),
}


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append")
    relations = {
        "int_annotations_measured": dbt.ref("int_annotations_measured"),
        "int_overlap_labels_compared": dbt.ref("int_overlap_labels_compared"),
        "int_drift_inputs_hashed": dbt.ref("int_drift_inputs_hashed"),
    }
    # Named one by one: dbt hands a Python model only the config keys its code reads by name.
    config = {
        "min_week_observations": dbt.config.get("min_week_observations"),
        "min_baseline_observations": dbt.config.get("min_baseline_observations"),
        "min_change": dbt.config.get("min_change"),
        "min_relative_change": dbt.config.get("min_relative_change"),
        "alpha": dbt.config.get("alpha"),
    }
    if not dbt.is_incremental:  # every subject (lib/stats/marts.py, as on the Spark engine)
        return compute("mart_drift", relation_reader(relations), config)
    inputs = relations["int_drift_inputs_hashed"].df()[[*DRIFT_SUBJECT, "inputs_hash"]]
    stored = session.sql(f"select distinct {', '.join(DRIFT_SUBJECT)}, inputs_hash from {dbt.this}")
    stored = stored.df()
    to_compute = inputs.merge(stored, how="left", indicator=True)
    to_compute = to_compute[to_compute["_merge"] == "left_only"][DRIFT_SUBJECT]
    weeks = relations["int_annotations_measured"]
    comparisons = relations["int_overlap_labels_compared"]
    parts = []
    for subject_type, (weeks_column, comparisons_column) in SUBJECT_COLUMNS.items():
        wanted = to_compute[to_compute["subject_type"] == subject_type]
        if wanted.empty:
            continue
        wanted = session.from_df(wanted.drop(columns="subject_type")).set_alias("wanted")
        parts.append(
            weekly_drift(
                _rows_of(weeks, "weeks", weeks_column, wanted),
                _rows_of(comparisons, "comparisons", comparisons_column, wanted),
                drift_rule(config),
                subject_types=(subject_type,),
            )
        )
    if not parts:  # nothing changed: no rows, typed as the table is
        return session.sql(f"select * from {dbt.this} limit 0")
    return session.from_df(with_inputs_hash(pd.concat(parts, ignore_index=True), inputs))


def _rows_of(relation, alias, subject_column, wanted):
    """The input rows of the wanted subjects, in the total order a full rebuild reads them in."""
    relation = relation.set_alias(alias)
    condition = (
        f"{alias}.project_key = wanted.project_key and {alias}.{subject_column} = wanted.subject"
    )
    return in_total_order(relation.join(wanted, condition, how="semi").df())
