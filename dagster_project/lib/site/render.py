"""Render pages into a folder that works offline (file:// included).

Data reach the browser only through Jinja2's ``tojson`` inside ``<script type="application/json">``
and autoescaped HTML, so no string from the data can run as code.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from operator import itemgetter
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    meta,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup, escape

from ..settings import REPORTS_DIR
from .data import PageInstance, Rows
from .run_info import RunInfo

TEMPLATES_DIR = REPORTS_DIR / "templates"
STATIC_DIR = REPORTS_DIR / "static"
# Columns the client-side filters read: rows carrying them follow the project and date filters.
FILTER_COLUMNS = ("project_key", "day", "week")
# A table on a page shows at most this many rows (ANNOLYTICS_SITE_TABLE_ROWS), the first in the
# query's order: at 10 M events some tables had hundreds of thousands of rows (reworks.html was
# 413 MB), more than a browser can show usefully, and writing them took much of the site step.
# Every row of a longer table is in a CSV file beside the page, so the site stays complete.
DEFAULT_TABLE_ROWS = 1_000
TABLE_FILES_DIR = "data"  # the CSV files, beside the pages (and in each night's copy)
_TABLE_ID = re.compile(r"^[A-Za-z0-9_-]+$")  # table ids name files


@dataclass(frozen=True)
class Night:
    """A kept snapshot of an earlier night, linked from the front page."""

    date: str
    href: str


@dataclass(frozen=True)
class SiteContext:
    projects: tuple[dict[str, str], ...] = ()  # {"key": project_key, "name": shown name}
    first_day: str | None = None
    data_through: str | None = None
    nights: tuple[Night, ...] = ()  # newest first; empty inside a snapshot
    snapshot_of: str | None = None  # set when rendering the dated copy of a night
    previous_failures: tuple[dict, ...] = ()  # failed nights since the last report
    pseudonymised: bool = False
    published_at: str = ""
    evidence: dict[str, str] = field(default_factory=dict)  # mart -> "page.html#id"


def project_names(rows: Rows) -> tuple[dict[str, str], ...]:
    """Projects are shown by their id in the tool, with the tool added where two tools share
    an id."""
    ids = [row["project_id"] for row in rows]
    return tuple(
        {
            "key": row["project_key"],
            "name": row["project_id"]
            if ids.count(row["project_id"]) == 1
            else f"{row['project_id']} ({row['source_system']})",
        }
        for row in rows
    )


def evidence_links(pages: list[PageInstance]) -> dict[str, str]:
    """Where the rows behind each mart are shown: the first page (in navigation order) whose
    YAML names the mart under ``evidence``."""
    links: dict[str, str] = {}
    for page in pages:
        for mart, anchor in page.definition.evidence.items():
            links.setdefault(mart, f"{page.filename}#{anchor}")
    return links


def _format_seconds(value: float | None) -> str:
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


def _format_pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{float(value) * 100:.{digits}f} %"


def _format_num(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{float(value):,.{digits}f}"


def _chart_rows(rows: Rows, spec: dict[str, Any], kind: str = "", aggregate: bool = True) -> Rows:
    """Only the columns a chart names (plus the filter columns), and, for a chart that adds its
    rows up, one row per distinct key (all other columns): keeps pages small. At 10 M events the
    daily charts carried one row per person and day (229,000) to draw one bar per day."""
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


_NUMBER_FORMATS: dict[str, Callable[[Any], str]] = {
    "int": _format_num,
    "num": lambda v: _format_num(v, 1),
    "num2": lambda v: _format_num(v, 2),
    "money": lambda v: _format_num(v, 2),
    "pct": _format_pct,
    "seconds": _format_seconds,
}
_MISSING_CELL = '<td class="missing" data-value="">–</td>\n'


def _attribute(value: Any) -> str:
    """``escape(value)``, without the call where ``str`` of the value has nothing to escape."""
    return str(value) if type(value) is int or type(value) is float else escape(value)


def _cell_writer(column: list[Any], page_for: Any, project_name: Any) -> Callable[[dict], str]:
    """The writer of one ``<td>`` of a column of a server-side table, in the formats listed in
    partials/tables.html.j2; every value from the data goes through ``escape`` (numbers and the
    formatted numbers hold nothing to escape). Built once per table, not per cell: a big mart's
    table has millions of cells."""
    name = column[0]
    kind = column[2] if len(column) > 2 else "text"
    if kind in _NUMBER_FORMATS:
        shown = _NUMBER_FORMATS[kind]

        def number(row: dict) -> str:
            value = row[name]
            if value is None:
                return _MISSING_CELL
            return f'<td class="num" data-value="{_attribute(value)}">{shown(value)}</td>\n'

        return number
    if kind == "pct_ci":
        low_name, high_name = column[3]["low"], column[3]["high"]

        def pct_ci(row: dict) -> str:
            value, low = row[name], row[low_name]
            interval = (
                ""
                if low is None
                else f' <span class="ci">[{_format_pct(low, 0)}–'
                f"{_format_pct(row[high_name], 0)}]</span>"
            )
            sort_value = _attribute(value) if value is not None else ""
            return (
                f'<td class="num" data-value="{sort_value}">{_format_pct(value)}{interval}</td>\n'
            )

        return pct_ci
    if kind == "bool":

        def boolean(row: dict) -> str:
            value = row[name]
            if value is None:
                return _MISSING_CELL
            return f'<td data-value="{1 if value else 0}">{"yes" if value else "no"}</td>\n'

        return boolean
    if kind == "date":

        def date(row: dict) -> str:
            value = row[name]
            if value is None:
                return _MISSING_CELL
            return f'<td data-value="{escape(value)}">{escape(value[:10])}</td>\n'

        return date
    if kind == "project":
        projects: dict[Any, str] = {}  # a table names few projects, in many rows

        def project(row: dict) -> str:
            value = row[name]
            if value is None:
                return _MISSING_CELL
            if type(value) is not str:  # 1, 1.0 and True are one key but not one name
                return f"<td>{escape(project_name(value))}</td>\n"
            cell = projects.get(value)
            if cell is None:
                cell = projects[value] = f"<td>{escape(project_name(value))}</td>\n"
            return cell

        return project
    if kind in ("person", "person_page"):
        is_page = kind == "person_page"

        people: dict[Any, str] = {}  # the same people in many rows

        def person(row: dict) -> str:
            value = row[name]
            if value is None and not is_page:
                return _MISSING_CELL
            if type(value) is not str:  # 1, 1.0 and True are one key but not one name
                return person_cell(value)
            cell = people.get(value)
            if cell is None:
                cell = people[value] = person_cell(value)
            return cell

        def person_cell(value: Any) -> str:
            href = page_for("person", value)
            shown = "profile" if is_page else escape(value)
            if href:
                return f'<td><a href="{escape(href)}">{shown}</a></td>\n'
            return f"<td>{'' if is_page else shown}</td>\n"

        return person

    def text(row: dict) -> str:
        value = row[name]
        if value is None:
            return _MISSING_CELL
        return f"<td>{escape(value)}</td>\n"

    return text


@dataclass(frozen=True)
class LongTable:
    """A table with more rows than a page shows: all its rows go to a CSV file."""

    href: str  # the CSV file, relative to the page's folder
    columns: tuple[str, ...]
    rows: Rows


@dataclass(frozen=True)
class ShownRows:
    """What a table on the page holds: its rows, or the first of them and where the rest are."""

    rows: Rows
    total: int  # rows of the query result
    file: LongTable | None = None  # set when rows were left out

    @property
    def file_name(self) -> str:
        return self.file.href.rsplit("/", 1)[-1] if self.file else ""


def table_file_href(page_filename: str, table_id: str) -> str:
    """``data/reworks--review-edges.csv``: relative to the page, so it works from file://."""
    return f"{TABLE_FILES_DIR}/{Path(page_filename).stem}--{table_id}.csv"


