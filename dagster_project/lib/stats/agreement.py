"""Inter-annotator agreement on tasks labeled by more than one person (called by dbt).

Unit of agreement: for every overlap task and every class of the project, whether each
annotator labeled at least one object of that class (present / absent). On those items:
Cohen's kappa per annotator pair (statsmodels), Krippendorff's alpha per project and per class
(krippendorff, nominal, any number of raters, missing allowed) with a bootstrap 95 % interval
over tasks, and the mean IoU of boxes matched greedily by class between two annotations.

In a classification project (every label a chosen class, ``shape_type`` 'choice') the
project's alpha and a pair's observed agreement and kappa are over the class set each chose
per task instead (one nominal value per task and annotator): two people who chose the same
class on 57 % of images agree on 57 %, not on the ~91 % of task x class items where both left a
class out. Alpha per class stays over presence items. Box columns do not apply there (null).
"""

import functools

import krippendorff
import numpy as np
import pandas as pd
from statsmodels.stats.inter_rater import cohens_kappa

from dagster_project.lib.stats.box_matching import box_ious, greedy_matches

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
    one row per (project, task, class, annotator) with present 0/1 over the project's classes,
    ordered by project, task and annotator, then by class in order of first appearance."""
    keys = ["project_key", "task_key", "annotator"]
    classes = labels.dropna(subset=["class_name"]).groupby("project_key")["class_name"].unique()
    project_classes = pd.DataFrame(
        [
            (project, klass, position)
            for project, names in classes.items()
            for position, klass in enumerate(names)
        ],
        columns=["project_key", "class_name", "class_position"],
    )
    # An annotation with no objects still counts: every class absent.
    annotations = labels.dropna(subset=keys)[keys].drop_duplicates()
    annotations = annotations.sort_values(keys, ignore_index=True)
    annotations["annotation_position"] = np.arange(len(annotations))
    present = labels.dropna(subset=[*keys, "class_name"])[[*keys, "class_name"]]
    present = present.drop_duplicates().assign(present=1)
    items = annotations.merge(project_classes, on="project_key").merge(
        present, on=[*keys, "class_name"], how="left"
    )
    items = items.sort_values(["annotation_position", "class_position"], ignore_index=True)
    items["present"] = items["present"].fillna(0).astype(int)
    return items[["project_key", "task_key", "class_name", "annotator", "present"]]


def reliability_matrix(items: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(raters x items matrix of 0/1 with NaN where a rater did not see the task, the task and
    the class of each item column); raters and items sorted as ``pivot_table`` sorts them.
    The textbook input of Krippendorff's alpha: the marts use ``item_value_counts`` instead,
    and tests check both give the same alpha."""
    rater_of_row = items.groupby("annotator", sort=True, observed=True).ngroup().to_numpy()
    item_groups = items.groupby(["task_key", "class_name"], sort=True, observed=True)
    item_of_row = item_groups.ngroup().to_numpy()
    item_keys = item_groups.size().index
    values = np.full((rater_of_row.max() + 1, len(item_keys)), np.nan)
    values[rater_of_row, item_of_row] = items["present"].to_numpy(dtype=float)
    return (
        values,
        item_keys.get_level_values(0).to_numpy(),
        item_keys.get_level_values(1).to_numpy(),
    )


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


def _task_draws(task_count: int, resamples: int, seed: int) -> np.ndarray | None:
    """Bootstrap resamples of the tasks, one row of task numbers each; None under five tasks.
    Every alpha's interval draws the same way (same seed and task count, same draws)."""
    if task_count < 5:
        return None
    rng = np.random.default_rng(seed)
    return np.stack([rng.integers(0, task_count, task_count) for _ in range(resamples)])


@functools.lru_cache(maxsize=1)
def _draw_counts(task_count: int, resamples: int, seed: int) -> np.ndarray | None:
    """How often each resample of ``_task_draws`` drew each task (resamples x tasks); None
    under five tasks. Cached: a project's every class has items on every task of the project,
    so all its class alphas resample the same task count, and drawing and counting was most of
    each interval's cost."""
    draws = _task_draws(task_count, resamples, seed)
    if draws is None:
        return None
    counts = _counts_of_draws(draws, task_count)
    counts.flags.writeable = False
    return counts


