"""Agreement with ground truth by task type (METRICS.md §3), for the dbt Python models
``mart_agreement_ground_truth`` and ``mart_confusion_ground_truth``.

Input: one row per label of the annotations on ground-truth tasks (``int_ground_truth_labels``):
the task's reference (its gold answer) and every other submitted annotation, an annotation
without labels once with a null class. Columns: LABEL_COLUMNS.

- **Classification** (the gold chose classes): an annotation is *correct* when the set of
  classes it chose equals the gold's set (single choice: it chose the gold's class). Per class,
  precision = tasks where both chose the class / tasks where the annotator chose it, recall =
  the same / tasks where the gold chose it.
- **Shapes** (the gold drew boxes, or polygons with their bounding box): the annotator's objects
  are matched one to one with the gold's, same class and IoU >= ``iou_threshold``, greedily by
  IoU (``box_matching``). Precision = matched / drawn, recall = matched / gold objects,
  F1 = 2 matched / (drawn + gold), mean IoU of the matches.

Shares have Wilson 95 % intervals; F1's is Wilson's on matched out of (drawn + gold) / 2, the
share it is; mean IoU's is Student's t (none under two matches).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

# The box as four columns and the shape type of a chosen class, as agreement reads them.
from dagster_project.lib.stats.agreement import BOX_COLUMNS, CHOICE
from dagster_project.lib.stats.box_matching import box_ious, greedy_matches

# Wilson's interval of a share (statsmodels), as the rejection rates use it.
from dagster_project.lib.stats.rejection import wilson_many

LABEL_COLUMNS = [
    "project_key",
    "task_key",
    "annotation_key",
    "annotator",
    "is_ground_truth",
    "annotation_confidence",
    "class_name",
    "shape_type",
    *BOX_COLUMNS,
    "label_confidence",
]
SCORE_COLUMNS = [
    "project_key",
    "annotator",
    "task_type",
    "class_name",
    "is_all_classes",
    "gold_tasks",
    "correct_tasks",
    "accuracy",
    "accuracy_low",
    "accuracy_high",
    "gold_items",
    "chosen_items",
    "matched_items",
    "precision",
    "precision_low",
    "precision_high",
    "recall",
    "recall_low",
    "recall_high",
    "f1",
    "f1_low",
    "f1_high",
    "mean_iou",
    "mean_iou_low",
    "mean_iou_high",
    "mean_confidence_correct",
    "mean_confidence_wrong",
]
CONFUSION_COLUMNS = ["project_key", "annotator", "gold_class", "chosen_class", "tasks"]


def _share(successes: float, trials: float) -> float | None:
    return successes / trials if trials else None


def _mean_and_spread(values: np.ndarray) -> tuple[float | None, int, float]:
    """The mean (None without values), the count, and the standard error of the mean (NaN
    under two values) as ``scipy.stats.sem`` computes it; the interval is ``_t_intervals``."""
    if values.size == 0:
        return None, 0, np.nan
    if values.size < 2:
        return float(values.mean()), 1, np.nan
    return float(values.mean()), values.size, float(np.std(values, ddof=1) / np.sqrt(values.size))


def _t_intervals(means, sizes, spreads) -> tuple[list, list]:
    """Student's t 95 % interval of each mean, clipped to [0, 1]; None under two values. One
    ``t.ppf`` call for all (scipy's per-call overhead was most of the shapes' scoring time)."""
    sizes = np.asarray(sizes, dtype=float)
    defined = sizes >= 2
    quantiles = np.full(sizes.shape, np.nan)
    quantiles[defined] = stats.t.ppf(0.975, sizes[defined] - 1)
    lows, highs = [], []
    for mean, quantile, spread, known in zip(means, quantiles, spreads, defined, strict=True):
        if not known:
            lows.append(None)
            highs.append(None)
            continue
        half = float(quantile * spread)
        lows.append(max(mean - half, 0.0))
        highs.append(min(mean + half, 1.0))
    return lows, highs


def _row(project, annotator, task_type, class_name, gold_tasks, counts, **extra) -> dict:
    """One score row: precision, recall and F1 from (gold, chosen, matched) counts; their
    intervals are added for all rows at once (``_with_intervals``)."""
    gold, chosen, matched = counts
    row = dict.fromkeys(SCORE_COLUMNS)
    row.update(
        project_key=project,
        annotator=annotator,
        task_type=task_type,
        class_name=class_name,
        is_all_classes=class_name is None,
        gold_tasks=int(gold_tasks),
        gold_items=int(gold),
        chosen_items=int(chosen),
        matched_items=int(matched),
        precision=_share(matched, chosen),
        recall=_share(matched, gold),
        f1=_share(2 * matched, gold + chosen),
    )
    row.update(extra)
    return row


def _with_intervals(frame: pd.DataFrame) -> pd.DataFrame:
    """Wilson intervals of every row's shares, in one call per share (statsmodels computes
    them element by element: the same floats as one call per row)."""
    gold, chosen = frame.gold_items.to_numpy(float), frame.chosen_items.to_numpy(float)
    matched = frame.matched_items.to_numpy(float)
    # Accuracy only where it is defined: the all-classes classification rows.
    has_accuracy = frame.correct_tasks.notna().to_numpy()
    correct = frame.correct_tasks.to_numpy(float, na_value=0.0)
    tasks = np.where(has_accuracy, frame.gold_tasks.to_numpy(float), 0.0)
    for share, (successes, trials) in {
        "accuracy": (correct, tasks),
        "precision": (matched, chosen),
        "recall": (matched, gold),
        "f1": (matched, (gold + chosen) / 2),
    }.items():
        frame[f"{share}_low"], frame[f"{share}_high"] = wilson_many(successes, trials)
    return frame


def _references(labels: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The gold's labels (the input holds one gold annotation per task) and the checked
    annotations' labels."""
    return labels[labels.is_ground_truth], labels[~labels.is_ground_truth]


