"""A small CVAT project as its server exports it: the events CSV, users and jobs.

events.csv is in the shape CVAT's events export writes (cvat/apps/events/export.py: Python's
csv.writer, default dialect, CRLF line ends, the header of ClickHouse's ``events`` table with
the newer servers' ``access_token_id`` last; timestamps as ``str(datetime)`` in UTC, the fraction
dropped when zero; server payloads compact JSON ending in ``"request":{"id":...}``, client
payloads ``json.dumps`` with spaces; for ``update:*`` rows ``obj_val`` is ``str(new value)`` and
``payload.old_value`` the old value as JSON). users.json is a page of ``GET /api/users`` (staff
view: UserSerializer), jobs.json a bare list of ``GET /api/jobs`` results (JobReadSerializer,
assignee as BasicUser without email).

Written, not exported (no CVAT server runs here): the test fixture
(tests/fixtures/cvat/, whose figures tests/integration/test_cvat.py computes by hand) and the
demo's CVAT example come from here. The scenario, on one day:

    job 118  alice works 300 + 420 s and completes it; manager1 validates (120 s), raises an
             issue, rejects it and sends it back; alice reworks (180 s), replies, resolves the
             issue, completes again; manager1 validates, fixes a box, accepts it
    job 119  bob (no email on his rows: the users dump has it) works 600 s and completes it;
             manager1 accepts it
    job 120  bob works 60 s on a job created before the export's window; not completed
"""

from __future__ import annotations

import csv
import json
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

HEADER = [
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
    "org_id",
    "org_slug",
    "payload",
    "access_token_id",
]
PROJECT, TASK, ORG = 7, 42, 2
# user id -> (username, email as the events log carries it: bob's client rows carry none)
USERS = {
    3: ("manager1", "m1@example.com", "Mia", "Manager"),
    15: ("alice", "Alice@Example.com", "Alice", "Jones"),
    16: ("bob", "", "Bob", "Smith"),
}
REST_EMAIL = {3: "m1@example.com", 15: "alice@example.com", 16: "bob@example.com"}
_requests = iter(uuid.UUID(int=n) for n in range(1, 1000))


def request() -> dict:
    return {"request": {"id": str(next(_requests))}}


def server(payload: dict) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def row(
    scope,
    when,
    job,
    user,
    *,
    obj_name="",
    obj_id="",
    obj_val="",
    count="",
    duration=0,
    payload=None,
    source="server",
):
    username, email, *_ = USERS[user]
    return [
        scope, obj_name, obj_id, obj_val, source, when, count, duration, PROJECT, TASK, job,
        user, username, email, ORG, "acme", payload if payload is not None else "", "",
    ]  # fmt: skip


def job_update(when, job, user, field, new, old):
    """One row per changed field, as CVAT's update handler writes them."""
    shared = request()
    return row("update:job", when, job, user, obj_name=field, obj_val=new,
               payload=server({"old_value": old, **shared}))  # fmt: skip


def stage_change(when, job, user, new, old, old_state):
    """A PATCH of the stage: stage, status and state (reset to new) in one request."""
    shared = request()
    status = {"annotation": "annotation", "validation": "validation", "acceptance": "completed"}
    return [
        row("update:job", when, job, user, obj_name="stage", obj_val=new,
            payload=server({"old_value": old, **shared})),
        row("update:job", when, job, user, obj_name="status", obj_val=status[new],
            payload=server({"old_value": status[old], **shared})),
        row("update:job", when, job, user, obj_name="state", obj_val="new",
            payload=server({"old_value": old_state, **shared})),
    ]  # fmt: skip


def shapes(verb, when, job, user, kinds: dict[str, int], first_id=9000):
    shared = request()
    rows = []
    for kind, count in kinds.items():
        ids = [{"id": first_id + n} for n in range(count)]
        first_id += count
        rows.append(row(f"{verb}:shapes", when, job, user, obj_name=kind, count=count,
                        payload=server({"shapes": ids, **shared})))  # fmt: skip
    return rows


def working_time(when, job, user, ms):
    return row("send:working_time", when, job, user, count=1, duration=ms,
               payload=server({"working_time": ms, **request()}))  # fmt: skip


