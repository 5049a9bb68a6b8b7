"""Label Studio parity: on the real-server export, the mart equals figures computed here,
independently, from the raw JSON with plain Python (no SQL, no shared code)."""

from __future__ import annotations

import json
import statistics

import pytest
from support.label_studio_figures import expected_figures
from support.nights import FIXTURES, run_nightly

LS = FIXTURES / "label_studio"


def _close(actual: dict, expected: dict) -> None:
    for name, value in expected.items():
        assert actual[name] == (pytest.approx(value) if value is not None else None), name


@pytest.mark.parametrize("export_name", ["export.json", "export_completed_by_object.json"])
def test_mart_equals_independent_computation(tmp_path, export_name):
    export = LS / export_name
    overall, daily = expected_figures(export)
    assert sum(f["submitted"] for f in overall.values()) > 0
    night = run_nightly(tmp_path, {export_name: export})
    assert night.exit_code == 0
    mart = {
        r["annotator"]: r for r in night.dicts("select * from marts.mart_annotator_performance")
    }
    assert set(mart) == set(overall)
    for who, figures in overall.items():
        _close(mart[who], figures)
    mart_daily = {
        (r["annotator"], r["day"]): r
        for r in night.dicts("select * from marts.mart_annotator_performance_daily")
    }
    assert set(mart_daily) == set(daily)
    for key, figures in daily.items():
        _close(mart_daily[key], figures)


def test_fixture_has_the_variety_parity_needs():
    tasks = json.loads((LS / "export.json").read_text())
    annotations = [a for t in tasks for a in t["annotations"]]
    assert any(a["was_cancelled"] for a in annotations)
    assert len({a["completed_by"] for a in annotations}) >= 3
    assert any(a.get("updated_by") not in (None, a["completed_by"]) for a in annotations)
    assert any(len(t["annotations"]) >= 2 for t in tasks)
    leads = [a["lead_time"] for a in annotations if not a["was_cancelled"]]
    assert statistics.fmean(leads) > statistics.median(leads)  # a long outlier is present
