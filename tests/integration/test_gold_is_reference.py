"""Ground truth is reference, not work: on a gold-checked study (support/gold_study.py) the gold
answers count in no work figure and their author is no collaborator, while agreement with ground
truth still uses them."""

from __future__ import annotations

import datetime as dt

import pytest
from support.gold_study import gold_study_export
from support.nights import run_nightly

from dagster_project.lib.site.data import row_filename

WORKERS = ["ada@example.org", "ben@example.org", "cy@example.org"]


@pytest.fixture(scope="module")
def gold_night(tmp_path_factory):
    root = tmp_path_factory.mktemp("gold_study")
    export = gold_study_export(root / "export.json")
    night = run_nightly(root, {"label_studio/export.json": export})
    assert night.exit_code == 0
    return night


def test_gold_answers_are_no_ones_work(gold_night):
    """Per annotator, lead times by hand: ada 4+3+5+2 = 14 s (median 3.5), ben 6+9+8+5 = 28 s
    (median 7), cy 5+7+6+4 = 22 s (median 5.5); gold's four 0 s answers count nowhere."""
    assert gold_night.rows(
        "select annotator, submitted, total_time_s, median_time_s, mean_time_s "
        "from marts.mart_annotator_performance order by annotator"
    ) == [
        ("ada@example.org", 4, 14.0, 3.5, 3.5),
        ("ben@example.org", 4, 28.0, 7.0, 7.0),
        ("cy@example.org", 4, 22.0, 5.5, 5.5),
    ]
    # Throughput: 12 tasks done (not 16), mean 64 / 12 s per task (not 64 / 16 = 4.0).
    assert gold_night.rows(
        "select sum(tasks), sum(mean_time_per_task_s * tasks) / sum(tasks) "
        "from marts.mart_throughput_daily"
    ) == [(12, pytest.approx(64 / 12))]
    for mart, column in (
        ("mart_annotator_performance_daily", "annotator"),
        ("mart_throughput_daily", "annotator"),
        ("mart_complexity", "annotator"),
        ("mart_reworks", "person"),
        ("mart_cost_by_annotator", "annotator"),
        ("mart_person_profile", "actor"),
    ):
        assert gold_night.rows(f"select distinct {column} from marts.{mart} order by 1") == [
            (who,) for who in WORKERS
        ], mart
    # Nobody reviews in this study: one notice for the project, not an alert per person, and
    # it counts the 12 answers of 3 people, not gold's.
    assert gold_night.rows(
        "select kind, severity, project_key, since, evidence from marts.mart_alerts"
    ) == [
        (
            "no_review_workflow",
            "low",
            "label_studio:21",
            dt.date(2026, 10, 5),
            "no reviews recorded: 12 annotations by 3 people; quality is measured against "
            "ground truth (gold answers on 4 of 4 tasks)",
        )
    ]


def test_the_author_of_gold_only_is_no_collaborator(gold_night):
    assert gold_night.rows("select actor, is_gold_only from core.dim_actors order by actor") == [
        ("ada@example.org", False),
        ("ben@example.org", False),
        ("cy@example.org", False),
        ("gold@example.org", True),
    ]
    assert not (gold_night.site / row_filename("person", "gold@example.org")).exists()
    assert (gold_night.site / row_filename("person", "ada@example.org")).is_file()
    people = (gold_night.site / "people.html").read_text(encoding="utf-8")
    table = people[people.index('<div class="table-wrap" id="people">') :]
    assert "gold@example.org" not in table and "ada@example.org" in table
    # fct_annotations keeps every answer, gold flagged
    assert gold_night.rows(
        "select count(*), count(*) filter (where is_ground_truth) from core.fct_annotations"
    ) == [(16, 4)]


def test_gold_is_still_the_reference_for_agreement(gold_night):
    assert gold_night.rows(
        "select distinct annotator from marts.mart_agreement_ground_truth order by 1"
    ) == [(who,) for who in WORKERS]
