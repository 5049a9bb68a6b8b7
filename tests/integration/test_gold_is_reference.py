"""Ground truth is reference, not work: on a gold-checked study (support/gold_study.py) the gold
answers count in no work figure and their author is no collaborator, while agreement with ground
truth still uses them."""

from __future__ import annotations

import datetime as dt

import pytest
from statsmodels.stats.proportion import proportion_confint

from dagster_project.lib.site.data import row_filename

WORKERS = ["ada@example.org", "ben@example.org", "cy@example.org"]


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
    # Per task: three submitted answers by three people, not four (gold counted before).
    assert gold_night.rows(
        "select distinct submitted_annotations, annotators, is_overlap, has_ground_truth "
        "from core.fct_tasks"
    ) == [(3, 3, True, True)]
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


# Answers (support/gold_study.py), gold first:
#   t1 cat: ada cat,  ben cat,  cy dog
#   t2 dog: ada dog,  ben cat,  cy dog
#   t3 bird: ada bird, ben bird, cy cat
#   t4 cat: ada dog,  ben cat,  cy cat
def test_accuracy_is_the_share_of_gold_tasks_answered_right(gold_night):
    """ada 3 of 4, ben 3 of 4, cy 2 of 4 (the class-presence measure this replaces read ada
    3 of 5 = 60 % and cy 2 of 6 = 33 %: a wrong single choice counted twice)."""
    rows = gold_night.rows(
        "select annotator, task_type, gold_tasks, correct_tasks, accuracy, accuracy_low, "
        "accuracy_high from marts.mart_agreement_ground_truth where is_all_classes "
        "order by annotator"
    )
    expected = {"ada@example.org": 3, "ben@example.org": 3, "cy@example.org": 2}
    assert [(row[0], row[1], row[2], row[3]) for row in rows] == [
        (who, "classification", 4, right) for who, right in expected.items()
    ]
    for who, _, _, right, accuracy, low, high in rows:
        assert accuracy == right / 4, who
        assert (low, high) == pytest.approx(
            proportion_confint(right, 4, alpha=0.05, method="wilson"), abs=1e-12
        )


def test_the_confusion_matrix_adds_up_to_the_answers(gold_night):
    """Over the three annotators: cat→cat 4 (ada t1, ben t1 t4, cy t4), cat→dog 2 (ada t4,
    cy t1), dog→dog 2, dog→cat 1 (ben t2), bird→bird 2, bird→cat 1 (cy t3): 12 answers."""
    assert gold_night.rows(
        "select gold_class, chosen_class, sum(tasks)::int from marts.mart_confusion_ground_truth "
        "group by all order by all"
    ) == [
        ("bird", "bird", 2),
        ("bird", "cat", 1),
        ("cat", "cat", 4),
        ("cat", "dog", 2),
        ("dog", "cat", 1),
        ("dog", "dog", 2),
    ]
    # Per class for cy: cat chosen on t3 (wrong) and t4 (right): precision 1/2; cat in the
    # gold on t1 and t4, chosen on t4: recall 1/2.
    assert gold_night.rows(
        "select precision, recall from marts.mart_agreement_ground_truth "
        "where annotator = 'cy@example.org' and class_name = 'cat'"
    ) == [(0.5, 0.5)]


def test_pairs_agree_over_the_class_each_chose(gold_night):
    """ada|ben agree on t1, t3: 2 of 4; chance (cat 1x3 + bird 1x1) / 16 = 0.25, kappa 1/3.
    ada|cy agree on t2 only: chance (cat 1x2 + dog 2x2) / 16 = 0.375, kappa -0.2; ben|cy on t4
    only: chance (cat 3x2) / 16, kappa -0.2. Over task x class presence items ada|ben read
    8 of 12 (67 %)."""
    assert gold_night.rows(
        "select subject, tasks, observed_agreement, cohen_kappa, mean_box_iou, matched_boxes "
        "from marts.mart_agreement where scope = 'pair' order by subject"
    ) == [
        ("ada@example.org | ben@example.org", 4, 0.5, pytest.approx(1 / 3), None, None),
        ("ada@example.org | cy@example.org", 4, 0.25, pytest.approx(-0.2), None, None),
        ("ben@example.org | cy@example.org", 4, 0.25, pytest.approx(-0.2), None, None),
    ]


def test_the_project_alpha_is_over_the_class_each_chose(gold_night):
    """Per task two of three agree (t1 cat cat dog, t2 dog cat dog, t3 bird bird cat, t4 dog cat
    cat): D_o = 4 x (2 x 2 x 1 / 2) / 12 = 8 / 12; answers cat 6, dog 4, bird 2: D_e =
    (144 - 36 - 16 - 4) / 132 = 88 / 132. Alpha = 1 - 1 = 0: no better than chance. Four tasks
    are too few for a bootstrap interval; no task has everyone agreeing."""
    assert gold_night.rows(
        "select tasks, raters, items, observed_agreement, krippendorff_alpha, alpha_low "
        "from marts.mart_agreement where scope = 'project'"
    ) == [(4, 3, 4, 0.0, pytest.approx(0.0, abs=1e-12), None)]


def test_speed_beside_accuracy(gold_night):
    """Median lead times 3.5 s (ada), 7 s (ben), 5.5 s (cy); one project, so the pooled row
    equals the project's."""
    assert gold_night.rows(
        "select annotator, score_name, score, median_time_s, submitted "
        "from marts.mart_accuracy_vs_speed where is_all_projects order by annotator"
    ) == [
        ("ada@example.org", "accuracy", 0.75, 3.5, 4),
        ("ben@example.org", "accuracy", 0.75, 7.0, 4),
        ("cy@example.org", "accuracy", 0.5, 5.5, 4),
    ]