def create_job(when, job, user):
    payload = {
        "task_id": TASK, "project_id": PROJECT, "assignee": None, "dimension": "2d",
        "bug_tracker": None, "status": "annotation", "stage": "annotation", "state": "new",
        "mode": "annotation", "frame_count": 50, "start_frame": 0, "stop_frame": 49,
        "created_date": when.replace(" ", "T").replace("+00:00", "Z"),
        "updated_date": when.replace(" ", "T").replace("+00:00", "Z"), "type": "annotation",
        **request(),
    }  # fmt: skip
    return row("create:job", when, job, user, obj_id=job, payload=server(payload))


def owner(user):
    username, _, first, last = USERS[user]
    return {"id": user, "username": username, "first_name": first, "last_name": last}


def events(day: date) -> list[list]:
    t = f"{day} {{}}+00:00".format
    rows = [
        row(
            "create:task",
            t("08:59:00"),
            "",
            3,
            obj_name="street scenes",
            obj_id=TASK,
            payload=server({"mode": "annotation", **request()}),
        ),
        create_job(t("09:00:00"), 118, 3),
        create_job(t("09:00:00"), 119, 3),
        # Job 118, alice: 300 + 420 s, submits at 09:30
        working_time(t("09:10:00.004000"), 118, 15, 300000),
        *shapes("create", t("09:14:03.512000"), 118, 15, {"rectangle": 3, "polygon": 1}),
        job_update(t("09:14:03.512000"), 118, 15, "state", "in progress", "new"),
        row(
            "save:job",
            t("09:14:02.950000"),
            118,
            15,
            duration=1834,
            source="client",
            payload=json.dumps({"client_id": "493027", "is_active": True}),
        ),
        working_time(t("09:20:00"), 118, 15, 420000),
        *shapes("update", t("09:25:00"), 118, 15, {"rectangle": 1}),
        job_update(t("09:30:00"), 118, 15, "state", "completed", "in progress"),
        # Job 119, bob: 600 s of tags, submits at 09:50
        working_time(t("09:40:00"), 119, 16, 600000),
        row(
            "create:tags",
            t("09:45:00"),
            119,
            16,
            count=2,
            payload=server({"tags": [{"id": 70}, {"id": 71}], **request()}),
        ),
        job_update(t("09:50:00"), 119, 16, "state", "completed", "new"),
        # manager1 validates 118: 120 s, an issue, a rejection, back to annotation
        *stage_change(t("10:00:00"), 118, 3, "validation", "annotation", "completed"),
        working_time(t("10:05:00"), 118, 3, 120000),
    ]
    issue = request()
    rows += [
        row(
            "create:issue",
            t("10:06:00"),
            118,
            3,
            obj_id=311,
            payload=server(
                {
                    "frame": 12,
                    "position": [10.5, 20.0, 110.0, 80.25],
                    "owner": owner(3),
                    "assignee": None,
                    "created_date": f"{day}T10:06:00.120331Z",
                    "updated_date": f"{day}T10:06:00.120331Z",
                    "resolved": False,
                    **issue,
                }
            ),
        ),
        row(
            "create:comment",
            t("10:06:00"),
            118,
            3,
            obj_name="Box is too loose, please fix",
            obj_id=880,
            payload=server(
                {
                    "issue": 311,
                    "owner": owner(3),
                    "created_date": f"{day}T10:06:00.122010Z",
                    "updated_date": f"{day}T10:06:00.122010Z",
                    **issue,
                }
            ),
        ),
        job_update(t("10:07:00"), 118, 3, "state", "rejected", "new"),
        *stage_change(t("10:08:00"), 118, 3, "annotation", "validation", "rejected"),
        # manager1 moves 119 to validation and accepts it
        *stage_change(t("10:10:00"), 119, 3, "validation", "annotation", "completed"),
        *stage_change(t("10:21:00"), 119, 3, "acceptance", "validation", "new"),
        # alice reworks 118 (180 s), replies, resolves the issue, submits again
        working_time(t("10:30:00"), 118, 15, 180000),
        *shapes("update", t("10:32:00"), 118, 15, {"rectangle": 1}),
        row(
            "create:comment",
            t("10:32:30"),
            118,
            15,
            obj_name='Tightened, "fixed"\nnow',
            obj_id=881,
            payload=server(
                {
                    "issue": 311,
                    "owner": owner(15),
                    "created_date": f"{day}T10:32:30Z",
                    "updated_date": f"{day}T10:32:30Z",
                    **request(),
                }
            ),
        ),
        row(
            "update:issue",
            t("10:33:00"),
            118,
            15,
            obj_name="resolved",
            obj_val="True",
            payload=server({"old_value": False, **request()}),
        ),
        job_update(t("10:35:00"), 118, 15, "state", "completed", "new"),
        # manager1: second validation, fixes a box himself, accepts
        *stage_change(t("11:00:00"), 118, 3, "validation", "annotation", "completed"),
        *shapes("update", t("11:10:00"), 118, 3, {"rectangle": 1}),
        *stage_change(t("11:12:00"), 118, 3, "acceptance", "validation", "new"),
        # Job 120, bob: created before the export's window; 60 s of work, still open
        working_time(t("12:00:00"), 120, 16, 60000),
        *shapes("create", t("12:00:40"), 120, 16, {"points": 2}),
        row(
            "send:exception",
            t("12:01:00"),
            120,
            16,
            count=1,
            payload=server({"message": "boom", "stack": "Traceback...", **request()}),
        ),
    ]
    # The export selects ``ORDER BY timestamp ASC``.
    return sorted(rows, key=lambda cells: datetime.fromisoformat(cells[5]))