def _file_columns(columns: list[list[Any]]) -> tuple[str, ...]:
    """The row keys a table shows, each once, in the table's order (an interval's bounds after
    its value)."""
    keys = []
    for column in columns:
        keys.append(column[0])
        if len(column) > 2 and column[2] == "pct_ci":
            keys += [column[3]["low"], column[3]["high"]]
    return tuple(dict.fromkeys(keys))


@pass_context
def _shown_rows(
    context: Context,
    table_id: str,
    rows: Rows,
    columns: list[list[Any]],
    own_limit: int | None = None,
) -> ShownRows:
    """The rows a table shows: all, or the first ``table_row_limit`` (or the table's own
    ``limit``, if lower), the whole table then being recorded in the render's ``long_tables``
    for render_pages to write as a CSV file."""
    limit = context["table_row_limit"]
    if own_limit is not None:
        limit = min(limit, own_limit)
    if len(rows) <= limit:
        return ShownRows(rows, len(rows))
    if not _TABLE_ID.match(table_id):
        raise ValueError(f"table id {table_id!r} names a file: use letters, digits, - and _")
    long_tables = context.get("long_tables")
    if long_tables is None:
        raise ValueError(
            f"table '{table_id}' has more than {limit} rows: only render_pages writes the CSV "
            "file of the rows a page leaves out"
        )
    href = table_file_href(context["page"].filename, table_id)
    table = LongTable(href, _file_columns(columns), rows)
    long_tables.append(table)
    return ShownRows(rows[:limit], len(rows), table)


