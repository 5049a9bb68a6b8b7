"""How numbers read on the report: seconds as s / min / h / d, shares as percentages, counts
with thousands separators; a missing value as a dash. Jinja filters (environment.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def format_seconds(value: float | None) -> str:
    if value is None:
        return "–"
    value = float(value)
    if abs(value) < 10:
        return f"{value:.1f} s"
    if abs(value) < 120:
        return f"{value:.0f} s"
    if abs(value) < 7200:
        return f"{value / 60:.1f} min"
    if abs(value) < 3 * 86400:
        return f"{value / 3600:.1f} h"
    return f"{value / 86400:.1f} d"


def format_pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{float(value) * 100:.{digits}f} %"


def format_num(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{float(value):,.{digits}f}"


# A table column's ``format`` (pages/*.yml) -> how its cells read.
NUMBER_FORMATS: dict[str, Callable[[Any], str]] = {
    "int": format_num,
    "num": lambda v: format_num(v, 1),
    "num2": lambda v: format_num(v, 2),
    "money": lambda v: format_num(v, 2),
    "pct": format_pct,
    "seconds": format_seconds,
}
