"""Encord: label rows as JSON (a list, as the UI's JSON export or the SDK's
``[row.to_encord_dict() for row in label_rows]`` writes them), with legacy object reviews
where the rows were fetched with ``include_reviews=True``.

A label row is one data unit's labels (``label_hash``, ``data_hash``, ``data_title``,
``created_at``, ``last_edited_at``, ``label_status``, ``annotation_task_status``); its
``data_units.<hash>.labels`` hold ``objects`` and ``classifications`` directly (images) or per
frame (``"<frame>": {...}``: video, DICOM...). Each object names ``createdBy`` / ``createdAt``
and, when edited, ``lastEditedBy`` / ``lastEditedAt``; its ``reviews[]`` (legacy) name the
reviewer (``user_email``), ``approved``, a ``comment`` and when (``createdAt``).

Encord writes timestamps in several forms, all UTC: RFC 1123 with ``GMT`` or ``UTC``
(``Tue, 05 Nov 2024 10:00:00 GMT``), the same without a zone (older SDKs, a trailing space),
``2024-11-05 09:58:12`` and ISO 8601 (``2023-03-21T09:58:08.472959``). Every form is read; a
value in none of them is a rejection naming its field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from dagster_project.lib.ingest.adapters.base import (
    NON_FINITE,
    FieldError,
    Rejection,
    Row,
    RowsAdapter,
    Source,
    excerpt,
    holds_non_finite,
    json_type_name,
    parse_bool,
    parse_number,
    parse_text,
    parse_timestamp,
    shown,
)
from dagster_project.lib.ingest.adapters.text_records import read_json_document

LABEL_ROWS = "encord_label_rows"
OBJECTS = "encord_objects"
REVIEWS = "encord_reviews"

_RFC_1123 = ("%a, %d %b %Y %H:%M:%S %Z", "%a, %d %b %Y %H:%M:%S")
_PLAIN = "%Y-%m-%d %H:%M:%S"
# Encord's shapes -> the warehouse's shape names (known_shape_types).
SHAPES = {
    "bounding_box": "bbox",
    "rotatable_bounding_box": "bbox",
    "polygon": "polygon",
    "polyline": "polyline",
    "point": "keypoint",
    "bitmask": "mask",
    "segmentation": "mask",
    "skeleton": "keypoint",
}


def encord_time(value: Any, field: str) -> datetime | None:
    """Any of Encord's timestamp forms as naive UTC; None when absent."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise FieldError(field, f"expected a timestamp, got {json_type_name(value)}")
    text = value.strip()
    for form in _RFC_1123:
        try:
            parsed = datetime.strptime(text, form)
        except ValueError:
            continue
        if form.endswith("%Z") and not text.endswith(("GMT", "UTC")):
            continue  # %Z takes any local zone name; Encord writes only GMT or UTC
        return parsed.replace(tzinfo=None)
    try:
        return datetime.strptime(text, _PLAIN)
    except ValueError:
        pass
    try:
        return parse_timestamp(text, field)
    except FieldError:
        raise FieldError(field, f"not a timestamp Encord writes: {shown(value)}") from None


def _vertices(obj: dict[str, Any], shape: str) -> int:
    # A polygon, polyline or point is keyed by its shape's name ({"0": {x, y}, ...} or a list).
    geometry = obj.get(shape) if shape in ("polygon", "polyline", "point") else None
    if isinstance(geometry, dict | list):
        return len(geometry)
    return 4 if shape in ("bounding_box", "rotatable_bounding_box") else 0


