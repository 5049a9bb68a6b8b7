"""Weekly drift of time per label, rejection rate and disagreement per annotator and per class
against their own baseline.

See dagster_project/lib/drift_stats.py and _quality__models.yml for the definitions.

Incremental by subject: a subject's rows depend on its own input rows only, and
int_drift_subject_inputs hashes those per subject. The pre-hook (delete_changed_subjects)
deletes the rows of subjects whose hash changed or that vanished; this model computes every
subject whose current hash is not stored, which on a full rebuild is all of them. The model
returns a DuckDB relation on ``session``, not a DataFrame: dbt-duckdb writes a returned
DataFrame through a second cursor, whose table the materialization's open transaction cannot
see when it appends it.
"""

from dagster_project.lib.drift_stats import DRIFT_COLUMNS, DriftRule, weekly_drift
from dagster_project.lib.statistics_worker import compute_in_worker
from dagster_project.lib.worker_process import default_workers

SUBJECT = ["project_key", "subject_type", "subject"]
# The column naming the subject in each input, per subject type.
SUBJECT_COLUMNS = {
    "annotator": ("annotator", "annotator"),
    "class": ("primary_class", "class_name"),
}


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append")
    rule = DriftRule(
        min_week_observations=int(dbt.config.get("min_week_observations")),
        min_baseline_observations=int(dbt.config.get("min_baseline_observations")),
        min_change=float(dbt.config.get("min_change")),
        min_relative_change=float(dbt.config.get("min_relative_change")),
        alpha=float(dbt.config.get("alpha")),
    )
    inputs = dbt.ref("int_drift_subject_inputs").project(", ".join([*SUBJECT, "inputs_hash"]))
    weeks, comparisons = dbt.ref("int_annotation_weeks"), dbt.ref("int_overlap_comparisons")
    if not dbt.is_incremental:
        return _with_hashes(_drift(session, weeks, comparisons, rule), inputs)
    stored = session.sql(f"select distinct {', '.join(SUBJECT)}, inputs_hash from {dbt.this}")
    to_compute = inputs.set_alias("inputs").join(
        stored.set_alias("stored"),
        " and ".join(f"inputs.{column} = stored.{column}" for column in [*SUBJECT, "inputs_hash"]),
        how="anti",
    )
    parts = []
    for subject_type, (weeks_column, comparisons_column) in SUBJECT_COLUMNS.items():
        wanted = to_compute.filter(f"subject_type = '{subject_type}'")
        wanted = wanted.project("project_key, subject").set_alias("wanted")
        if not wanted.limit(1).fetchall():
            continue
        parts.append(
            _drift(
                session,
                _rows_of(weeks, "weeks", weeks_column, wanted),
                _rows_of(comparisons, "comparisons", comparisons_column, wanted),
                rule,
                (subject_type,),
            )
        )
    if not parts:  # nothing changed: no rows, typed as the table is
        return session.sql(f"select * from {dbt.this} limit 0")
    drift = parts[0] if len(parts) == 1 else parts[0].union(parts[1])
    return _with_hashes(drift, inputs)


def _drift(session, weeks, comparisons, rule, subject_types=("annotator", "class")):
    return compute_in_worker(
        session,
        weekly_drift,
        {"annotation_weeks": weeks, "comparisons": comparisons},
        "mart_drift",
        # The largest statistics mart, and usually the last model of a build: its projects are
        # shared among the cores (the other statistics marts run beside other models).
        workers=default_workers(),
        rule=rule,
        subject_types=subject_types,
    )


def _rows_of(relation, alias, subject_column, wanted):
    """The input rows of the wanted subjects (the worker reads them in their total order, as a
    full rebuild does)."""
    condition = (
        f"{alias}.project_key = wanted.project_key and {alias}.{subject_column} = wanted.subject"
    )
    return relation.set_alias(alias).join(wanted, condition, how="semi")


def _with_hashes(drift, inputs):
    """Each row carries its subject's inputs_hash: what the next night compares (one hash per
    subject: int_drift_subject_inputs is unique by subject)."""
    condition = " and ".join(f"drift.{column} = inputs.{column}" for column in SUBJECT)
    return (
        drift.set_alias("drift")
        .join(inputs.set_alias("inputs"), condition, how="left")
        .project(
            ", ".join([*(f"drift.{column}" for column in DRIFT_COLUMNS), "inputs.inputs_hash"])
        )
    )
