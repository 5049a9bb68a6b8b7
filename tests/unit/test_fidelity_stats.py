"""Label-fidelity cost against figures computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from support.stats import hypergeometric_tail

from dagster_project.lib.stats.fidelity import fidelity_cost


def polygon_annotations(project: str, vertices: int, count: int, rejected: int) -> list[dict]:
    """``count`` annotations of 1 or 2 polygons with ``vertices`` each; lead time is exactly
    5 s + 2 s per object + 0.5 s per vertex."""
    rows = []
    for i in range(count):
        objects = 1 + i % 2
        rows.append(
            {
                "project_key": project,
                "annotation_key": f"{project}-{vertices}-{i}",
                "lead_time_s": 5 + 2 * objects + 0.5 * vertices * objects,
                "object_count": objects,
                "vertex_count": vertices * objects,
                "polygons": objects,
                "polygon_vertices": vertices * objects,
                "is_reviewed": True,
                "is_rejected": i < rejected,
            }
        )
    return rows


def test_high_fidelity_that_takes_longer_without_fewer_rejections_costs_more():
    rows = polygon_annotations("p", 10, 30, rejected=6) + polygon_annotations("p", 40, 10, 2)
    [row] = fidelity_cost(pd.DataFrame(rows), min_reviewed=10).to_dict("records")
    # 75th percentile of thirty 10s and ten 40s: 10 + 0.25 * 30.
    assert row["high_fidelity_threshold"] == pytest.approx(17.5)
    assert row["seconds_per_vertex"] == pytest.approx(0.5)
    # Per label: 12 s (1 object) and 9.5 s (2 objects) -> median 10.75; high: 27 and 24.5.
    assert row["standard_time_per_label_s"] == pytest.approx(10.75)
    assert row["high_time_per_label_s"] == pytest.approx(25.75)
    assert row["time_ratio"] == pytest.approx(25.75 / 10.75)
    assert (row["high_reviewed"], row["high_rejected"]) == (10, 2)
    assert (row["standard_reviewed"], row["standard_rejected"]) == (30, 6)
    # Is standard work rejected more? Fisher [[6, 24], [2, 8]]: 40 in all, 8 rejected, 30 drawn.
    assert row["p_fewer_rejections"] == pytest.approx(hypergeometric_tail(6, 40, 8, 30))
    assert row["verdict"] == "costs more than it returns"


def test_high_fidelity_that_halves_rejections_pays_for_itself_and_small_samples_say_so():
    rows = polygon_annotations("p", 10, 30, rejected=15) + polygon_annotations("p", 40, 30, 0)
    [row] = fidelity_cost(pd.DataFrame(rows), high_quantile=0.5).to_dict("records")
    assert row["p_fewer_rejections"] == pytest.approx(hypergeometric_tail(15, 60, 15, 30))
    assert row["verdict"] == "pays for itself"
    small = polygon_annotations("q", 10, 30, 6) + polygon_annotations("q", 40, 10, 2)
    [row] = fidelity_cost(pd.DataFrame(small), min_reviewed=20).to_dict("records")
    assert row["verdict"] == "too little data"
