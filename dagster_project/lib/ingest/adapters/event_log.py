"""The tool-neutral event log (JSON Lines or CSV), contract in ``event_log.schema.json``.

Checks structure and types here (required fields, parseable numbers and timestamps); value
domains (known event types, plausible durations, no future dates) are the GX raw suite's job.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    parse_bool,
    parse_int,
    parse_number,
    parse_text,
    parse_timestamp,
    shown,
)
from dagster_project.lib.ingest.adapters.event_log_duckdb import (
    STAGED,
    read_record_alone,
    readable_by_name,
    stage_event_logs,
)
from dagster_project.lib.ingest.adapters.event_log_schema import (
    TABLE,
    conditional_requirements,
    event_log_schema,
)
from dagster_project.lib.ingest.adapters.text_records import (
    CsvRecord,
    csv_records,
    json_lines,
    unreadable,
)

if TYPE_CHECKING:
    from dagster_project.lib.ingest.landing import LandedFile

TOO_DEEP = "JSON nested too deeply to read"
# What DuckDB's JSON reader takes and Python's refuses: nan / inf in any case, a trailing comma.
_LENIENT_JSON = re.compile(r"nan|inf|,[ \t\r\n]*[}\]]", re.IGNORECASE)


class LabelsTextNotJson(FieldError):
    """``labels`` given as text that Python's JSON reader refuses; ``ask_duckdb`` when DuckDB's
    reader may take it (too deep for Python, or JSON only DuckDB reads)."""

    def __init__(self, reason: str, ask_duckdb: bool):
        super().__init__("labels", reason)
        self.ask_duckdb = ask_duckdb


_DIGITS = re.compile(r"[0-9]+")
_COUNT = (0, INT32[1])


def _vertices(value: Any, field: str) -> int:
    """A label's vertex count: a whole JSON number, or text of digits (what the warehouse's
    cast to INTEGER reads), from 0 to 2^31 - 1; absent counts 0."""
    if isinstance(value, str) and value and not _DIGITS.fullmatch(value):
        raise FieldError(field, f"expected a whole number, got {shown(value)}")
    return parse_int(value, field, _COUNT) or 0


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_label(item: Any, position: int) -> int:
    """One object of ``labels`` against the schema; its vertex count. The first fault names
    its field: class, vertices, bbox, confidence, then NaN or Infinity anywhere in it."""
    if not isinstance(item, dict) or not isinstance(item.get("class"), str):
        raise FieldError("labels", f"item {position} has no text 'class'")
    field = f"labels[{position}]"
    vertices = _vertices(item.get("vertices"), f"{field}.vertices")
    bbox = item.get("bbox")
    if bbox is not None and not (
        isinstance(bbox, list)
        and len(bbox) == 4
        and all(_is_number(v) and math.isfinite(v) for v in bbox)
    ):
        raise FieldError(f"{field}.bbox", "expected 4 finite numbers (x, y, width, height)")
    confidence = item.get("confidence")
    if confidence is not None and not (_is_number(confidence) and 0 <= confidence <= 1):
        raise FieldError(
            f"{field}.confidence", f"expected a number from 0 to 1, got {shown(confidence)}"
        )
    if holds_non_finite(item):
        raise FieldError(field, NON_FINITE)
    return vertices


def _label_summary(labels: Any) -> tuple[str | None, int | None, int | None]:
    """The labels array as canonical JSON text plus derived object and vertex counts."""
    if labels is None or labels == "":
        return None, None, None
    if isinstance(labels, str):
        try:
            labels = json_loads(labels)
        except json.JSONDecodeError:
            lenient = _LENIENT_JSON.search(labels) is not None
            raise LabelsTextNotJson("not a JSON array", lenient) from None
        except RecursionError:
            raise LabelsTextNotJson(TOO_DEEP, True) from None
    if not isinstance(labels, list):
        raise FieldError("labels", f"expected an array, got {json_type_name(labels)}")
    vertices = sum(_check_label(item, position) for position, item in enumerate(labels))
    if vertices > _COUNT[1]:
        raise FieldError("vertex_count", f"labels hold {vertices} vertices, more than {_COUNT[1]}")
    return json.dumps(labels, separators=(",", ":"), ensure_ascii=False), len(labels), vertices


def to_row(record: Any) -> dict[str, Any]:
    """One event record as a typed raw row; raises FieldError naming the faulty field."""
    if not isinstance(record, dict):
        raise FieldError("(record)", f"expected an object, got {type(record).__name__}")
    schema = event_log_schema()
    for field in schema["required"]:
        if record.get(field) in (None, ""):
            raise FieldError(field, "required field is missing or empty")
    event_type = parse_text(record["event_type"], "event_type")
    for pattern, field in conditional_requirements():
        if pattern.match(event_type) and record.get(field) in (None, ""):
            raise FieldError(field, f"required for event_type {event_type}")
    labels_json, derived_objects, derived_vertices = _label_summary(record.get("labels"))
    object_count = parse_int(record.get("object_count"), "object_count", INT32)
    vertex_count = parse_int(record.get("vertex_count"), "vertex_count", INT32)
    return {
        "event_id": parse_text(record["event_id"], "event_id"),
        "event_type": event_type,
        "occurred_at": parse_timestamp(record["occurred_at"], "occurred_at"),
        "source_tool": parse_text(record.get("source_tool"), "source_tool"),
        "project_id": parse_text(record["project_id"], "project_id"),
        "task_id": parse_text(record["task_id"], "task_id"),
        "annotation_id": parse_text(record.get("annotation_id"), "annotation_id") or None,
        "actor": parse_text(record["actor"], "actor"),
        "actor_role": parse_text(record.get("actor_role"), "actor_role") or None,
        "stage": parse_text(record.get("stage"), "stage") or None,
        "duration_s": parse_number(record.get("duration_s"), "duration_s"),
        "labels": labels_json,
        "object_count": object_count if object_count is not None else derived_objects,
        "vertex_count": vertex_count if vertex_count is not None else derived_vertices,
        "issue_id": parse_text(record.get("issue_id"), "issue_id") or None,
        "issue_tag": parse_text(record.get("issue_tag"), "issue_tag") or None,
        "text": parse_text(record.get("text"), "text") or None,
        "guideline_version": parse_text(record.get("guideline_version"), "guideline_version")
        or None,
        "is_ground_truth": parse_bool(record.get("is_ground_truth"), "is_ground_truth"),
        "confidence": parse_number(record.get("confidence"), "confidence"),
    }


def _judged_by_duckdb(number: int, text: str, otherwise: Rejection) -> Row | Rejection:
    """A line Python's JSON reader cannot take as DuckDB's reader takes it (nested deeper than
    Python's recursion allows, or JSON only DuckDB reads: nan, inf, a trailing comma), judged
    by the DuckDB reader alone, so both readers say the same of every record; ``otherwise``
    when DuckDB cannot read it either."""
    judged = read_record_alone(text)
    if judged is None:
        return otherwise
    values, field, reason = judged
    if values is None:
        return Rejection(number, field, reason, excerpt(text))
    return Row(TABLE, number, values)


class EventLogJsonLines:
    """JSON Lines: DuckDB reads a file (event_log_duckdb) unless it has blank lines (record
    numbers would shift), is empty (this adapter says why) or has a name DuckDB would read as
    a pattern; this reader then takes it, giving every record the same verdict."""

    name = "event_log_jsonl"
    tables = (TABLE,)
    staged_table = STAGED

    def matches(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in {".jsonl", ".ndjson"}

    def stages(self, source: LandedFile) -> bool:
        return not source.has_blank_lines and source.size > 0 and readable_by_name(str(source.path))

    def stage(self, connection, paths: list[str]) -> bool:
        return stage_event_logs(connection, paths)

    def parse(self, source: Source) -> Iterator[Row | Rejection]:
        for line in json_lines(source):
            yield line if isinstance(line, Rejection) else self._record(*line)

    @staticmethod
    def _record(number: int, text: str) -> Row | Rejection:
        line = text.rstrip("\r\n")
        try:
            record = json_loads(text)
        except json.JSONDecodeError as error:
            refused = Rejection(
                number, None, f"not valid JSON ({error.msg}, column {error.colno})", excerpt(text)
            )
            if _LENIENT_JSON.search(text):
                return _judged_by_duckdb(number, line, refused)
            return refused
        except RecursionError:
            return _judged_by_duckdb(number, line, Rejection(number, None, TOO_DEEP, excerpt(text)))
        except Exception as error:  # noqa: BLE001 - no record may stop the night
            return unreadable(number, error, text)
        try:
            return Row(TABLE, number, to_row(record))
        except LabelsTextNotJson as error:
            refused = Rejection(number, error.field, error.reason, excerpt(text))
            return _judged_by_duckdb(number, line, refused) if error.ask_duckdb else refused
        except FieldError as error:
            return Rejection(number, error.field, error.reason, excerpt(text))
        except Exception as error:  # noqa: BLE001
            return unreadable(number, error, text)


class EventLogCsv(RowsAdapter):
    name = "event_log_csv"
    tables = (TABLE,)

    def matches(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() == ".csv" and b"event_type" in head.split(b"\n", 1)[0]

    def parse(self, source: Source) -> Iterator[Row | Rejection]:
        for record in csv_records(source):
            yield record if isinstance(record, Rejection) else self._row(record)

    @staticmethod
    def _row(record: CsvRecord) -> Row | Rejection:
        try:
            return Row(TABLE, record.number, to_row(record.values))
        except FieldError as error:
            return Rejection(record.number, error.field, error.reason, excerpt(record.text))
        except Exception as error:  # noqa: BLE001 - no record may stop the night
            return unreadable(record.number, error, record.text)
