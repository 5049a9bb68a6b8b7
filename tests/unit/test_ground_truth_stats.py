"""Agreement with ground truth by task type (lib/stats/ground_truth.py) against figures computed
by hand: accuracy over class sets, per-class precision / recall, the confusion matrix, and
precision / recall / F1 / mean IoU of objects matched one to one at IoU >= 0.5."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dagster_project.lib.stats.ground_truth import (
    CONFUSION_COLUMNS,
    LABEL_COLUMNS,
    confusion,
    ground_truth_scores,
)

Z = 1.959963984540054


def wilson_by_formula(successes: float, trials: float) -> tuple[float, float]:
    """Wilson's score interval written out: (p + z²/2n ± z √(p(1-p)/n + z²/4n²)) / (1 + z²/n)."""
    p = successes / trials
    centre = p + Z**2 / (2 * trials)
    half = Z * math.sqrt(p * (1 - p) / trials + Z**2 / (4 * trials**2))
    denominator = 1 + Z**2 / trials
    return (centre - half) / denominator, (centre + half) / denominator


def _label(task, annotation, annotator, klass, shape="choice", box=None, conf=None, gold=False):
    x, y, w, h = box or (None,) * 4
    return {
        "project_key": "p",
        "task_key": task,
        "annotation_key": annotation,
        "annotator": annotator,
        "is_ground_truth": gold,
        "annotation_confidence": conf,
        "class_name": klass,
        "shape_type": shape if klass else None,
        "box_x": x,
        "box_y": y,
        "box_width": w,
        "box_height": h,
        "label_confidence": conf,
    }


# Classification: ada against the gold on four tasks.
#   t1 gold {cat}      ada {cat}  correct
#   t2 gold {dog}      ada {cat}  wrong (a confusion dog -> cat)
#   t3 gold {cat, dog} ada {cat}  wrong (dog missed)
#   t4 gold {bird}     ada {}     wrong (bird missed; ada's annotation has no label)
CLASSIFICATION = pd.DataFrame(
    [
        _label("t1", "g1", "gold", "cat", gold=True),
        _label("t1", "a1", "ada", "cat", conf=0.9),
        _label("t2", "g2", "gold", "dog", gold=True),
        _label("t2", "a2", "ada", "cat", conf=0.5),
        _label("t3", "g3", "gold", "cat", gold=True),
        _label("t3", "g3", "gold", "dog", gold=True),
        _label("t3", "a3", "ada", "cat", conf=0.7),
        _label("t4", "g4", "gold", "bird", gold=True),
        _label("t4", "a4", "ada", None),
    ],
    columns=LABEL_COLUMNS,
)


def _row(scores: pd.DataFrame, annotator: str, task_type: str, klass: str | None) -> dict:
    of_class = scores.class_name.isna() if klass is None else scores.class_name == klass
    found = scores[(scores.annotator == annotator) & (scores.task_type == task_type) & of_class]
    assert len(found) == 1
    return found.iloc[0].to_dict()


def test_classification_accuracy_is_the_share_of_tasks_with_the_gold_class_set():
    scores = ground_truth_scores(CLASSIFICATION)
    all_classes = _row(scores, "ada", "classification", None)
    assert all_classes["is_all_classes"]
    assert (all_classes["gold_tasks"], all_classes["correct_tasks"]) == (4, 1)
    assert all_classes["accuracy"] == 0.25
    low, high = wilson_by_formula(1, 4)
    assert all_classes["accuracy_low"] == pytest.approx(low, abs=1e-12)
    assert all_classes["accuracy_high"] == pytest.approx(high, abs=1e-12)
    # Confidence: 0.9 on the correct task, (0.5 + 0.7) / 2 on the wrong ones (t4 has none).
    assert all_classes["mean_confidence_correct"] == pytest.approx(0.9)
    assert all_classes["mean_confidence_wrong"] == pytest.approx(0.6)
    # Micro-averaged over classes: gold chose 5 class-tasks, ada 3, both 2 (cat on t1 and t3).
    assert (all_classes["gold_items"], all_classes["chosen_items"]) == (5, 3)
    assert all_classes["matched_items"] == 2
    assert all_classes["precision"] == pytest.approx(2 / 3)
    assert all_classes["recall"] == pytest.approx(2 / 5)
    assert all_classes["f1"] == pytest.approx(4 / 8)


def test_classification_precision_and_recall_per_class():
    scores = ground_truth_scores(CLASSIFICATION)
    cat = _row(scores, "ada", "classification", "cat")
    # cat: gold on t1, t3; ada chose it on t1, t2, t3.
    assert (cat["gold_tasks"], cat["gold_items"], cat["chosen_items"], cat["matched_items"]) == (
        3,
        2,
        3,
        2,
    )
    assert cat["precision"] == pytest.approx(2 / 3) and cat["recall"] == 1.0
    assert cat["accuracy"] is None or pd.isna(cat["accuracy"])
    low, high = wilson_by_formula(2, 3)
    assert (cat["precision_low"], cat["precision_high"]) == (
        pytest.approx(low, abs=1e-12),
        pytest.approx(high, abs=1e-12),
    )
    # Rightly chosen on t1 (0.9) and t3 (0.7), wrongly on t2 (0.5).
    assert cat["mean_confidence_correct"] == pytest.approx(0.8)
    assert cat["mean_confidence_wrong"] == pytest.approx(0.5)
    dog = _row(scores, "ada", "classification", "dog")
    assert (dog["gold_items"], dog["chosen_items"], dog["matched_items"]) == (2, 0, 0)
    assert pd.isna(dog["precision"]) and dog["recall"] == 0.0
    bird = _row(scores, "ada", "classification", "bird")
    assert (bird["gold_items"], bird["chosen_items"], bird["recall"]) == (1, 0, 0.0)
    assert len(scores) == 4


