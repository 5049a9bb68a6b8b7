"""Inter-annotator agreement on tasks labeled by more than one person (called by dbt).

Unit of agreement: for every overlap task and every class of the project, whether each
annotator labeled at least one object of that class (present / absent). On those items:
Cohen's kappa per annotator pair (statsmodels), Krippendorff's alpha per project and per class
(krippendorff, nominal, any number of raters, missing allowed) with a bootstrap 95 % interval
over tasks, and the mean IoU of boxes matched greedily by class between two annotations.
"""

import krippendorff
import numpy as np
import pandas as pd
from statsmodels.stats.inter_rater import cohens_kappa

AGREEMENT_COLUMNS = [
    "project_key",
    "scope",
    "subject",
    "tasks",
    "raters",
    "items",
    "observed_agreement",
    "cohen_kappa",
    "krippendorff_alpha",
    "alpha_low",
    "alpha_high",
    "mean_box_iou",
    "matched_boxes",
]


def presence_items(labels: pd.DataFrame) -> pd.DataFrame:
    """labels: project_key, task_key, annotator, class_name (one row per object) ->
    one row per (project, task, class, annotator) with present 0/1 over the project's classes."""
    classes = labels.dropna(subset=["class_name"]).groupby("project_key")["class_name"].unique()
    # An annotation with no objects still counts: every class absent.
    seen = labels.groupby(["project_key", "task_key", "annotator"])["class_name"].agg(
        lambda names: {name for name in names if isinstance(name, str)}
    )
    rows = []
    for (project, task, annotator), present in seen.items():
        for klass in classes.get(project, ()):
            rows.append((project, task, klass, annotator, int(klass in present)))
    return pd.DataFrame(
        rows, columns=["project_key", "task_key", "class_name", "annotator", "present"]
    )


