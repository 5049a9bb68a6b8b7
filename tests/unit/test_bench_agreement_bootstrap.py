"""The vectorised bootstrap of Krippendorff's alpha gives what alpha_of gives on each resample
(the krippendorff package on the resampled reliability matrix), draw for draw."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dagster_project.lib.stats.agreement import _resampled_alphas, alpha_of


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_resampled_alphas_equal_alpha_of_each_resampled_matrix(seed):
    rng = np.random.default_rng(seed)
    raters, items = 5, 60
    truth = rng.integers(0, 2, items)
    values = np.where(rng.random((raters, items)) < 0.85, truth, 1 - truth).astype(float)
    values[rng.random((raters, items)) < 0.5] = np.nan  # raters see some tasks only
    task_index = np.sort(rng.integers(0, 15, items))
    task_index = np.unique(task_index, return_inverse=True)[1]
    task_count = task_index.max() + 1
    draws = rng.integers(0, task_count, (20, task_count))
    fast = _resampled_alphas(values, task_index, task_count, draws)
    columns_of = [np.flatnonzero(task_index == t) for t in range(task_count)]
    slow = [alpha_of(values[:, np.concatenate([columns_of[t] for t in row])]) for row in draws]
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow, strict=True):
        assert (a is None and b is None) or a == pytest.approx(b, abs=1e-12)


def test_a_resample_with_one_value_throughout_is_perfect_agreement():
    values = np.array([[1.0, 1.0, np.nan], [1.0, np.nan, 1.0]])
    task_index = np.array([0, 1, 2])
    assert _resampled_alphas(values, task_index, 3, np.array([[0, 1, 2]])) == [1.0]


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_alpha_from_item_counts_equals_alpha_of_the_reliability_matrix(seed):
    """The marts compute alpha from per-item 0/1 counts (the raters x items matrix grows with
    the square of the operation); krippendorff gives the same figure from either, bit for bit,
    for a project and for each class's subset of it."""
    from dagster_project.lib.stats.agreement import (
        alpha_of_counts,
        item_value_counts,
        reliability_matrix,
    )

    rng = np.random.default_rng(seed)
    rows = []
    for task in range(40):
        raters = rng.choice([f"r{i}" for i in range(8)], size=rng.integers(1, 4), replace=False)
        for klass in ("bus", "car", "person"):
            truth = int(rng.integers(0, 2))
            for rater in raters:
                present = truth if rng.random() < 0.8 else 1 - truth
                rows.append((f"t{task:02d}", klass, rater, present))
    items = pd.DataFrame(rows, columns=["task_key", "class_name", "annotator", "present"])
    for subset in [items, *(group for _, group in items.groupby("class_name"))]:
        values, item_task, _ = reliability_matrix(subset)
        values = values[~np.all(np.isnan(values), axis=1)]
        zeros, ones, count_task = item_value_counts(subset)
        assert list(count_task) == list(item_task)
        assert alpha_of_counts(zeros, ones, subset.annotator.nunique()) == alpha_of(values)


@pytest.mark.parametrize("seed", [8, 9, 10])
def test_class_set_resampled_alphas_equal_krippendorff_on_each_resample(seed):
    """The classification bootstrap sums per-task counts; krippendorff on each resampled
    tasks x answers table gives the same alphas (tasks rated once included)."""
    from dagster_project.lib.stats.agreement import (
        _alpha_of_value_counts,
        _value_count_alphas_of_resamples,
    )

    rng = np.random.default_rng(seed)
    tasks, answers = 40, 5
    value_counts = np.zeros((tasks, answers))
    for task in range(tasks):
        raters = rng.integers(1, 4)  # some tasks rated once: they add nothing
        truth = rng.integers(0, answers)
        for _ in range(raters):
            value_counts[task, truth if rng.random() < 0.7 else rng.integers(0, answers)] += 1
    draws = rng.integers(0, tasks, (30, tasks))
    draw_counts = np.stack([np.bincount(row, minlength=tasks) for row in draws])
    fast = _value_count_alphas_of_resamples(value_counts, 4, draw_counts)
    slow = [_alpha_of_value_counts(value_counts[row], 4) for row in draws]
    assert fast == pytest.approx(slow, abs=1e-12)
    # One answer throughout a resample is perfect agreement, as for the full table.
    single = np.zeros((6, 3))
    single[:, 1] = 2
    assert _value_count_alphas_of_resamples(single, 2, np.ones((1, 6), dtype=int)) == [1.0]


def test_class_set_answers_spell_each_annotations_sorted_classes(monkeypatch):
    """The bit-mask path (up to 62 classes) and the join it replaces give the same answers."""
    from dagster_project.lib.stats import agreement

    labels = pd.DataFrame(
        [
            ("t1", "ann", "zebra"), ("t1", "ann", "ant"), ("t1", "ann", "zebra"),
            ("t1", "bo", None), ("t2", "bo", "mole"), ("t2", "ann", "ant"),
            ("t2", "cy", "mole"), ("t2", "cy", "ant"),
        ],
        columns=["task_key", "annotator", "class_name"],
    )  # fmt: skip
    masked = agreement.class_set_answers(labels)
    assert masked.answer.tolist() == ["ant + zebra", "", "mole", "ant", "ant + mole"]
    monkeypatch.setattr(agreement, "_MASK_CLASSES", 1)  # three classes: the joined path
    assert agreement.class_set_answers(labels).equals(masked)
