"""Label Studio Enterprise: the reviews[] and history[] of an export become reviews,
corrections and authors, against figures computed by hand from the fixture
(tests/fixtures/label_studio/make_enterprise_fixture.py says what happens to each task).

    1001 ann   accepted by rita                          -> review accepted
    1002 ann   rejected by rita, updated by ann, fixed by rex (15 s) -> rejected, then fixed;
               a review fix by rex; ann's own update is no correction
    1003 bob   (completed_by an id) rejected by rex, never fixed -> not submitted
    1004 bob   (no completed_by: the history action that submitted it)
    1005 ?     no author anywhere -> kept, not attributed, counted on the data-quality page
    1006 ann   skipped
    1007 bob   updated by ann (12 s)                     -> an edit by ann

Comments (comments_enterprise.json, GET /api/comments): rita on 1002 at 10:06, resolved at 12:00;
rex on 1003 at 10:31, unresolved; bob (a bare id) on 1007 at 14:00, resolved at 15:00.
"""

from __future__ import annotations

import pytest
from support.nights import FIXTURES, run_nightly

EXPORT = FIXTURES / "label_studio" / "export_enterprise.json"
COMMENTS = FIXTURES / "label_studio" / "comments_enterprise.json"


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    night = run_nightly(
        tmp_path_factory.mktemp("enterprise"), {"lse.json": EXPORT, "comments.json": COMMENTS}
    )
    assert night.exit_code == 0
    return night


def test_every_review_is_read_with_its_reviewer_outcome_and_round(night):
    assert night.rows(
        "select annotation_key, reviewer, author, outcome, review_round, reviewed_at::varchar "
        "from core.fct_reviews order by reviewed_at"
    ) == [
        ("label_studio:7:1001", "rita@example.com", "ann@example.com", "accepted", 1,
         "2026-11-16 10:00:00"),
        ("label_studio:7:1002", "rita@example.com", "ann@example.com", "rejected", 1,
         "2026-11-16 10:05:00"),
        ("label_studio:7:1003", "rex@example.com", "bob@example.com", "rejected", 1,
         "2026-11-16 10:30:00"),
        ("label_studio:7:1002", "rex@example.com", "ann@example.com", "fixed", 2,
         "2026-11-16 12:00:00"),
    ]  # fmt: skip


def test_corrections_are_the_reviewers_fix_and_the_other_users_edit(night):
    assert night.rows(
        "select annotation_key, author, editor, kind, duration_s from core.fct_corrections "
        "order by corrected_at"
    ) == [
        ("label_studio:7:1002", "ann@example.com", "rex@example.com", "review_fix", 15.0),
        ("label_studio:7:1007", "bob@example.com", "ann@example.com", "edit", 12.0),
    ]


def test_authors_fall_back_and_the_unknown_one_is_counted_not_attributed(night):
    assert night.rows("select annotation_key, annotator from core.fct_annotations order by 1") == [
        ("label_studio:7:1001", "ann@example.com"),
        ("label_studio:7:1002", "ann@example.com"),
        ("label_studio:7:1003", "bob@example.com"),  # id 12, email from another export row
        ("label_studio:7:1004", "bob@example.com"),  # from the history
        ("label_studio:7:1006", "ann@example.com"),
        ("label_studio:7:1007", "bob@example.com"),
    ]
    assert night.rows("select action, field, records, example from marts.mart_input_issues") == [
        ("kept, not attributed", "completed_by", 1, "1005")
    ]


def test_annotator_performance_and_reworks_by_hand(night):
    # ann: 1001 (30 s) and 1002 (60 s) submitted, 1006 skipped; bob: 1004 (25 s) and 1007
    # (45 s, last action an update) submitted, 1003 rejected and never fixed.
    assert night.rows(
        "select annotator, submitted, skipped, updated, total_time_s, median_time_s "
        "from marts.mart_annotator_performance order by 1"
    ) == [("ann@example.com", 2, 1, 0, 90.0, 45.0), ("bob@example.com", 2, 0, 1, 70.0, 35.0)]
    assert night.rows(
        "select person, reworks_received, reworks_done, reviews_done from marts.mart_reworks "
        "order by 1"
    ) == [
        ("ann@example.com", 1, 1, 0),
        ("bob@example.com", 1, 0, 0),
        ("rex@example.com", 0, 1, 2),
        ("rita@example.com", 0, 0, 2),
    ]


