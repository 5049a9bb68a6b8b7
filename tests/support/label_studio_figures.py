"""Per-annotator figures of a Label Studio export computed the way METRICS.md §2 defines them,
with plain Python from the raw JSON (no SQL, no warehouse code): what the parity tests hold
the marts to."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

SUBMITTED_ACTIONS = {"submitted", "updated", "fixed_and_accepted", "accepted"}


def _identity(completed_by, emails: dict[int, str]) -> str:
    if isinstance(completed_by, dict):
        return completed_by["email"].lower()
    return emails.get(completed_by, str(completed_by))


def expected_figures(export: Path) -> tuple[dict, dict]:
    """(per annotator, per annotator and completion day) following METRICS.md §2."""
    tasks = json.loads(export.read_text())
    emails = {
        a["completed_by"]["id"]: a["completed_by"]["email"].lower()
        for t in tasks
        for a in t["annotations"]
        if isinstance(a["completed_by"], dict)
    }
    groups: dict[tuple, list] = defaultdict(list)
    for task in tasks:
        for annotation in task["annotations"]:
            if annotation.get("ground_truth"):  # a reference answer, not work (METRICS.md §2)
                continue
            who = _identity(annotation["completed_by"], emails)
            day = datetime.fromisoformat(annotation["created_at"]).astimezone(UTC).date()
            groups[(who,)].append(annotation)
            groups[(who, day)].append(annotation)

    def figures(annotations):
        def last_action(a):
            return a["last_action"] or ("skipped" if a["was_cancelled"] else "submitted")

        submitted = [
            a for a in annotations if not a["was_cancelled"] and last_action(a) in SUBMITTED_ACTIONS
        ]
        times = [a["lead_time"] for a in submitted]
        median = statistics.median(times) if times else None
        return {
            "submitted": len(submitted),
            "skipped": sum(1 for a in annotations if a["was_cancelled"]),
            "updated": sum(1 for a in annotations if last_action(a) == "updated"),
            "total_time_s": sum(times),
            "median_time_s": median,
            "mean_time_s": statistics.fmean(times) if times else None,
            "total_time_median_s": len(times) * median if times else None,
        }

    overall = {key[0]: figures(v) for key, v in groups.items() if len(key) == 1}
    daily = {key: figures(v) for key, v in groups.items() if len(key) == 2}
    return overall, daily