def test_confusion_pairs_a_single_wrong_class_and_keeps_misses_apart():
    cells = confusion(CLASSIFICATION)
    assert list(cells.columns) == CONFUSION_COLUMNS
    assert [
        tuple(None if pd.isna(value) else value for value in row)
        for row in cells.itertuples(index=False)
    ] == [
        ("p", "ada", "bird", None, 1),
        ("p", "ada", "cat", "cat", 2),
        ("p", "ada", "dog", "cat", 1),
        ("p", "ada", "dog", None, 1),
    ]


# Shapes (x, y, width, height). Task s1, gold: car A (0,0,10,10), car B (20,0,10,10), person P
# (0,20,10,10). ann draws car (0,0,10,10) -> A, IoU 1; car (25,0,10,10) overlaps B by 5 x 10 =
# 50 of 150 -> IoU 1/3 < 0.5, no match; person (0,20,10,5) -> P, 50 / 100 = IoU 0.5, a match
# at the threshold; bus (50,50,5,5) -> nothing to match.
# Task s2, gold: car (0,0,10,10). bob draws car (0,0,10,10) (IoU 1) and car (1,0,10,10)
# (IoU 90 / 110): one to one, the better is matched and the other is extra. bob leaves s1 empty.
SHAPES = pd.DataFrame(
    [
        _label("s1", "g1", "gold", "car", "bbox", (0, 0, 10, 10), gold=True),
        _label("s1", "g1", "gold", "car", "bbox", (20, 0, 10, 10), gold=True),
        _label("s1", "g1", "gold", "person", "polygon", (0, 20, 10, 10), gold=True),
        _label("s1", "a1", "ann", "car", "bbox", (0, 0, 10, 10), conf=0.9),
        _label("s1", "a1", "ann", "car", "bbox", (25, 0, 10, 10), conf=0.4),
        _label("s1", "a1", "ann", "person", "polygon", (0, 20, 10, 5), conf=0.8),
        _label("s1", "a1", "ann", "bus", "bbox", (50, 50, 5, 5), conf=0.2),
        _label("s1", "b1", "bob", None),
        _label("s2", "g2", "gold", "car", "bbox", (0, 0, 10, 10), gold=True),
        _label("s2", "b2", "bob", "car", "bbox", (0, 0, 10, 10)),
        _label("s2", "b2", "bob", "car", "bbox", (1, 0, 10, 10)),
    ],
    columns=LABEL_COLUMNS,
)


def test_shapes_precision_recall_f1_of_objects_matched_one_to_one():
    scores = ground_truth_scores(SHAPES, iou_threshold=0.5)
    ann = _row(scores, "ann", "shapes", None)
    assert (ann["gold_tasks"], ann["gold_items"], ann["chosen_items"], ann["matched_items"]) == (
        1,
        3,
        4,
        2,
    )
    assert ann["precision"] == 0.5
    assert ann["recall"] == pytest.approx(2 / 3)
    assert ann["f1"] == pytest.approx(4 / 7)
    low, high = wilson_by_formula(2, 3.5)
    assert (ann["f1_low"], ann["f1_high"]) == (
        pytest.approx(low, abs=1e-12),
        pytest.approx(high, abs=1e-12),
    )
    # IoUs 1 and 0.5: mean 0.75; t(0.975, 1) x 0.25 = 3.18 reaches past both ends.
    assert ann["mean_iou"] == pytest.approx(0.75)
    assert (ann["mean_iou_low"], ann["mean_iou_high"]) == (0.0, 1.0)
    assert ann["mean_confidence_correct"] == pytest.approx(0.85)
    assert ann["mean_confidence_wrong"] == pytest.approx(0.3)
    assert pd.isna(ann["accuracy"])
    car = _row(scores, "ann", "shapes", "car")
    assert (car["gold_items"], car["chosen_items"], car["matched_items"]) == (2, 2, 1)
    bus = _row(scores, "ann", "shapes", "bus")
    assert (bus["gold_items"], bus["chosen_items"], bus["precision"]) == (0, 1, 0.0)
    assert pd.isna(bus["recall"])
    bob = _row(scores, "bob", "shapes", None)
    assert (bob["gold_tasks"], bob["gold_items"], bob["chosen_items"], bob["matched_items"]) == (
        2,
        4,
        2,
        1,
    )
    assert bob["mean_iou"] == 1.0 and pd.isna(bob["mean_iou_low"])


def test_the_threshold_is_configurable():
    """At 0.3, ann's second car (IoU 1/3) matches B too."""
    ann = _row(ground_truth_scores(SHAPES, iou_threshold=0.3), "ann", "shapes", None)
    assert ann["matched_items"] == 3
    assert ann["mean_iou"] == pytest.approx((1 + 1 / 3 + 0.5) / 3)


def test_a_classification_project_has_no_shape_rows_and_back():
    assert set(ground_truth_scores(CLASSIFICATION).task_type) == {"classification"}
    assert set(ground_truth_scores(SHAPES).task_type) == {"shapes"}
    assert confusion(SHAPES).empty