def users_page(day: date) -> dict:
    results = [
        {"url": f"http://localhost:8080/api/users/{user}", "id": user, "username": username,
         "first_name": first, "last_name": last, "email": REST_EMAIL[user], "groups": ["user"],
         "is_staff": False, "is_superuser": False, "is_active": True,
         "last_login": f"{day}T08:00:00.000000Z",
         "date_joined": "2025-01-10T08:00:00.000000Z", "has_analytics_access": user == 3}
        for user, (username, _, first, last) in USERS.items()
    ]  # fmt: skip
    return {"count": len(results), "next": None, "previous": None, "results": results}


def jobs_list(day: date) -> list[dict]:
    def job(job_id, assignee, stage, state, status):
        return {
            "url": f"http://localhost:8080/api/jobs/{job_id}", "id": job_id, "task_id": TASK,
            "project_id": PROJECT, "assignee": None if assignee is None else {
                "url": f"http://localhost:8080/api/users/{assignee}", **owner(assignee)},
            "guide_id": None, "dimension": "2d", "bug_tracker": None, "status": status,
            "stage": stage, "state": state, "mode": "annotation", "frame_count": 50,
            "start_frame": 0, "stop_frame": 49, "data_chunk_size": 36,
            "data_compressed_chunk_type": "imageset", "data_original_chunk_type": "imageset",
            "created_date": f"{day - timedelta(days=3)}T16:00:00.000000Z",
            "updated_date": f"{day}T12:00:40.000000Z",
            "issues": {"url": f"http://localhost:8080/api/issues?job_id={job_id}", "count": 0},
            "labels": {"url": f"http://localhost:8080/api/labels?job_id={job_id}"},
            "type": "annotation", "organization": ORG, "target_storage": None,
            "source_storage": None, "assignee_updated_date": None, "parent_job_id": None,
            "consensus_replicas": 0,
        }  # fmt: skip

    return [
        job(118, 15, "acceptance", "new", "completed"),
        job(119, 16, "acceptance", "new", "completed"),
        job(120, 16, "annotation", "in progress", "annotation"),
    ]


def write_cvat_export(folder: Path, day: date = date(2025, 6, 2)) -> list[Path]:
    """events.csv, users.json and jobs.json for the scenario above, on ``day``, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "events.csv").open("w", encoding="UTF8") as handle:  # as CVAT writes it
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(events(day))
    (folder / "users.json").write_text(json.dumps(users_page(day), indent=2) + "\n")
    (folder / "jobs.json").write_text(json.dumps(jobs_list(day), indent=2) + "\n")
    return [folder / name for name in ("events.csv", "users.json", "jobs.json")]
