"""Case studies planted by the generator and found by the marts, end to end."""

from __future__ import annotations

import pytest

from dagster_project.lib.synthetic import CASE_STUDIES


@pytest.fixture
def generated_night(case_night):
    return case_night


def test_slow_per_task_but_normal_per_label_is_busier_scenes(generated_night):
    case = CASE_STUDIES["complexity"]
    rows = {
        r["annotator"]: r
        for r in generated_night.dicts(
            f"select * from marts.mart_complexity where project_key = 'event_log:{case.project}'"
        )
    }
    her = rows[case.annotator]
    assert her["speed_verdict"] == "busier scenes"
    assert her["time_per_task_vs_project"] >= 3.0  # ~4x slower per task ...
    assert 0.75 <= her["time_per_label_vs_project"] <= 1.3  # ... but normal per label
    assert her["objects_per_task_vs_project"] >= 3.0  # because her scenes are busier
    slowest = max(rows.values(), key=lambda r: r["time_per_task_vs_project"] or 0)
    assert slowest["annotator"] == case.annotator


def test_every_generated_annotator_has_performance_figures(generated_night):
    # ground truth is reference, not work: it counts in no annotator's figures
    annotators = generated_night.rows(
        "select count(distinct annotator) from core.fct_annotations where not is_ground_truth"
    )
    mart = generated_night.rows(
        "select count(*), sum(submitted), sum(skipped) from marts.mart_annotator_performance"
    )
    submitted = generated_night.rows(
        "select count(*) from core.fct_annotations where is_submitted and not is_ground_truth"
    )
    assert (
        generated_night.rows("select count(*) from core.fct_annotations where is_ground_truth")[0][
            0
        ]
        > 0
    )
    assert mart[0][0] == annotators[0][0]
    assert mart[0][1] == submitted[0][0] > 1000
    assert mart[0][2] > 0


def test_demo_site_has_both_pages(generated_night):
    assert (generated_night.site / "index.html").exists()
    complexity = (generated_night.site / "complexity.html").read_text()
    assert CASE_STUDIES["complexity"].annotator in complexity
    assert "busier scenes" in complexity


def test_review_bottleneck_is_flagged(generated_night):
    case = CASE_STUDIES["review_bottleneck"]
    row = generated_night.dicts(
        "select * from marts.mart_review_concentration "
        f"where project_key = 'event_log:{case.project}'"
    )[0]
    assert (row["reworks"], row["top_editor"], row["top_editor_reworks"]) == (
        case.corrections,
        case.reviewer,
        case.by_reviewer,
    )  # 62, 58 by one reviewer
    assert row["is_bottleneck"]
    flagged = generated_night.rows(
        "select project_key from marts.mart_review_concentration where is_bottleneck"
    )
    assert flagged == [(f"event_log:{case.project}",)]


def test_junior_tops_reworks_received_within_three_weeks(generated_night):
    case = CASE_STUDIES["junior_reworks"]
    top = generated_night.dicts("select * from marts.mart_reworks where received_rank = 1")
    assert [(r["person"], r["reworks_received"]) for r in top] == [
        (case.annotator, case.corrections)
    ]  # 26
    first, last = generated_night.rows(
        "select min(corrected_day), max(corrected_day) from core.fct_corrections where author = ?",
        case.annotator,
    )[0]
    assert (last - first).days < 21


def test_unreviewed_contractor_is_detached(generated_night):
    case = CASE_STUDIES["unreviewed_contractor"]
    unreviewed = generated_night.rows("select person from marts.mart_reworks where is_unreviewed")
    assert (case.annotator,) in unreviewed
    edges = generated_night.rows(
        "select count(*) from marts.mart_review_edges where annotator = ?", case.annotator
    )
    assert edges == [(0,)]


