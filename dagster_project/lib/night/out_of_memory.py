"""DuckDB running out of its memory limit in a dbt night: when to build again one at a time.

dbt builds two models at a time, and both queries share the warehouse's one DuckDB memory limit.
At 30 M events two joins of millions of rows, each fitting alone, together failed to pin memory
("Out of Memory Error") instead of spilling, and which pair met depended on timing. A night whose
only errors are such failures builds those models and everything skipped after them again, one
query at a time: the same ``dbt build`` with ``--threads 1``, excluding what already succeeded
by dbt's own ``result:`` selection against the first pass's run_results.json (``dbt retry``
would be the same, but takes no ``--select``, which dagster-dbt always passes), with no
indirect selection (not_done says why).
Any other error or a failed test fails the night as before; so does a model still out of memory
alone, and the reason then says which limit to raise.
"""

from __future__ import annotations

import json
import re
import shutil
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


def keep_first_pass(target_path: Path) -> Path:
    """The first pass's run_results.json and manifest.json, copied out of the target folder the
    second pass writes into, for its ``--state``."""
    state = target_path / "first_pass"
    state.mkdir(exist_ok=True)
    for name in ("run_results.json", "manifest.json"):
        if (target_path / name).is_file():
            shutil.copyfile(target_path / name, state / name)
    return state


def not_done(first_pass: Path) -> list[str]:
    """dbt arguments selecting what is not done in ``first_pass`` (keep_first_pass): every node
    but those whose result there is done. Without indirect selection, as both of dbt's kinds
    leave out tests that must run again: eager (the default) every test one of whose models is
    left out, so a relationships test skipped for its failed model stayed unrun because its
    other model was built; cautious a test whose models were all built but which itself ran out
    of memory."""
    done = " ".join(f"result:{status}" for status in sorted(_DONE))
    # One value, space-separated, as dbt reads it: dagster-dbt takes --exclude out of the
    # arguments and passes it on with one value.
    return ["--state", str(first_pass), "--indirect-selection", "empty", "--exclude", done]


def one_at_a_time(arguments: Sequence[str], first_pass: Path) -> list[str]:
    """The night's dbt arguments again, one node at a time, for what is not done."""
    return [*arguments, "--threads", "1", *not_done(first_pass)]
