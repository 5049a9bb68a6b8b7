"""The one line that says why a night failed: its root cause first.

A night fails in one of three ways, ranked so that the reason names the cause, not its echoes:
1. a full disk, wherever it was met (every later failure follows from it);
2. a step that failed on its own: an error in ingestion, a dbt model, validation or publishing
   (dbt exits non-zero when only its tests failed too: that is the next case, not this one); when
   it was DuckDB's memory limit, the reason says so first and names the setting;
3. blocking checks that did not pass.
A failed step outranks the checks that failed or could not run after it; they are counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dagster_project.lib.night.disk_space import disk_full_reason, is_disk_full
from dagster_project.lib.night.out_of_memory import is_out_of_memory
from dagster_project.lib.settings import DUCKDB_MEMORY_LIMIT_ENV

# Dagster's error when a step's blocking asset checks failed (the checks are the reason).
CHECKS_FAILED_ERROR = "DagsterAssetCheckFailedError"
DBT_ERROR = "DagsterDbtCliRuntimeError"
_DBT_ERRORS_HEADING = "Errors parsed from dbt logs:"
# dbt's error-level log lines that report a failed test (an asset check), not a broken model.
_DBT_TEST_FAILURE = re.compile(
    r"^\s*(\d+ of \d+ FAIL\b|Failure in (unit_)?test\b|Got \d+ results?, configured to|"
    r"compiled code at\b|Completed with \d+ errors?|Done\. PASS=)"
)
_DBT_PROGRESS = re.compile(r"^\s*\d+ of \d+ ")
MAX_CHARS = 400
OUT_OF_MEMORY_ADVICE = (
    f"out of memory: DuckDB's memory limit was too small; raise {DUCKDB_MEMORY_LIMIT_ENV} "
    '(docs/operating.md, "Memory"); '
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class StepFailure:
    step: str
    error_class: str  # the class name of the error the step raised
    text: str  # its message, with its causes and context


@dataclass(frozen=True)
class FailedCheck:
    asset: str
    check: str


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:MAX_CHARS]


def _dbt_messages(text: str) -> list[str]:
    """The error messages dagster-dbt lists after its heading, one per blank-line block."""
    if _DBT_ERRORS_HEADING not in text:
        return []
    tail = _ANSI.sub("", text.split(_DBT_ERRORS_HEADING, 1)[1])
    return [block.strip() for block in re.split(r"\n\s*\n", tail) if block.strip()]


def _is_check_echo(failure: StepFailure) -> bool:
    """Whether the step failed only because checks failed (those are reported instead)."""
    if failure.error_class == CHECKS_FAILED_ERROR:
        return True
    if failure.error_class == DBT_ERROR:
        messages = _dbt_messages(failure.text)
        return bool(messages) and all(_DBT_TEST_FAILURE.match(m) for m in messages)
    return False


def _step_message(failure: StepFailure) -> str:
    """What went wrong in the step, in its own words: for dbt, its first error that is not a
    test failure (the first line of dagster-dbt's message only says that dbt exited)."""
    if failure.error_class == DBT_ERROR:
        errors = [m for m in _dbt_messages(failure.text) if not _DBT_TEST_FAILURE.match(m)]
        # The error itself ("Runtime Error in model x ... Binder Error: ...") before dbt's
        # progress line for it ("1 of 9 ERROR creating ... model x").
        errors.sort(key=lambda message: _DBT_PROGRESS.match(message) is not None)
        if errors:
            return "dbt: " + _one_line(errors[0])
    first = next((line for line in failure.text.splitlines() if line.strip()), "unknown error")
    if failure.error_class == "Failure":  # raised on purpose: its text says it all
        first = first.split(": ", 1)[-1]
    return _one_line(first)


def _checks_clause(checks: Sequence[FailedCheck], limit: int = 5) -> str:
    names = ", ".join(f"{c.asset}:{c.check}" for c in checks[:limit])
    more = f" (+{len(checks) - limit} more)" if len(checks) > limit else ""
    return f"{names}{more}"


def failure_reason(
    failures: Sequence[StepFailure],
    failed_checks: Sequence[FailedCheck],
    succeeded: bool,
    report_published: bool,
    night_folders: Iterable[Path] = (),
) -> str | None:
    """One line naming what stopped the night, or None when it succeeded."""
    after = f"; {len(failed_checks)} blocking check(s) failed after it" if failed_checks else ""
    for failure in failures:
        if is_disk_full(failure.text):
            return (
                f"{disk_full_reason(failure.text, night_folders)}; "
                f"step {failure.step} failed{after}"
            )
    causes = [failure for failure in failures if not _is_check_echo(failure)]
    if causes:
        cause = causes[0]
        memory = OUT_OF_MEMORY_ADVICE if is_out_of_memory(cause.text) else ""
        return f"{memory}step {cause.step} failed: {_step_message(cause)}{after}"
    if failed_checks:
        outcome = "" if report_published else "; the report was not republished"
        return f"blocking check failed: {_checks_clause(failed_checks)}{outcome}"
    if failures:
        return f"step {failures[0].step} failed: {_step_message(failures[0])}"
    if not succeeded:
        return "the run did not succeed"
    return None
