"""When a dbt night builds models again one at a time: only when DuckDB's memory limit was all
that failed (lib/night/out_of_memory.py), and what the night's reason then says."""

from __future__ import annotations

import json

from dagster_project.lib.night.out_of_memory import nodes_out_of_memory, read_run_results
from dagster_project.lib.night.reason import DBT_ERROR, StepFailure, failure_reason

OOM = (
    "Runtime Error in model int_annotations_measured (models/intermediate/x.sql)\n"
    "  Out of Memory Error: failed to pin block of size 256.0 KiB (1.8 GiB/1.8 GiB used)"
)


def _results(*statuses: tuple[str, str, str]) -> dict:
    return {
        "results": [
            {"unique_id": node, "status": status, "message": message}
            for node, status, message in statuses
        ]
    }


def test_models_out_of_memory_are_named_when_nothing_else_failed():
    results = _results(
        ("model.a.fct_tasks", "success", "OK"),
        ("model.a.int_annotations_measured", "error", OOM),
        ("model.a.int_polygon_annotations_selected", "error", OOM.replace("pin block", "allocate")),
        ("model.a.mart_drift", "skipped", None),
        ("test.a.not_null_x", "pass", None),
    )
    assert nodes_out_of_memory(results) == [
        "model.a.int_annotations_measured",
        "model.a.int_polygon_annotations_selected",
    ]


def test_any_other_failure_fails_the_night_as_it_is():
    binder = ("model.a.fct_tasks", "error", "Binder Error: column x not found")
    failed_test = ("test.a.unique_x", "fail", "Got 2 results, configured to fail if != 0")
    oom = ("model.a.int_annotations_measured", "error", OOM)
    assert nodes_out_of_memory(_results(oom, binder)) == []
    assert nodes_out_of_memory(_results(oom, failed_test)) == []
    assert nodes_out_of_memory(_results(("model.a.x", "success", "OK"))) == []
    assert nodes_out_of_memory(None) == []
    assert nodes_out_of_memory({"results": "garbled"}) == []


def test_run_results_are_read_from_the_target_folder(tmp_path):
    assert read_run_results(tmp_path) is None
    (tmp_path / "run_results.json").write_text("{not json", encoding="utf-8")
    assert read_run_results(tmp_path) is None
    results = _results(("model.a.x", "error", OOM))
    (tmp_path / "run_results.json").write_text(json.dumps(results), encoding="utf-8")
    assert nodes_out_of_memory(read_run_results(tmp_path)) == ["model.a.x"]


def test_a_night_out_of_memory_says_so_and_names_the_setting():
    text = (
        "The dbt CLI process with command\n\n`dbt retry --threads 1`\n\nfailed with exit code `1`."
        "\n\nErrors parsed from dbt logs:\n\n"
        "1 of 9 ERROR creating sql table model intermediate.int_annotations_measured [ERROR]\n\n"
        + OOM
    )
    reason = failure_reason([StepFailure("warehouse_models", DBT_ERROR, text)], [], False, False)
    assert reason.startswith("out of memory: DuckDB's memory limit was too small; ")
    assert "raise ANNOLYTICS_DUCKDB_MEMORY_LIMIT" in reason
    assert "step warehouse_models failed: dbt: Runtime Error in model int_annotations_measured" in (
        reason
    )
    binder = text.replace(OOM, "Runtime Error in model x\n  Binder Error: column x not found")
    other = failure_reason([StepFailure("warehouse_models", DBT_ERROR, binder)], [], False, False)
    assert not other.startswith("out of memory")
