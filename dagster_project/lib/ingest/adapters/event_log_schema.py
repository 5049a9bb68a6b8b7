"""The tool-neutral event log's contract, ``event_log.schema.json``, as both of its readers
(``event_log``: Python, ``event_log_duckdb``: DuckDB) use it."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

TABLE = "events"


@cache
def event_log_schema() -> dict[str, Any]:
    text = (
        resources.files("dagster_project.lib.ingest.adapters")
        .joinpath("event_log.schema.json")
        .read_text()
    )
    return json.loads(text)


@cache
def conditional_requirements() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(event_type pattern, required field) pairs from the schema's if/then rules."""
    rules = []
    for rule in event_log_schema()["allOf"]:
        condition = rule["if"]["properties"]["event_type"]
        for field in rule["then"]["required"]:
            if "pattern" in condition:
                rules.append((re.compile(condition["pattern"]), field))
            else:
                for name in condition["enum"]:
                    rules.append((re.compile(f"^{re.escape(name)}$"), field))
    return tuple(rules)