def test_ambiguous_class_is_blamed_on_the_class_not_the_annotator(generated_night):
    case = CASE_STUDIES["ambiguous_class"]
    project = f"event_log:{case.project}"
    her = generated_night.dicts(
        "select * from marts.mart_annotator_quality "
        f"where project_key = '{project}' and annotator = '{case.annotator}'"
    )[0]
    assert her["rejection_rate"] > 2 * her["project_rate"]  # looks bad on raw rates ...
    assert her["verdict"] == "class"  # ... but her class mix explains it
    cell = generated_night.dicts(
        "select * from marts.mart_person_vs_class "
        f"where project_key = '{project}' and annotator = '{case.annotator}' "
        f"and class_name = '{case.class_name}'"
    )[0]
    assert cell["verdict"] == "class"
    assert cell["rate_low"] <= cell["cohort_rate"] <= cell["rate_high"]


def test_guideline_drift_is_flagged_in_the_week_it_began(generated_night):
    from datetime import date

    case = CASE_STUDIES["guideline_drift"]
    starts = generated_night.dicts(
        "select * from marts.mart_drift where is_drift_start and subject_type = 'annotator'"
    )
    # Only the planted drift, and only in its rejection rate: no time or agreement false alarm.
    assert [(s["subject"], s["metric"]) for s in starts] == [(case.annotator, "rejection_rate")]
    start = starts[0]
    year, week, _ = start["week"].isocalendar()
    assert f"{year}-W{week:02d}" == case.iso_week(case.week, date(2026, 9, 7))
    assert start["guideline_changed"] and start["guideline_version"] == case.new_version
    assert start["change"] >= 0.2


def test_untagged_issues_are_categorised_from_their_text(generated_night):
    from dagster_project.lib.synthetic.config import UNTAGGED_ISSUE_TEXTS

    implied = {text: tag for tag, texts in UNTAGGED_ISSUE_TEXTS.items() for text in texts}
    rows = generated_night.rows(
        "select issue_text, category from core.fct_issues where is_category_inferred "
        "and kind = 'issue'"
    )
    assert len(rows) >= 10
    assert all(category == implied[text] for text, category in rows)


def test_front_page_alerts_name_every_planted_problem_with_evidence(generated_night):
    alerts = {
        (a["kind"], a["subject"]): a
        for a in generated_night.dicts("select * from marts.mart_alerts")
    }
    bottleneck = CASE_STUDIES["review_bottleneck"]
    evidence = alerts[("review_bottleneck", bottleneck.reviewer)]["evidence"]
    assert f"made {bottleneck.by_reviewer} of the project's {bottleneck.corrections}" in evidence
    assert ("unreviewed_work", CASE_STUDIES["unreviewed_contractor"].annotator) in alerts
    assert ("ambiguous_class", CASE_STUDIES["ambiguous_class"].class_name) in alerts
    drift = alerts[("rejection_drift", CASE_STUDIES["guideline_drift"].annotator)]
    assert "guideline v2 started" in drift["evidence"]
    assert drift["evidence_relation"] == "mart_drift"
    assert ("annotator_quality", CASE_STUDIES["ambiguous_class"].annotator) not in alerts


def test_issue_counts_add_up_along_every_axis(generated_night):
    raw = dict(
        generated_night.rows(
            "select 'event_log:' || project_id, count(distinct issue_id) from raw.events "
            "where event_type = 'issue_raised' group by 1"
        )
    )
    by_axis = generated_night.rows(
        "select project_key, axis, sum(issues) from marts.mart_issues_breakdown "
        "where axis in ('author', 'category') group by all"
    )
    assert raw and len(by_axis) == 2 * len(raw)
    assert all(total == raw[project] for project, _, total in by_axis)
    # The ambiguous class draws issues: it appears on the class axis.
    case = CASE_STUDIES["ambiguous_class"]
    assert (
        generated_night.rows(
            "select issues from marts.mart_issues_breakdown "
            f"where axis = 'class' and value = '{case.class_name}'"
        )[0][0]
        > 0
    )


def test_every_polygon_project_has_a_fidelity_verdict(generated_night):
    polygon_projects = {
        project
        for (project,) in generated_night.rows(
            "select distinct project_key from core.fct_labels where shape_type = 'polygon'"
        )
    }
    verdicts = dict(
        generated_night.rows("select project_key, verdict from marts.mart_fidelity_cost")
    )
    assert set(verdicts) == polygon_projects and polygon_projects
    assert set(verdicts.values()) <= {
        "pays for itself",
        "costs more than it returns",
        "no extra cost",
        "too little data",
    }
