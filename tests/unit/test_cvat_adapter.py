"""CVAT's events CSV and REST dumps: read by header name, every fault a named rejection."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

from dagster_project.lib.ingest.adapters import Rejection, Row, adapter_for
from dagster_project.lib.ingest.adapters.base import NON_FINITE
from dagster_project.lib.ingest.adapters.cvat import (
    REQUIRED_COLUMNS,
    CvatEventsCsv,
    CvatRestJson,
)
from dagster_project.lib.ingest.landing import scan_landed
from dagster_project.lib.settings import REPO_ROOT

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "cvat"
HEADER = [*REQUIRED_COLUMNS[:14], "org_id", "org_slug", "payload", "access_token_id"]
GOOD = {
    "scope": "send:working_time",
    "source": "server",
    "timestamp": "2025-06-02 09:12:55.004000+00:00",
    "count": "1",
    "duration": "45210",
    "project_id": "7",
    "task_id": "42",
    "job_id": "118",
    "user_id": "15",
    "user_name": "alice",
    "user_email": "alice@example.com",
    "payload": '{"working_time":45210,"request":{"id":"5f6a"}}',
}


def _parse(adapter, path: Path):
    items = list(adapter.parse(scan_landed(path.parent, path)))
    return (
        [i for i in items if isinstance(i, Row)],
        [i for i in items if isinstance(i, Rejection)],
    )


def _csv(path: Path, header: list[str], records: list[dict]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # CVAT's writer: excel dialect, CRLF
    writer.writerow(header)
    writer.writerows([[record.get(column, "") for column in header] for record in records])
    path.write_text(buffer.getvalue(), newline="")
    return path


def _adapter_name(path: Path) -> str | None:
    found = adapter_for(path, lambda: path.open("rb"))
    return found.name if found else None


def test_the_fixture_export_is_read_whole_with_multi_line_fields_and_utc_times():
    rows, rejections = _parse(CvatEventsCsv(), FIXTURES / "events.csv")
    assert rejections == []
    assert len(rows) == 45 and {row.table for row in rows} == {"cvat_events"}
    comment = next(r for r in rows if r.values["obj_id"] == 881)
    assert comment.values["obj_name"] == 'Tightened, "fixed"\nnow'
    # The row after the two-line comment starts on the line after both.
    assert rows[rows.index(comment) + 1].record_number == comment.record_number + 2
    work = next(r.values for r in rows if r.values["scope"] == "send:working_time")
    assert work["occurred_at"] == datetime(2025, 6, 2, 9, 10, 0, 4000)
    assert (work["duration_ms"], work["job_id"], work["user_email"]) == (
        300000,
        118,
        "Alice@Example.com",
    )
    assert json.loads(work["payload"])["working_time"] == 300000


def test_columns_are_read_by_name_in_any_order_with_or_without_the_token_column(tmp_path):
    older = [c for c in reversed(HEADER) if c != "access_token_id"]  # 17 columns, reordered
    naive = {**GOOD, "timestamp": "2025-06-02 09:12:55"}  # servers that print no offset
    rows, rejections = _parse(CvatEventsCsv(), _csv(tmp_path / "e.csv", older, [GOOD, naive]))
    assert rejections == []
    assert [r.values["occurred_at"] for r in rows] == [
        datetime(2025, 6, 2, 9, 12, 55, 4000),
        datetime(2025, 6, 2, 9, 12, 55),
    ]
    assert rows[0].values["user_id"] == 15 and rows[0].values["org_id"] is None


def test_a_header_without_cvat_columns_refuses_the_file_and_names_them(tmp_path):
    header = [c for c in HEADER if c not in ("job_id", "payload")]
    rows, rejections = _parse(CvatEventsCsv(), _csv(tmp_path / "e.csv", header, [GOOD]))
    assert rows == []
    assert [(r.record_number, r.reason) for r in rejections] == [
        (
            0,
            "not a CVAT events export: the header lacks job_id, payload (export it from "
            "CVAT's events API as CSV)",
        )
    ]


def test_each_bad_row_is_rejected_with_its_line_and_field_and_the_rest_is_kept(tmp_path):
    records = [
        GOOD,
        {**GOOD, "timestamp": "yesterday"},
        {**GOOD, "payload": "{'working_time': 1}"},  # a Python repr, not JSON
        {**GOOD, "payload": '{"working_time":NaN}'},
        {**GOOD, "job_id": "118.5"},
        {**GOOD, "duration": "-5"},
        {**GOOD, "scope": ""},
        {**GOOD, "payload": "[1, 2]"},
        GOOD,
    ]
    rows, rejections = _parse(CvatEventsCsv(), _csv(tmp_path / "e.csv", HEADER, records))
    assert [r.record_number for r in rows] == [2, 10]
    assert [(r.record_number, r.field, r.reason) for r in rejections] == [
        (3, "timestamp", "not an ISO 8601 timestamp: 'yesterday'"),
        (4, "payload", "not valid JSON (Expecting property name enclosed in double quotes, "
         "column 2)"),
        (5, "payload", NON_FINITE),
        (6, "job_id", "expected a whole number, got '118.5'"),
        (7, "duration", "expected milliseconds >= 0, got -5"),
        (8, "scope", "required field is missing or empty"),
        (9, "payload", "expected a JSON object, got list"),
    ]  # fmt: skip
    assert all(r.excerpt for r in rejections)


def test_a_payload_with_a_lone_surrogate_is_stored_as_text_duckdb_reads(tmp_path):
    record = {**GOOD, "payload": '{"note":"\\ud800x","request":{"id":"r"}}'}
    rows, rejections = _parse(CvatEventsCsv(), _csv(tmp_path / "e.csv", HEADER, [record]))
    assert rejections == []
    assert rows[0].values["payload"] == '{"note":"\ufffdx","request":{"id":"r"}}'


def test_each_tool_file_goes_to_its_own_adapter(tmp_path):
    assert _adapter_name(FIXTURES / "events.csv") == "cvat_events_csv"
    assert _adapter_name(FIXTURES / "users.json") == "cvat_rest_json"
    assert _adapter_name(FIXTURES / "jobs.json") == "cvat_rest_json"
    label_studio = REPO_ROOT / "tests" / "fixtures" / "label_studio" / "export.json"
    assert _adapter_name(label_studio) == "label_studio_json"
    event_log = tmp_path / "log.csv"
    event_log.write_text("event_id,event_type,occurred_at\ne1,task_created,2026-01-01\n")
    assert _adapter_name(event_log) == "event_log_csv"


def test_rest_dumps_read_users_and_jobs_as_a_page_or_a_list():
    users, rejected_users = _parse(CvatRestJson(), FIXTURES / "users.json")
    jobs, rejected_jobs = _parse(CvatRestJson(), FIXTURES / "jobs.json")
    assert rejected_users == rejected_jobs == []
    assert [(r.table, r.values["user_id"], r.values["email"]) for r in users] == [
        ("cvat_users", 3, "m1@example.com"),
        ("cvat_users", 15, "alice@example.com"),
        ("cvat_users", 16, "bob@example.com"),
    ]
    assert [
        (r.values["job_id"], r.values["assignee_id"], r.values["stage"], r.values["state"])
        for r in jobs
    ] == [(118, 15, "acceptance", "new"), (119, 16, "acceptance", "new"),
          (120, 16, "annotation", "in progress")]  # fmt: skip


def test_a_bad_rest_item_is_rejected_alone_and_other_resources_are_refused(tmp_path):
    page = json.loads((FIXTURES / "users.json").read_text())
    page["results"][1] = {**page["results"][1], "id": "fifteen"}
    users = tmp_path / "users.json"
    users.write_text(json.dumps(page))
    rows, rejections = _parse(CvatRestJson(), users)
    assert [r.values["user_id"] for r in rows] == [3, 16]
    assert [(r.record_number, r.field, r.reason) for r in rejections] == [
        (2, "id", "expected a number, got 'fifteen'")
    ]
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([{"url": "http://cvat/api/tasks/42", "id": 42, "name": "t"}]))
    assert _adapter_name(tasks) == "cvat_rest_json"  # never read as a Label Studio export
    rows, rejections = _parse(CvatRestJson(), tasks)
    assert rows == [] and [r.record_number for r in rejections] == [0]
    assert rejections[0].reason.startswith("CVAT tasks from its REST API: not read")
