"""Labelbox: an export v2 (NDJSON) becomes tasks, annotations with their labels, reviews and
stage visits, against figures computed by hand from the fixture
(lib/synthetic/labelbox_export.py), in the session's tools night (support/tools.py).

    row 1  alice, 120.5 s, a car box and a road polygon (4 corners, the first repeated);
           rita approves at 10:00 (30 s of review, the label's only review)
    row 2  bob, 200 s, a car box; rita rejects 09:30 (to Rework), bob moves it back 10:50,
           rita approves 11:00 (45 s of review over two decisions: not given to either)
    row 3  alice skips it (15 s); no workflow history
    row 4  not labelled; waiting in the labeling task since 08:00
"""

from __future__ import annotations

import pytest

PROJECT = "labelbox:clx9pj0000001abcdxyz0003"


@pytest.fixture(scope="module")
def night(tools_night):
    return tools_night


def _row(number: int) -> str:
    return f"{PROJECT}:clx9dr000000{number}abcdxyz0001"


def test_each_label_is_an_annotation_with_labelbox_seconds_as_lead_time(night):
    assert night.rows(
        "select task_key, annotator, completed_at::time::varchar, lead_time_s, last_action, "
        "was_cancelled, object_count, vertex_count from core.fct_annotations "
        "where source_system = 'labelbox' order by completed_at"
    ) == [
        (_row(1), "alice@example.com", "09:05:00", 120.5, "accepted", False, 2, 8),
        (_row(2), "bob@example.com", "09:10:00", 200.0, "accepted", False, 1, 4),
        (_row(3), "alice@example.com", "09:20:00", 15.0, "skipped", True, 0, 0),
    ]
    assert night.rows(
        "select class_name, shape_type, count(*), sum(vertex_count) from core.fct_labels "
        f"where project_key = '{PROJECT}' group by all order by 1"
    ) == [("car", "bbox", 2, 8), ("road", "polygon", 1, 4)]
    assert night.rows(
        f"select count(*), sum(submitted_annotations) from core.fct_tasks "
        f"where project_key = '{PROJECT}'"
    ) == [(4, 2)]


def test_approve_and_reject_are_reviews_and_review_time_is_given_only_when_unshared(night):
    assert night.rows(
        "select task_key, reviewer, author, outcome, reviewed_at::time::varchar, duration_s "
        "from core.fct_reviews where source_system = 'labelbox' order by reviewed_at"
    ) == [
        (_row(2), "rita@example.com", "bob@example.com", "rejected", "09:30:00", None),
        (_row(1), "rita@example.com", "alice@example.com", "accepted", "10:00:00", 30.0),
        (_row(2), "rita@example.com", "bob@example.com", "accepted", "11:00:00", None),
    ]
    assert night.rows(
        "select count(*) from core.fct_corrections where source_system = 'labelbox'"
    ) == [(0,)]  # who edited a label is not exported


def test_workflow_moves_are_stage_visits_with_rework(night):
    assert night.rows(
        "select task_key, stage, visit, entered_at::time::varchar, left_at::time::varchar, "
        f"dwell_s from core.fct_stage_intervals where project_key = '{PROJECT}' "
        "order by task_key, entered_at, stage"
    ) == [
        (_row(1), "annotate", 1, "08:00:00", "09:05:00", 3900),
        (_row(1), "review", 1, "09:05:00", "10:00:00", 3300),
        (_row(2), "annotate", 1, "08:00:00", "09:10:00", 4200),
        (_row(2), "review", 1, "09:10:00", "09:30:00", 1200),
        (_row(2), "rework", 1, "09:30:00", "10:50:00", 4800),
        (_row(2), "review", 2, "10:50:00", "11:00:00", 600),
        (_row(4), "annotate", 1, "08:00:00", None, None),
    ]
