"""Label Studio's JSON export: a list of tasks, each with its ``annotations[]``.

Rows go to raw tables, one per entity, with the tool's own field names; the ``result`` array
stays JSON text so staging (SQL) can unnest it. A user (``completed_by``, a review's
``created_by``) is an integer id or, with the export's user-details option, an object with
``id`` and ``email``: both are read.

Label Studio Enterprise adds to each annotation its ``reviews[]`` (a reviewer accepting or
rejecting it, ``fixed_annotation_history`` set when the reviewer changed it) and its
``history[]`` (every action on it: who, when, how long): they go to their own raw tables.
Community exports have neither and load exactly as before.

An annotation without ``completed_by`` (some exports leave it out) takes its author from
``updated_by``, then ``last_created_by``, then the first history action that submitted, skipped
or imported it; ``completed_by_source`` says which. One with none of these is loaded with no
author, and the warehouse counts it on the data-quality page instead of attributing it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dagster_project.lib.ingest.adapters.base import (
    INT32,
    NON_FINITE,
    FieldError,
    Rejection,
    Row,
    RowsAdapter,
    Source,
    excerpt,
    holds_non_finite,
    json_type_name,
    optional_timestamp,
    parse_bool,
    parse_int,
    parse_number,
    parse_text,
)
from dagster_project.lib.ingest.adapters.text_records import read_json_document

TASKS = "label_studio_tasks"
ANNOTATIONS = "label_studio_annotations"
REVIEWS = "label_studio_reviews"
HISTORY = "label_studio_annotation_history"
# Where an annotation's author can come from, in order (see the module docstring).
AUTHOR_FIELDS = ("completed_by", "updated_by", "last_created_by")
# History actions by the annotation's author (the others are reviews and edits of it).
AUTHORING_ACTIONS = ("submitted", "skipped", "imported")


def user_reference(value: Any, field: str) -> tuple[int | None, str | None]:
    """(id, email) of a user given as an id or as an object."""
    if isinstance(value, dict):
        return parse_int(value.get("id"), f"{field}.id"), parse_text(
            value.get("email"), f"{field}.email"
        )
    return parse_int(value, field), None


def _json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def task_row(task: dict[str, Any]) -> dict[str, Any]:
    if parse_int(task.get("id"), "id") is None:
        raise FieldError("id", "task has no id")
    return {
        "task_id": parse_int(task["id"], "id"),
        "project_id": parse_int(task.get("project"), "project"),
        "data": _json_text(task.get("data")),
        "meta": _json_text(task.get("meta")),
        "created_at": optional_timestamp(task.get("created_at"), "created_at"),
        "updated_at": optional_timestamp(task.get("updated_at"), "updated_at"),
        "total_annotations": parse_int(task.get("total_annotations"), "total_annotations", INT32),
        "cancelled_annotations": parse_int(
            task.get("cancelled_annotations"), "cancelled_annotations", INT32
        ),
        "comment_count": parse_int(task.get("comment_count"), "comment_count", INT32),
        "unresolved_comment_count": parse_int(
            task.get("unresolved_comment_count"), "unresolved_comment_count", INT32
        ),
    }


def _author(annotation: dict[str, Any]) -> tuple[int | None, str | None, str | None]:
    """(id, email, the field it came from) of the annotation's author; all None when the
    export does not say."""
    for field in AUTHOR_FIELDS:
        if annotation.get(field) not in (None, ""):
            return (*user_reference(annotation[field], field), field)
    history = annotation.get("history")
    for position, item in enumerate(history if isinstance(history, list) else []):
        if (
            isinstance(item, dict)
            and item.get("action") in AUTHORING_ACTIONS
            and item.get("created_by") not in (None, "")
        ):
            return (
                *user_reference(item["created_by"], f"history[{position}].created_by"),
                "history",
            )
    return None, None, None


def annotation_row(annotation: Any, task: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(annotation, dict):
        raise FieldError("annotations[]", f"expected an object, got {json_type_name(annotation)}")
    if annotation.get("id") in (None, ""):
        raise FieldError("id", "required field is missing or empty")
    completed_by_id, completed_by_email, completed_by_source = _author(annotation)
    updated_by_id, _ = user_reference(annotation.get("updated_by"), "updated_by")
    result = annotation.get("result")
    if result is not None and not isinstance(result, list):
        raise FieldError("result", f"expected an array, got {json_type_name(result)}")
    if holds_non_finite(result):
        raise FieldError("result", NON_FINITE)
    return {
        "annotation_id": parse_int(annotation["id"], "id"),
        "task_id": parse_int(task["id"], "id"),
        "project_id": parse_int(annotation.get("project", task.get("project")), "project"),
        "completed_by_id": completed_by_id,
        "completed_by_email": completed_by_email,
        "completed_by_source": completed_by_source,
        "result": _json_text(result or []),
        "was_cancelled": bool(parse_bool(annotation.get("was_cancelled"), "was_cancelled")),
        "ground_truth": bool(parse_bool(annotation.get("ground_truth"), "ground_truth")),
        "created_at": optional_timestamp(annotation.get("created_at"), "created_at"),
        "updated_at": optional_timestamp(annotation.get("updated_at"), "updated_at"),
        "draft_created_at": optional_timestamp(
            annotation.get("draft_created_at"), "draft_created_at"
        ),
        "lead_time": parse_number(annotation.get("lead_time"), "lead_time"),
        "last_action": parse_text(annotation.get("last_action"), "last_action"),
        "updated_by_id": updated_by_id,
        "parent_annotation": parse_int(annotation.get("parent_annotation"), "parent_annotation"),
        "result_count": parse_int(annotation.get("result_count"), "result_count", INT32),
    }


def review_row(review: Any, position: int, annotation: dict[str, Any], task: dict[str, Any]):
    """One of an annotation's ``reviews[]`` (Label Studio Enterprise)."""
    field = f"reviews[{position}]"
    if not isinstance(review, dict):
        raise FieldError(field, f"expected an object, got {json_type_name(review)}")
    reviewer_id, reviewer_email = user_reference(review.get("created_by"), f"{field}.created_by")
    return {
        "review_id": parse_int(review.get("id"), f"{field}.id"),
        "annotation_id": parse_int(annotation["id"], "id"),
        "task_id": parse_int(task["id"], "id"),
        "project_id": parse_int(annotation.get("project", task.get("project")), "project"),
        "review_position": position,
        "reviewer_id": reviewer_id,
        "reviewer_email": reviewer_email,
        "created_at": optional_timestamp(review.get("created_at"), f"{field}.created_at"),
        "accepted": parse_bool(review.get("accepted"), f"{field}.accepted"),
        "fixed": review.get("fixed_annotation_history") is not None,
        "comment": parse_text(review.get("comment"), f"{field}.comment"),
    }


