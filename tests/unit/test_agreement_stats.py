"""Agreement figures against hand computation on a two-rater, two-class fixture."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa

from dagster_project.lib.stats.agreement import BOX_COLUMNS, agreement, box_iou


def box(bbox=None) -> dict:
    """A box's columns as the mart reads them: NaN without a box."""
    return dict(zip(BOX_COLUMNS, bbox or [float("nan")] * 4, strict=True))


def objects(annotator: str, task: str, *classes: str, bbox=None):
    if not classes:  # an annotation with no objects
        return [
            {
                "project_key": "p",
                "task_key": task,
                "annotator": annotator,
                "class_name": None,
                **box(),
            }
        ]
    return [
        {
            "project_key": "p",
            "task_key": task,
            "annotator": annotator,
            "class_name": c,
            **box(bbox),
        }
        for c in classes
    ]


LABELS = pd.DataFrame(
    objects("ann", "t1", "car", bbox=[0, 0, 10, 10])
    + objects("ann", "t2", "car", "bus")
    + objects("ann", "t3", "bus")
    + objects("ann", "t4")
    + objects("bob", "t1", "car", bbox=[5, 0, 10, 10])
    + objects("bob", "t2", "car")
    + objects("bob", "t3", "bus")
    + objects("bob", "t4", "car")
)


def test_pair_kappa_and_box_iou():
    pair = agreement(LABELS, resamples=20).query("scope == 'pair'").iloc[0]
    # 8 task x class items; they disagree on t2/bus and t4/car -> observed 6/8.
    # Table: both 1 = 3, both 0 = 3, one each way = 1: p_e = 0.5, kappa = (0.75-0.5)/0.5.
    assert (pair.subject, pair["items"], pair.tasks) == ("ann | bob", 8, 4)
    assert pair.observed_agreement == pytest.approx(0.75)
    assert pair.cohen_kappa == pytest.approx(0.5)
    # t1 cars: [0,0,10,10] and [5,0,10,10] overlap 50 of a 150 union.
    assert pair.mean_box_iou == pytest.approx(1 / 3) and pair.matched_boxes == 1


def test_krippendorff_alpha_nominal():
    project = agreement(LABELS, resamples=20).query("scope == 'project'").iloc[0]
    # Coincidences: 6 (1,1), 6 (0,0), 2 + 2 mismatches; n = 16, n_1 = n_0 = 8.
    # alpha = 1 - (n - 1) x mismatches / (2 n_1 n_0) = 1 - 15 x 4 / 128.
    assert project.krippendorff_alpha == pytest.approx(1 - 60 / 128)
    assert project.raters == 2 and project.tasks == 4
    assert project.alpha_low is None  # fewer than 5 tasks: no bootstrap interval


def test_bootstrap_interval_brackets_alpha_when_there_are_enough_tasks():
    many = pd.concat([LABELS.assign(task_key=LABELS.task_key + f"-{i}") for i in range(5)])
    project = agreement(many, resamples=50).query("scope == 'project'").iloc[0]
    assert project.alpha_low <= project.krippendorff_alpha <= project.alpha_high
    again = agreement(many, resamples=50).query("scope == 'project'").iloc[0]
    assert (again.alpha_low, again.alpha_high) == (project.alpha_low, project.alpha_high)


def test_box_iou_edges():
    assert box_iou([0, 0, 10, 10], [0, 0, 10, 10]) == 1.0
    assert box_iou([0, 0, 10, 10], [20, 20, 5, 5]) == 0.0


def test_identical_boxes_have_an_iou_of_exactly_one():
    # Found at 1 M events: floating point gave 1.0000000000000002 and the GX suite blocked.
    box = [39.41, 44.62, 20.98, 20.78]  # unclipped, this pair gives 1.000000000000001
    assert box_iou(box, list(box)) <= 1.0


def choices(annotator: str, task: str, *classes: str) -> list[dict]:
    rows = objects(annotator, task, *classes)
    return [{**row, "shape_type": "choice" if row["class_name"] else None} for row in rows]


# Classification, five shared tasks: ann and bob chose the same class on t1, t2, t5 (3 of 5);
# t3 cat vs dog, t4 dog vs nothing.
CHOICES = pd.DataFrame(
    choices("ann", "t1", "cat")
    + choices("ann", "t2", "dog")
    + choices("ann", "t3", "cat")
    + choices("ann", "t4", "dog")
    + choices("ann", "t5", "cat")
    + choices("bob", "t1", "cat")
    + choices("bob", "t2", "dog")
    + choices("bob", "t3", "dog")
    + choices("bob", "t4")
    + choices("bob", "t5", "cat")
)


def test_classification_pairs_agree_over_the_chosen_class_per_task():
    """Observed 3 / 5. Answers: ann cat 3, dog 2; bob cat 2, dog 2, none 1. Chance
    p_e = (3 x 2 + 2 x 2 + 0 x 1) / 25 = 0.4; kappa = (0.6 - 0.4) / 0.6 = 1/3, as statsmodels
    gives for the 3 x 3 table. Over task x class presence items it would read 7 of 10."""
    pair = agreement(CHOICES, resamples=20).query("scope == 'pair'").iloc[0]
    assert (pair.subject, pair.tasks, pair["items"]) == ("ann | bob", 5, 5)
    assert pair.observed_agreement == pytest.approx(0.6)
    assert pair.cohen_kappa == pytest.approx(1 / 3)
    # rows: ann cat, dog, none; columns: bob cat, dog, none
    table = np.array([[2, 1, 0], [0, 1, 1], [0, 0, 0]])
    assert pair.cohen_kappa == pytest.approx(float(cohens_kappa(table, return_results=False)))
    assert pd.isna(pair.mean_box_iou) and pd.isna(pair.matched_boxes)
    # Without shape_type the same labels are read as presence items, as before.
    presence = agreement(CHOICES.drop(columns="shape_type"), resamples=20)
    assert presence.query("scope == 'pair'").iloc[0].observed_agreement == pytest.approx(0.7)


def test_classification_alpha_is_over_the_chosen_class_per_task():
    """Ten answers in five tasks of two: cat 5, dog 4, none 1. Disagreeing tasks t3 (cat, dog)
    and t4 (dog, none): D_o = (2 + 2) / 10 = 0.4; D_e = (10² - (5² + 4² + 1²)) / (10 x 9) =
    58 / 90; alpha = 1 - D_o / D_e = 0.379. Checked against krippendorff's own reliability-data
    path."""
    project = agreement(CHOICES, resamples=50).query("scope == 'project'").iloc[0]
    expected = 1 - 0.4 / ((100 - (25 + 16 + 1)) / 90)
    assert project.krippendorff_alpha == pytest.approx(expected)
    codes = {"cat": 0, "dog": 1, "": 2}
    ann = ["cat", "dog", "cat", "dog", "cat"]
    bob = ["cat", "dog", "dog", "", "cat"]
    reliability = np.array([[codes[v] for v in ann], [codes[v] for v in bob]], dtype=float)
    assert project.krippendorff_alpha == pytest.approx(
        krippendorff.alpha(reliability_data=reliability, level_of_measurement="nominal")
    )
    assert (project.tasks, project["items"], project.raters) == (5, 5, 2)
    assert project.observed_agreement == pytest.approx(0.6)
    assert project.alpha_low <= project.krippendorff_alpha <= project.alpha_high
    # Alpha per class stays over presence items.
    assert set(agreement(CHOICES, resamples=20).query("scope == 'class'").subject) == {"cat", "dog"}