def _counts_of_draws(draws: np.ndarray, task_count: int) -> np.ndarray:
    """How often each row of task numbers drew each task (rows x tasks)."""
    return np.stack([np.bincount(row, minlength=task_count) for row in draws])


def _percentile_interval(estimates: list[float]) -> tuple[float | None, float | None]:
    """The 2.5th and 97.5th percentiles of the resampled estimates; (None, None) without any."""
    if not estimates:
        return None, None
    return float(np.percentile(estimates, 2.5)), float(np.percentile(estimates, 97.5))


def _bootstrap_from_counts(zeros, ones, raters, task_index, task_count, resamples, seed) -> tuple:
    draw_counts = _draw_counts(task_count, resamples, seed)
    if draw_counts is None:
        return None, None
    estimates = _alphas_of_resamples(zeros, ones, raters, task_index, task_count, draw_counts)
    return _percentile_interval([value for value in estimates if value is not None])


def _resampled_alphas(
    values: np.ndarray, task_index: np.ndarray, task_count: int, draws: np.ndarray
) -> list[float | None]:
    """``alpha_of`` of each resample (a row of task numbers in ``draws``), from per-task sums."""
    zeros = np.sum(values == 0, axis=0)
    ones = np.sum(values == 1, axis=0)
    draw_counts = _counts_of_draws(draws, task_count)
    return _alphas_of_resamples(zeros, ones, values.shape[0], task_index, task_count, draw_counts)


def _alphas_of_resamples(
    zeros: np.ndarray,
    ones: np.ndarray,
    raters: int,
    task_index: np.ndarray,
    task_count: int,
    draw_counts: np.ndarray,
) -> list[float | None]:
    """Alpha of each resample; ``draw_counts``: how often each resample drew each task."""
    zeros = zeros.astype(float)
    ones = ones.astype(float)
    item_raters = zeros + ones
    pairable = item_raters >= 2
    disagreement = np.where(pairable, zeros * ones / np.maximum(item_raters - 1, 1), 0.0)
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
    totals = draw_counts @ per_task
    estimates: list[float | None] = []
    for disagree, pair_zeros, pair_ones, all_zeros, all_ones, columns in totals:
        if raters < 2 or columns < 2 or all_zeros + all_ones == 0:
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


# A box as four columns (NaN without a box), not a list: DuckDB hands double columns to pandas
# far faster than a list column of Python objects.
BOX_COLUMNS = ("box_x", "box_y", "box_width", "box_height")
# Keys joined and grouped on many times: as categories in sorted order, merges and groupbys work
# on integer codes whose order is the strings' order.
CODED_KEYS = ("task_key", "annotator")


def _sorted_categories(values: pd.Series) -> pd.Categorical:
    return pd.Categorical(values, categories=sorted(values.dropna().unique()), ordered=True)


def agreement(labels: pd.DataFrame, resamples: int = 200, seed: int = 7) -> pd.DataFrame:
    """labels: one row per object on overlap tasks (project_key, task_key, annotator,
    class_name, and the box's BOX_COLUMNS, NaN without a box)."""
    labels = labels.assign(**{key: _sorted_categories(labels[key]) for key in CODED_KEYS})
    items = presence_items(labels)
    items["class_name"] = _sorted_categories(items["class_name"])
    rows = []
    for project, project_items in items.groupby("project_key"):
        project_labels = labels[labels.project_key == project]
        classification = is_classification(project_labels)
        zeros, ones, item_keys = _item_counts(project_items)
        # Tasks as integers in their sorted order (np.unique on the strings is slow at scale);
        # classes as strings to pick each class's items.
        item_task = pd.factorize(item_keys.get_level_values(0), sort=True)[0]
        item_class = item_keys.get_level_values(1).to_numpy()
        raters = int(project_items["annotator"].nunique())
        if classification:
            rows.append(_class_set_alpha_row(project, project_labels, resamples, seed))
        else:
            rows.append(
                _alpha_row(
                    project, "project", project, (zeros, ones, item_task), raters, resamples, seed
                )
            )
        # A class's items are the project's items of that class, still in task order.
        class_raters = project_items.groupby("class_name", sort=True, observed=True)["annotator"]
        for klass, class_rater_count in class_raters.nunique().items():
            of_class = item_class == klass
            counts = (zeros[of_class], ones[of_class], item_task[of_class])
            rows.append(
                _alpha_row(project, "class", klass, counts, int(class_rater_count), resamples, seed)
            )
        if classification:
            rows += _class_set_pair_rows(project, project_labels)
        else:
            rows += _pair_rows(project, project_items, project_labels)
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)


