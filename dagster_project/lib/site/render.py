"""Render pages into a folder that works offline (file:// included).

Data reach the browser only through Jinja2's ``tojson`` inside ``<script type="application/json">``
and autoescaped HTML, so no string from the data can run as code.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import heapq
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
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup, escape

from ..settings import REPORTS_DIR
from . import shards
from .data import PageInstance, Rows
from .night import NightContext
from .page_cache import PageCache, PageOutput, link_or_copy
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
# A chart with a bar, heatmap row or tree node per person shows the busiest this many people
# (top_rows): at 10 M events, 6,300 people made reworks.html 130 MB, 91 MB of it the review
# tree's 600 k edges, more than a browser draws or a reader follows. Everyone stays in the
# tables (and their CSV files) and on their own page.
CHART_PEOPLE = 50
TABLE_FILES_DIR = "data"  # the CSV files, beside the pages (and in each night's copy)
_TABLE_ID = re.compile(r"^[A-Za-z0-9_-]+$")  # table ids name files


@dataclass(frozen=True)
class SiteContext:
    """What every page may show besides its own data and the night's (see night.py): the same
    from one night to the next unless projects or settings change."""

    projects: tuple[dict[str, str], ...] = ()  # {"key": project_key, "name": shown name}
    pseudonymised: bool = False
    pseudonyms: str = ""  # fingerprint of who is renamed to what (Pseudonyms.fingerprint)
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


def _top_rows(
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
    # rest are never ranked (600 k reviewer-annotator pairs at 10 M events, 50 kept).
    threshold = heapq.nlargest(limit, totals.values())[-1]
    candidates = [key for key, total in totals.items() if total >= threshold]
    ranked = sorted(candidates, key=lambda key: (-totals[key], tie_break(key)))
    kept = set(ranked[:limit])
    if one_key:
        shown = [row for row in rows if key_of(row) in kept]
    else:
        shown = [row for row in rows if all(key in kept for key in key_of(row))]
    return TopRows(shown, limit, len(totals))


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
        for index, column in enumerate(zip(*lines, strict=True))
        if str in set(map(type, column)) and any(map(_is_formula, column))
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
    env.globals["top_rows"] = _top_rows
    return env


def copy_assets(target: Path) -> None:
    assets = target / "assets"
    shutil.copytree(STATIC_DIR, assets, dirs_exist_ok=True)
    plotly_js = resources.files("plotly").joinpath("package_data", "plotly.min.js")
    with resources.as_file(plotly_js) as source:
        shutil.copyfile(source, assets / "plotly.min.js")


@dataclass(frozen=True)
class RenderJob:
    """Everything rendering a page takes besides its rows: picklable, for worker processes."""

    target: Path
    run: RunInfo
    site: SiteContext
    night: NightContext
    nav: tuple[PageInstance, ...]  # without their rows: only names and titles are shown
    by_key: dict[tuple[str, str], str]  # (slug, page key) -> the filename of a page per row
    table_rows: int
    snapshot: tuple[Path, NightContext] | None = None  # tonight's dated copy and its night


@dataclass(frozen=True)
class RenderedPages:
    """The pages written, and how many were rendered tonight or linked from last night's site."""

    paths: list[Path]
    rendered: int
    reused: int


class _Renderer:
    """Renders pages of one job into its folder."""

    def __init__(self, env: Environment, job: RenderJob):
        self._env = env
        self._job = job
        self._names = {project["key"]: project["name"] for project in job.site.projects}
        # The page_for lookups of the page being rendered (page_cache.PageOutput.links).
        self._links: dict[tuple[str, str], str | None] = {}

    def _page_for(self, slug: str, value: Any) -> str | None:
        key = (slug, str(value))
        found = self._job.by_key.get(key)
        self._links[key] = found
        return found

    def _project_name(self, key: str | None) -> str:
        return "all projects" if key is None else self._names.get(key, key)

    def html(self, page: PageInstance, night: NightContext) -> tuple[str, list[LongTable]]:
        """The page's HTML, and its tables longer than a page shows."""
        long_tables: list[LongTable] = []
        site = self._job.site
        html = self._env.get_template(page.definition.template).render(
            page=page,
            nav=self._job.nav,
            run=self._job.run,
            site=site,
            night=night,
            data=page.data,
            page_for=self._page_for,
            project_name=self._project_name,
            evidence_href=lambda mart: site.evidence.get(mart),
            long_tables=long_tables,
        )
        return html, long_tables

    def write(
        self,
        pages: list[PageInstance],
        load: Callable[[list[PageInstance]], list[PageInstance]] | None,
        copies: frozenset[str] = frozenset(),
    ) -> dict[str, PageOutput]:
        """Fetch the rows of the pages given without them, write each page and its CSV files,
        and for the pages named in ``copies`` a render for tonight's dated copy; returns each
        page's CSV files (relative to the page) and links to pages of other rows."""
        unloaded = [page for page in pages if page.data is None]
        if unloaded:
            if load is None:
                raise ValueError(f"{unloaded[0].filename} has no rows to render and no loader")
            loaded = {page.filename: page for page in load(unloaded)}
            pages = [loaded.get(page.filename, page) for page in pages]
        outputs = {}
        for page in pages:
            self._links = {}
            html, long_tables = self.html(page, self._job.night)
            (self._job.target / page.filename).write_text(html, encoding="utf-8")
            for table in long_tables:
                _write_table_file(self._job.target / table.href, table)
            outputs[page.filename] = PageOutput(
                [table.href for table in long_tables],
                tuple(sorted((slug, key, found) for (slug, key), found in self._links.items())),
            )
            if page.filename in copies and self._job.snapshot is not None:
                folder, copy_night = self._job.snapshot
                (folder / page.filename).write_text(self.html(page, copy_night)[0], "utf-8")
        return outputs


