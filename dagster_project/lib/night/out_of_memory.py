"""DuckDB running out of its memory limit in a dbt night: when to build again one at a time.

dbt builds two models at a time, and both queries share the warehouse's one DuckDB memory limit.
At 30 M events two joins of millions of rows, each fitting alone, together failed to pin memory
("Out of Memory Error") instead of spilling, and which pair met depended on timing. A night whose
only errors are such failures builds those models and everything skipped after them again, one
query at a time: the same ``dbt build`` with ``--threads 1``, excluding what already succeeded
(``dbt retry`` would be the same, but takes no ``--select``, which dagster-dbt always passes).
Any other error or a failed test fails the night as before; so does a model still out of memory
alone, and the reason then says which limit to raise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

# DuckDB's error for a query that could not get memory under its limit.
_OUT_OF_MEMORY = re.compile(r"Out of Memory Error", re.IGNORECASE)
# What a run_results.json result with no error says (dbt's node statuses).
_DONE = frozenset({"success", "pass", "warn", "no-op"})
_FINE = _DONE | {"skipped"}


def is_out_of_memory(text: str) -> bool:
    return _OUT_OF_MEMORY.search(text) is not None


def read_run_results(target_path: Path) -> dict[str, Any] | None:
    """dbt's run_results.json in the invocation's target folder; None when absent or unreadable."""
    try:
        results = json.loads((target_path / "run_results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return results if isinstance(results, dict) else None


def nodes_out_of_memory(run_results: Mapping[str, Any] | None) -> list[str]:
    """The nodes that failed for want of memory, when nothing else failed; else nothing (the
    night fails as it would have)."""
    if not run_results or not isinstance(run_results.get("results"), Sequence):
        return []
    out_of_memory = []
    for result in run_results["results"]:
        if not isinstance(result, Mapping):
            return []
        status = str(result.get("status", ""))
        if status in _FINE:
            continue
        if status != "error" or not is_out_of_memory(str(result.get("message") or "")):
            return []
        out_of_memory.append(str(result.get("unique_id", "?")))
    return out_of_memory


def one_at_a_time(arguments: Sequence[str], run_results: Mapping[str, Any]) -> list[str]:
    """The night's dbt arguments again, one node at a time, leaving out every node that is done
    (by name: ``model.<project>.<name>``, ``test.<project>.<name>.<hash>``)."""
    done = sorted(
        {
            str(result["unique_id"]).split(".")[2]
            for result in run_results["results"]
            if result.get("status") in _DONE and str(result.get("unique_id", "")).count(".") >= 2
        }
    )
    # One value, space-separated, as dbt reads it: dagster-dbt takes --exclude out of the
    # arguments and passes it on with one value.
    excluded = ["--exclude", " ".join(done)] if done else []
    return [*arguments, "--threads", "1", *excluded]
