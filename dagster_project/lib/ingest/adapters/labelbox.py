"""Labelbox: the export v2 NDJSON (one data row per line, as ``project.export()`` streams it or
the UI's export writes it), with the label, performance and project details.

Each line is a data row with, under ``projects.<project id>``, its ``labels[]`` (creator as an
email, times, ``performance_details``: ``seconds_to_create``, ``seconds_to_review``,
``skipped``) and ``project_details`` (``workflow_status``, ``task_name``, batch, and
``workflow_history[]``: ``action`` such as Approve / Reject, ``created_by`` email,
``created_at``, the task moved to). Timestamps are ISO 8601 with ``+00:00``. Rows keep the
tool's fields; a label's objects are also given in the warehouse's label shape (``labels``:
class, shape, vertices, bbox) so the label facts and agreement read them like any source.

Labelbox does not export who edited a label after its creator, per-person time when several
people touched a label, or comments and issues (see docs/inputs.md).
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
    json_loads,
    json_type_name,
    optional_timestamp,
    parse_bool,
    parse_number,
    parse_text,
)
from dagster_project.lib.ingest.adapters.text_records import json_lines, unreadable

DATA_ROWS = "labelbox_data_rows"
LABELS = "labelbox_labels"
HISTORY = "labelbox_workflow_history"

# Labelbox annotation kinds -> the warehouse's shape names (known_shape_types), for an object
# whose geometry key (bounding_box, polygon, line, point) is not there to say it.
SHAPES = {
    "ImageBoundingBox": "bbox",
    "ImagePolygon": "polygon",
    "ImagePolyline": "polyline",
    "ImagePoint": "keypoint",
    "ImageSegmentationMask": "mask",
}


def _object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FieldError(field, f"expected an object, got {json_type_name(value)}")
    return value


def _points(value: Any, field: str) -> int:
    """Vertices of a polygon or line (a closed polygon's repeated first point counted once)."""
    if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
        raise FieldError(field, "expected an array of {x, y} points")
    closed = len(value) > 1 and value[0] == value[-1]
    return len(value) - 1 if closed else len(value)


def label_items(annotations: Any, field: str) -> list[dict[str, Any]]:
    """A label's objects and classifications in the warehouse's label shape."""
    if annotations is None:
        return []
    annotations = _object(annotations, field)
    items: list[dict[str, Any]] = []
    for index, obj in enumerate(annotations.get("objects") or []):
        where = f"{field}.objects[{index}]"
        obj = _object(obj, where)
        name = parse_text(obj.get("name") or obj.get("value"), f"{where}.name")
        if not name:
            raise FieldError(f"{where}.name", "object has no class name")
        item: dict[str, Any] = {"class": name}
        if "bounding_box" in obj:
            box = _object(obj["bounding_box"], f"{where}.bounding_box")
            numbers = [
                parse_number(box.get(key), f"{where}.bounding_box.{key}")
                for key in ("left", "top", "width", "height")
            ]
            if any(n is None for n in numbers):
                raise FieldError(f"{where}.bounding_box", "expected left, top, width, height")
            item |= {"shape": "bbox", "bbox": numbers, "vertices": 4}
        elif "polygon" in obj:
            item |= {"shape": "polygon", "vertices": _points(obj["polygon"], f"{where}.polygon")}
        elif "line" in obj:
            item |= {"shape": "polyline", "vertices": _points(obj["line"], f"{where}.line")}
        elif "point" in obj:
            item |= {"shape": "keypoint", "vertices": 1}
        else:
            item["shape"] = SHAPES.get(str(obj.get("annotation_kind")), "unknown")
        items.append(item)
    for index, classification in enumerate(annotations.get("classifications") or []):
        where = f"{field}.classifications[{index}]"
        classification = _object(classification, where)
        answers = []
        if isinstance(classification.get("radio_answer"), dict):
            answers = [classification["radio_answer"]]
        elif isinstance(classification.get("checklist_answers"), list):
            answers = classification["checklist_answers"]
        for answer in answers:
            name = answer.get("name") or answer.get("value") if isinstance(answer, dict) else None
            if isinstance(name, str) and name:
                items.append({"class": name, "shape": "choice"})
    return items


def label_row(label: Any, data_row: dict[str, Any], project_id: str, project: dict) -> dict:
    if not isinstance(label, dict):
        raise FieldError("label", f"expected an object, got {json_type_name(label)}")
    if not parse_text(label.get("id"), "id"):
        raise FieldError("id", "label has no id")
    details = label.get("label_details") or {}
    performance = label.get("performance_details") or {}
    if not isinstance(details, dict) or not isinstance(performance, dict):
        raise FieldError("label_details", "expected objects for label and performance details")
    items = label_items(label.get("annotations"), "annotations")
    vertices = sum(int(item.get("vertices", 0)) for item in items)
    if vertices > INT32[1]:
        raise FieldError("annotations", "more vertices than the warehouse counts")
    annotations = label.get("annotations")
    return {
        "label_id": label["id"],
        "data_row_id": data_row["id"],
        "project_id": project_id,
        "project_name": parse_text(project.get("name"), "name"),
        "label_kind": parse_text(label.get("label_kind"), "label_kind"),
        "created_by": parse_text(details.get("created_by"), "label_details.created_by"),
        "created_at": optional_timestamp(details.get("created_at"), "label_details.created_at"),
        "updated_at": optional_timestamp(details.get("updated_at"), "label_details.updated_at"),
        "content_last_updated_at": optional_timestamp(
            details.get("content_last_updated_at"), "label_details.content_last_updated_at"
        ),
        "seconds_to_create": parse_number(
            performance.get("seconds_to_create"), "performance_details.seconds_to_create"
        ),
        "seconds_to_review": parse_number(
            performance.get("seconds_to_review"), "performance_details.seconds_to_review"
        ),
        "skipped": parse_bool(performance.get("skipped"), "performance_details.skipped"),
        "consensus_score": parse_number(
            performance.get("consensus_score"), "performance_details.consensus_score"
        ),
        "benchmark_score": parse_number(
            performance.get("benchmark_score"), "performance_details.benchmark_score"
        ),
        "annotations": None if annotations is None else json.dumps(annotations),
        "labels": json.dumps(items) if items else None,
        "object_count": len(items),
        "vertex_count": vertices,
    }


def data_row_row(data_row: dict, project_id: str, project: dict) -> dict:
    details = project.get("project_details") or {}
    row_details = data_row.get("details") or {}
    if not isinstance(details, dict) or not isinstance(row_details, dict):
        raise FieldError("project_details", "expected an object")
    labels = project.get("labels")
    return {
        "data_row_id": data_row["id"],
        "global_key": parse_text(data_row.get("global_key"), "data_row.global_key"),
        "external_id": parse_text(data_row.get("external_id"), "data_row.external_id"),
        "project_id": project_id,
        "project_name": parse_text(project.get("name"), "name"),
        "dataset_name": parse_text(row_details.get("dataset_name"), "details.dataset_name"),
        "data_row_created_at": optional_timestamp(
            row_details.get("created_at"), "data_row.details.created_at"
        ),
        "workflow_status": parse_text(details.get("workflow_status"), "workflow_status"),
        "task_name": parse_text(details.get("task_name"), "task_name"),
        "batch_name": parse_text(details.get("batch_name"), "batch_name"),
        "selected_label_id": parse_text(details.get("selected_label_id"), "selected_label_id"),
        "label_count": len(labels) if isinstance(labels, list) else 0,
    }


def history_row(item: Any, position: int, data_row_id: str, project_id: str) -> dict:
    field = f"workflow_history[{position}]"
    if not isinstance(item, dict):
        raise FieldError(field, f"expected an object, got {json_type_name(item)}")
    return {
        "data_row_id": data_row_id,
        "project_id": project_id,
        "history_position": position,
        "action": parse_text(item.get("action"), f"{field}.action"),
        "created_by": parse_text(item.get("created_by"), f"{field}.created_by"),
        "created_at": optional_timestamp(item.get("created_at"), f"{field}.created_at"),
        "previous_task_name": parse_text(
            item.get("previous_task_name"), f"{field}.previous_task_name"
        ),
        "next_task_name": parse_text(item.get("next_task_name"), f"{field}.next_task_name"),
    }


class LabelboxNdjson(RowsAdapter):
    name = "labelbox_ndjson"
    tables = (DATA_ROWS, LABELS, HISTORY)

    def matches(self, path: Path, head: bytes) -> bool:
        first = head.split(b"\n", 1)[0]
        return (
            path.suffix.lower() in {".ndjson", ".jsonl"}
            and b'"data_row"' in first
            and b'"projects"' in head
        )

    def parse(self, source: Source) -> Iterator[Row | Rejection]:
        for line in json_lines(source):
            if isinstance(line, Rejection):
                yield line
                continue
            number, text = line
            try:
                yield from _data_row_rows(number, text)
            except Exception as error:  # noqa: BLE001 - no record may stop the night
                yield unreadable(number, error, text)


def _data_row_rows(number: int, text: str) -> Iterator[Row | Rejection]:
    try:
        line = json_loads(text)
    except json.JSONDecodeError as error:
        yield Rejection(number, None, f"not valid JSON ({error.msg}, column {error.colno})",
                        excerpt(text))  # fmt: skip
        return
    except RecursionError:
        yield Rejection(number, None, "JSON nested too deeply to read", excerpt(text))
        return
    data_row = line.get("data_row") if isinstance(line, dict) else None
    projects = line.get("projects") if isinstance(line, dict) else None
    if not isinstance(data_row, dict) or not isinstance(data_row.get("id"), str):
        yield Rejection(number, "data_row.id", "a data row with a text id is required",
                        excerpt(text))  # fmt: skip
        return
    if not isinstance(projects, dict):
        yield Rejection(number, "projects", "expected an object keyed by project id",
                        excerpt(text))  # fmt: skip
        return
    if holds_non_finite(line):
        yield Rejection(number, None, NON_FINITE, excerpt(text))
        return
    for project_id, project in projects.items():
        if not isinstance(project, dict):
            yield Rejection(number, f"projects.{project_id}", "expected an object", excerpt(text))
            continue
        try:
            yield Row(DATA_ROWS, number, data_row_row(data_row, project_id, project))
        except FieldError as error:
            yield Rejection(number, error.field, error.reason, excerpt(text))
            continue
        labels = project.get("labels") or []
        for index, label in enumerate(labels if isinstance(labels, list) else []):
            try:
                yield Row(LABELS, number, label_row(label, data_row, project_id, project))
            except FieldError as error:
                yield Rejection(number, f"labels[{index}].{error.field}", error.reason,
                                excerpt(text))  # fmt: skip
        details = project.get("project_details") or {}
        history = details.get("workflow_history") if isinstance(details, dict) else None
        for position, item in enumerate(history if isinstance(history, list) else []):
            try:
                yield Row(HISTORY, number, history_row(item, position, data_row["id"], project_id))
            except FieldError as error:
                yield Rejection(number, error.field, error.reason, excerpt(text))
