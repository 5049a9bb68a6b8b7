"""Every figure of the annotator-performance marts and the facts against hand-computed numbers.

The input is tests/fixtures/events/hand_computed.jsonl (21 events); comments give the derivation.
"""

from __future__ import annotations

import pytest

ANN, BOB, REV = "ann@example.com", "bob@example.com", "rev@example.com"


def test_annotator_performance_matches_hand_computation(hand_night):
    rows = {
        r["annotator"]: r
        for r in hand_night.dicts("select * from marts.mart_annotator_performance")
    }
    # ann: a1 60 s (accepted), a2 30+20 = 50 s (rejected, then updated by her, accepted),
    # a4 400+100 = 500 s (last action updated); a3 skipped (10 s) is not submitted.
    assert rows[ANN]["submitted"] == 3
    assert rows[ANN]["skipped"] == 1
    assert rows[ANN]["updated"] == 1
    assert rows[ANN]["total_time_s"] == pytest.approx(610)
    assert rows[ANN]["median_time_s"] == pytest.approx(60)
    assert rows[ANN]["mean_time_s"] == pytest.approx(610 / 3)
    assert rows[ANN]["total_time_median_s"] == pytest.approx(180)
    # bob: b1 90 s rejected never fixed -> excluded; b2 45 s fixed_and_accepted (rev's 15 s
    # of fixing is not bob's lead time); b3 75 s.
    assert (rows[BOB]["submitted"], rows[BOB]["skipped"], rows[BOB]["updated"]) == (2, 0, 0)
    assert rows[BOB]["total_time_s"] == pytest.approx(120)
    assert rows[BOB]["median_time_s"] == pytest.approx(60)
    assert rows[BOB]["mean_time_s"] == pytest.approx(60)
    assert rows[BOB]["total_time_median_s"] == pytest.approx(120)
    # rev only reviews: not an annotator.
    assert REV not in rows


def test_daily_performance_uses_completion_day(hand_night):
    rows = {
        (r["annotator"], str(r["day"])): r
        for r in hand_night.dicts("select * from marts.mart_annotator_performance_daily")
    }
    # a2 was completed on 09-07 and updated on 09-08: it belongs to 09-07 with its 50 s.
    assert rows[(ANN, "2026-09-07")]["submitted"] == 2
    assert rows[(ANN, "2026-09-07")]["total_time_s"] == pytest.approx(110)
    assert rows[(ANN, "2026-09-07")]["median_time_s"] == pytest.approx(55)
    assert rows[(ANN, "2026-09-08")]["submitted"] == 1
    assert rows[(ANN, "2026-09-08")]["skipped"] == 1
    assert rows[(ANN, "2026-09-08")]["updated"] == 1
    assert rows[(ANN, "2026-09-08")]["total_time_s"] == pytest.approx(500)
    assert rows[(BOB, "2026-09-07")]["submitted"] == 0  # only the rejected b1
    assert rows[(BOB, "2026-09-07")]["median_time_s"] is None
    assert rows[(BOB, "2026-09-09")]["submitted"] == 2
    assert rows[(BOB, "2026-09-09")]["total_time_median_s"] == pytest.approx(120)
    assert len(rows) == 4


def test_facts_hold_the_hand_counted_rows(hand_night):
    counts = dict(
        hand_night.rows("""
        select 'annotations', count(*) from core.fct_annotations union all
        select 'tasks', count(*) from core.fct_tasks union all
        select 'reviews', count(*) from core.fct_reviews union all
        select 'corrections', count(*) from core.fct_corrections union all
        select 'issues', count(*) from core.fct_issues union all
        select 'labels', count(*) from core.fct_labels
    """)
    )
    # 7 annotations on 7 tasks; reviews: a1 acc, a2 rej + acc, b1 rej, b2 fixed = 5;
    # one correction (rev fixed b2); one issue; labels = final objects:
    # a1 2, a2 2 (after update), a4 1, b1 1, b2 2 (after fix), b3 1 = 9 (a3 skipped has none).
    assert counts == {
        "annotations": 7,
        "tasks": 7,
        "reviews": 5,
        "corrections": 1,
        "issues": 1,
        "labels": 9,
    }
    correction = hand_night.dicts("select * from core.fct_corrections")[0]
    assert (correction["author"], correction["editor"], correction["kind"]) == (
        BOB,
        REV,
        "review_fix",
    )
    rounds = hand_night.rows(
        "select review_round, outcome from core.fct_reviews "
        "where annotation_key = 'event_log:p1:a2' order by review_round"
    )
    assert rounds == [(1, "rejected"), (2, "accepted")]