CHOICE = "choice"


def is_classification(labels: pd.DataFrame) -> bool:
    """Every label of the project is a chosen class (needs the ``shape_type`` column)."""
    if "shape_type" not in labels.columns:
        return False
    labelled = labels.shape_type[labels.class_name.notna()]
    return bool(len(labelled)) and bool((labelled == CHOICE).all())


# Class sets are summed as bit masks when a project has at most this many classes.
_MASK_CLASSES = 62


def class_set_answers(labels: pd.DataFrame) -> pd.DataFrame:
    """One row per task and annotator: the classes chosen, sorted and joined by " + " (empty
    when the annotator chose none), as one nominal answer."""
    keys = ["task_key", "annotator"]
    answers = labels[keys].drop_duplicates()
    chosen = labels.dropna(subset=["class_name"])[[*keys, "class_name"]].drop_duplicates()
    names = sorted(chosen["class_name"].unique())
    if len(names) <= _MASK_CLASSES:
        # Each class a bit, in sorted order: a set's mask is the sum of its distinct classes'
        # bits, and each distinct mask is spelled out once (a join per annotation was most of
        # the classification agreement's time at scale).
        bits = np.left_shift(
            np.int64(1), pd.Categorical(chosen["class_name"], categories=names).codes
        )
        masks = chosen.assign(mask=bits).groupby(keys, observed=True)["mask"].sum()
        spelled = {
            mask: " + ".join(name for bit, name in enumerate(names) if mask >> bit & 1)
            for mask in np.unique(masks.to_numpy()).tolist()
        }
        chosen = masks.map(spelled).rename("answer")
    else:
        chosen = chosen.groupby(keys, observed=True)["class_name"]
        chosen = chosen.agg(lambda names: " + ".join(sorted(set(names)))).rename("answer")
    answers = answers.merge(chosen.reset_index(), on=keys, how="left")
    return answers.fillna({"answer": ""})


def _class_set_alpha_row(project: str, labels: pd.DataFrame, resamples: int, seed: int) -> dict:
    """Krippendorff's alpha (nominal) of the class sets chosen per task, from the tasks x
    answers counts; its bootstrap interval resamples tasks as the presence alphas do (same
    draws for the same seed and task count)."""
    answers = class_set_answers(labels)
    counts = pd.crosstab(answers.task_key, answers.answer)
    value_counts = counts.to_numpy(dtype=float)
    raters = int(answers.annotator.nunique())
    task_count = len(value_counts)
    low = high = None
    draw_counts = _draw_counts(task_count, resamples, seed)
    if draw_counts is not None:
        estimates = _value_count_alphas_of_resamples(value_counts, raters, draw_counts)
        low, high = _percentile_interval(
            [value for value in estimates if value is not None and not np.isnan(value)]
        )
    rated = value_counts.sum(axis=1)
    pairable = rated >= 2
    # A task agrees when everyone who answered it gave the same class set.
    agreeing = (value_counts.max(axis=1) == rated)[pairable]
    return _agreement_row(
        project, "project", project, tasks=task_count, raters=raters, items=task_count,
        observed_agreement=float(agreeing.mean()) if agreeing.size else None,
        krippendorff_alpha=_alpha_of_value_counts(value_counts, raters),
        alpha_low=low, alpha_high=high,
    )  # fmt: skip


def _agreement_row(project: str, scope: str, subject: str, **figures) -> dict:
    """A row of AGREEMENT_COLUMNS: the figures given, null for every other (box columns in a
    classification project, alpha on a pair row, ...)."""
    row = dict.fromkeys(AGREEMENT_COLUMNS)
    row.update(project_key=project, scope=scope, subject=subject, **figures)
    return row


