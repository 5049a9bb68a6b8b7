"""CVAT: an events export (plus users and jobs from its REST API) becomes tasks, annotations,
stage visits, reviews, corrections and issues, against figures computed by hand from the
fixture (lib/synthetic/cvat_export.py), landed with the other tools' exports (the session's
tools night, support/tools.py) and a second CVAT export whose time window overlaps the first.

    job 118  alice: 300 + 420 s of CVAT working time, completed 09:30; validated by m1
             (120 s), an issue, rejected 10:07, back to annotation 10:08; alice 180 s,
             resolves the issue, completes 10:35; m1 validates again, fixes a box 11:10,
             accepts 11:12                          -> lead time 900 s, one rejection, one
                                                       acceptance, one correction by m1
    job 119  bob (no email on his rows: from the users dump): 600 s, completed 09:50;
             validation 10:10, accepted 10:21       -> lead time 600 s
    job 120  bob: 60 s, never completed (created before the export's window) -> stage work,
             no annotation
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def night(tools_night):
    return tools_night


def test_every_cvat_file_is_read_by_its_adapter_and_overlapping_rows_count_once(night):
    assert night.rows(
        "select source_file, adapter, status, rows_loaded from raw.ingest_manifest "
        "where source_file like 'cvat/%' and source_file not like '%instance=%' order by 1"
    ) == [
        ("cvat/events_2025-06-02.csv", "cvat_events_csv", "loaded", 45),
        ("cvat/events_2025-06-03.csv", "cvat_events_csv", "loaded", 12),
        ("cvat/jobs.json", "cvat_rest_json", "loaded", 3),
        ("cvat/users.json", "cvat_rest_json", "loaded", 3),
    ]
    # The overlapping rows are one event each.
    assert night.rows("select count(*) from staging.stg_cvat__events where instance = ''") == [
        (45,)
    ]


def test_a_job_is_one_annotation_by_its_author_with_cvat_working_time_as_lead_time(night):
    assert night.rows(
        "select task_key, annotator, started_at::varchar, completed_at::varchar, lead_time_s, "
        "last_action from core.fct_annotations where project_key = 'cvat:7' order by 1"
    ) == [
        ("cvat:7:job-118", "alice@example.com", "2025-06-02 09:10:00.004", "2025-06-02 09:30:00",
         900.0, "accepted"),
        ("cvat:7:job-119", "bob@example.com", "2025-06-02 09:40:00", "2025-06-02 09:50:00",
         600.0, "accepted"),
    ]  # fmt: skip
    assert night.rows(
        "select task_key, task_id, submitted_annotations, comment_count from core.fct_tasks "
        "where project_key = 'cvat:7' order by 1"
    ) == [
        ("cvat:7:job-118", "job-118", 1, 2),
        ("cvat:7:job-119", "job-119", 1, 0),
        ("cvat:7:job-120", "job-120", 0, 0),
    ]


def test_stage_changes_are_visits_with_dwell_work_and_wait(night):
    assert night.rows(
        "select task_key, stage, visit, entered_at::time::varchar, left_at::time::varchar, "
        "dwell_s, work_s, wait_s from core.fct_stage_intervals "
        "where project_key = 'cvat:7' order by task_key, entered_at"
    ) == [
        ("cvat:7:job-118", "annotate", 1, "09:00:00", "10:00:00", 3600, 720.0, 600),
        ("cvat:7:job-118", "review", 1, "10:00:00", "10:08:00", 480, 120.0, 300),
        ("cvat:7:job-118", "annotate", 2, "10:08:00", "11:00:00", 3120, 180.0, 1320),
        ("cvat:7:job-118", "review", 2, "11:00:00", "11:12:00", 720, 0.0, 720),
        ("cvat:7:job-118", "acceptance", 1, "11:12:00", None, None, 0.0, 0),
        ("cvat:7:job-119", "annotate", 1, "09:00:00", "10:10:00", 4200, 600.0, 2400),
        ("cvat:7:job-119", "review", 1, "10:10:00", "10:21:00", 660, 0.0, 660),
        ("cvat:7:job-119", "acceptance", 1, "10:21:00", None, None, 0.0, 0),
        ("cvat:7:job-120", "annotate", 1, "12:00:00", None, None, 60.0, 0),
    ]


def test_rejections_acceptances_corrections_and_issues(night):
    assert night.rows(
        "select task_key, reviewer, author, outcome, reviewed_at::time::varchar "
        "from core.fct_reviews where project_key = 'cvat:7' order by reviewed_at"
    ) == [
        ("cvat:7:job-118", "m1@example.com", "alice@example.com", "rejected", "10:07:00"),
        ("cvat:7:job-119", "m1@example.com", "bob@example.com", "accepted", "10:21:00"),
        ("cvat:7:job-118", "m1@example.com", "alice@example.com", "accepted", "11:12:00"),
    ]
    assert night.rows(
        "select task_key, author, editor, kind, corrected_at::time::varchar "
        "from core.fct_corrections where project_key = 'cvat:7'"
    ) == [("cvat:7:job-118", "alice@example.com", "m1@example.com", "edit", "11:10:00")]
    assert night.rows(
        "select issue_key, kind, author, raised_at::time::varchar, resolved_at::time::varchar, "
        "resolved_by, issue_text from core.fct_issues where project_key = 'cvat:7' "
        "order by raised_at"
    ) == [
        ("cvat:issue-311", "issue", "m1@example.com", "10:06:00", "10:33:00",
         "alice@example.com", "Box is too loose, please fix"),
        ("cvat:cvat/events_2025-06-02.csv:34:comment_added", "comment", "alice@example.com",
         "10:32:30", None, None, 'Tightened, "fixed"\nnow'),
    ]  # fmt: skip
