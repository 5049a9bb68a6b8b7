"""The ``Steps:`` line a night prints (where its time went) and its reading by the benchmark:
written and read here, so the two cannot drift apart."""

from __future__ import annotations

import re
from collections.abc import Iterable

PREFIX = "Steps: "
_STEP = re.compile(r"(\w+) (\d+(?:\.\d+)?) s")


def format_step_times(steps: Iterable[tuple[str, float]]) -> str:
    """``Steps: raw_layer 37.4 s, warehouse_models 87.0 s, ...`` from (step key, seconds)."""
    parts = [f"{step} {seconds:.1f} s" for step, seconds in steps]
    return PREFIX + (", ".join(parts) if parts else "none finished")


def parse_step_times(line: str) -> dict[str, float]:
    """The seconds of each step named in a ``format_step_times`` line."""
    return {step: float(seconds) for step, seconds in _STEP.findall(line.removeprefix(PREFIX))}
