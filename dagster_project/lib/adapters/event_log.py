"""The tool-neutral event log (JSON Lines or CSV), contract in ``event_log.schema.json``.

Checks structure and types here (required fields, parseable numbers and timestamps); value
domains (known event types, plausible durations, no future dates) are the GX raw suite's job.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .base import (
    FieldError,
    Rejection,
    Row,
    excerpt,
    parse_bool,
    parse_int,
    parse_number,
    parse_text,
    parse_timestamp,
)

TABLE = "events"


@cache
def event_log_schema() -> dict[str, Any]:
    text = resources.files("dagster_project.lib").joinpath("event_log.schema.json").read_text()
    return json.loads(text)


@cache
def _conditional_requirements() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(event_type pattern, required field) pairs from the schema's if/then rules."""
    rules = []
    for rule in event_log_schema()["allOf"]:
        condition = rule["if"]["properties"]["event_type"]
        for field in rule["then"]["required"]:
            if "pattern" in condition:
                rules.append((re.compile(condition["pattern"]), field))
            else:
                for name in condition["enum"]:
                    rules.append((re.compile(f"^{re.escape(name)}$"), field))
    return tuple(rules)


def _label_summary(labels: Any) -> tuple[str | None, int | None, int | None]:
    """The labels array as canonical JSON text plus derived object and vertex counts."""
    if labels in (None, ""):
        return None, None, None
    if isinstance(labels, str):
        try:
            labels = json.loads(labels)
        except json.JSONDecodeError:
            raise FieldError("labels", "not a JSON array") from None
    if not isinstance(labels, list):
        raise FieldError("labels", f"expected an array, got {type(labels).__name__}")
    vertices = 0
    for position, item in enumerate(labels):
        if not isinstance(item, dict) or not isinstance(item.get("class"), str):
            raise FieldError("labels", f"item {position} has no text 'class'")
        vertices += parse_int(item.get("vertices"), f"labels[{position}].vertices") or 0
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
    for pattern, field in _conditional_requirements():
        if pattern.match(event_type) and record.get(field) in (None, ""):
            raise FieldError(field, f"required for event_type {event_type}")
    labels_json, derived_objects, derived_vertices = _label_summary(record.get("labels"))
    object_count = parse_int(record.get("object_count"), "object_count")
    vertex_count = parse_int(record.get("vertex_count"), "vertex_count")
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


def _decoded_lines(path: Path) -> Iterator[tuple[int, str | None, bytes]]:
    """(line number, text or None when not UTF-8, raw bytes); a leading BOM is dropped."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield number, raw.decode("utf-8"), raw
            except UnicodeDecodeError as error:
                yield number, None, raw[max(0, error.start - 20) : error.start + 20]


EMPTY_FILE = "empty file: nothing to load (was the export interrupted?)"
NO_HEADER = "CSV file has no header row"


class EventLogJsonLines:
    name = "event_log_jsonl"
    tables = (TABLE,)

    def matches(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in {".jsonl", ".ndjson"}

    def parse(self, path: Path) -> Iterator[Row | Rejection]:
        records = 0
        for number, text, raw in _decoded_lines(path):
            records += 1
            if text is None:
                yield Rejection(number, None, "line is not valid UTF-8 text", excerpt(raw))
                continue
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as error:
                yield Rejection(
                    number,
                    None,
                    f"not valid JSON ({error.msg}, column {error.colno})",
                    excerpt(text),
                )
                continue
            try:
                yield Row(TABLE, number, to_row(record))
            except FieldError as error:
                yield Rejection(number, error.field, error.reason, excerpt(text))
        if not records:
            yield Rejection(0, None, EMPTY_FILE)


class EventLogCsv:
    name = "event_log_csv"
    tables = (TABLE,)

    def matches(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() == ".csv" and b"event_type" in head.split(b"\n", 1)[0]

    def parse(self, path: Path) -> Iterator[Row | Rejection]:
        # surrogateescape keeps undecodable bytes visible so one bad row does not sink the file.
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if not header:
                yield Rejection(0, None, EMPTY_FILE if path.stat().st_size == 0 else NO_HEADER)
                return
            record_start = reader.line_num + 1
            for cells in reader:
                number, record_start = record_start, reader.line_num + 1
                if not any(cells):
                    continue
                text = ",".join(cells)
                if _has_undecodable(text):
                    yield Rejection(
                        number,
                        None,
                        "row is not valid UTF-8 text",
                        excerpt(text.encode("utf-8", "surrogateescape")),
                    )
                    continue
                if len(cells) != len(header):
                    yield Rejection(
                        number,
                        None,
                        f"expected {len(header)} columns, found {len(cells)}",
                        excerpt(text),
                    )
                    continue
                record = {key: value for key, value in zip(header, cells, strict=True) if value}
                try:
                    yield Row(TABLE, number, to_row(record))
                except FieldError as error:
                    yield Rejection(number, error.field, error.reason, excerpt(text))


def _has_undecodable(text: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in text)
