"""The statistics marts, engine-neutral: what each reads, and which function computes it.

On DuckDB, dbt's Python models (``dbt/models/marts/{quality,agreement}/mart_*.py``) call
``compute`` with a reader over dbt's relations; on Spark, where dbt-spark runs no Python model,
the engine's statistics step (``lib/engine/spark_statistics.py``) calls it with a reader over
Spark's tables. One code path, so both engines give the same figures from the same rows.

A reader takes a relation's name and the columns to read and returns them as a data frame; the
frame is put in a total order here (every column ascending, nulls last), because the bootstrap
intervals draw tasks by position and must see the same rows in the same order on every engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .agreement import BOX_COLUMNS, agreement
from .drift import DriftRule, weekly_drift
from .fidelity import fidelity_cost
from .ground_truth import LABEL_COLUMNS, confusion, ground_truth_scores
from .rejection import annotator_quality, person_vs_class

Reader = Callable[[str, list[str] | None], pd.DataFrame]

REVIEW_COLUMNS = ["project_key", "annotator", "primary_class", "is_rejected"]
OVERLAP_COLUMNS = [
    "project_key",
    "task_key",
    "annotator",
    "annotation_key",
    "class_name",
    "shape_type",
    *BOX_COLUMNS,
]
DRIFT_SUBJECT = ["project_key", "subject_type", "subject"]


def in_total_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by every column, ascending, nulls last (SQL's ``order by all``)."""
    if frame.empty or len(frame.columns) == 0:
        return frame.reset_index(drop=True)
    return frame.sort_values(
        list(frame.columns), na_position="last", kind="stable", ignore_index=True
    )


@dataclass(frozen=True)
class StatisticsMart:
    """A mart computed in Python: its inputs (relation, columns or None for all) by argument
    name, and the function taking those frames and the model's config."""

    inputs: Mapping[str, tuple[str, list[str] | None]]
    compute: Callable[..., pd.DataFrame]

    def build(self, read: Reader, config) -> pd.DataFrame:
        frames = {
            argument: in_total_order(read(relation, columns))
            for argument, (relation, columns) in self.inputs.items()
        }
        return self.compute(config=config, **frames)


def drift_rule(config) -> DriftRule:
    return DriftRule(
        min_week_observations=int(config.get("min_week_observations")),
        min_baseline_observations=int(config.get("min_baseline_observations")),
        min_change=float(config.get("min_change")),
        min_relative_change=float(config.get("min_relative_change")),
        alpha=float(config.get("alpha")),
    )


def with_inputs_hash(drift: pd.DataFrame, inputs: pd.DataFrame) -> pd.DataFrame:
    """Each drift row carries its subject's inputs_hash: what the next night compares."""
    inputs = inputs[[*DRIFT_SUBJECT, "inputs_hash"]]
    return drift.merge(inputs, on=DRIFT_SUBJECT, how="left", validate="many_to_one")


def _drift(weeks, comparisons, inputs, config) -> pd.DataFrame:
    return with_inputs_hash(weekly_drift(weeks, comparisons, drift_rule(config)), inputs)


STATISTICS_MARTS: dict[str, StatisticsMart] = {
    "mart_agreement": StatisticsMart(
        {"labels": ("int_overlap_labels_selected", OVERLAP_COLUMNS)},
        lambda labels, config: agreement(
            labels, resamples=int(config.get("bootstrap_resamples")), seed=7
        ),
    ),
    "mart_agreement_ground_truth": StatisticsMart(
        {"labels": ("int_ground_truth_labels", LABEL_COLUMNS)},
        lambda labels, config: ground_truth_scores(labels, float(config.get("iou_threshold"))),
    ),
    "mart_confusion_ground_truth": StatisticsMart(
        {"labels": ("int_ground_truth_labels", LABEL_COLUMNS)},
        lambda labels, config: confusion(labels),
    ),
    "mart_annotator_quality": StatisticsMart(
        {"reviewed": ("int_annotations_first_reviewed", REVIEW_COLUMNS)},
        lambda reviewed, config: annotator_quality(
            reviewed, int(config.get("min_reviewed")), float(config.get("alpha"))
        ),
    ),
    "mart_person_vs_class": StatisticsMart(
        {"reviewed": ("int_annotations_first_reviewed", REVIEW_COLUMNS)},
        lambda reviewed, config: person_vs_class(
            reviewed, int(config.get("min_reviewed")), float(config.get("alpha"))
        ),
    ),
    "mart_fidelity_cost": StatisticsMart(
        {"polygons": ("int_polygon_annotations_selected", None)},
        lambda polygons, config: fidelity_cost(
            polygons,
            high_quantile=float(config.get("high_quantile")),
            min_reviewed=int(config.get("min_reviewed")),
            min_time_ratio=float(config.get("min_time_ratio")),
            alpha=float(config.get("alpha")),
        ),
    ),
    "mart_drift": StatisticsMart(
        {
            "weeks": ("int_annotations_measured", None),
            "comparisons": ("int_overlap_labels_compared", None),
            "inputs": ("int_drift_inputs_hashed", None),
        },
        _drift,
    ),
}


def compute(name: str, read: Reader, config) -> pd.DataFrame:
    """The statistics mart ``name`` from the relations ``read`` returns; ``config`` is the
    model's dbt config (anything with ``get``)."""
    return STATISTICS_MARTS[name].build(read, config)


def relation_reader(relations: Mapping[str, Any]) -> Reader:
    """A reader over DuckDB relations by name (a dbt Python model's ``dbt.ref`` results)."""

    def read(name: str, columns: list[str] | None) -> pd.DataFrame:
        relation = relations[name]
        if columns:
            relation = relation.project(", ".join(columns))
        return relation.df()

    return read
