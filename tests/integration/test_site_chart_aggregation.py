"""Charts that add their rows up get one row per distinct key (everything but the values they
add), written by the renderer instead of one row per mart row: in a real browser, every chart of
the site draws exactly what it drew from the mart's rows, with and without the project and date
filters, while the pages carry fewer rows."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path

import pytest
from support.site import chart_rows_of, chromium, generated_night, serve

from dagster_project.lib.site import charts
from dagster_project.lib.site import environment as site_environment
from dagster_project.lib.site.pages import load_pages
from dagster_project.lib.site.publish import PublishSettings, publish_site
from dagster_project.lib.site.run_info import RunInfo

RUN = RunInfo(generated_at=dt.datetime(2026, 11, 5, 2, 0))
_CHART_SPECS = re.compile(
    r'<script type="application/json" data-chart="([^"]+)">(.*?)</script>', re.S
)
# Every chart's figure as Plotly holds it once drawn: its traces and its height.
_FIGURES = """() => Array.from(document.querySelectorAll('script[data-chart]')).map(spec => {
  const id = spec.getAttribute('data-chart');
  const target = document.getElementById(id).querySelector('[data-chart-target]');
  return [id, JSON.stringify({data: target.data, height: target.layout.height})];
})"""
_ALL_DRAWN = (
    "() => document.querySelectorAll('script[data-chart]').length === "
    "document.querySelectorAll('figure[data-rendered=\"true\"]').length"
)


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    return generated_night(tmp_path_factory)


def _publish(night, folder: Path, aggregate: bool) -> Path:
    site = folder / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            site_environment,
            "chart_rows",
            functools.partial(charts.chart_rows, aggregate=aggregate),
        )
        publish_site(night.warehouse, site, RUN, PublishSettings(snapshot_retention=0))
    return site


@pytest.fixture(scope="module")
def sites(night, tmp_path_factory) -> dict[str, Path]:
    return {
        "aggregated": _publish(night, tmp_path_factory.mktemp("aggregated"), aggregate=True),
        "rows": _publish(night, tmp_path_factory.mktemp("rows"), aggregate=False),
    }


def chart_rows(page: Path) -> dict[str, int]:
    text = page.read_text(encoding="utf-8")
    return {
        chart: len(chart_rows_of(json.loads(spec))) for chart, spec in _CHART_SPECS.findall(text)
    }


def _pages_to_compare(night) -> list[str]:
    topics = [d.filename for d in load_pages() if d.in_nav]
    busiest = night.rows(
        "select annotator from marts.mart_throughput_daily group by 1 order by count(*) desc, 1 "
        "limit 1"
    )[0][0]
    person = next(
        path.name
        for path in sorted((night.site).glob("person-*.html"))
        if busiest in path.read_text(encoding="utf-8").split("<title>", 1)[1].split("</title>")[0]
    )
    return [*topics, person]


def _close(first, second, path="") -> list[str]:
    """Where two parsed figures differ beyond float rounding (sums added in another order)."""
    if isinstance(first, float | int) and isinstance(second, float | int):
        same = first == pytest.approx(second, rel=1e-9, abs=1e-9)
        return [] if same else [f"{path}: {first} != {second}"]
    if isinstance(first, dict) and isinstance(second, dict):
        if first.keys() != second.keys():
            return [f"{path}: keys {sorted(first)} != {sorted(second)}"]
        return [d for key in first for d in _close(first[key], second[key], f"{path}.{key}")]
    if isinstance(first, list) and isinstance(second, list):
        if len(first) != len(second):
            return [f"{path}: {len(first)} items != {len(second)}"]
        return [
            d
            for i, (a, b) in enumerate(zip(first, second, strict=True))
            for d in _close(a, b, f"{path}[{i}]")
        ]
    return [] if first == second else [f"{path}: {first!r} != {second!r}"]


def test_aggregated_charts_draw_what_the_rows_drew_under_every_filter(night, sites):
    project, first_day, last_day = night.rows(
        "select project_key, min(day), max(day) from marts.mart_throughput_daily "
        "group by 1 order by count(*) desc, 1 limit 1"
    )[0]
    middle = (first_day + (last_day - first_day) / 2).isoformat()
    filters = ["", f"#project={project}", f"#from={first_day.isoformat()}&to={middle}"]
    differences, compared = [], 0
    with (
        serve(sites["aggregated"]) as aggregated,
        serve(sites["rows"]) as rows,
        chromium() as context,
    ):
        page = context.new_page()

        def figures(url: str) -> dict[str, str]:
            page.goto("about:blank")
            page.goto(url)
            page.wait_for_function(_ALL_DRAWN, timeout=30_000)
            return dict(page.evaluate(_FIGURES))

        for name in _pages_to_compare(night):
            for fragment in filters:
                drawn = figures(aggregated + name + fragment)
                expected = figures(rows + name + fragment)
                assert drawn.keys() == expected.keys()
                for chart, figure in expected.items():
                    compared += 1
                    found = _close(json.loads(drawn[chart]), json.loads(figure))
                    differences += [f"{name}{fragment} {chart}{d}" for d in found[:3]]
    assert differences == []
    assert compared > 150


def test_charts_that_add_up_carry_one_row_per_key(night, sites):
    aggregated = chart_rows(sites["aggregated"] / "throughput.html")
    rows = chart_rows(sites["rows"] / "throughput.html")
    daily_rows, project_days = night.rows(
        "select count(*), count(distinct (project_key, day)) from marts.mart_throughput_daily"
    )[0]
    assert rows["tasks-per-day"] == daily_rows > project_days
    # Bars of tasks per project and day, a weighted mean per project and day.
    assert aggregated["tasks-per-day"] == aggregated["time-per-task-per-day"] == project_days
    # A box plot draws every row's figure: nothing to add up.
    assert aggregated["time-per-task-spread"] == rows["time-per-task-spread"] == daily_rows
    total = {
        version: sum(page.stat().st_size for page in site.glob("*.html"))
        for version, site in sites.items()
    }
    assert total["aggregated"] < total["rows"]


def test_a_chart_key_of_one_row_is_that_row_as_it_was():
    rows = [
        {"project_key": "a", "day": "2026-11-01", "annotator": "x", "tasks": None, "labels": 2},
        {"project_key": "a", "day": "2026-11-02", "annotator": "x", "tasks": 3, "labels": 1},
        {"project_key": "a", "day": "2026-11-02", "annotator": "y", "tasks": None, "labels": 4},
    ]
    spec = {"x": "day", "y": {"tasks": "tasks"}, "sum": True}
    assert charts.chart_rows(rows, spec, "bar") == [
        {"project_key": "a", "day": "2026-11-01", "tasks": None},
        {"project_key": "a", "day": "2026-11-02", "tasks": 3},
    ]
    weighted = {"x": "day", "y": {"labels": "mean"}, "weight": "tasks"}
    assert charts.chart_rows(rows, weighted, "line") == [
        {"project_key": "a", "day": "2026-11-01", "tasks": None, "labels": 2},
        {"project_key": "a", "day": "2026-11-02", "tasks": 3, "labels": 1.0},
    ]
    # Not added up: a box draws every row, a plain heatmap the last value of a cell.
    assert len(charts.chart_rows(rows, {"group": "project_key", "y": {"tasks": "t"}}, "box")) == 3
    assert (
        len(charts.chart_rows(rows, {"x": "day", "y": "project_key", "z": "tasks"}, "heatmap")) == 3
    )
