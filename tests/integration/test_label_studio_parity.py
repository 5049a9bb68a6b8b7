"""Label Studio parity: on the real-server export, the mart equals figures computed here,
independently, from the raw JSON with plain Python (no SQL, no shared code)."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support.nights import FIXTURES, run_nightly

LS = FIXTURES / "label_studio"
SUBMITTED_ACTIONS = {"submitted", "updated", "fixed_and_accepted", "accepted"}


def _identity(completed_by, emails: dict[int, str]) -> str:
    if isinstance(completed_by, dict):
        return completed_by["email"].lower()
    return emails.get(completed_by, str(completed_by))


def expected_figures(export: Path) -> tuple[dict, dict]:
    """(per annotator, per annotator and completion day) following METRICS.md §2."""
    tasks = json.loads(export.read_text())
    emails = {
        a["completed_by"]["id"]: a["completed_by"]["email"].lower()
        for t in tasks
        for a in t["annotations"]
        if isinstance(a["completed_by"], dict)
    }
    groups: dict[tuple, list] = defaultdict(list)
    for task in tasks:
        for annotation in task["annotations"]:
            who = _identity(annotation["completed_by"], emails)
            day = datetime.fromisoformat(annotation["created_at"]).astimezone(UTC).date()
            groups[(who,)].append(annotation)
            groups[(who, day)].append(annotation)

    def figures(annotations):
        def last_action(a):
            return a["last_action"] or ("skipped" if a["was_cancelled"] else "submitted")

        submitted = [
            a for a in annotations if not a["was_cancelled"] and last_action(a) in SUBMITTED_ACTIONS
        ]
        times = [a["lead_time"] for a in submitted]
        median = statistics.median(times) if times else None
        return {
            "submitted": len(submitted),
            "skipped": sum(1 for a in annotations if a["was_cancelled"]),
            "updated": sum(1 for a in annotations if last_action(a) == "updated"),
            "total_time_s": sum(times),
            "median_time_s": median,
            "mean_time_s": statistics.fmean(times) if times else None,
            "total_time_median_s": len(times) * median if times else None,
        }

    overall = {key[0]: figures(v) for key, v in groups.items() if len(key) == 1}
    daily = {key: figures(v) for key, v in groups.items() if len(key) == 2}
    return overall, daily


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
