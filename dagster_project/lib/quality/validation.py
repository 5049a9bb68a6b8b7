"""Great Expectations (GX Core 1.x) on pandas batches.

Suites live as JSON in ``expectations/``. Each expectation's ``meta.on_failure`` says what a
failure means: ``quarantine_rows`` (the failing rows leave the batch, with the expectation as
reason), ``warn`` (kept and counted) or ``block`` (the batch must not be published).
GX's SQL datasource is broken on DuckDB (GX issue #11579), hence pandas batches.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from dagster_project.lib.settings import EXPECTATIONS_DIR

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no telemetry calls from a nightly job

ON_FAILURE = ("quarantine_rows", "warn", "block")


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str | None
    on_failure: str
    success: bool
    element_count: int | None
    unexpected_count: int | None
    failing_index: tuple[Any, ...] = ()

    @property
    def reason(self) -> str:
        where = f" on column {self.column}" if self.column else ""
        return f"failed {self.expectation}{where}"


@dataclass
class BatchReport:
    suite: str
    outcomes: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def blocking_failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.on_failure == "block"]

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    def rows_to_quarantine(self) -> dict[Any, ExpectationOutcome]:
        """Index of each failing row -> the first quarantining expectation it failed."""
        rows: dict[Any, ExpectationOutcome] = {}
        for outcome in self.outcomes:
            if outcome.on_failure == "quarantine_rows":
                for index in outcome.failing_index:
                    rows.setdefault(index, outcome)
        return rows

    def summary(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "success": self.success,
            "evaluated": len(self.outcomes),
            "failed": [
                {
                    "expectation": o.expectation,
                    "column": o.column,
                    "on_failure": o.on_failure,
                    "unexpected_count": o.unexpected_count,
                    "element_count": o.element_count,
                }
                for o in self.outcomes
                if not o.success
            ],
        }


def load_suite_definition(name: str) -> dict[str, Any]:
    path = EXPECTATIONS_DIR / f"{name}.json"
    definition = json.loads(path.read_text())
    for position, expectation in enumerate(definition["expectations"]):
        on_failure = expectation.get("meta", {}).get("on_failure")
        if on_failure not in ON_FAILURE:
            raise ValueError(
                f"{path}: expectations[{position}] ({expectation.get('type')}) has "
                f"meta.on_failure={on_failure!r}; set one of {ON_FAILURE}"
            )
    return definition


def _great_expectations():
    """GX, imported on first use. GX probes for pyspark when it is installed (the spark extra),
    and pyspark warns about pandas 3 on import; GX reads pandas frames only, so the warning
    says nothing here."""
    warnings.filterwarnings(
        "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
    )
    import great_expectations

    return great_expectations


class Validator:
    """One ephemeral GX context per process; suites registered on first use."""

    def __init__(self) -> None:
        self._definitions: dict[str, Any] = {}

    @cached_property
    def _context(self):
        gx = _great_expectations()
        from great_expectations.data_context.types.base import ProgressBarsConfig

        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._batch_definition = (
            context.data_sources.add_pandas("annolytics")
            .add_dataframe_asset("batch")
            .add_batch_definition_whole_dataframe("whole_dataframe")
        )
        return context

    def _validation_definition(self, suite_name: str):
        if suite_name not in self._definitions:
            gx = _great_expectations()
            from great_expectations.expectations.expectation_configuration import (
                ExpectationConfiguration,
            )

            definition = load_suite_definition(suite_name)
            suite = gx.ExpectationSuite(
                name=suite_name,
                expectations=[
                    ExpectationConfiguration(
                        type=item["type"], kwargs=item["kwargs"], meta=item.get("meta", {})
                    ).to_domain_obj()
                    for item in definition["expectations"]
                ],
            )
            context = self._context
            self._definitions[suite_name] = context.validation_definitions.add(
                gx.ValidationDefinition(
                    name=f"{suite_name}_validation",
                    data=self._batch_definition,
                    suite=context.suites.add(suite),
                )
            )
        return self._definitions[suite_name]

    def validate(
        self, suite_name: str, frame: pd.DataFrame, parameters: dict[str, Any] | None = None
    ) -> BatchReport:
        result = self._validation_definition(suite_name).run(
            batch_parameters={"dataframe": frame},
            expectation_parameters=parameters or {},
            result_format={"result_format": "COMPLETE"},
        )
        report = BatchReport(suite=suite_name)
        for item in result.results:
            config = item.expectation_config
            details = item.result or {}
            report.outcomes.append(
                ExpectationOutcome(
                    expectation=config.type,
                    column=config.kwargs.get("column"),
                    on_failure=(config.meta or {}).get("on_failure", "block"),
                    success=bool(item.success),
                    element_count=details.get("element_count"),
                    unexpected_count=details.get("unexpected_count"),
                    failing_index=tuple(details.get("unexpected_index_list") or ()),
                )
            )
        return report