def choice_sets(labels: pd.DataFrame) -> pd.DataFrame:
    """Per checked annotation on a task whose gold chose classes: the gold's and the
    annotator's class sets (frozensets) and the annotation's confidence."""
    gold, checked = _references(labels)
    gold_choices = gold[gold.shape_type == CHOICE]
    gold_sets = _class_sets(gold_choices, "task_key")
    checked = checked[checked.task_key.isin(gold_sets.index)]
    annotations = checked.groupby("annotation_key", sort=True).agg(
        project_key=("project_key", "first"),
        task_key=("task_key", "first"),
        annotator=("annotator", "first"),
        confidence=("annotation_confidence", "first"),
    )
    chosen = _class_sets(checked[checked.shape_type == CHOICE], "annotation_key")
    annotations["chosen"] = chosen.reindex(annotations.index)
    annotations["chosen"] = annotations["chosen"].apply(
        lambda value: value if isinstance(value, frozenset) else frozenset()
    )
    annotations["gold"] = annotations.task_key.map(gold_sets)
    annotations["is_correct"] = annotations.chosen == annotations.gold
    return annotations.reset_index()


def _class_sets(labels: pd.DataFrame, key: str) -> pd.Series:
    """The set of classes of each ``key`` (sorted keys), as ``groupby(key).agg(frozenset)``
    gives it, from each group's positions (a pandas slice per group cost most of the time)."""
    names = labels["class_name"].to_numpy(dtype=object)
    groups = labels.groupby(key, sort=True).indices
    sets = [frozenset(names[positions].tolist()) for positions in groups.values()]
    return pd.Series(sets, index=pd.Index(list(groups), name=key), name="class_name", dtype=object)


