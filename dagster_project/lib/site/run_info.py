"""What the report says about the night that built it: when, what was loaded, which checks
passed. Filled by the Dagster asset from the run's event log; plain data for the templates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class CheckOutcome:
    asset: str  # "marts/mart_reworks"
    name: str
    kind: str  # "GX suite", "dbt test" or "ingest check"
    passed: bool
    severity: str  # "ERROR" blocks the site, "WARN" is counted
    description: str = ""


@dataclass(frozen=True)
class RunInfo:
    generated_at: dt.datetime  # UTC, naive
    rows_loaded: int = 0
    rows_quarantined: int = 0
    files_loaded: int = 0
    checks: tuple[CheckOutcome, ...] = ()

    @property
    def checks_passed(self) -> int:
        return sum(check.passed for check in self.checks)

    @property
    def checks_failed(self) -> int:
        return len(self.checks) - self.checks_passed