# A text cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection"):
# people's names and task ids come from the labeling tools, so such a cell is written with a
# leading apostrophe, which spreadsheets show as text. Numbers are written as they are.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_formula(value: Any) -> bool:
    return type(value) is str and value.startswith(_FORMULA_STARTS)


def _csv_cell(value: Any) -> Any:
    return "'" + value if _is_formula(value) else value


def _write_table_file(path: Path, table: LongTable) -> None:
    path.parent.mkdir(exist_ok=True)
    values = itemgetter(*table.columns)
    lines = [values(row) for row in table.rows]
    if len(table.columns) == 1:
        lines = [(value,) for value in lines]
    # Checked column by column, and rows rewritten only where needed: at 10 M events these files
    # hold over two million rows a night.
    guarded = {
        index
        for index in range(len(table.columns))
        if any(_is_formula(line[index]) for line in lines)
    }
    if guarded:
        lines = [
            tuple(
                _csv_cell(value) if index in guarded else value for index, value in enumerate(line)
            )
            if any(_is_formula(line[index]) for index in guarded)
            else line
            for line in lines
        ]
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(table.columns)
        writer.writerows(lines)


def link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed: a copy is as good
        shutil.copy2(source, target)


def _missing_column(row: dict[str, Any], columns: list[list[Any]]) -> ValueError | None:
    for column in columns:
        if column[0] not in row:
            return ValueError(
                f"table column '{column[0]}' is not a column of the rows {sorted(row)}"
            )
        if len(column) > 2 and column[2] == "pct_ci":
            low, high = column[3]["low"], column[3]["high"]
            if low not in row or (row[low] is not None and high not in row):
                return None  # as before: the KeyError names the interval's column
    return None


@pass_context
def _table_rows(context: Context, rows: Rows, columns: list[list[Any]]) -> Markup:
    """The ``<tr>`` lines of a table; rows carrying a filter column follow the page's filters."""
    page_for, project_name = context["page_for"], context["project_name"]
    writers = [_cell_writer(column, page_for, project_name) for column in columns]
    attributes = [(key, f' data-{key.replace("_", "-")}="') for key in FILTER_COLUMNS]
    lines = []
    append = lines.append
    row: dict[str, Any] = {}
    try:
        for row in rows:
            filters = "".join(
                f'{attribute}{escape(row[key])}"'
                for key, attribute in attributes
                if row.get(key) is not None
            )
            cells = "".join([write(row) for write in writers])
            append(f"    <tr{filters}>{cells}</tr>")
    except KeyError as error:
        raise _missing_column(row, columns) or error from None
    return Markup("\n".join(lines))


def environment(table_row_limit: int = DEFAULT_TABLE_ROWS) -> Environment:
    """Templates of reports/templates; tables show at most ``table_row_limit`` rows."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["seconds"] = _format_seconds
    env.filters["pct"] = _format_pct
    env.filters["num"] = _format_num
    env.filters["chart_rows"] = _chart_rows
    env.globals["table_rows"] = _table_rows
    env.globals["shown_rows"] = _shown_rows
    env.globals["table_row_limit"] = table_row_limit
    return env


def copy_assets(target: Path) -> None:
    assets = target / "assets"
    shutil.copytree(STATIC_DIR, assets, dirs_exist_ok=True)
    plotly_js = resources.files("plotly").joinpath("package_data", "plotly.min.js")
    with resources.as_file(plotly_js) as source:
        shutil.copyfile(source, assets / "plotly.min.js")


# A night's dated copy differs from the live site by what its context changes: the note naming
# the night (snapshot_of, written by the base template) and, on pages that show them, the
# links to earlier nights and the failures since the last report (empty in a copy).
BASE_TEMPLATE = "base.html.j2"
_LIVE_ONLY = re.compile(r"\b(?:nights|previous_failures)\b")
_SNAPSHOT_ONLY = re.compile(r"\bsnapshot_of\b")


def _template_chain(env: Environment, name: str, seen: set[str] | None = None) -> set[str]:
    """The template and every template it extends, includes or imports."""
    seen = set() if seen is None else seen
    if name in seen:
        return seen
    seen.add(name)
    source = env.loader.get_source(env, name)[0]
    for referenced in meta.find_referenced_templates(env.parse(source)):
        if referenced is None:  # a name computed at render time: it could be anything
            raise LookupError(f"{name} references a template by a computed name")
        _template_chain(env, referenced, seen)
    return seen


def _same_in_snapshot(env: Environment, template: str) -> bool:
    """Whether a page of ``template`` is the live page with only the base template's night
    note added: no template it uses reads what a copy changes, but the base's note."""
    try:
        chain = _template_chain(env, template)
    except LookupError:
        return False
    for name in chain:
        source = env.loader.get_source(env, name)[0]
        if _LIVE_ONLY.search(source) or (name != BASE_TEMPLATE and _SNAPSHOT_ONLY.search(source)):
            return False
    return True