def _classification_rows(sets: pd.DataFrame) -> list[dict]:
    """Per project and annotator one all-classes row, then one per class in either set. The
    annotations are read as positions into numpy columns, in the sets' own order, so each mean
    sums the same confidences in the same order as the annotations' filtered frame would."""
    confidence = sets.confidence.to_numpy(dtype=float, na_value=np.nan)
    is_correct = sets.is_correct.to_numpy(dtype=bool)
    # One entry per annotation and class in its gold or chosen set.
    entries = [
        (position, klass, klass in gold, klass in chosen)
        for position, (gold, chosen) in enumerate(zip(sets.gold, sets.chosen, strict=True))
        for klass in gold | chosen
    ]
    annotation, classes, in_gold, in_chosen = (
        (np.array(column) for column in zip(*entries, strict=True))
        if entries
        else (np.array([], dtype=np.int64), np.array([], dtype=object), *[np.array([], bool)] * 2)
    )
    people = sets.groupby(["project_key", "annotator"], sort=True).indices
    person_of = np.empty(len(sets), dtype=np.int64)
    for number, positions in enumerate(people.values()):
        person_of[positions] = number
    # Each (person, class): its entries, in annotation order because the entries were listed
    # in that order and a group's positions come ascending.
    class_groups = (
        pd.DataFrame({"person": person_of[annotation], "class_name": classes})
        .groupby(["person", "class_name"], sort=True)
        .indices
    )
    classes_of: dict[int, list] = {}
    for (person, klass), ordered in class_groups.items():
        classes_of.setdefault(person, []).append((klass, ordered))
    rows = []
    for number, ((project, annotator), positions) in enumerate(people.items()):
        correct = is_correct[positions]
        per_class = []
        for klass, ordered in classes_of.get(number, []):
            gold, chosen = in_gold[ordered], in_chosen[ordered]
            counts = (int(gold.sum()), int(chosen.sum()), int((gold & chosen).sum()))
            mine = confidence[annotation[ordered]]
            per_class.append(
                _row(
                    project, annotator, "classification", klass, len(ordered), counts,
                    mean_confidence_correct=_mean_of_present(mine[chosen & gold]),
                    mean_confidence_wrong=_mean_of_present(mine[chosen & ~gold]),
                )
            )  # fmt: skip
        totals = tuple(sum(row[key] for row in per_class) for key in _COUNT_KEYS)
        right = int(correct.sum())
        rows.append(
            _row(
                project, annotator, "classification", None, len(positions), totals,
                correct_tasks=right, accuracy=right / len(positions),
                mean_confidence_correct=_mean_of_present(confidence[positions][correct]),
                mean_confidence_wrong=_mean_of_present(confidence[positions][~correct]),
            )
        )  # fmt: skip
        rows += per_class
    return rows


_COUNT_KEYS = ("gold_items", "chosen_items", "matched_items")


