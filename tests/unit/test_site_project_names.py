"""How the report names projects in its filter and tables."""

from __future__ import annotations

from dagster_project.lib.site.render import project_names


def test_one_source_shows_bare_ids_and_several_name_their_tool():
    alone = [{"project_key": "event_log:p1", "project_id": "p1", "source_system": "event_log"}]
    assert project_names(alone) == ({"key": "event_log:p1", "name": "p1"},)
    mixed = [
        {"project_key": "cvat:7", "project_id": "7", "source_system": "cvat"},
        {"project_key": "label_studio:7", "project_id": "7", "source_system": "label_studio"},
        {"project_key": "event_log:p1", "project_id": "p1", "source_system": "event_log"},
    ]
    assert [p["name"] for p in project_names(mixed)] == [
        "7 (CVAT)",
        "7 (Label Studio)",
        "p1 (event log)",
    ]