def _write_in_worker(
    job: RenderJob, load: Callable[[list[PageInstance]], list[PageInstance]] | None, pages
) -> dict[str, PageOutput]:
    """A worker process's shard: the templates of reports/templates, its own rows."""
    return _Renderer(environment(job.table_rows), job).write(pages, load)


def render_pages(
    env: Environment,
    target: Path,
    pages: list[PageInstance],
    run: RunInfo,
    site: SiteContext,
    night: NightContext | None = None,
    snapshot: tuple[Path, NightContext] | None = None,
    previous: Path | None = None,
    load: Callable[[list[PageInstance]], list[PageInstance]] | None = None,
    workers: int = 1,
    scratch: Path | None = None,
) -> RenderedPages:
    """Write every page into ``target``, with the CSV file of each table longer than a page shows
    (under ``data/``) and the pages' fingerprints (page_cache.MANIFEST).

    With ``previous`` (last night's site) a page whose fingerprint is unchanged is linked from
    there instead of rendered; ``load`` fetches the rows of the pages that must be rendered and
    were given without them (data.with_data). With ``snapshot`` (a folder and the night context
    of tonight's dated copy) every page is also put in that folder: linked, as the copy is the
    same file, unless its templates read ``night``, which differs in a copy (earlier nights,
    failures). With ``workers`` > 1 the pages to render are shared among that many processes
    (shards.py): the others render from reports/templates, and ``load`` must be picklable
    (data.WarehouseRows); ``scratch`` is where they exchange files (shards.run_split)."""
    night = night or NightContext()
    nav = [page for page in pages if page.definition.in_nav]
    by_key = {
        (page.slug, str(next(iter(page.row.values())))): page.filename for page in pages if page.row
    }
    # Everything a page may show besides its own data, the night's and its links to pages of
    # other rows (checked one by one: PageCache.reuse).
    site_wide = (
        site.projects,
        site.pseudonymised,
        site.pseudonyms,
        sorted(site.evidence.items()),
        [(page.filename, page.title, page.slug) for page in nav],
        env.globals["table_row_limit"],
    )
    # This module and data.py, which makes the fetched values plain (dates, NaN).
    renderer = (Path(__file__), Path(__file__).with_name("data.py"))
    cache = PageCache(env, renderer, site_wide, previous)
    fingerprints = {page.filename: cache.fingerprint(page) for page in pages}
    outputs: dict[str, PageOutput] = {}
    for page in pages:
        reused = cache.reuse(page.filename, fingerprints[page.filename], target, by_key)
        if reused is not None:
            outputs[page.filename] = reused
    reused_count = len(outputs)
    to_render = [page for page in pages if page.filename not in outputs]
    # Rendered twice, live and for the copy: in this process, which holds their rows.
    copies = frozenset(
        page.filename
        for page in to_render
        if snapshot is not None and cache.reads(page.definition.template, "night")
    )
    job = RenderJob(
        target=target,
        run=run,
        site=site,
        night=night,
        nav=tuple(dataclasses.replace(page, data=None) for page in nav),
        by_key=by_key,
        table_rows=env.globals["table_row_limit"],
        snapshot=snapshot,
    )
    for written in shards.run_split(
        shards.split(to_render, workers, copies),
        lambda shard: _Renderer(env, job).write(shard, load, copies),
        functools.partial(_write_in_worker, job, load),
        scratch,
    ):
        outputs.update(written)
    paths = []
    for page in pages:
        path = target / page.filename
        cache.record(page.filename, fingerprints[page.filename], outputs[page.filename])
        paths.append(path)
        if snapshot is None:
            continue
        copy_folder = snapshot[0]
        if page.filename not in copies:
            link_or_copy(path, copy_folder / page.filename)
        for href in outputs[page.filename].tables:
            (copy_folder / TABLE_FILES_DIR).mkdir(exist_ok=True)
            link_or_copy(target / href, copy_folder / href)
    cache.save(target)
    return RenderedPages(paths, rendered=len(to_render), reused=reused_count)
