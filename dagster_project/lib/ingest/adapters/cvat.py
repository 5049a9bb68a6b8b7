"""CVAT: the analytics events log (the CSV the events API exports) and, optionally, the REST
API's users and jobs as JSON (what ``cvat-sdk`` or ``GET /api/users`` / ``/api/jobs`` return).

The events CSV is written by CVAT's server with Python's ``csv`` module from ``SELECT *`` on its
ClickHouse ``events`` table, so columns are read **by header name** (newer servers append a
token-id column; older ones lack it). Empty cells are NULL. ``timestamp`` is UTC, printed as
``2025-06-02 09:14:03.512000+00:00`` (the fraction dropped when zero; some servers omit the
offset: a naive value is UTC). ``duration`` is milliseconds. ``payload`` is JSON text; for
``update:*`` rows ``obj_val`` is the new value printed by Python (``None``, ``True``, a dict's
repr) and ``payload.old_value`` the old one as JSON. Rows keep the tool's own fields; staging
(``dbt/models/staging/cvat/``) maps them to the warehouse's events.

The REST dumps are read for what the events log lacks: a user's email (events carry only the
acting user's) and a job's assignee, stage and state as of the dump. A list endpoint's page
(``{"count", "next", "previous", "results": [...]}``) and a bare JSON array are both read.
"""

from __future__ import annotations

import json
import re
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
    parse_int,
    parse_text,
    parse_timestamp,
)
from dagster_project.lib.ingest.adapters.text_records import (
    CsvRecord,
    csv_records,
    read_json_document,
    unreadable,
)

EVENTS = "cvat_events"
USERS = "cvat_users"
JOBS = "cvat_jobs"

# The columns of CVAT's events table this warehouse reads (CVAT >= 2.x; org_* and the
# token-id column are optional).
REQUIRED_COLUMNS = (
    "scope",
    "obj_name",
    "obj_id",
    "obj_val",
    "source",
    "timestamp",
    "count",
    "duration",
    "project_id",
    "task_id",
    "job_id",
    "user_id",
    "user_name",
    "user_email",
    "payload",
)
_ID_COLUMNS = ("obj_id", "project_id", "task_id", "job_id", "user_id", "org_id")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _payload(text: str | None) -> str | None:
    """The payload as compact JSON DuckDB's JSON functions read (a lone surrogate escape, which
    Python reads and DuckDB refuses, becomes U+FFFD)."""
    if text is None:
        return None
    try:
        value = json_loads(text)
    except json.JSONDecodeError as error:
        raise FieldError("payload", f"not valid JSON ({error.msg}, column {error.colno})") from None
    except RecursionError:
        raise FieldError("payload", "JSON nested too deeply to read") from None
    if not isinstance(value, dict):
        raise FieldError("payload", f"expected a JSON object, got {json_type_name(value)}")
    if holds_non_finite(value):
        raise FieldError("payload", NON_FINITE)
    compact = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return _SURROGATE.sub("\ufffd", compact)


def event_row(values: dict[str, str]) -> dict[str, Any]:
    scope = values.get("scope", "").strip()
    if not scope:
        raise FieldError("scope", "required field is missing or empty")
    row: dict[str, Any] = {
        "scope": scope,
        "obj_name": values.get("obj_name"),
        "obj_val": values.get("obj_val"),
        "source": values.get("source"),
        "occurred_at": parse_timestamp(values.get("timestamp"), "timestamp"),
        "count": parse_int(values.get("count"), "count", INT32),
        "duration_ms": parse_int(values.get("duration"), "duration"),
        "user_name": values.get("user_name"),
        "user_email": values.get("user_email"),
        "org_slug": values.get("org_slug"),
        "payload": _payload(values.get("payload")),
    }
    for column in _ID_COLUMNS:
        row[column] = parse_int(values.get(column), column)
    if row["duration_ms"] is not None and row["duration_ms"] < 0:
        raise FieldError("duration", f"expected milliseconds >= 0, got {row['duration_ms']}")
    return row


def _header_names(head: bytes) -> set[str]:
    first = head.split(b"\n", 1)[0].removeprefix(b"\xef\xbb\xbf")
    return {name.strip().strip('"') for name in first.decode("utf-8", "replace").split(",")}