def reliability_matrix(items: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(raters x items matrix of 0/1 with NaN where a rater did not see the task, the task of
    each item column)."""
    matrix = items.pivot_table(
        index="annotator", columns=["task_key", "class_name"], values="present", aggfunc="first"
    )
    return matrix.to_numpy(dtype=float), matrix.columns.get_level_values(0).to_numpy()


def alpha_of(values: np.ndarray) -> float | None:
    """Krippendorff's alpha (nominal) of a raters x items matrix; None when undefined."""
    if values.shape[0] < 2 or values.shape[1] < 2:
        return None
    seen = values[~np.isnan(values)]
    if seen.size == 0:
        return None
    if np.all(seen == seen[0]):
        return 1.0  # every rater always gave the same single value: perfect, trivially
    return float(krippendorff.alpha(reliability_data=values, level_of_measurement="nominal"))


def alpha(items: pd.DataFrame) -> float | None:
    return alpha_of(reliability_matrix(items)[0])


def bootstrap_alpha(items: pd.DataFrame, resamples: int, seed: int) -> tuple:
    """2.5th and 97.5th percentiles of alpha over resamples of whole tasks.

    Nominal alpha only needs, per task, sums over its items of the 0 and 1 counts and of
    n0 * n1 / (m - 1) (m = raters of the item); a resample is the drawn tasks' counts times
    those sums, so all resamples are one matrix product instead of an alpha per resample over a
    rebuilt matrix (which grew with tasks x items and took minutes at 1 M events). Same draws
    as before (``rng.integers`` per resample), same estimates as ``alpha_of`` on the resampled
    matrix (tests/test_bench_agreement_bootstrap.py).
    """
    values, item_task = reliability_matrix(items)
    tasks, task_index = np.unique(item_task, return_inverse=True)
    if len(tasks) < 5:
        return None, None
    rng = np.random.default_rng(seed)
    draws = np.stack([rng.integers(0, len(tasks), len(tasks)) for _ in range(resamples)])
    estimates = _resampled_alphas(values, task_index, len(tasks), draws)
    estimates = [value for value in estimates if value is not None]
    if not estimates:
        return None, None
    return float(np.percentile(estimates, 2.5)), float(np.percentile(estimates, 97.5))


def _resampled_alphas(
    values: np.ndarray, task_index: np.ndarray, task_count: int, draws: np.ndarray
) -> list[float | None]:
    """``alpha_of`` of each resample (a row of task numbers in ``draws``), from per-task sums."""
    zeros = np.sum(values == 0, axis=0).astype(float)
    ones = np.sum(values == 1, axis=0).astype(float)
    raters = zeros + ones
    pairable = raters >= 2
    disagreement = np.where(pairable, zeros * ones / np.maximum(raters - 1, 1), 0.0)
    per_task = np.zeros((task_count, 6))
    for column, item_values in enumerate(
        (
            disagreement,
            np.where(pairable, zeros, 0.0),
            np.where(pairable, ones, 0.0),
            zeros,
            ones,
            np.ones_like(zeros),
        )
    ):
        per_task[:, column] = np.bincount(task_index, weights=item_values, minlength=task_count)
    counts = np.stack([np.bincount(row, minlength=task_count) for row in draws])
    totals = counts @ per_task
    estimates: list[float | None] = []
    for disagree, pair_zeros, pair_ones, all_zeros, all_ones, columns in totals:
        if values.shape[0] < 2 or columns < 2 or all_zeros + all_ones == 0:
            estimates.append(None)
        elif all_zeros == 0 or all_ones == 0:
            estimates.append(1.0)  # as alpha_of: one value throughout is perfect agreement
        elif pair_zeros * pair_ones == 0:
            estimates.append(float("nan"))  # no pairable disagreement possible: undefined
        else:
            pairs = pair_zeros + pair_ones
            estimates.append(float(1 - (pairs - 1) * disagree / (pair_zeros * pair_ones)))
    return estimates


def box_iou(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    width = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    height = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = width * height
    union = aw * ah + bw * bh - inter
    # min(): identical boxes can come out at 1.0000000000000002 in floating point.
    return min(inter / union, 1.0) if union > 0 else 0.0


def matched_ious(first: pd.DataFrame, second: pd.DataFrame) -> list[float]:
    """Greedy one-to-one matching of same-class boxes by IoU (pairs with IoU > 0)."""
    ious = []
    for klass, boxes_a in first.groupby("class_name"):
        boxes_b = second[second.class_name == klass]
        candidates = sorted(
            (
                (box_iou(a, b), i, j)
                for i, a in enumerate(boxes_a.bbox)
                for j, b in enumerate(boxes_b.bbox)
            ),
            reverse=True,
        )
        used_a, used_b = set(), set()
        for iou, i, j in candidates:
            if iou > 0 and i not in used_a and j not in used_b:
                used_a.add(i)
                used_b.add(j)
                ious.append(iou)
    return ious


def agreement(labels: pd.DataFrame, resamples: int = 200, seed: int = 7) -> pd.DataFrame:
    """labels: one row per object on overlap tasks (project_key, task_key, annotator,
    class_name, bbox or None)."""
    items = presence_items(labels)
    rows = []
    for project, project_items in items.groupby("project_key"):
        low, high = bootstrap_alpha(project_items, resamples, seed)
        rows.append(
            _row(project, "project", project, project_items, alpha(project_items), low, high)
        )
        for klass, class_items in project_items.groupby("class_name"):
            low, high = bootstrap_alpha(class_items, resamples, seed)
            rows.append(_row(project, "class", klass, class_items, alpha(class_items), low, high))
        rows += _pair_rows(project, project_items, labels[labels.project_key == project])
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)


def _pair_rows(project: str, items: pd.DataFrame, labels: pd.DataFrame) -> list[dict]:
    """Cohen's kappa and box IoU for every pair of annotators who share at least one task.
    Pairs come from a self-join on the shared items, so cost grows with overlap, not with the
    square of the team."""
    pairs = items.merge(items, on=["task_key", "class_name"], suffixes=("_a", "_b"))
    pairs = pairs[pairs.annotator_a < pairs.annotator_b]
    boxes = labels[labels.bbox.notna()][["task_key", "annotator", "class_name", "bbox"]]
    box_groups = {key: frame for key, frame in boxes.groupby(["task_key", "annotator"])}
    rows = []
    for (first, second), shared in pairs.groupby(["annotator_a", "annotator_b"], sort=True):
        table = np.zeros((2, 2))
        np.add.at(table, (shared.present_a.to_numpy(), shared.present_b.to_numpy()), 1)
        observed = float(np.trace(table) / table.sum())
        expected = (table.sum(1) @ table.sum(0)) / table.sum() ** 2
        kappa = None if expected >= 1.0 else float(cohens_kappa(table).kappa)
        ious = []
        for task in sorted(shared.task_key.unique()):
            if (task, first) in box_groups and (task, second) in box_groups:
                ious += matched_ious(box_groups[(task, first)], box_groups[(task, second)])
        rows.append(
            {
                "project_key": project,
                "scope": "pair",
                "subject": f"{first} | {second}",
                "tasks": int(shared.task_key.nunique()),
                "raters": 2,
                "items": len(shared),
                "observed_agreement": observed,
                "cohen_kappa": kappa,
                "krippendorff_alpha": None,
                "alpha_low": None,
                "alpha_high": None,
                "mean_box_iou": float(np.mean(ious)) if ious else None,
                "matched_boxes": len(ious),
            }
        )
    return rows


def _row(project, scope, subject, items, value, low, high) -> dict:
    per_item = items.groupby(["task_key", "class_name"])["present"]
    agreeing = (per_item.nunique() == 1).mean() if len(items) else None
    return {
        "project_key": project,
        "scope": scope,
        "subject": subject,
        "tasks": int(items.task_key.nunique()),
        "raters": int(items.annotator.nunique()),
        "items": int(per_item.ngroups),
        "observed_agreement": float(agreeing),
        "cohen_kappa": None,
        "krippendorff_alpha": value,
        "alpha_low": low,
        "alpha_high": high,
        "mean_box_iou": None,
        "matched_boxes": None,
    }
