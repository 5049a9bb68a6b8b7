"""The Jinja2 environment of the report's templates (autoescaped, strict) with the site's
filters and globals, and the static assets every site carries (Plotly's JavaScript from its
PyPI package: no CDN)."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from dagster_project.lib.settings import REPORTS_DIR
from dagster_project.lib.site.charts import chart_rows, columnar, top_rows
from dagster_project.lib.site.formats import format_num, format_pct, format_seconds
from dagster_project.lib.site.tables import DEFAULT_TABLE_ROWS, shown_rows, table_rows

TEMPLATES_DIR = REPORTS_DIR / "templates"


STATIC_DIR = REPORTS_DIR / "static"


def environment(table_row_limit: int = DEFAULT_TABLE_ROWS) -> Environment:
    """Templates of reports/templates; tables show at most ``table_row_limit`` rows."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["seconds"] = format_seconds
    env.filters["pct"] = format_pct
    env.filters["num"] = format_num
    env.filters["chart_rows"] = chart_rows
    env.filters["columnar"] = columnar
    # Pages carry their data as JSON: without the spaces after separators (a tenth of it).
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    env.globals["table_rows"] = table_rows
    env.globals["shown_rows"] = shown_rows
    env.globals["table_row_limit"] = table_row_limit
    env.globals["top_rows"] = top_rows
    return env


def copy_assets(target: Path) -> None:
    assets = target / "assets"
    shutil.copytree(STATIC_DIR, assets, dirs_exist_ok=True)
    plotly_js = resources.files("plotly").joinpath("package_data", "plotly.min.js")
    with resources.as_file(plotly_js) as source:
        shutil.copyfile(source, assets / "plotly.min.js")
