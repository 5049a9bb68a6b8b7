"""DDL of the raw layer: what dbt declares as sources. Adapters fill these tables.

Every data table carries its lineage (``_source_file``, ``_record_number``, ``_file_hash``) so
a figure can be traced back to the landed record, and a new version of a file can replace
exactly the rows of the old one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

RAW_SCHEMA = "raw"

LINEAGE_COLUMNS = {
    "_source_file": "VARCHAR NOT NULL",
    "_record_number": "BIGINT NOT NULL",
    "_file_hash": "VARCHAR NOT NULL",
}

DATA_TABLES: dict[str, dict[str, str]] = {
    "events": {
        "event_id": "VARCHAR",
        "event_type": "VARCHAR",
        "occurred_at": "TIMESTAMP",
        "source_tool": "VARCHAR",
        "project_id": "VARCHAR",
        "task_id": "VARCHAR",
        "annotation_id": "VARCHAR",
        "actor": "VARCHAR",
        "actor_role": "VARCHAR",
        "stage": "VARCHAR",
        "duration_s": "DOUBLE",
        "labels": "VARCHAR",
        "object_count": "INTEGER",
        "vertex_count": "INTEGER",
        "issue_id": "VARCHAR",
        "issue_tag": "VARCHAR",
        "text": "VARCHAR",
        "guideline_version": "VARCHAR",
        "is_ground_truth": "BOOLEAN",
        "confidence": "DOUBLE",
    },
    "label_studio_tasks": {
        "task_id": "BIGINT",
        "project_id": "BIGINT",
        "data": "VARCHAR",
        "meta": "VARCHAR",
        "created_at": "TIMESTAMP",
        "updated_at": "TIMESTAMP",
        "total_annotations": "INTEGER",
        "cancelled_annotations": "INTEGER",
        "comment_count": "INTEGER",
        "unresolved_comment_count": "INTEGER",
    },
    "label_studio_annotations": {
        "annotation_id": "BIGINT",
        "task_id": "BIGINT",
        "project_id": "BIGINT",
        "completed_by_id": "BIGINT",
        "completed_by_email": "VARCHAR",
        # completed_by | updated_by | last_created_by | history (the fallback that named the
        # author); null when the export names none
        "completed_by_source": "VARCHAR",
        "result": "VARCHAR",
        "was_cancelled": "BOOLEAN",
        "ground_truth": "BOOLEAN",
        "created_at": "TIMESTAMP",
        "updated_at": "TIMESTAMP",
        "draft_created_at": "TIMESTAMP",
        "lead_time": "DOUBLE",
        "last_action": "VARCHAR",
        "updated_by_id": "BIGINT",
        "parent_annotation": "BIGINT",
        "result_count": "INTEGER",
    },
    # Label Studio Enterprise: each annotation's reviews[] and history[].
    "label_studio_reviews": {
        "review_id": "BIGINT",
        "annotation_id": "BIGINT",
        "task_id": "BIGINT",
        "project_id": "BIGINT",
        "review_position": "INTEGER",
        "reviewer_id": "BIGINT",
        "reviewer_email": "VARCHAR",
        "created_at": "TIMESTAMP",
        "accepted": "BOOLEAN",
        "fixed": "BOOLEAN",
        "comment": "VARCHAR",
    },
    "label_studio_annotation_history": {
        "history_id": "BIGINT",
        "annotation_id": "BIGINT",
        "task_id": "BIGINT",
        "project_id": "BIGINT",
        "history_position": "INTEGER",
        "action": "VARCHAR",
        "created_by_id": "BIGINT",
        "created_by_email": "VARCHAR",
        "started_at": "TIMESTAMP",
        "created_at": "TIMESTAMP",
        "lead_time": "DOUBLE",
        "review_id": "BIGINT",
    },
    # Label Studio's users list (GET /api/users/): the email of each id of one server.
    "label_studio_users": {
        "user_id": "BIGINT",
        "email": "VARCHAR",
        "username": "VARCHAR",
        "first_name": "VARCHAR",
        "last_name": "VARCHAR",
    },
    # Label Studio Enterprise comments (GET /api/comments): resolved or not, not by whom.
    "label_studio_comments": {
        "comment_id": "BIGINT",
        "annotation_id": "BIGINT",
        "draft_id": "BIGINT",
        "task_id": "BIGINT",
        "project_id": "BIGINT",
        "created_by_id": "BIGINT",
        "created_by_email": "VARCHAR",
        "text": "VARCHAR",
        "is_resolved": "BOOLEAN",
        "created_at": "TIMESTAMP",
        "updated_at": "TIMESTAMP",
        "resolved_at": "TIMESTAMP",
    },
    # CVAT: the events API's CSV (column names as CVAT writes them; `timestamp` as occurred_at,
    # `duration` in ms as duration_ms) and the REST API's users and jobs.
    "cvat_events": {
        "scope": "VARCHAR",
        "obj_name": "VARCHAR",
        "obj_id": "BIGINT",
        "obj_val": "VARCHAR",
        "source": "VARCHAR",
        "occurred_at": "TIMESTAMP",
        "count": "INTEGER",
        "duration_ms": "BIGINT",
        "project_id": "BIGINT",
        "task_id": "BIGINT",
        "job_id": "BIGINT",
        "user_id": "BIGINT",
        "user_name": "VARCHAR",
        "user_email": "VARCHAR",
        "org_id": "BIGINT",
        "org_slug": "VARCHAR",
        "payload": "VARCHAR",
    },
    "cvat_users": {
        "user_id": "BIGINT",
        "username": "VARCHAR",
        "email": "VARCHAR",
        "first_name": "VARCHAR",
        "last_name": "VARCHAR",
    },
    "cvat_jobs": {
        "job_id": "BIGINT",
        "task_id": "BIGINT",
        "project_id": "BIGINT",
        "assignee_id": "BIGINT",
        "assignee_username": "VARCHAR",
        "stage": "VARCHAR",
        "state": "VARCHAR",
        "frame_count": "INTEGER",
        "created_date": "TIMESTAMP",
        "updated_date": "TIMESTAMP",
    },
    # Labelbox export v2: data rows per project, their labels, their workflow history.
    "labelbox_data_rows": {
        "data_row_id": "VARCHAR",
        "global_key": "VARCHAR",
        "external_id": "VARCHAR",
        "project_id": "VARCHAR",
        "project_name": "VARCHAR",
        "dataset_name": "VARCHAR",
        "data_row_created_at": "TIMESTAMP",
        "workflow_status": "VARCHAR",
        "task_name": "VARCHAR",
        "batch_name": "VARCHAR",
        "selected_label_id": "VARCHAR",
        "label_count": "INTEGER",
    },
    "labelbox_labels": {
        "label_id": "VARCHAR",
        "data_row_id": "VARCHAR",
        "project_id": "VARCHAR",
        "project_name": "VARCHAR",
        "label_kind": "VARCHAR",
        "created_by": "VARCHAR",
        "created_at": "TIMESTAMP",
        "updated_at": "TIMESTAMP",
        "content_last_updated_at": "TIMESTAMP",
        "seconds_to_create": "DOUBLE",
        "seconds_to_review": "DOUBLE",
        "skipped": "BOOLEAN",
        "consensus_score": "DOUBLE",
        "benchmark_score": "DOUBLE",
        "annotations": "VARCHAR",
        # The objects and classifications in the warehouse's label shape (adapter-derived).
        "labels": "VARCHAR",
        "object_count": "INTEGER",
        "vertex_count": "INTEGER",
    },
    "labelbox_workflow_history": {
        "data_row_id": "VARCHAR",
        "project_id": "VARCHAR",
        "history_position": "INTEGER",
        "action": "VARCHAR",
        "created_by": "VARCHAR",
        "created_at": "TIMESTAMP",
        "previous_task_name": "VARCHAR",
        "next_task_name": "VARCHAR",
    },
    # Encord: label rows, their objects and classification instances, legacy object reviews.
    "encord_label_rows": {
        "label_hash": "VARCHAR",
        "data_hash": "VARCHAR",
        "data_title": "VARCHAR",
        "data_type": "VARCHAR",
        "dataset_hash": "VARCHAR",
        "dataset_title": "VARCHAR",
        "created_at": "TIMESTAMP",
        "last_edited_at": "TIMESTAMP",
        "label_status": "VARCHAR",
        "annotation_task_status": "VARCHAR",
    },
    "encord_objects": {
        "label_hash": "VARCHAR",
        "data_hash": "VARCHAR",
        "frame": "VARCHAR",
        "instance_hash": "VARCHAR",
        "kind": "VARCHAR",
        "name": "VARCHAR",
        "shape": "VARCHAR",
        "encord_shape": "VARCHAR",
        "created_by": "VARCHAR",
        "created_at": "TIMESTAMP",
        "last_edited_by": "VARCHAR",
        "last_edited_at": "TIMESTAMP",
        "confidence": "DOUBLE",
        "manual_annotation": "BOOLEAN",
        "vertex_count": "INTEGER",
    },
    "encord_reviews": {
        "label_hash": "VARCHAR",
        "instance_hash": "VARCHAR",
        "review_position": "INTEGER",
        "review_id": "VARCHAR",
        "reviewer": "VARCHAR",
        "approved": "BOOLEAN",
        "comment": "VARCHAR",
        "reviewed_at": "TIMESTAMP",
    },
}

BOOKKEEPING_DDL = f"""
create table if not exists {RAW_SCHEMA}.ingest_manifest (
    source_file varchar primary key,
    size_bytes bigint not null,
    content_hash varchar not null,
    adapter varchar,
    status varchar not null,          -- loaded | duplicate | rejected
    duplicate_of varchar,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    ingested_at timestamp not null
);
create table if not exists {RAW_SCHEMA}.quarantine (
    _source_file varchar not null,
    _file_hash varchar not null,
    record_number bigint not null,   -- line (JSONL/CSV) or task index (JSON); 0 = whole file
    target_table varchar,
    field varchar,
    reason varchar not null,
    detected_by varchar not null,    -- parser | gx:<suite>
    excerpt varchar
);
create table if not exists {RAW_SCHEMA}.validation_results (
    _source_file varchar not null,
    _file_hash varchar not null,
    suite varchar not null,
    expectation varchar not null,
    column_name varchar,
    on_failure varchar not null,     -- quarantine_rows | warn
    success boolean not null,
    element_count bigint,
    unexpected_count bigint
);
"""


def create_table_sql(table: str) -> str:
    """``create table if not exists`` of one raw data table, lineage columns last."""
    columns = {**DATA_TABLES[table], **LINEAGE_COLUMNS}
    body = ",\n    ".join(f"{name} {kind}" for name, kind in columns.items())
    return f"create table if not exists {RAW_SCHEMA}.{table} (\n    {body}\n);"


def create_raw_tables_sql() -> str:
    """The raw layer's DDL; a column added since a warehouse was created is added to it (its
    earlier rows hold null there)."""
    statements = [f"create schema if not exists {RAW_SCHEMA};"]
    for table, columns in DATA_TABLES.items():
        statements.append(create_table_sql(table))
        statements += [
            f"alter table {RAW_SCHEMA}.{table} add column if not exists {name} {kind};"
            for name, kind in columns.items()
        ]
    statements.append(BOOKKEEPING_DDL)
    return "\n".join(statements)


def _utf8(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")  # a lone surrogate (JSON "\\ud800") is not text DuckDB can hold
    except UnicodeEncodeError:
        return False
    return True


def _whole(bits: int) -> Callable[[Any], bool]:
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    return lambda value: (
        isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
    )


_FITS: dict[str, Callable[[Any], bool]] = {
    "VARCHAR": _utf8,
    "INTEGER": _whole(32),
    "BIGINT": _whole(64),
    "DOUBLE": lambda value: (
        isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    ),
    "BOOLEAN": lambda value: isinstance(value, bool),
    "TIMESTAMP": lambda value: isinstance(value, datetime),
}


def first_misfit(values: dict[str, Any], columns: dict[str, str]) -> tuple[str, str] | None:
    """(column, type) of the first value its raw column cannot hold, or None. Adapters check
    types already; this keeps a value they let through from aborting a file's load."""
    for column, kind in columns.items():
        value = values.get(column)
        if value is not None and not _FITS[kind](value):
            return column, kind
    return None