class CvatEventsCsv(RowsAdapter):
    name = "cvat_events_csv"
    tables = (EVENTS,)

    def matches(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() == ".csv" and {"scope", "obj_name", "timestamp"} <= (
            _header_names(head)
        )

    def parse(self, source: Source) -> Iterator[Row | Rejection]:
        checked = False
        for record in csv_records(source):
            if not checked:
                checked = True
                if isinstance(record, CsvRecord):
                    missing = [c for c in REQUIRED_COLUMNS if c not in record.header]
                    if missing:
                        yield Rejection(
                            0,
                            None,
                            "not a CVAT events export: the header lacks "
                            + ", ".join(missing)
                            + " (export it from CVAT's events API as CSV)",
                        )
                        return
            yield record if isinstance(record, Rejection) else _event(record)


def _event(record: CsvRecord) -> Row | Rejection:
    try:
        return Row(EVENTS, record.number, event_row(record.values))
    except FieldError as error:
        return Rejection(record.number, error.field, error.reason, excerpt(record.text))
    except Exception as error:  # noqa: BLE001 - no record may stop the night
        return unreadable(record.number, error, record.text)


# --- REST dumps -------------------------------------------------------------------------------

# A REST item names its endpoint in its "url" (``http://host/api/jobs/118``). Every CVAT
# resource is recognised, so a dump of one this warehouse does not read (tasks, issues...) is
# refused as such rather than read as another tool's JSON.
_ENDPOINT = re.compile(rb'"url"\s*:\s*"[^"]*/api/([a-z_]+)/[0-9]+"')
READ_RESOURCES = ("users", "jobs")


def _basic_user(value: Any, field: str) -> tuple[int | None, str | None]:
    """(id, username) of a user object (CVAT's BasicUser: url, id, username, names), or None."""
    if value is None:
        return None, None
    if not isinstance(value, dict):
        raise FieldError(field, f"expected a user object, got {json_type_name(value)}")
    return parse_int(value.get("id"), f"{field}.id"), parse_text(
        value.get("username"), f"{field}.username"
    )


def user_row(item: dict[str, Any]) -> dict[str, Any]:
    if parse_int(item.get("id"), "id") is None:
        raise FieldError("id", "user has no id")
    return {
        "user_id": parse_int(item["id"], "id"),
        "username": parse_text(item.get("username"), "username"),
        "email": parse_text(item.get("email"), "email") or None,
        "first_name": parse_text(item.get("first_name"), "first_name"),
        "last_name": parse_text(item.get("last_name"), "last_name"),
    }


def job_row(item: dict[str, Any]) -> dict[str, Any]:
    if parse_int(item.get("id"), "id") is None:
        raise FieldError("id", "job has no id")
    assignee_id, assignee_username = _basic_user(item.get("assignee"), "assignee")
    return {
        "job_id": parse_int(item["id"], "id"),
        "task_id": parse_int(item.get("task_id"), "task_id"),
        "project_id": parse_int(item.get("project_id"), "project_id"),
        "assignee_id": assignee_id,
        "assignee_username": assignee_username,
        "stage": parse_text(item.get("stage"), "stage"),
        "state": parse_text(item.get("state"), "state"),
        "frame_count": parse_int(item.get("frame_count"), "frame_count", INT32),
        "created_date": optional_timestamp(item.get("created_date"), "created_date"),
        "updated_date": optional_timestamp(item.get("updated_date"), "updated_date"),
    }


class CvatRestJson(RowsAdapter):
    """``/api/users`` or ``/api/jobs`` as JSON: a page of results or a bare array."""

    name = "cvat_rest_json"
    tables = (USERS, JOBS)

    def matches(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() == ".json" and _ENDPOINT.search(head) is not None

    def parse(self, source: Source) -> Iterator[Row | Rejection]:
        read = read_json_document(source, "dump")
        if read.rejection:
            yield read.rejection
            return
        document = read.value
        items = document.get("results") if isinstance(document, dict) else document
        # The resource of the first item (or of the document itself when it is one object).
        first = next(
            (i for i in (items if isinstance(items, list) else [document]) if isinstance(i, dict)),
            None,
        )
        resource = None if first is None else _resource(first)
        if resource is not None and resource not in READ_RESOURCES:
            yield Rejection(
                0,
                None,
                f"CVAT {resource} from its REST API: not read (the warehouse "
                "reads CVAT's events export, users and jobs; the events carry the rest)",
            )
            return
        if not isinstance(items, list):
            yield Rejection(
                0, None, "expected a JSON array, or a page with results[], of users or jobs"
            )
            return
        for number, item in enumerate(items, start=1):
            yield _rest_item(number, item)


def _resource(item: dict[str, Any]) -> str | None:
    """The REST resource an item's url names (users, jobs, tasks...), or None."""
    match = _ENDPOINT.search(json.dumps({"url": item.get("url")}).encode())
    return match.group(1).decode() if match else None


def _rest_item(number: int, item: Any) -> Row | Rejection:
    shown = excerpt(json.dumps(item, default=repr))
    if not isinstance(item, dict):
        return Rejection(number, None, f"expected an object, got {json_type_name(item)}", shown)
    kind = _resource(item)
    try:
        if holds_non_finite(item):
            raise FieldError("", NON_FINITE)
        if kind == "users":
            return Row(USERS, number, user_row(item))
        if kind == "jobs":
            return Row(JOBS, number, job_row(item))
        return Rejection(number, "url", "not a CVAT user or job (its url names neither)", shown)
    except FieldError as error:
        return Rejection(number, error.field or None, error.reason, shown)
    except Exception as error:  # noqa: BLE001 - no record may stop the night
        return Rejection(number, None, f"record could not be read: {type(error).__name__}")