def _note_insertion(live: str, snapshot: str) -> tuple[str, str] | None:
    """(line after which, text) the copy of a page adds to the live page: the copy is the live
    page with whole lines inserted after the first line equal to that one. None when the two
    differ otherwise."""
    start = 0
    while start < len(live) and start < len(snapshot) and live[start] == snapshot[start]:
        start += 1
    start = live.rfind("\n", 0, start) + 1  # back to the start of the line
    added = len(snapshot) - len(live)
    if start == 0 or added <= 0:
        return None
    text = snapshot[start : start + added]
    if live[:start] + text + live[start:] != snapshot:
        return None
    anchor = live[live.rfind("\n", 0, start - 1) + 1 : start]
    if live.find(anchor) + len(anchor) != start:
        return None
    return anchor, text


def render_pages(
    env: Environment,
    target: Path,
    pages: list[PageInstance],
    run: RunInfo,
    site: SiteContext,
    snapshot: tuple[Path, SiteContext] | None = None,
) -> list[Path]:
    """Write every page into ``target``, with the CSV file of each table longer than a page shows
    (under ``data/``); returns the written pages.

    With ``snapshot`` (a folder and the context of tonight's dated copy) every page is also
    written into that folder, as rendering it with that context would, and its CSV files linked
    there (the copy's tables hold the same rows). A page whose templates read nothing the copy
    changes but the base template's night note is not rendered twice: its copy is the live page
    with the note's lines added where the base template puts them (found by rendering one such
    page both ways, and checked on it)."""
    nav = [page for page in pages if page.definition.in_nav]
    by_key = {
        (page.slug, str(next(iter(page.row.values())))): page.filename for page in pages if page.row
    }
    names = {project["key"]: project["name"] for project in site.projects}

    def page_for(slug: str, value: Any) -> str | None:
        return by_key.get((slug, str(value)))

    def project_name(key: str | None) -> str:
        return "all projects" if key is None else names.get(key, key)

    def render(page: PageInstance, context: SiteContext) -> tuple[str, list[LongTable]]:
        """The page's HTML, and its tables longer than a page shows."""
        long_tables: list[LongTable] = []
        html = env.get_template(page.definition.template).render(
            page=page,
            nav=nav,
            run=run,
            site=context,
            data=page.data,
            page_for=page_for,
            project_name=project_name,
            evidence_href=lambda mart: context.evidence.get(mart),
            long_tables=long_tables,
        )
        return html, long_tables

    insertion = None
    derived: set[str] = set()
    if snapshot is not None:
        copy_context = snapshot[1]
        same = {
            template: _same_in_snapshot(env, template)
            for template in {page.definition.template for page in pages}
        }
        candidates = [page for page in pages if same[page.definition.template]]
        if candidates:
            probe = min(candidates, key=lambda page: sum(map(len, page.data.values())))
            insertion = _note_insertion(render(probe, site)[0], render(probe, copy_context)[0])
        if insertion is not None:
            derived = {page.filename for page in candidates}

    written = []
    for page in pages:
        html, long_tables = render(page, site)
        path = target / page.filename
        path.write_text(html, encoding="utf-8")
        written.append(path)
        for table in long_tables:
            _write_table_file(target / table.href, table)
        if snapshot is None:
            continue
        at = html.find(insertion[0]) if insertion and page.filename in derived else -1
        if at >= 0:
            at += len(insertion[0])
            copy = html[:at] + insertion[1] + html[at:]
        else:
            copy = render(page, snapshot[1])[0]
        (snapshot[0] / page.filename).write_text(copy, encoding="utf-8")
        for table in long_tables:
            (snapshot[0] / TABLE_FILES_DIR).mkdir(exist_ok=True)
            link_or_copy(target / table.href, snapshot[0] / table.href)
    return written
