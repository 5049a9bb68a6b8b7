"""Render every page from the warehouse into a folder that works offline (file:// included).

Data reach the browser only through Jinja2's ``tojson`` inside ``<script type="application/json">``
and autoescaped HTML, so no string from the data can run as code.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..settings import REPORTS_DIR
from .pages import PageDefinition, load_pages

TEMPLATES_DIR = REPORTS_DIR / "templates"
STATIC_DIR = REPORTS_DIR / "static"


@dataclass(frozen=True)
class RunInfo:
    generated_at: dt.datetime
    rows_loaded: int = 0
    rows_quarantined: int = 0
    files_loaded: int = 0


def _plain(value: Any) -> Any:
    """Query values as JSON-friendly Python values."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def run_queries(connection: duckdb.DuckDBPyConnection, page: PageDefinition) -> dict[str, list]:
    results = {}
    for name, sql in page.queries.items():
        try:
            cursor = connection.execute(sql)
        except duckdb.Error as error:
            raise ValueError(f"reports/pages/{page.slug}.yml, query '{name}': {error}") from error
        columns = [column[0] for column in cursor.description]
        results[name] = [
            dict(zip(columns, map(_plain, row), strict=True)) for row in cursor.fetchall()
        ]
    return results


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["seconds"] = _format_seconds
    return env


def _format_seconds(value: float | None) -> str:
    if value is None:
        return "–"
    value = float(value)
    if value < 10:
        return f"{value:.1f} s"
    if value < 120:
        return f"{value:.0f} s"
    if value < 7200:
        return f"{value / 60:.1f} min"
    return f"{value / 3600:.1f} h"


def copy_assets(target: Path) -> None:
    assets = target / "assets"
    shutil.copytree(STATIC_DIR, assets, dirs_exist_ok=True)
    plotly_js = resources.files("plotly").joinpath("package_data", "plotly.min.js")
    with resources.as_file(plotly_js) as source:
        shutil.copyfile(source, assets / "plotly.min.js")


def render_site(warehouse: Path, target: Path, run: RunInfo) -> list[Path]:
    """Write every page into ``target`` (which must not exist yet); returns the written pages."""
    pages = load_pages()
    env = environment()
    target.mkdir(parents=True)
    copy_assets(target)
    written = []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for page in pages:
            html = env.get_template(page.template).render(
                page=page, pages=pages, run=run, data=run_queries(connection, page)
            )
            path = target / page.filename
            path.write_text(html, encoding="utf-8")
            written.append(path)
    return written


def publish_site(warehouse: Path, site: Path, run: RunInfo) -> list[Path]:
    """Build beside ``site`` and swap it in only when complete: readers never see half a site."""
    site.parent.mkdir(parents=True, exist_ok=True)
    stamp = run.generated_at.strftime("%Y%m%dT%H%M%S%f")
    staging = site.with_name(f"{site.name}.building-{stamp}")
    previous = site.with_name(f"{site.name}.previous-{stamp}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        render_site(warehouse, staging, run)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if site.exists():
        site.rename(previous)
    staging.rename(site)
    shutil.rmtree(previous, ignore_errors=True)
    return sorted(site.glob("*.html"))
