"""The Jinja2 environment of the report's templates (autoescaped, strict) with the site's
filters and globals, and the static assets every site carries (Plotly's JavaScript from its
PyPI package: no CDN)."""

from __future__ import annotations

import filecmp
import shutil
from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from dagster_project.lib.settings import REPORTS_DIR
from dagster_project.lib.site.charts import chart_rows, columnar, top_rows
from dagster_project.lib.site.formats import format_num, format_pct, format_seconds
from dagster_project.lib.site.page_cache import link_or_copy
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


def copy_assets(target: Path, previous: Path | None = None) -> None:
    """The static files and Plotly's JavaScript into ``target/assets``. A file equal to the one
    in ``previous`` (last night's site) is a hard link to it: kept snapshots then hold one
    Plotly, not one per night."""
    assets = target / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    plotly_js = resources.files("plotly").joinpath("package_data", "plotly.min.js")
    with resources.as_file(plotly_js) as plotly_file:
        sources = {path.name: path for path in sorted(STATIC_DIR.iterdir()) if path.is_file()}
        sources["plotly.min.js"] = Path(plotly_file)
        for name, source in sources.items():
            last_night = previous / "assets" / name if previous is not None else None
            # filecmp compares the sizes before the bytes.
            if (
                last_night is not None
                and last_night.is_file()
                and filecmp.cmp(source, last_night, shallow=False)
            ):
                link_or_copy(last_night, assets / name)
            else:
                shutil.copyfile(source, assets / name)