def history_row(item: Any, position: int, annotation: dict[str, Any], task: dict[str, Any]):
    """One of an annotation's ``history[]`` actions (Label Studio Enterprise)."""
    field = f"history[{position}]"
    if not isinstance(item, dict):
        raise FieldError(field, f"expected an object, got {json_type_name(item)}")
    actor_id, actor_email = user_reference(item.get("created_by"), f"{field}.created_by")
    return {
        "history_id": parse_int(item.get("id"), f"{field}.id"),
        "annotation_id": parse_int(annotation["id"], "id"),
        "task_id": parse_int(task["id"], "id"),
        "project_id": parse_int(annotation.get("project", task.get("project")), "project"),
        "history_position": position,
        "action": parse_text(item.get("action"), f"{field}.action"),
        "created_by_id": actor_id,
        "created_by_email": actor_email,
        "started_at": optional_timestamp(item.get("started_at"), f"{field}.started_at"),
        "created_at": optional_timestamp(item.get("created_at"), f"{field}.created_at"),
        "lead_time": parse_number(item.get("lead_time"), f"{field}.lead_time"),
        "review_id": parse_int(item.get("review_id"), f"{field}.review_id"),
    }


class LabelStudioJson(RowsAdapter):
    name = "label_studio_json"
    tables = (TASKS, ANNOTATIONS, REVIEWS, HISTORY)

    def matches(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() == ".json" and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"["

    def parse(self, source: Source) -> Iterator[Row | Rejection]:
        document = read_json_document(source)
        if document.rejection:
            yield document.rejection
            return
        tasks = document.value
        if not isinstance(tasks, list):
            yield Rejection(0, None, "expected a JSON array of tasks", _shown(tasks)[:200])
            return
        if not tasks:
            yield Rejection(0, None, "the export holds no tasks (an empty project or filter?)")
            return
        for number, task in enumerate(tasks, start=1):
            try:
                yield from _task_rows(number, task)
            except Exception as error:  # noqa: BLE001 - no task may stop the night
                yield Rejection(
                    number, None, f"task could not be read: {type(error).__name__}: {error}"[:500]
                )


def _task_rows(number: int, task: Any) -> Iterator[Row | Rejection]:
    if not isinstance(task, dict):
        yield Rejection(number, None, "task is not an object", _shown(task))
        return
    try:
        yield Row(TASKS, number, task_row(task))
    except FieldError as error:
        yield Rejection(number, error.field, error.reason, _shown(task))
        return
    for position, annotation in enumerate(task.get("annotations") or []):
        try:
            yield Row(ANNOTATIONS, number, annotation_row(annotation, task))
        except FieldError as error:
            yield Rejection(
                number,
                f"annotations[{position}].{error.field}",
                error.reason,
                _shown(annotation),
            )
            continue
        yield from _enterprise_rows(number, position, annotation, task)


def _enterprise_rows(
    number: int, position: int, annotation: dict[str, Any], task: dict[str, Any]
) -> Iterator[Row | Rejection]:
    """The annotation's reviews and history (Label Studio Enterprise), each on its own: a bad
    review is quarantined, the annotation and its other reviews are kept."""
    reviews = annotation.get("reviews")
    parts = [(REVIEWS, review_row, reviews if isinstance(reviews, list) else [])]
    if reviews is not None and not isinstance(reviews, list):
        yield Rejection(
            number,
            f"annotations[{position}].reviews",
            f"expected an array, got {json_type_name(reviews)}",
            _shown(reviews),
        )
    history = annotation.get("history")
    if history is not None and not isinstance(history, list):
        yield Rejection(
            number,
            f"annotations[{position}].history",
            f"expected an array, got {json_type_name(history)}",
            _shown(history),
        )
    parts.append((HISTORY, history_row, history if isinstance(history, list) else []))
    for table, row_of, items in parts:
        for index, item in enumerate(items):
            try:
                yield Row(table, number, row_of(item, index, annotation, task))
            except FieldError as error:
                yield Rejection(
                    number, f"annotations[{position}].{error.field}", error.reason, _shown(item)
                )


def _shown(value: Any) -> str:
    return excerpt(json.dumps(value, default=repr))