def _value_count_alphas_of_resamples(
    value_counts: np.ndarray, raters: int, draw_counts: np.ndarray
) -> list[float | None]:
    """``_alpha_of_value_counts`` of each resample of the items (rows of ``value_counts``),
    ``draw_counts`` saying how often each resample drew each item, from per-item sums as
    krippendorff forms them: nominal alpha = 1 - (n - 1) D / (n² - sum of n_c²), where an
    item rated m >= 2 times adds its counts to n_c and (m² - sum of its squared counts) /
    (m - 1) to D; an item rated once adds nothing."""
    if raters < 2 or len(value_counts) < 2:
        return [None] * len(draw_counts)
    rated = value_counts.sum(axis=1)
    pairable = rated >= 2
    per_item = np.zeros((len(value_counts), value_counts.shape[1] + 2))
    per_item[:, 0] = np.where(
        pairable, (rated**2 - (value_counts**2).sum(axis=1)) / np.maximum(rated - 1, 1), 0.0
    )
    per_item[:, 1] = rated
    per_item[:, 2:] = np.where(pairable[:, None], value_counts, 0.0)
    totals = draw_counts @ per_item
    values_seen = (draw_counts @ value_counts > 0).sum(axis=1)
    estimates: list[float | None] = []
    for (disagreement, ratings, *value_totals), seen in zip(totals, values_seen, strict=True):
        if ratings == 0:
            estimates.append(None)
        elif seen == 1:
            estimates.append(1.0)  # as _alpha_of_value_counts: one value throughout
        else:
            pairable_values = np.array(value_totals)
            pairs = pairable_values.sum()
            expected = pairs**2 - (pairable_values**2).sum()
            if pairs < 2 or expected == 0:
                estimates.append(float("nan"))  # no pairable disagreement possible: undefined
            else:
                estimates.append(float(1 - (pairs - 1) * disagreement / expected))
    return estimates


def _alpha_of_value_counts(value_counts: np.ndarray, raters: int) -> float | None:
    """Krippendorff's alpha (nominal) of items x values counts; None when undefined."""
    if raters < 2 or len(value_counts) < 2 or value_counts.sum() == 0:
        return None
    if (value_counts.sum(axis=0) > 0).sum() == 1:
        return 1.0  # everyone always gave the same single value: perfect, trivially
    return float(krippendorff.alpha(value_counts=value_counts, level_of_measurement="nominal"))


def _class_set_pair_rows(project: str, labels: pd.DataFrame) -> list[dict]:
    """Observed agreement and Cohen's kappa per annotator pair over the class set each chose on
    their shared tasks. Kappa's chance agreement from the pair's own answer distributions:
    p_e = sum over answers of (a's count x b's count) / tasks², the statsmodels definition,
    for all pairs at once."""
    answers = class_set_answers(labels)
    pairs = answers.merge(answers, on="task_key", suffixes=("_a", "_b"))
    pairs = pairs[pairs.annotator_a < pairs.annotator_b]
    pair_keys = ["annotator_a", "annotator_b"]
    pairs = pairs.assign(agree=(pairs.answer_a == pairs.answer_b).astype(int))
    per_pair = pairs.groupby(pair_keys, sort=True, observed=True).agg(
        tasks=("agree", "size"), agreeing=("agree", "sum")
    )
    counts_a = pairs.groupby([*pair_keys, "answer_a"], observed=True).size().rename("count_a")
    counts_b = pairs.groupby([*pair_keys, "answer_b"], observed=True).size().rename("count_b")
    counts_a.index = counts_a.index.set_names("answer", level=2)
    counts_b.index = counts_b.index.set_names("answer", level=2)
    both = pd.concat([counts_a, counts_b], axis=1, join="inner")
    chance = (both.count_a * both.count_b).groupby(level=[0, 1], observed=True).sum()
    chance = (chance.reindex(per_pair.index).fillna(0) / per_pair.tasks**2).to_numpy()
    tasks = per_pair.tasks.to_numpy()
    observed = per_pair.agreeing.to_numpy() / tasks
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (observed - chance) / (1 - chance)
    return [
        _agreement_row(
            project,
            "pair",
            f"{first} | {second}",
            tasks=int(shared),
            raters=2,
            items=int(shared),
            observed_agreement=float(agreement_share),
            cohen_kappa=float(pair_kappa) if pair_chance < 1 else None,
        )  # fmt: skip
        for (first, second), shared, agreement_share, pair_kappa, pair_chance in zip(
            per_pair.index, tasks, observed, kappa, chance, strict=True
        )
    ]


