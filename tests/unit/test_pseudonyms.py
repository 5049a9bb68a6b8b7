"""Pseudonyms in rows: person columns and text replaced, the tools' own ids withheld."""

from __future__ import annotations

from dagster_project.lib.site.pseudonyms import Pseudonyms


def test_tool_ids_are_withheld_and_people_replaced():
    names = Pseudonyms(["alice@example.com", "17"], b"key")
    row = names.row(
        {
            "person": "alice@example.com",
            "roles": "annotator",
            "tool_ids": "cvat:15 (alice), label_studio:eu/17",
            "evidence": "alice@example.com rejected 3 of 4",
        }
    )
    assert row["tool_ids"] is None
    assert row["person"] == names.name("alice@example.com") != "alice@example.com"
    assert "alice@example.com" not in row["evidence"] and row["roles"] == "annotator"
