"""A GX raw suite (``expectations/<suite>.json``) evaluated as SQL inside DuckDB.

The suite JSON stays the one definition of what a raw row must satisfy; this module reads the
same file and turns each row-level expectation into a predicate, so a whole landed file is
checked in one scan instead of being copied into pandas for GX batch by batch. Semantics follow
GX: inclusive bounds, nulls are never unexpected, the first quarantining expectation a row fails
is the one named in quarantine. A suite using an expectation type not listed in ``SUPPORTED``
cannot be translated: ``UnsupportedSuite`` tells the caller to validate with GX on pandas
instead (see ``ingest``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dagster_project.lib.quality.validation import load_suite_definition

SUPPORTED = (
    "expect_table_columns_to_match_set",
    "expect_column_values_to_be_between",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_null",
)


class UnsupportedSuite(ValueError):
    """The suite has an expectation this module cannot express in SQL."""


@dataclass(frozen=True)
class SqlExpectation:
    expectation: str
    column: str | None
    on_failure: str
    # SQL that is true for an unexpected row; None for table-level expectations.
    unexpected_when: str | None
    # Outcome of a table-level expectation, known without scanning rows.
    table_level_success: bool | None = None

    @property
    def reason(self) -> str:
        where = f" on column {self.column}" if self.column else ""
        return f"failed {self.expectation}{where}"


def _literal(value: Any, parameters: dict[str, Any]) -> str:
    if isinstance(value, dict) and "$PARAMETER" in value:
        value = parameters[value["$PARAMETER"]]
    if isinstance(value, datetime):
        return f"timestamp '{value.isoformat(sep=' ')}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise UnsupportedSuite(f"cannot express {value!r} in SQL")


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def compile_suite(
    suite_name: str, columns: list[str], parameters: dict[str, Any] | None = None
) -> list[SqlExpectation]:
    """The suite's expectations as SQL over a relation with ``columns``."""
    parameters = parameters or {}
    compiled = []
    for item in load_suite_definition(suite_name)["expectations"]:
        kind, kwargs = item["type"], item["kwargs"]
        on_failure = item["meta"]["on_failure"]
        column = kwargs.get("column")
        if kind not in SUPPORTED or set(kwargs) - {
            "column",
            "column_set",
            "exact_match",
            "min_value",
            "max_value",
            "value_set",
            "strict_min",
            "strict_max",
        }:
            raise UnsupportedSuite(f"{suite_name}: {kind} with {sorted(kwargs)}")
        if kind == "expect_table_columns_to_match_set":
            expected = set(kwargs["column_set"])
            present = set(columns)
            exact = kwargs.get("exact_match", True)
            success = expected == present if exact else expected <= present
            compiled.append(SqlExpectation(kind, None, on_failure, None, success))
            continue
        name = _quoted(column)
        if kind == "expect_column_values_to_not_be_null":
            condition = f"{name} is null"
        elif kind == "expect_column_values_to_be_in_set":
            values = ", ".join(_literal(v, parameters) for v in kwargs["value_set"])
            condition = f"{name} is not null and {name} not in ({values})"
        else:
            bounds = []
            if kwargs.get("min_value") is not None:
                operator = "<=" if kwargs.get("strict_min") else "<"
                bounds.append(f"{name} {operator} {_literal(kwargs['min_value'], parameters)}")
            if kwargs.get("max_value") is not None:
                operator = ">=" if kwargs.get("strict_max") else ">"
                bounds.append(f"{name} {operator} {_literal(kwargs['max_value'], parameters)}")
            condition = f"{name} is not null and ({' or '.join(bounds) or 'false'})"
        compiled.append(SqlExpectation(kind, column, on_failure, condition))
    return compiled