def _pair_rows(project: str, items: pd.DataFrame, labels: pd.DataFrame) -> list[dict]:
    """Cohen's kappa and box IoU for every pair of annotators who share at least one task.
    Pairs come from a self-join on the shared items, so cost grows with overlap, not with the
    square of the team; counts and box matches are computed for all pairs at once."""
    pairs = items.merge(items, on=["task_key", "class_name"], suffixes=("_a", "_b"))
    pairs = pairs[pairs.annotator_a < pairs.annotator_b]
    pair_groups = pairs.groupby(["annotator_a", "annotator_b"], sort=True, observed=True)
    pair_of_row = pair_groups.ngroup().to_numpy()
    pair_keys = pair_groups.size().index
    pair_count = len(pair_keys)
    # 2 x 2 tables flattened as (a absent, b absent), (absent, present), (present, absent), ...
    cell = 2 * pairs.present_a.to_numpy() + pairs.present_b.to_numpy()
    tables = np.bincount(4 * pair_of_row + cell, minlength=4 * pair_count).reshape(-1, 2, 2)
    tables = tables.astype(float)
    task_of_row = pd.factorize(pairs.task_key)[0]
    shared_tasks = np.bincount(np.unique(np.stack([pair_of_row, task_of_row]), axis=1)[0])
    mean_ious, matched = _pair_box_ious(labels, pair_keys)
    # Integer counts: these sums and products are exact, so all pairs at once give the same
    # floats as the trace and row-by-column product of each table.
    items_shared = tables.sum(axis=(1, 2))
    observed_agreement = (tables[:, 0, 0] + tables[:, 1, 1]) / items_shared
    row_sums, column_sums = tables.sum(axis=2), tables.sum(axis=1)
    chance_agreement = (row_sums * column_sums).sum(axis=1) / items_shared**2
    kappa_of_table: dict = {}
    rows = []
    for number, (first, second) in enumerate(pair_keys):
        table = tables[number]
        kappa = None
        if chance_agreement[number] < 1.0:
            # Many pairs have the same table; the variance terms are not needed.
            key = tuple(table.ravel())
            if key not in kappa_of_table:
                kappa_of_table[key] = float(cohens_kappa(table, return_results=False))
            kappa = kappa_of_table[key]
        rows.append(
            {
                "project_key": project,
                "scope": "pair",
                "subject": f"{first} | {second}",
                "tasks": int(shared_tasks[number]),
                "raters": 2,
                "items": int(items_shared[number]),
                "observed_agreement": float(observed_agreement[number]),
                "cohen_kappa": kappa,
                "krippendorff_alpha": None,
                "alpha_low": None,
                "alpha_high": None,
                "mean_box_iou": mean_ious[number],
                "matched_boxes": matched[number],
            }
        )
    return rows


