"""Label Studio's users list (``GET /api/users/``, as ``annolytics pull label-studio`` lands it,
or saved by hand): a JSON array of user objects with ``id``, ``email``, ``username`` and names.

Exports name a user by id only (``completed_by``, ``updated_by``, a reviewer); this list gives
each id its email, so a person is the same across tools and instances. Ids are ids of one
server: files under an ``instance=<name>/`` folder are that server's (dbt's
``landing_instance``).

Recognised by its first user's keys: the user objects of the users API carry ``initials`` and
``active_organization``, which no task export and no other tool's dump has (a comments list
embeds its authors as such objects too: it has ``is_resolved`` besides).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dagster_project.lib.ingest.adapters.base import (
    FieldError,
    Rejection,
    Row,
    RowsAdapter,
    Source,
    parse_int,
    parse_text,
)
from dagster_project.lib.ingest.adapters.text_records import json_array_rows

USERS = "label_studio_users"
_USER_KEYS = (re.compile(rb'"initials"\s*:'), re.compile(rb'"active_organization"\s*:'))
_COMMENT_KEY = re.compile(rb'"is_resolved"\s*:')


def user_row(item: dict[str, Any]) -> dict[str, Any]:
    user_id = parse_int(item.get("id"), "id")
    if user_id is None:
        raise FieldError("id", "user has no id")
    return {
        "user_id": user_id,
        "email": parse_text(item.get("email"), "email") or None,
        "username": parse_text(item.get("username"), "username") or None,
        "first_name": parse_text(item.get("first_name"), "first_name") or None,
        "last_name": parse_text(item.get("last_name"), "last_name") or None,
    }


class LabelStudioUsersJson(RowsAdapter):
    name = "label_studio_users_json"
    tables = (USERS,)

    def matches(self, path: Path, head: bytes) -> bool:
        return (
            path.suffix.lower() == ".json"
            and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"["
            and all(key.search(head) for key in _USER_KEYS)
            and _COMMENT_KEY.search(head) is None  # comments embed their authors as users
        )

    def parse(self, source: Source) -> Iterator[Row | Rejection]:
        return json_array_rows(source, "users list", USERS, user_row)