def test_comments_are_issues_with_their_author_text_and_resolution(night):
    assert night.rows(
        "select issue_key, kind, task_key, annotation_key, author, raised_at::varchar, category, "
        "is_resolved, resolved_by, time_to_resolve_s from core.fct_issues order by raised_at"
    ) == [
        ("label_studio:7:comment:501", "issue", "label_studio:7:102", "label_studio:7:1002",
         "rita@example.com", "2026-11-16 10:06:00", "label_too_large", True, None, 6840),
        ("label_studio:7:comment:502", "issue", "label_studio:7:103", "label_studio:7:1003",
         "rex@example.com", "2026-11-16 10:31:00", "blurry_image", False, None, None),
        ("label_studio:7:comment:503", "issue", "label_studio:7:107", "label_studio:7:1007",
         "bob@example.com", "2026-11-16 14:00:00", "other", True, None, 3600),
    ]  # fmt: skip
    assert night.rows(
        "select status, rows_loaded, rows_quarantined from raw.ingest_manifest "
        "where source_file = 'comments.json'"
    ) == [("loaded", 3, 0)]


def test_histories_become_stage_visits_with_rework_and_open_reviews(night):
    """Hand-computed from the histories: an author's action is an annotate visit from when
    they started (or the rejection they answer); a review cycle runs from the first author
    action to the next review. 1005 has no history; 1006's skip opens no review."""
    assert night.rows(
        "select task_key, stage, visit, entered_at::varchar, left_at::varchar, left_by, "
        "dwell_s, work_s, wait_s from core.fct_stage_intervals order by task_key, stage, visit"
    ) == [
        ("label_studio:7:101", "annotate", 1, "2026-11-16 08:59:30", "2026-11-16 09:00:00",
         "ann@example.com", 30, 30.0, 0),
        ("label_studio:7:101", "review", 1, "2026-11-16 09:00:00", "2026-11-16 10:00:00",
         "rita@example.com", 3600, None, 3600),
        ("label_studio:7:102", "annotate", 1, "2026-11-16 09:09:20", "2026-11-16 09:10:00",
         "ann@example.com", 40, 40.0, 0),
        # the rework answers rita's rejection: entered at 10:05, started at 10:59:40
        ("label_studio:7:102", "annotate", 2, "2026-11-16 10:05:00", "2026-11-16 11:00:00",
         "ann@example.com", 3300, 20.0, 3280),
        ("label_studio:7:102", "review", 1, "2026-11-16 09:10:00", "2026-11-16 10:05:00",
         "rita@example.com", 3300, None, 3300),
        # rex's fix took 15 s of his time (the history's lead time)
        ("label_studio:7:102", "review", 2, "2026-11-16 11:00:00", "2026-11-16 12:00:00",
         "rex@example.com", 3600, 15.0, 3585),
        ("label_studio:7:103", "annotate", 1, "2026-11-16 09:19:10", "2026-11-16 09:20:00",
         "bob@example.com", 50, 50.0, 0),
        # rex's rejection is not answered yet: an open rework visit
        ("label_studio:7:103", "annotate", 2, "2026-11-16 10:30:00", None, None, None, None, 0),
        ("label_studio:7:103", "review", 1, "2026-11-16 09:20:00", "2026-11-16 10:30:00",
         "rex@example.com", 4200, None, 4200),
        ("label_studio:7:104", "annotate", 1, "2026-11-16 09:29:35", "2026-11-16 09:30:00",
         "bob@example.com", 25, 25.0, 0),
        ("label_studio:7:104", "review", 1, "2026-11-16 09:30:00", None, None, None, None, 0),
        ("label_studio:7:106", "annotate", 1, "2026-11-16 09:49:55", "2026-11-16 09:50:00",
         "ann@example.com", 5, 5.0, 0),
        ("label_studio:7:107", "annotate", 1, "2026-11-16 09:59:15", "2026-11-16 10:00:00",
         "bob@example.com", 45, 45.0, 0),
        ("label_studio:7:107", "review", 1, "2026-11-16 10:00:00", None, None, None, None, 0),
    ]  # fmt: skip
