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

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

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