def object_matches(labels: pd.DataFrame, iou_threshold: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per checked annotation on a task whose project's gold draws shapes: one row per object,
    gold or drawn, with ``side`` 'matched' (one row per match, the drawn object's confidence),
    'missed' (a gold object left unmatched) or 'extra' (a drawn object left unmatched); and
    the compared annotations (one with no object on either side still counts as a task)."""
    gold, checked = _references(labels)
    boxed = labels[BOX_COLUMNS[0]].notna() & labels.class_name.notna()
    shape_projects = labels.loc[boxed & labels.is_ground_truth, "project_key"].unique()
    checked = checked[checked.project_key.isin(shape_projects)]
    keys = ["project_key", "annotation_key", "annotator", "task_key"]
    columns = [*keys, "class_name", "side", "iou", "label_confidence"]
    if checked.empty:
        return pd.DataFrame(columns=columns), pd.DataFrame(columns=keys)
    gold_boxes = gold[boxed[gold.index]].assign(box=lambda f: f.groupby("task_key").cumcount())
    drawn = checked[boxed[checked.index]].assign(
        box=lambda f: f.groupby("annotation_key").cumcount()
    )
    candidates = drawn.merge(
        gold_boxes[["task_key", "class_name", "box", *BOX_COLUMNS]],
        on=["task_key", "class_name"],
        suffixes=("", "_gold"),
    )
    ious = box_ious(
        candidates[list(BOX_COLUMNS)].to_numpy(dtype=float),
        candidates[[f"{column}_gold" for column in BOX_COLUMNS]].to_numpy(dtype=float),
    )
    # Below the threshold a pair is no candidate (greedy_matches keeps IoU > 0 only).
    ious = np.where(ious >= iou_threshold, ious, 0.0)
    group = candidates.groupby(["annotation_key", "class_name"], sort=True).ngroup().to_numpy()
    accepted = greedy_matches(
        group, ious, candidates.box.to_numpy(), candidates.box_gold.to_numpy()
    )
    matches = candidates.iloc[accepted].assign(iou=ious[accepted], side="matched")
    extra = drawn[~_keys(drawn, "box").isin(_keys(matches, "box"))]
    extra = extra.assign(side="extra", iou=np.nan)
    # Every checked annotation meets every gold object of its task.
    annotations = checked.drop_duplicates("annotation_key")[keys]
    gold_met = annotations.merge(
        gold_boxes[["task_key", "class_name", "box"]], on="task_key", how="inner"
    )
    missed = gold_met[~_keys(gold_met, "box").isin(_keys(matches, "box_gold"))]
    missed = missed.assign(side="missed", iou=np.nan, label_confidence=np.nan)
    objects = pd.concat([matches[columns], extra[columns], missed[columns]], ignore_index=True)
    return objects, annotations


def _keys(frame: pd.DataFrame, box: str) -> pd.MultiIndex:
    """(annotation, box number) of each row: a drawn or a gold object as met by an annotation."""
    return pd.MultiIndex.from_arrays([frame.annotation_key, frame[box]])


_SIDES = ("matched", "extra", "missed")


def _shape_rows(objects: pd.DataFrame, annotations: pd.DataFrame) -> list[dict]:
    """Per project and annotator one all-classes row, then one per class. Each group's objects
    are read as positions into numpy columns, in the objects' own order (the means sum the
    same values in the same order as a filtered frame would)."""
    side = objects.side.map({name: code for code, name in enumerate(_SIDES)}).to_numpy()
    columns = {
        "side": side,
        "iou": objects.iou.to_numpy(dtype=float),
        "confidence": objects.label_confidence.to_numpy(dtype=float, na_value=np.nan),
        "task": pd.factorize(objects.task_key)[0],
    }
    by_person = objects.groupby(["project_key", "annotator"], sort=False).indices
    by_class = objects.groupby(["project_key", "annotator", "class_name"], sort=True).indices
    classes_of: dict[tuple, list] = {}
    for project, annotator, klass in by_class:
        classes_of.setdefault((project, annotator), []).append(klass)
    nothing = np.array([], dtype=np.int64)
    rows, spreads = [], []
    tasks = annotations.groupby(["project_key", "annotator"], sort=True).task_key.nunique()
    for (project, annotator), gold_tasks in tasks.items():
        mine = by_person.get((project, annotator), nothing)
        rows.append(_shape_row(project, annotator, None, columns, mine, spreads, gold_tasks))
        for klass in classes_of.get((project, annotator), []):
            positions = by_class[(project, annotator, klass)]
            rows.append(_shape_row(project, annotator, klass, columns, positions, spreads))
    sizes, standard_errors = zip(*spreads, strict=True) if spreads else ((), ())
    lows, highs = _t_intervals([row["mean_iou"] for row in rows], sizes, standard_errors)
    for row, low, high in zip(rows, lows, highs, strict=True):
        row.update(mean_iou_low=low, mean_iou_high=high)
    return rows


def _shape_row(project, annotator, klass, columns, positions, spreads, gold_tasks=None) -> dict:
    """The row (its mean IoU's interval left to ``_shape_rows``); appends the mean's count and
    standard error to ``spreads``."""
    side = columns["side"][positions]
    matched, extra, missed = (side == code for code in range(len(_SIDES)))
    counts = (
        int(matched.sum() + missed.sum()),
        int(matched.sum() + extra.sum()),
        int(matched.sum()),
    )
    mean_iou, size, standard_error = _mean_and_spread(columns["iou"][positions][matched])
    spreads.append((size, standard_error))
    confidence = columns["confidence"][positions]
    if gold_tasks is None:
        gold_tasks = np.unique(columns["task"][positions]).size
    return _row(
        project, annotator, "shapes", klass, gold_tasks, counts,
        mean_iou=mean_iou,
        mean_confidence_correct=_mean_of_present(confidence[matched]),
        mean_confidence_wrong=_mean_of_present(confidence[extra]),
    )  # fmt: skip


def _mean_of_present(values: np.ndarray) -> float | None:
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else None


def ground_truth_scores(labels: pd.DataFrame, iou_threshold: float = 0.5) -> pd.DataFrame:
    """Score rows (SCORE_COLUMNS): per project, annotator and task type one all-classes row,
    then one row per class in play."""
    rows = _classification_rows(choice_sets(labels))
    rows += _shape_rows(*object_matches(labels, iou_threshold))
    counts = ["gold_tasks", "correct_tasks", *_COUNT_KEYS]
    shares = [column for column in SCORE_COLUMNS[SCORE_COLUMNS.index("accuracy") :]]
    # Typed even when a column holds no value at all (no confidences, or no gold at all): a
    # column of None would reach the warehouse as type NULL.
    frame = _with_intervals(pd.DataFrame(rows, columns=SCORE_COLUMNS)).astype(
        {
            **dict.fromkeys(["project_key", "annotator", "task_type", "class_name"], "string"),
            "is_all_classes": "boolean",
            **dict.fromkeys(counts, "Int64"),
            **dict.fromkeys(set(shares) - set(counts), "float64"),
        }
    )
    return frame.sort_values(
        ["project_key", "annotator", "task_type", "is_all_classes", "class_name"],
        ascending=[True, True, True, False, True],
        ignore_index=True,
    )


def confusion(labels: pd.DataFrame) -> pd.DataFrame:
    """Gold class x chosen class task counts per project and annotator (CONFUSION_COLUMNS).

    A class both chose is a (class, class) cell. Of the rest, when the gold has exactly one
    class the annotator did not choose and the annotator exactly one the gold lacks, the pair
    is one confusion cell (so single choice gives the usual matrix); otherwise each unmatched
    gold class is (class, null) - missed - and each unmatched chosen class (null, class)."""
    cells: dict[tuple, int] = {}
    for row in choice_sets(labels).itertuples(index=False):
        unmatched_gold = sorted(row.gold - row.chosen)
        unmatched_chosen = sorted(row.chosen - row.gold)
        pairs = [(klass, klass) for klass in sorted(row.gold & row.chosen)]
        if len(unmatched_gold) == 1 and len(unmatched_chosen) == 1:
            pairs.append((unmatched_gold[0], unmatched_chosen[0]))
        else:
            pairs += [(klass, None) for klass in unmatched_gold]
            pairs += [(None, klass) for klass in unmatched_chosen]
        for gold_class, chosen_class in pairs:
            key = (row.project_key, row.annotator, gold_class, chosen_class)
            cells[key] = cells.get(key, 0) + 1
    frame = pd.DataFrame(
        [(*key, tasks) for key, tasks in sorted(cells.items(), key=_none_last)],
        columns=CONFUSION_COLUMNS,
    )
    # Typed even without a row (no gold): a column of None would reach the warehouse as NULL.
    return frame.astype(
        {**dict.fromkeys(["project_key", "annotator", "gold_class", "chosen_class"], "string"),
         "tasks": "int64"}
    )  # fmt: skip


def _none_last(item: tuple) -> tuple:
    return tuple((value is None, value or "") for value in item[0])
