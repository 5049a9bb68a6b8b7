"""The GX suites in expectations/ pass good batches and catch bad ones (real GX, pandas)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dagster_project.lib.quality.validation import Validator, load_suite_definition
from dagster_project.lib.settings import EXPECTATIONS_DIR


@pytest.fixture(scope="module")
def validator():
    return Validator()


@pytest.mark.parametrize("path", sorted(EXPECTATIONS_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_every_suite_declares_what_a_failure_means(path):
    definition = load_suite_definition(path.stem)
    assert definition["name"] == path.stem
    assert all(e["meta"].get("why") for e in definition["expectations"])


def test_unknown_on_failure_is_refused(tmp_path, monkeypatch):
    import dagster_project.lib.quality.validation as validation

    (tmp_path / "broken.json").write_text(
        json.dumps(
            {
                "name": "broken",
                "expectations": [
                    {
                        "type": "expect_column_values_to_not_be_null",
                        "kwargs": {"column": "x"},
                        "meta": {"on_failure": "ignore"},
                    }
                ],
            }
        )
    )
    monkeypatch.setattr(validation, "EXPECTATIONS_DIR", tmp_path)
    with pytest.raises(ValueError, match=r"broken.json: expectations\[0\]"):
        validation.load_suite_definition("broken")


def test_performance_suite_blocks_implausible_figures(validator):
    good = pd.DataFrame(
        {
            "annotator": ["a", "b"],
            "submitted": [3, 0],
            "skipped": [1, 2],
            "updated": [0, 0],
            "total_time_s": [90.0, 0.0],
            "median_time_s": [30.0, None],
            "mean_time_s": [30.0, None],
            "total_time_median_s": [90.0, None],
        }
    )
    assert validator.validate("mart_annotator_performance", good).success
    bad = good.assign(median_time_s=[30.0 * 3600 * 24 * 2, None])  # milliseconds slipped in
    report = validator.validate("mart_annotator_performance", bad)
    assert [(o.expectation, o.column) for o in report.blocking_failures] == [
        ("expect_column_values_to_be_between", "median_time_s")
    ]


def test_quality_suite_checks_the_interval_contains_the_rate(validator):
    frame = pd.DataFrame(
        {
            "rejection_rate": [0.2, 0.5],
            "rate_low": [0.1, 0.6],
            "rate_high": [0.3, 0.7],
            "verdict": ["neither", "class"],
        }
    )
    report = validator.validate("mart_annotator_quality", frame)
    failed = [(o.column, o.unexpected_count) for o in report.outcomes if not o.success]
    assert failed == [(None, 1)]  # the pair expectation rate >= rate_low fails on one row


def test_raw_suite_quarantines_rows_and_warns_on_unknown_types(validator):
    columns = json.loads((EXPECTATIONS_DIR / "raw_events.json").read_text())["expectations"][0][
        "kwargs"
    ]["column_set"]
    frame = pd.DataFrame([{c: None for c in columns} for _ in range(3)])
    frame["event_type"] = ["task_created", "task_teleported", "task_created"]
    frame["duration_s"] = [10.0, 5.0, -1.0]
    frame["occurred_at"] = pd.to_datetime(["2026-09-07", "2026-09-07", "2026-09-07"])
    report = validator.validate(
        "raw_events", frame, {"latest_allowed_time": pd.Timestamp("2026-11-23")}
    )
    assert {i: o.column for i, o in report.rows_to_quarantine().items()} == {2: "duration_s"}
    warned = [o for o in report.outcomes if o.on_failure == "warn" and not o.success]
    assert [(o.column, o.unexpected_count) for o in warned] == [("event_type", 1)]