def _pair_box_ious(labels: pd.DataFrame, pair_keys: pd.MultiIndex) -> tuple[list, list]:
    """Per annotator pair (in ``pair_keys`` order): the mean IoU of the boxes matched greedily
    by class on their shared tasks (None without a match) and the number of matches.

    The IoUs are averaged in the order tasks, then classes, then greedy acceptance, as a scan
    of ``box_iou`` over sorted tasks and classes would list them."""
    has_box = labels[BOX_COLUMNS[0]].notna() & labels.class_name.notna()
    if not has_box.any():
        return [None] * len(pair_keys), [0] * len(pair_keys)
    boxes = labels[has_box]
    boxes = boxes[["task_key", "annotator", "class_name"]].assign(
        # Box number within the annotator's boxes of the class on the task, in input order:
        # the greedy rule breaks IoU ties on it.
        box=boxes.groupby(
            ["task_key", "annotator", "class_name"], sort=False, observed=True
        ).cumcount(),
        row=np.arange(len(boxes)),
    )
    coordinates = labels.loc[has_box, list(BOX_COLUMNS)].to_numpy(dtype=float)
    candidates = boxes.merge(boxes, on=["task_key", "class_name"], suffixes=("_a", "_b"))
    candidates = candidates[candidates.annotator_a < candidates.annotator_b]
    ious = box_ious(
        coordinates[candidates.row_a.to_numpy()], coordinates[candidates.row_b.to_numpy()]
    )
    match_groups = candidates.groupby(
        ["annotator_a", "annotator_b", "task_key", "class_name"], sort=True, observed=True
    )
    accepted = greedy_matches(
        match_groups.ngroup().to_numpy(),
        ious,
        candidates.box_a.to_numpy(),
        candidates.box_b.to_numpy(),
    )
    accepted_pairs = pd.MultiIndex.from_arrays(
        [candidates.annotator_a.to_numpy()[accepted], candidates.annotator_b.to_numpy()[accepted]]
    )
    pair_of_match = pair_keys.get_indexer(accepted_pairs)
    # Matches are sorted by pair (its group order), so each pair's IoUs are one slice.
    bounds = np.searchsorted(pair_of_match, np.arange(len(pair_keys) + 1))
    accepted_ious = ious[accepted]
    means, counts = [], []
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        counts.append(int(stop - start))
        # sum / count is np.mean's own arithmetic, without its per-call overhead (85 k pairs).
        means.append(
            float(accepted_ious[start:stop].sum() / (stop - start)) if stop > start else None
        )
    return means, counts


def item_value_counts(items: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per item (task x class, sorted as ``reliability_matrix`` sorts its columns): how many
    raters said absent (0) and present (1), and the item's task. The same counts
    krippendorff derives from the raters x items matrix, without building that matrix: it
    grows with raters times items, i.e. with the square of the operation."""
    zeros, ones, item_keys = _item_counts(items)
    return zeros, ones, item_keys.get_level_values(0).to_numpy()


def _item_counts(items: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, pd.MultiIndex]:
    """``item_value_counts`` with the items' (task, class) keys."""
    groups = items.groupby(["task_key", "class_name"], sort=True, observed=True)["present"]
    ones = groups.sum().to_numpy(dtype=np.int64)
    sizes = groups.size()
    return sizes.to_numpy(dtype=np.int64) - ones, ones, sizes.index


def alpha_of_counts(zeros: np.ndarray, ones: np.ndarray, raters: int) -> float | None:
    """``alpha_of`` the raters x items matrix whose per-item 0 and 1 counts these are."""
    if raters < 2 or len(zeros) < 2:
        return None
    if zeros.sum() + ones.sum() == 0:
        return None
    if zeros.sum() == 0 or ones.sum() == 0:
        return 1.0  # every rater always gave the same single value: perfect, trivially
    # The counts krippendorff computes from the matrix itself (value domain 0, 1).
    value_counts = np.stack([zeros, ones], axis=1)
    return float(krippendorff.alpha(value_counts=value_counts, level_of_measurement="nominal"))


def _alpha_row(project, scope, subject, counts: tuple, raters: int, resamples, seed) -> dict:
    """counts: per item, the absent and present counts and the task (any sortable key)."""
    zeros, ones, item_task = counts
    tasks, task_index = np.unique(item_task, return_inverse=True)
    low, high = _bootstrap_from_counts(zeros, ones, raters, task_index, len(tasks), resamples, seed)
    # An item agrees when every rater who saw it gave the same value.
    agreeing = (zeros == 0) | (ones == 0)
    return {
        "project_key": project,
        "scope": scope,
        "subject": subject,
        "tasks": len(tasks),
        "raters": raters,
        "items": len(zeros),
        "observed_agreement": float(agreeing.mean()),
        "cohen_kappa": None,
        "krippendorff_alpha": alpha_of_counts(zeros, ones, raters),
        "alpha_low": low,
        "alpha_high": high,
        "mean_box_iou": None,
        "matched_boxes": None,
    }
