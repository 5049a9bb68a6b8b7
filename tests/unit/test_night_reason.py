"""The reason a failed night gives: its root cause first (lib/night/reason.py)."""

from __future__ import annotations

from dagster_project.lib.night.reason import (
    CHECKS_FAILED_ERROR,
    DBT_ERROR,
    FailedCheck,
    StepFailure,
    failure_reason,
)

DBT_HEAD = (
    "The dbt CLI process with command\n\n`dbt build`\n\nfailed with exit code `1`. Check the "
    "stdout in the Dagster compute logs for the full information about the error.\n\n"
    "Errors parsed from dbt logs:\n\n"
)
TESTS_FAILED = DBT_HEAD + (
    "\x1b[31m1 of 9 FAIL 2 accepted_values_fct_corrections_kind\x1b[0m .... [FAIL 2 in 0.1s]\n\n"
    "Failure in test accepted_values_fct_corrections_kind (models/marts/core/_core.yml)\n\n"
    "  Got 2 results, configured to fail if != 0\n\n"
    "  compiled code at target/compiled/annolytics/x.sql"
)
MODEL_ERROR = DBT_HEAD + (
    "1 of 9 ERROR creating sql table model core.fct_tasks ... [ERROR in 0.2s]\n\n"
    "Runtime Error in model fct_tasks (models/marts/core/fct_tasks.sql)\n"
    "  Binder Error: column x not found"
)
CHECKS = [FailedCheck("core/fct_corrections", f"test_{n}") for n in range(7)]


def test_failed_tests_alone_are_reported_as_the_blocking_checks():
    dbt = StepFailure("warehouse_models", DBT_ERROR, TESTS_FAILED)
    reason = failure_reason([dbt], CHECKS, False, False)
    assert reason.startswith("blocking check failed: core/fct_corrections:test_0, ")
    assert reason.endswith("(+2 more); the report was not republished")


def test_a_broken_model_outranks_the_checks_that_failed_after_it():
    dbt = StepFailure("warehouse_models", DBT_ERROR, MODEL_ERROR)
    gx = StepFailure("published_marts_gx", CHECKS_FAILED_ERROR, "1 blocking asset check failed")
    reason = failure_reason([gx, dbt], CHECKS, False, False)
    assert reason == (
        "step warehouse_models failed: dbt: Runtime Error in model fct_tasks "
        "(models/marts/core/fct_tasks.sql) Binder Error: column x not found; "
        "7 blocking check(s) failed after it"
    )


def test_a_full_disk_is_named_with_its_file_system_and_free_space(tmp_path):
    full = MODEL_ERROR.replace(
        "Binder Error: column x not found",
        f'IO Error: Could not write file "{tmp_path}/w.duckdb.wal": No space left on device',
    )
    dbt = StepFailure("warehouse_models", DBT_ERROR, full)
    reason = failure_reason([dbt], CHECKS, False, False, [tmp_path])
    assert reason.startswith("disk full at /")
    assert " MB free (" in reason
    assert "No space left on device" in reason
    assert reason.endswith("step warehouse_models failed; 7 blocking check(s) failed after it")


def test_a_deliberate_failure_says_its_own_text_and_a_success_says_nothing():
    failure = StepFailure("raw_layer", "Failure", "Failure: nothing to build: no record")
    assert failure_reason([failure], [], False, False) == (
        "step raw_layer failed: nothing to build: no record"
    )
    assert failure_reason([], [], True, True) is None
