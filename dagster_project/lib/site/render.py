"""Render pages into a folder that works offline (file:// included).

Data reach the browser only through Jinja2's ``tojson`` inside ``<script type="application/json">``
and autoescaped HTML, so no string from the data can run as code.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from ..settings import REPORTS_DIR
from .data import PageInstance, Rows
from .run_info import RunInfo

TEMPLATES_DIR = REPORTS_DIR / "templates"
STATIC_DIR = REPORTS_DIR / "static"
# Columns the client-side filters read: rows carrying them follow the project and date filters.
FILTER_COLUMNS = ("project_key", "day", "week")


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


def _chart_rows(rows: Rows, spec: dict[str, Any]) -> Rows:
    """Only the columns a chart names (plus the filter columns): keeps pages small."""
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
    return [{column: row[column] for column in keep} for row in rows]


def _cell(row: dict[str, Any], column: list[Any], page_for: Any, project_name: Any) -> str:
    """One ``<td>`` of a server-side table, in the formats listed in partials/tables.html.j2;
    every value from the data goes through ``escape``."""
    name = column[0]
    if name not in row:
        raise ValueError(f"table column '{name}' is not a column of the rows {sorted(row)}")
    value = row[name]
    kind = column[2] if len(column) > 2 else "text"
    if value is None and kind not in ("person_page", "pct_ci"):
        return '<td class="missing" data-value="">–</td>\n'
    if kind in ("int", "num", "num2", "money", "pct", "seconds"):
        shown = {
            "int": _format_num,
            "num": lambda v: _format_num(v, 1),
            "num2": lambda v: _format_num(v, 2),
            "money": lambda v: _format_num(v, 2),
            "pct": _format_pct,
            "seconds": _format_seconds,
        }[kind](value)
        return f'<td class="num" data-value="{escape(value)}">{escape(shown)}</td>\n'
    if kind == "pct_ci":
        options = column[3]
        low = row[options["low"]]
        interval = (
            ""
            if low is None
            else f' <span class="ci">[{escape(_format_pct(low, 0))}–'
            f"{escape(_format_pct(row[options['high']], 0))}]</span>"
        )
        sort_value = escape(value if value is not None else "")
        shown = escape(_format_pct(value))
        return f'<td class="num" data-value="{sort_value}">{shown}{interval}</td>\n'
    if kind == "bool":
        return f'<td data-value="{1 if value else 0}">{"yes" if value else "no"}</td>\n'
    if kind == "date":
        return f'<td data-value="{escape(value)}">{escape(value[:10])}</td>\n'
    if kind == "project":
        return f"<td>{escape(project_name(value))}</td>\n"
    if kind in ("person", "person_page"):
        href = page_for("person", value)
        shown = escape(value) if kind == "person" else "profile"
        if href:
            return f'<td><a href="{escape(href)}">{shown}</a></td>\n'
        return f"<td>{shown if kind == 'person' else ''}</td>\n"
    return f"<td>{escape(value)}</td>\n"


@pass_context
def _table_rows(context: Context, rows: Rows, columns: list[list[Any]]) -> Markup:
    """The ``<tr>`` lines of a table; rows carrying a filter column follow the page's filters."""
    page_for, project_name = context["page_for"], context["project_name"]
    lines = []
    for row in rows:
        filters = "".join(
            f' data-{key.replace("_", "-")}="{escape(row[key])}"'
            for key in FILTER_COLUMNS
            if row.get(key) is not None
        )
        cells = "".join(_cell(row, column, page_for, project_name) for column in columns)
        lines.append(f"    <tr{filters}>{cells}</tr>")
    return Markup("\n".join(lines))


def environment() -> Environment:
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
    return env


def copy_assets(target: Path) -> None:
    assets = target / "assets"
    shutil.copytree(STATIC_DIR, assets, dirs_exist_ok=True)
    plotly_js = resources.files("plotly").joinpath("package_data", "plotly.min.js")
    with resources.as_file(plotly_js) as source:
        shutil.copyfile(source, assets / "plotly.min.js")


def render_pages(
    env: Environment,
    target: Path,
    pages: list[PageInstance],
    run: RunInfo,
    site: SiteContext,
) -> list[Path]:
    """Write every page into ``target``; returns the written files."""
    nav = [page for page in pages if page.definition.in_nav]
    by_key = {
        (page.slug, str(next(iter(page.row.values())))): page.filename for page in pages if page.row
    }
    names = {project["key"]: project["name"] for project in site.projects}

    def page_for(slug: str, value: Any) -> str | None:
        return by_key.get((slug, str(value)))

    def project_name(key: str | None) -> str:
        return "all projects" if key is None else names.get(key, key)

    written = []
    for page in pages:
        html = env.get_template(page.definition.template).render(
            page=page,
            nav=nav,
            run=run,
            site=site,
            data=page.data,
            page_for=page_for,
            project_name=project_name,
            evidence_href=lambda mart: site.evidence.get(mart),
        )
        path = target / page.filename
        path.write_text(html, encoding="utf-8")
        written.append(path)
    return written
