"""The live pull without a server: its settings, retries with backoff, messages that name the
request and never the token, and the users list it lands (the real server: e2e)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from dagster_project.lib.ingest.adapters import Rejection, Row, adapter_for
from dagster_project.lib.ingest.adapters.label_studio import LabelStudioJson
from dagster_project.lib.ingest.adapters.label_studio_comments import LabelStudioCommentsJson
from dagster_project.lib.ingest.adapters.label_studio_users import LabelStudioUsersJson
from dagster_project.lib.ingest.landing import scan_landed
from dagster_project.lib.pull.label_studio import (
    LabelStudioServer,
    PullError,
    default_instance,
    pull_label_studio,
    server_from_settings,
)
from dagster_project.lib.settings import REPO_ROOT, Settings, SettingsError

FAKE_TOKEN = "0123456789abcdef0123456789abcdef01234567"
# Two users as GET /api/users/ returns them (Label Studio 1.23.2, through label-studio-sdk).
USERS = [
    {
        "active_organization": 1,
        "active_organization_meta": {"title": "Label Studio", "email": "admin@example.com"},
        "custom_hotkeys": {},
        "date_joined": "2026-12-06T12:35:42.738585Z",
        "email": "admin@example.com",
        "first_name": "",
        "id": 1,
        "initials": "ad",
        "last_activity": "2026-12-06T12:35:42.738530Z",
        "last_name": "",
        "phone": "",
        "username": "",
        "allow_newsletters": None,
        "avatar": None,
    },
    {
        "active_organization": 1,
        "email": "Anna@Example.com",
        "first_name": "Anna",
        "id": 2,
        "initials": "AB",
        "last_name": "Berg",
        "username": "anna",
    },
]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


def test_a_server_that_is_down_is_tried_with_backoff_then_named_without_the_token(tmp_path):
    url = f"http://127.0.0.1:{_closed_port()}"
    waits, lines = [], []
    server = LabelStudioServer(url, FAKE_TOKEN, "eu", attempts=3, backoff_s=1.5)
    outcome = pull_label_studio(server, tmp_path, log=lines.append, sleep=waits.append)
    assert not outcome.ok
    assert waits == [1.5, 3.0]
    assert outcome.error.startswith("listing users after 3 tries: ConnectError")
    assert url in outcome.summary() and "failed" in outcome.summary()
    assert FAKE_TOKEN not in outcome.summary() + "".join(lines) + repr(server)
    assert list(tmp_path.rglob("*")) == []  # nothing landed, nothing half-written


def test_settings_name_the_server_and_refuse_what_would_leak_or_mislead():
    base = {"ANNOLYTICS_LABEL_STUDIO_URL": "https://studio.example.com:8443/"}
    settings = Settings.from_env({**base, "ANNOLYTICS_LABEL_STUDIO_TOKEN": FAKE_TOKEN})
    server = server_from_settings(settings)
    assert (server.url, server.instance, server.projects) == (
        "https://studio.example.com:8443",
        "studio.example.com-8443",
        (),
    )
    assert FAKE_TOKEN not in repr(settings) + repr(server)
    assert default_instance("http://LS.example.org") == "ls.example.org"
    with pytest.raises(PullError, match="ANNOLYTICS_LABEL_STUDIO_TOKEN is not"):
        server_from_settings(Settings.from_env(base))
    assert server_from_settings(Settings.from_env({})) is None
    for name, value, message in [
        ("ANNOLYTICS_LABEL_STUDIO_URL", "https://me:secret@studio.example.com", "credentials"),
        ("ANNOLYTICS_LABEL_STUDIO_URL", "studio.example.com", "server's address"),
        ("ANNOLYTICS_LABEL_STUDIO_PROJECTS", "3, seven", "project ids"),
        ("ANNOLYTICS_LABEL_STUDIO_INSTANCE", "../up", "folder name"),
        ("ANNOLYTICS_PULL_ATTEMPTS", "0", "at least 1"),
        ("ANNOLYTICS_PULL_BACKOFF_S", "-1", "seconds"),
    ]:
        with pytest.raises(SettingsError, match=message):
            Settings.from_env({name: value})
    chosen = Settings.from_env(
        {"ANNOLYTICS_LABEL_STUDIO_PROJECTS": "7, 3,7", "ANNOLYTICS_LABEL_STUDIO_INSTANCE": "eu"}
    )
    assert (chosen.label_studio_projects, chosen.label_studio_instance) == ((3, 7), "eu")


def _landed(tmp_path: Path, name: str, content: str):
    path = tmp_path / name
    path.write_text(content)
    return path, scan_landed(tmp_path, path)


def test_the_users_list_is_read_by_its_own_adapter_not_as_an_export(tmp_path):
    path, source = _landed(tmp_path, "users-20261206T123935.000000Z.json", json.dumps(USERS))
    adapter = adapter_for(path, source.open)
    assert isinstance(adapter, LabelStudioUsersJson)
    rows = list(adapter.parse(source))
    assert rows == [
        Row("label_studio_users", 1, {"user_id": 1, "email": "admin@example.com",
            "username": None, "first_name": None, "last_name": None}),
        Row("label_studio_users", 2, {"user_id": 2, "email": "Anna@Example.com",
            "username": "anna", "first_name": "Anna", "last_name": "Berg"}),
    ]  # fmt: skip
    export = REPO_ROOT / "tests" / "fixtures" / "label_studio" / "export_completed_by_object.json"
    assert isinstance(adapter_for(export, lambda: export.open("rb")), LabelStudioJson)


def test_a_bad_user_is_quarantined_alone(tmp_path):
    users = [USERS[0], {"initials": "x", "active_organization": 1, "email": "a@b.c"}, "text"]
    path, source = _landed(tmp_path, "users.json", json.dumps(users))
    items = list(adapter_for(path, source.open).parse(source))
    assert [type(i) for i in items] == [Row, Rejection, Rejection]
    assert (items[1].record_number, items[1].field, items[1].reason) == (2, "id", "user has no id")
    assert items[2].reason == "expected an object, got str"


COMMENTS = REPO_ROOT / "tests" / "fixtures" / "label_studio" / "comments_enterprise.json"


def test_comments_are_read_by_their_own_adapter_with_authors_as_object_or_id(tmp_path):
    path, source = _landed(tmp_path, "comments.json", COMMENTS.read_text())
    adapter = adapter_for(path, source.open)
    assert isinstance(adapter, LabelStudioCommentsJson)
    rows = [item.values for item in adapter.parse(source)]
    assert [(r["comment_id"], r["annotation_id"], r["task_id"], r["project_id"]) for r in rows] == [
        (501, 1002, 102, 7), (502, 1003, 103, 7), (503, 1007, 107, 7),
    ]  # fmt: skip
    assert [(r["created_by_id"], r["created_by_email"]) for r in rows] == [
        (21, "rita@example.com"), (22, "rex@example.com"), (12, None),
    ]  # fmt: skip
    assert [(r["is_resolved"], str(r["resolved_at"])) for r in rows] == [
        (True, "2026-11-16 12:00:00"), (False, "None"), (True, "2026-11-16 15:00:00"),
    ]  # fmt: skip


def test_a_comment_that_names_no_annotation_and_no_task_is_quarantined(tmp_path):
    comments = json.loads(COMMENTS.read_text())
    comments[1].update(annotation=None, task=None)
    comments[2]["created_at"] = "yesterday"
    path, source = _landed(tmp_path, "comments.json", json.dumps(comments))
    items = list(adapter_for(path, source.open).parse(source))
    assert [type(i) for i in items] == [Row, Rejection, Rejection]
    assert (items[1].record_number, items[1].field) == (2, "annotation")
    assert (items[2].record_number, items[2].field) == (3, "created_at")
