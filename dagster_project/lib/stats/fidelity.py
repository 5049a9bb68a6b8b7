"""Label fidelity: do high-vertex polygons cost more time than they return? (called by dbt)

Per project, over submitted polygon annotations:

- the time one more vertex costs, from an ordinary least-squares fit of an annotation's lead
  time on its object count and vertex count (statsmodels), with its 95 % interval;
- annotations split at the project's ``high_quantile`` of vertices per polygon into "high
  fidelity" and "standard": median time per label and first-review rejection rate of each;
- a one-sided Fisher exact test that high-fidelity work is rejected less often (its return).

verdict: "too little data" when either group has fewer than ``min_reviewed`` reviewed
annotations; "pays for itself" when high fidelity is rejected significantly less (p < alpha);
"costs more than it returns" when it takes at least ``min_time_ratio`` times the time per label
without fewer rejections; else "no extra cost".
"""

import numpy as np
import pandas as pd
import statsmodels.api as sm

from dagster_project.lib.stats.rejection import fisher_greater

FIDELITY_COLUMNS = [
    "project_key",
    "polygon_annotations",
    "high_fidelity_threshold",
    "seconds_per_vertex",
    "seconds_per_vertex_low",
    "seconds_per_vertex_high",
    "high_annotations",
    "high_vertices_per_polygon",
    "high_time_per_label_s",
    "high_reviewed",
    "high_rejected",
    "high_rejection_rate",
    "standard_annotations",
    "standard_vertices_per_polygon",
    "standard_time_per_label_s",
    "standard_reviewed",
    "standard_rejected",
    "standard_rejection_rate",
    "time_ratio",
    "p_fewer_rejections",
    "verdict",
]


def seconds_per_vertex(group: pd.DataFrame) -> tuple[float | None, float | None, float | None]:
    """OLS slope of lead time on vertex count, holding object count fixed, and its 95 % CI."""
    design = group[["object_count", "vertex_count"]].astype(float)
    if len(group) < 4 or design["vertex_count"].nunique() < 2:
        return None, None, None
    if np.linalg.matrix_rank(sm.add_constant(design, has_constant="add").to_numpy()) < 3:
        return None, None, None
    fit = sm.OLS(group["lead_time_s"].astype(float), sm.add_constant(design)).fit()
    low, high = fit.conf_int().loc["vertex_count"]
    return float(fit.params["vertex_count"]), float(low), float(high)


def _side(group: pd.DataFrame) -> dict:
    reviewed = group[group["is_reviewed"]]
    rejected = int(reviewed["is_rejected"].sum())
    return {
        "annotations": len(group),
        "vertices_per_polygon": float(group["vertices_per_polygon"].median())
        if len(group)
        else None,
        "time_per_label_s": float((group["lead_time_s"] / group["object_count"]).median())
        if len(group)
        else None,
        "reviewed": len(reviewed),
        "rejected": rejected,
        "rejection_rate": rejected / len(reviewed) if len(reviewed) else None,
    }


def _verdict(high: dict, standard: dict, time_ratio, p_fewer, settings: dict) -> str:
    if min(high["reviewed"], standard["reviewed"]) < settings["min_reviewed"]:
        return "too little data"
    if p_fewer is not None and p_fewer < settings["alpha"]:
        return "pays for itself"
    if time_ratio is not None and time_ratio >= settings["min_time_ratio"]:
        return "costs more than it returns"
    return "no extra cost"


def fidelity_cost(
    annotations: pd.DataFrame,
    high_quantile: float = 0.75,
    min_reviewed: int = 20,
    min_time_ratio: float = 1.2,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """``annotations``: the dbt model int_polygon_annotations_selected (a row per polygon
    annotation)."""
    settings = {"min_reviewed": min_reviewed, "min_time_ratio": min_time_ratio, "alpha": alpha}
    frame = annotations.assign(
        vertices_per_polygon=annotations["polygon_vertices"] / annotations["polygons"],
        is_reviewed=annotations["is_reviewed"].astype(bool),
        is_rejected=annotations["is_rejected"].astype(bool),
    )
    rows = []
    for project, group in frame.groupby("project_key", sort=True):
        threshold = float(group["vertices_per_polygon"].quantile(high_quantile))
        is_high = group["vertices_per_polygon"] > threshold
        high, standard = _side(group[is_high]), _side(group[~is_high])
        time_ratio = (
            high["time_per_label_s"] / standard["time_per_label_s"]
            if high["time_per_label_s"] is not None and standard["time_per_label_s"]
            else None
        )
        # The return of fidelity: is the standard group rejected more than the high one?
        p_fewer = fisher_greater(
            standard["rejected"], standard["reviewed"], high["rejected"], high["reviewed"]
        )
        slope, slope_low, slope_high = seconds_per_vertex(group)
        rows.append(
            {
                "project_key": project,
                "polygon_annotations": len(group),
                "high_fidelity_threshold": threshold,
                "seconds_per_vertex": slope,
                "seconds_per_vertex_low": slope_low,
                "seconds_per_vertex_high": slope_high,
                **{f"high_{key}": value for key, value in high.items()},
                **{f"standard_{key}": value for key, value in standard.items()},
                "time_ratio": time_ratio,
                "p_fewer_rejections": p_fewer,
                "verdict": _verdict(high, standard, time_ratio, p_fewer, settings),
            }
        )
    return pd.DataFrame(rows, columns=FIDELITY_COLUMNS)