def test_stage_interval_splits_wait_and_work(hand_night):
    # t1 entered annotate 08:50, ann worked 09:00-09:01 (60 s), left 09:01.
    interval = hand_night.dicts(
        "select * from core.fct_stage_intervals where task_key = 'event_log:p1:t1'"
    )[0]
    assert (interval["dwell_s"], interval["work_s"], interval["wait_s"]) == (660, 60, 600)


def test_issue_resolution_time(hand_night):
    issue = hand_night.dicts("select * from core.fct_issues")[0]
    assert issue["issue_tag"] == "blurry_image"
    assert issue["issue_text"] == "Image is <b>blurry</b>"  # stored verbatim
    assert issue["time_to_resolve_s"] == 3600
    assert issue["resolved_by"] == REV


def test_labels_carry_shape_and_vertices(hand_night):
    a1 = hand_night.rows(
        "select class_name, shape_type, vertex_count from core.fct_labels "
        "where annotation_key = 'event_log:p1:a1' order by object_index"
    )
    assert a1 == [("car", "bbox", 4), ("bus", "polygon", 10)]


def test_issues_weekly_counts_and_resolution(hand_night):
    rows = hand_night.dicts("select * from marts.mart_issues_weekly")
    # One issue, tagged blurry_image, raised Mon 2026-09-07 09:11, resolved 10:11.
    assert len(rows) == 1
    row = rows[0]
    assert (str(row["week"]), row["kind"], row["category"]) == (
        "2026-09-07",
        "issue",
        "blurry_image",
    )
    assert (row["raised"], row["resolved"], row["still_open"]) == (1, 1, 0)
    assert row["median_time_to_resolve_s"] == 3600


def test_task_issues_sit_beside_time_and_rejections(hand_night):
    task = hand_night.dicts("select * from marts.mart_task_issues")[0]
    # t2: a2 took 30 + 20 s of ann's time and was rejected once before being accepted.
    assert task["task_key"] == "event_log:p1:t2"
    assert (task["issues"], task["open_issues"], task["lead_time_s"], task["rejections"]) == (
        1,
        0,
        50.0,
        1,
    )


def test_throughput_daily_for_the_hand_fixture(hand_night):
    rows = {
        (r["annotator"], str(r["day"])): r
        for r in hand_night.dicts("select * from marts.mart_throughput_daily")
    }
    # ann on 09-07: a1 (60 s, 2 objects after... a1 kept 2) and a2 (50 s, 2 objects after
    # its update) -> 2 tasks, 4 labels, median 55 s per task, 27.5 / 25 s per label.
    day = rows[(ANN, "2026-09-07")]
    assert (day["tasks"], day["labels"]) == (2, 4)
    assert day["median_time_per_task_s"] == pytest.approx(55)
    assert day["median_time_per_label_s"] == pytest.approx((30 + 25) / 2)
    assert day["expected_time_per_task_s"] is None  # p1 has no expected time in the seed
    assert day["tasks_over_expected"] == 0


def test_stage_efficiency_and_backlog_for_the_hand_fixture(hand_night):
    # Only t1 has stage events: annotate 08:50 -> 09:01, 60 s of work after a 600 s wait.
    stage = hand_night.dicts("select * from marts.mart_stage_efficiency")
    assert len(stage) == 1
    row = stage[0]
    assert (row["stage"], row["visits"], row["closed_visits"]) == ("annotate", 1, 1)
    assert (row["median_work_s"], row["median_wait_s"], row["median_dwell_s"]) == (60, 600, 660)
    assert row["annotation_to_stage_work_ratio"] == 1.0
    backlog = hand_night.rows(
        "select day::varchar, entered, left_stage, wip from marts.mart_backlog_daily order by day"
    )
    # Entered and left on 09-07: nothing in progress at the end of any day (09-07 .. 09-09).
    assert backlog == [("2026-09-07", 1, 1, 0), ("2026-09-08", 0, 0, 0), ("2026-09-09", 0, 0, 0)]


