"""Greedy one-to-one matching of boxes by IoU, for many groups of candidate pairs at once.

A group is one annotator pair, task and class. Within a group the greedy rule takes candidate
pairs by IoU descending (ties: the higher first-box number, then the higher second-box number)
and keeps one when neither of its boxes is used yet; only pairs with IoU > 0 are kept. Taking,
round after round, the best remaining candidate of every group and dropping the candidates that
share a box with it gives the same matches in the same order as that scan, while each round is
one array operation over all groups (rounds = the most matches in one group).
"""

import numpy as np


def box_ious(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """IoU of each row of ``first`` with the same row of ``second`` (n x 4 arrays of x, y, w,
    h): the same operations, in the same order, as ``stats.agreement.box_iou``."""
    ax, ay, aw, ah = first.T
    bx, by, bw, bh = second.T
    width = np.maximum(0.0, np.minimum(ax + aw, bx + bw) - np.maximum(ax, bx))
    height = np.maximum(0.0, np.minimum(ay + ah, by + bh) - np.maximum(ay, by))
    inter = width * height
    union = aw * ah + bw * bh - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.minimum(inter / union, 1.0)
    # min(): identical boxes can come out at 1.0000000000000002 in floating point.
    return np.where(union > 0, ratio, 0.0)


def greedy_matches(
    group: np.ndarray, iou: np.ndarray, first: np.ndarray, second: np.ndarray
) -> np.ndarray:
    """Positions of the accepted candidates, by group ascending and then in acceptance order.

    ``group``: the group of each candidate pair; ``first`` / ``second``: the number of its box
    among the first / second annotator's boxes of the group's class on the task."""
    kept = np.flatnonzero(iou > 0)
    # Best first within a group: IoU, then first-box number, then second-box number, all
    # descending (the greedy scan sorts (iou, i, j) tuples in reverse).
    kept = kept[np.lexsort((-second[kept], -first[kept], -iou[kept], group[kept]))]
    remaining = kept
    accepted_by_round = []
    while remaining.size:
        remaining_group = group[remaining]
        is_head = np.ones(remaining.size, dtype=bool)
        is_head[1:] = remaining_group[1:] != remaining_group[:-1]
        heads = remaining[is_head]
        accepted_by_round.append(heads)
        head_of_each = heads[np.cumsum(is_head) - 1]
        uses_a_taken_box = (first[remaining] == first[head_of_each]) | (
            second[remaining] == second[head_of_each]
        )
        remaining = remaining[~uses_a_taken_box]
    if not accepted_by_round:
        return np.array([], dtype=np.int64)
    accepted = np.concatenate(accepted_by_round)
    # Rounds were appended in order, so a stable sort by group keeps acceptance order inside it.
    return accepted[np.argsort(group[accepted], kind="stable")]
