"""Encord: label rows become tasks, annotations (per creator), labels, corrections, reviews and
issues, against figures computed by hand from the fixture (lib/synthetic/encord_export.py),
landed as encord/streets/labels.json in the session's tools night (support/tools.py).

    street_0001  alice: car box 10:00, road-sign polygon 10:05:31 -> one annotation, 2 objects,
                 completed 10:05:31; bob edits the car 13:45:10 -> a correction; carol
                 approves the car 14:30:02, rejects the sign 14:31:40 with a comment -> two
                 reviews and an issue
    street_0002  bob: car box 11:00, weather answer 11:01 -> one annotation, completed 11:01
    street_clip  alice: one car on frames 0 and 1 -> one annotation, one object
"""

from __future__ import annotations

import pytest

PROJECT = "encord:streets"


@pytest.fixture(scope="module")
def night(tools_night):
    return tools_night


def test_each_creators_objects_in_a_label_row_are_one_annotation_without_lead_time(night):
    assert night.rows(
        "select task_key, annotator, completed_at::time::varchar, lead_time_s, object_count, "
        "vertex_count, last_action from core.fct_annotations where source_system = 'encord' "
        "order by completed_at"
    ) == [
        (f"{PROJECT}:dh-0001", "alice@example.com", "10:05:31", None, 2, 8, "rejected"),
        (f"{PROJECT}:dh-0002", "bob@example.com", "11:01:00", None, 2, 4, "submitted"),
        (f"{PROJECT}:dh-clip", "alice@example.com", "12:00:00", None, 1, 4, "submitted"),
    ]
    assert night.rows(
        "select class_name, shape_type, count(*) from core.fct_labels "
        f"where project_key = '{PROJECT}' group by all order by 1, 2"
    ) == [("Car", "bbox", 3), ("Road sign", "polygon", 1), ("Weather", "choice", 1)]


def test_edits_reviews_and_review_comments(night):
    assert night.rows(
        "select author, editor, kind, corrected_at::time::varchar from core.fct_corrections "
        "where source_system = 'encord'"
    ) == [("alice@example.com", "bob@example.com", "edit", "13:45:10")]
    assert night.rows(
        "select reviewer, author, outcome, reviewed_at::time::varchar from core.fct_reviews "
        "where source_system = 'encord' order by reviewed_at"
    ) == [
        ("carol@example.com", "alice@example.com", "accepted", "14:30:02"),
        ("carol@example.com", "alice@example.com", "rejected", "14:31:40"),
    ]
    assert night.rows(
        f"select author, issue_text from core.fct_issues where project_key = '{PROJECT}'"
    ) == [("carol@example.com", "edge misses the pole")]