def test_cost_from_the_default_hourly_rate(hand_night):
    # Nobody in the fixture has a rate card row: the default 18.00 per hour applies.
    rows = {
        r["annotator"]: r for r in hand_night.dicts("select * from marts.mart_cost_by_annotator")
    }
    ann = rows[ANN]
    # ann's lead time on all her annotations, skipped included: 60 + 50 + 10 + 500 = 620 s.
    assert ann["cost"] == pytest.approx(620 / 3600 * 18, abs=0.01)  # rounded to the cent
    assert ann["cost_per_task"] == pytest.approx(620 / 3600 * 18 / 3)
    # a2 (50 s) was rejected once: the cost of rework.
    assert ann["rework_cost"] == pytest.approx(50 / 3600 * 18, abs=0.01)  # rounded to the cent
    # bob: b1 90 s (rejected), b2 45 s (fixed by rev), b3 75 s; rework = b1 + b2.
    assert rows[BOB]["rework_cost"] == pytest.approx(
        135 / 3600 * 18, abs=0.01
    )  # rounded to the cent
    # Review time (12 + 8 + 6 + 9 + 15 s) is rev's, priced in the daily spend.
    total = hand_night.rows("select sum(spend) from marts.mart_cost_daily")[0][0]
    assert total == pytest.approx((620 + 210 + 50) / 3600 * 18, abs=0.02)


def test_approval_rates_with_wilson_intervals(hand_night):
    from dagster_project.lib.stats.rejection import wilson

    rows = {
        (r["dimension"], r["subject"]): r
        for r in hand_night.dicts("select * from marts.mart_approval_rates where week is null")
    }
    # First reviews: a1 accepted, a2 rejected (ann); b1 rejected, b2 fixed by rev (bob).
    assert (rows[("annotator", ANN)]["reviewed"], rows[("annotator", ANN)]["rejected"]) == (2, 1)
    assert (rows[("annotator", BOB)]["reviewed"], rows[("annotator", BOB)]["rejected"]) == (2, 2)
    reviewer = rows[("reviewer", REV)]
    assert (reviewer["reviewed"], reviewer["accepted"], reviewer["rejected"]) == (4, 1, 3)
    # The SQL Wilson bound equals statsmodels' (3 of 4: 0.3006 .. 0.9544).
    assert (reviewer["rate_low"], reviewer["rate_high"]) == (
        pytest.approx(wilson(3, 4)[0]),
        pytest.approx(wilson(3, 4)[1]),
    )
    assert reviewer["rate_low"] == pytest.approx(0.3006, abs=1e-4)
    assert rows[("annotator", BOB)]["rate_high"] == 1.0  # clipped to hold the estimate


def test_review_structure_for_the_hand_fixture(hand_night):
    edges = {
        (r["reviewer"], r["annotator"]): r
        for r in hand_night.dicts("select * from marts.mart_review_edges")
    }
    # rev reviewed ann's a1 (accepted) and a2 (rejected, then accepted): 3 decisions, 1 rejection.
    assert (
        edges[(REV, ANN)]["reviews"],
        edges[(REV, ANN)]["rejections"],
        edges[(REV, ANN)]["corrections"],
    ) == (3, 1, 0)
    # rev rejected b1 and fixed b2: 2 decisions, 1 rejection, 1 correction.
    assert (
        edges[(REV, BOB)]["reviews"],
        edges[(REV, BOB)]["rejections"],
        edges[(REV, BOB)]["corrections"],
    ) == (2, 1, 1)
    assert hand_night.rows(
        "select author, editor, corrections from marts.mart_correction_matrix"
    ) == [(BOB, REV, 1)]
    loops = {
        r["annotation_key"]: r for r in hand_night.dicts("select * from marts.mart_review_loops")
    }
    assert set(loops) == {"event_log:p1:a2", "event_log:p1:b1"}
    assert loops["event_log:p1:a2"]["is_resolved"] and not loops["event_log:p1:b1"]["is_resolved"]
    assert not any(r["is_loop"] for r in loops.values())  # rejected once each, limit is 2
    people = {r["person"]: r for r in hand_night.dicts("select * from marts.mart_reworks")}
    assert (people[BOB]["reworks_received"], people[REV]["reworks_done"]) == (1, 1)
    # ann: a1 and a2 were reviewed, a4 never (a3 was skipped and does not count).
    assert people[ANN]["reviewed_share"] == pytest.approx(2 / 3)
