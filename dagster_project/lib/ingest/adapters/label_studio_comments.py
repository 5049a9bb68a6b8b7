"""Label Studio Enterprise comments (``GET /api/comments?projects=<id>``, as ``annolytics pull
label-studio`` lands them, or saved by hand): a JSON array of comments, each on an annotation
(or a draft) of a task, with its text, author (an id, or a user object with ``expand_created_by``),
creation time and whether and when it was resolved (not by whom: Label Studio does not say).

Recognised by its first comment's keys: ``is_resolved`` with ``text``, which no task export,
users list or other tool's dump has together. Community servers have no comments API.
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
    optional_timestamp,
    parse_bool,
    parse_int,
    parse_text,
)
from dagster_project.lib.ingest.adapters.label_studio import user_reference
from dagster_project.lib.ingest.adapters.text_records import json_array_rows

COMMENTS = "label_studio_comments"
_COMMENT_KEYS = (re.compile(rb'"is_resolved"\s*:'), re.compile(rb'"text"\s*:'))


def comment_row(item: dict[str, Any]) -> dict[str, Any]:
    comment_id = parse_int(item.get("id"), "id")
    if comment_id is None:
        raise FieldError("id", "comment has no id")
    if item.get("annotation") is None and item.get("task") is None:
        raise FieldError("annotation", "comment names neither its annotation nor its task")
    author_id, author_email = user_reference(item.get("created_by"), "created_by")
    return {
        "comment_id": comment_id,
        "annotation_id": parse_int(item.get("annotation"), "annotation"),
        "draft_id": parse_int(item.get("draft"), "draft"),
        "task_id": parse_int(item.get("task"), "task"),
        "project_id": parse_int(item.get("project"), "project"),
        "created_by_id": author_id,
        "created_by_email": author_email,
        "text": parse_text(item.get("text"), "text"),
        "is_resolved": bool(parse_bool(item.get("is_resolved"), "is_resolved")),
        "created_at": optional_timestamp(item.get("created_at"), "created_at"),
        "updated_at": optional_timestamp(item.get("updated_at"), "updated_at"),
        "resolved_at": optional_timestamp(item.get("resolved_at"), "resolved_at"),
    }


class LabelStudioCommentsJson(RowsAdapter):
    name = "label_studio_comments_json"
    tables = (COMMENTS,)

    def matches(self, path: Path, head: bytes) -> bool:
        return (
            path.suffix.lower() == ".json"
            and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"["
            and all(key.search(head) for key in _COMMENT_KEYS)
            and b'"annotations"' not in head
        )

    def parse(self, source: Source) -> Iterator[Row | Rejection]:
        return json_array_rows(source, "comments list", COMMENTS, comment_row)