def _frames(labels: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(frame, {objects, classifications}) of a data unit's labels: one unnamed frame for
    images, one per numbered frame for video and other frame-based data."""
    if not isinstance(labels, dict):
        return
    if "objects" in labels or "classifications" in labels:
        yield "", labels
        return
    for frame, content in labels.items():
        if isinstance(content, dict):
            yield str(frame), content


def object_rows(row: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, values) for every object and classification instance of a label row, and every
    review of one."""
    units = row.get("data_units") or {}
    if not isinstance(units, dict):
        raise FieldError("data_units", f"expected an object, got {json_type_name(units)}")
    for unit_hash, unit in units.items():
        if not isinstance(unit, dict):
            raise FieldError(f"data_units.{unit_hash}", "expected an object")
        for frame, content in _frames(unit.get("labels")):
            for kind in ("objects", "classifications"):
                for index, obj in enumerate(content.get(kind) or []):
                    labels = f"data_units.{unit_hash}.labels" + (f".{frame}" if frame else "")
                    where = f"{labels}.{kind}[{index}]"
                    yield from _instance(row, unit_hash, frame, kind, obj, where)


def _instance(row, unit_hash, frame, kind, obj, where) -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(obj, dict):
        raise FieldError(where, f"expected an object, got {json_type_name(obj)}")
    shape = parse_text(obj.get("shape"), f"{where}.shape") or (
        "classification" if kind == "classifications" else "unknown"
    )
    instance_hash = obj.get("objectHash") or obj.get("classificationHash")
    yield (
        OBJECTS,
        {
            "label_hash": row["label_hash"],
            "data_hash": unit_hash,
            "frame": frame,
            "instance_hash": parse_text(instance_hash, f"{where}.objectHash"),
            "kind": kind[:-1] if kind == "objects" else "classification",
            "name": parse_text(obj.get("name"), f"{where}.name"),
            "shape": SHAPES.get(shape, "choice" if kind == "classifications" else "unknown"),
            "encord_shape": shape,
            "created_by": parse_text(obj.get("createdBy"), f"{where}.createdBy"),
            "created_at": encord_time(obj.get("createdAt"), f"{where}.createdAt"),
            "last_edited_by": parse_text(obj.get("lastEditedBy"), f"{where}.lastEditedBy"),
            "last_edited_at": encord_time(obj.get("lastEditedAt"), f"{where}.lastEditedAt"),
            "confidence": parse_number(obj.get("confidence"), f"{where}.confidence"),
            "manual_annotation": parse_bool(
                obj.get("manualAnnotation"), f"{where}.manualAnnotation"
            ),
            "vertex_count": _vertices(obj, shape),
        },
    )
    reviews = obj.get("reviews")
    for position, review in enumerate(reviews if isinstance(reviews, list) else []):
        field = f"{where}.reviews[{position}]"
        if not isinstance(review, dict):
            raise FieldError(field, f"expected an object, got {json_type_name(review)}")
        yield (
            REVIEWS,
            {
                "label_hash": row["label_hash"],
                "instance_hash": parse_text(instance_hash, f"{where}.objectHash"),
                "review_position": position,
                "review_id": parse_text(review.get("id"), f"{field}.id"),
                "reviewer": parse_text(
                    review.get("user_email") or review.get("createdBy"), f"{field}.user_email"
                ),
                "approved": parse_bool(review.get("approved"), f"{field}.approved"),
                "comment": parse_text(review.get("comment"), f"{field}.comment"),
                "reviewed_at": encord_time(
                    review.get("createdAt") or review.get("created_at"), f"{field}.createdAt"
                ),
            },
        )


def label_row(row: dict[str, Any]) -> dict[str, Any]:
    if not parse_text(row.get("label_hash"), "label_hash"):
        raise FieldError("label_hash", "label row has no label_hash")
    return {
        "label_hash": row["label_hash"],
        "data_hash": parse_text(row.get("data_hash"), "data_hash"),
        "data_title": parse_text(row.get("data_title"), "data_title"),
        "data_type": parse_text(row.get("data_type"), "data_type"),
        "dataset_hash": parse_text(row.get("dataset_hash"), "dataset_hash"),
        "dataset_title": parse_text(row.get("dataset_title"), "dataset_title"),
        "created_at": encord_time(row.get("created_at"), "created_at"),
        "last_edited_at": encord_time(row.get("last_edited_at"), "last_edited_at"),
        "label_status": parse_text(row.get("label_status"), "label_status"),
        "annotation_task_status": parse_text(
            row.get("annotation_task_status"), "annotation_task_status"
        ),
    }


class EncordLabelRowsJson(RowsAdapter):
    name = "encord_label_rows_json"
    tables = (LABEL_ROWS, OBJECTS, REVIEWS)

    def matches(self, path: Path, head: bytes) -> bool:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        return (
            path.suffix.lower() == ".json"
            and start in (b"[", b"{")
            and b'"label_hash"' in head
            and b'"data_hash"' in head
        )

    def parse(self, source: Source) -> Iterator[Row | Rejection]:
        read = read_json_document(source)
        if read.rejection:
            yield read.rejection
            return
        document = read.value
        rows = [document] if isinstance(document, dict) else document
        if not isinstance(rows, list):
            yield Rejection(0, None, "expected a JSON array of Encord label rows")
            return
        for number, row in enumerate(rows, start=1):
            yield from _label_row_rows(number, row)


def _label_row_rows(number: int, row: Any) -> Iterator[Row | Rejection]:
    shown_row = excerpt(json.dumps(row, default=repr))
    if not isinstance(row, dict):
        yield Rejection(number, None, f"expected a label row object, got {json_type_name(row)}")
        return
    try:
        if holds_non_finite(row):
            raise FieldError("", NON_FINITE)
        rows = [(LABEL_ROWS, label_row(row)), *object_rows(row)]
    except FieldError as error:
        yield Rejection(number, error.field or None, error.reason, shown_row)
        return
    except Exception as error:  # noqa: BLE001 - no record may stop the night
        yield Rejection(number, None, f"label row could not be read: {type(error).__name__}")
        return
    for table, values in rows:
        yield Row(table, number, values)
