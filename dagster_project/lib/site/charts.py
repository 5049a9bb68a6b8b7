"""Chart data: the rows a chart draws, added up per drawn point where the chart sums them
(``chart_rows``), written one list per column (``columnar``), and the busiest people a
per-person chart keeps (``top_rows``)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from dagster_project.lib.site.data import FILTER_COLUMNS, Rows

# A chart with a bar, heatmap row or tree node per person shows the busiest this many people
# (top_rows): thousands of people make charts no browser draws well and no reader follows.
# Everyone stays in the tables (and their CSV files) and on their own page.
CHART_PEOPLE = 50


def chart_rows(rows: Rows, spec: dict[str, Any], kind: str = "", aggregate: bool = True) -> Rows:
    """Only the columns a chart names (plus the filter columns), and, for a chart that adds its
    rows up, one row per distinct key (all other columns): keeps pages small (a daily chart
    would otherwise carry one row per person and day to draw one bar per day)."""
    if not rows:
        return []
    names: set[str] = set(FILTER_COLUMNS)

    def collect(value: Any) -> None:
        if isinstance(value, str):
            names.add(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                collect(key)
                collect(item)
        elif isinstance(value, list | tuple):
            for item in value:
                collect(item)

    collect(spec)
    keep = [column for column in rows[0] if column in names]
    if len(keep) < 2:
        kept = [{column: row[column] for column in keep} for row in rows]
    else:
        values = itemgetter(*keep)
        kept = [dict(zip(keep, values(row), strict=True)) for row in rows]
    additive = _added_up(kind, spec) if aggregate else None
    if additive is None or not additive.summed <= set(keep):
        return kept
    return _aggregated(kept, keep, additive)


def columnar(rows: Rows) -> dict[str, Any]:
    """Rows as one list of values per column (assets/charts.js turns them back into rows): each
    column's name is written once instead of once per row, which was half a chart's bytes. A
    text column repeating few values (projects, days, people) is written as its distinct values
    and, per row, the index of its value (``dictionary_column``)."""
    if not rows:
        return {}
    columns = {}
    for column in rows[0]:
        values = [row.get(column) for row in rows]
        columns[column] = dictionary_column(values) or values
    return columns


def dictionary_column(values: list) -> dict[str, list] | None:
    """``{"values": distinct values in order of appearance, "codes": an index per row}`` for text
    (with nulls) holding at most one distinct value per two rows; None otherwise. A chart with a
    row per person and day repeats each project key and day many times."""
    if not all(value is None or type(value) is str for value in values):
        return None
    codes: dict[str | None, int] = {}
    indices = [codes.setdefault(value, len(codes)) for value in values]
    if len(codes) * 2 > len(values):
        return None
    return {"values": list(codes), "codes": indices}


@dataclass(frozen=True)
class _Additive:
    """What a chart adds up: ``columns`` are summed (treating a null as 0, as charts.js does);
    with a ``weight``, they are means weighted by it, and the weight is summed."""

    columns: tuple[str, ...]
    weight: str | None = None

    @property
    def summed(self) -> set[str]:
        return {*self.columns, self.weight} if self.weight else set(self.columns)


def _added_up(kind: str, spec: dict[str, Any]) -> _Additive | None:
    """How assets/charts.js combines rows that share everything but their values (see its
    builders), or None where it draws every row (box, scatter, interval, a plain heatmap)."""
    if kind in ("calendar", "sankey", "hierarchy"):
        return _Additive((spec["value"],))
    if kind == "heatmap":
        return _Additive((spec["z"],)) if spec.get("sum") else None
    if kind not in ("bar", "line"):
        return None
    y_columns = tuple(spec.get("y") or {"value": ""})
    if spec.get("ratio"):  # sum(numerator) / sum(denominator); the y columns only name lines
        return _Additive(tuple(dict.fromkeys([*spec["ratio"], *y_columns])))
    if spec.get("weight"):
        weight = spec["weight"]
        return None if weight in y_columns else _Additive(y_columns, weight)
    return _Additive(y_columns) if spec.get("sum") else None


def _number(value: Any) -> float | int:
    return 0 if value is None else value


def _aggregated(rows: Rows, columns: list[str], additive: _Additive) -> Rows:
    """One row per key (the columns that are not added up), in the order keys first occur, so
    that every order charts.js takes from the rows is kept; a key of one row is that row."""
    keys = [column for column in columns if column not in additive.summed]
    key_of = itemgetter(*keys) if keys else (lambda row: ())
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(key_of(row), []).append(row)
    if len(groups) == len(rows):
        return rows
    out = []
    for group in groups.values():
        if len(group) == 1:
            out.append(group[0])
            continue
        row = dict(group[0])
        if additive.weight:
            weights = [_number(member[additive.weight]) for member in group]
            total = sum(weights)
            row[additive.weight] = total
            for column in additive.columns:
                weighted = sum(
                    _number(member[column]) * weight
                    for member, weight in zip(group, weights, strict=True)
                )
                row[column] = weighted / total if total else None
        else:
            for column in additive.columns:
                row[column] = sum(_number(member[column]) for member in group)
        out.append(row)
    return out


@dataclass(frozen=True)
class TopRows:
    """The rows of a chart's busiest keys (see top_rows)."""

    rows: Rows
    shown: int  # keys kept
    total: int  # distinct keys in all the rows

    def note(self, noun: str, measure: str) -> str:
        """What the caption says when keys were left out, else nothing."""
        if self.shown == self.total:
            return ""
        return (
            f"The {self.shown:,} of {self.total:,} {noun} with the most {measure}; the table "
            "and each person's page have everyone."
        )


def top_rows(
    rows: Rows,
    keys: str | list[str],
    by: str | list[str],
    limit: int | None = None,
    together: bool = False,
) -> TopRows:
    """The rows of the ``limit`` (default CHART_PEOPLE) keys with the largest total of ``by`` (a
    column, or the sum of columns), in the rows' order; ties go to the key that sorts first (as
    text, column by column).

    ``keys`` is a column, or columns naming the same kind of thing (the reviewer and the
    annotator of a review): a row is kept when each of them is among the busiest. With
    ``together`` the columns form one key instead (a pair), so every kept key has its rows."""
    columns = [keys] if isinstance(keys, str) else list(keys)
    measures = [by] if isinstance(by, str) else list(by)
    limit = CHART_PEOPLE if limit is None else limit
    key_of = itemgetter(*columns)
    one_key = together or len(columns) == 1  # else each column's value is a key of its own
    totals: dict[Any, float] = {}
    for row in rows:
        amount = sum(_number(row[measure]) for measure in measures)
        for key in [key_of(row)] if one_key else key_of(row):
            totals[key] = totals.get(key, 0) + amount
    if len(totals) <= limit:
        return TopRows(rows, len(totals), len(totals))

    def tie_break(key: Any) -> tuple[str, ...]:
        return tuple(map(str, key)) if isinstance(key, tuple) else (str(key),)

    # Only keys whose total reaches the limit-th largest can be among the first ``limit``: the
    # rest are never ranked (a large team has hundreds of thousands of pairs).
    threshold = heapq.nlargest(limit, totals.values())[-1]
    candidates = [key for key, total in totals.items() if total >= threshold]
    ranked = sorted(candidates, key=lambda key: (-totals[key], tie_break(key)))
    kept = set(ranked[:limit])
    if one_key:
        shown = [row for row in rows if key_of(row) in kept]
    else:
        shown = [row for row in rows if all(key in kept for key in key_of(row))]
    return TopRows(shown, limit, len(totals))
