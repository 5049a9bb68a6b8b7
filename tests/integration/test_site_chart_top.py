"""Charts with a bar, heatmap row or tree node per person show the busiest people only
(charts.CHART_PEOPLE), and say so in their caption; tables keep everyone."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import duckdb
import pytest
from support.site import chart_rows_of, generated_night

from dagster_project.lib.site import charts
from dagster_project.lib.site.charts import top_rows
from dagster_project.lib.site.data import collect_pages
from dagster_project.lib.site.environment import environment
from dagster_project.lib.site.pages import load_pages
from dagster_project.lib.site.render import RenderPlan, SiteContext, render_pages
from dagster_project.lib.site.run_info import RunInfo

ROWS = [
    {"who": "ann", "day": 1, "tasks": 5},
    {"who": "bob", "day": 1, "tasks": 4},
    {"who": "cat", "day": 1, "tasks": 4},
    {"who": "ann", "day": 2, "tasks": 1},
    {"who": "dan", "day": 2, "tasks": 1},
    {"who": "dan", "day": 3, "tasks": None},
]


def test_the_busiest_keep_their_rows_in_order_and_ties_go_to_the_first_name():
    top = top_rows(ROWS, "who", "tasks", 2)
    # Totals: ann 6, bob 4, cat 4, dan 1; bob and cat tie, bob sorts first.
    assert top.rows == [ROWS[0], ROWS[1], ROWS[3]]
    assert (top.shown, top.total) == (2, 4)
    assert top.note("people", "tasks") == (
        "The 2 of 4 people with the most tasks; the table and each person's page have everyone."
    )


def test_nothing_is_left_out_within_the_limit():
    top = top_rows(ROWS, "who", "tasks", 4)
    assert top.rows == ROWS and top.note("people", "tasks") == ""


def test_a_pair_is_shown_when_both_of_its_people_are_among_the_busiest():
    pairs = [
        {"first": "ann", "second": "bob", "tasks": 10},
        {"first": "ann", "second": "cat", "tasks": 1},
        {"first": "bob", "second": "cat", "tasks": 1},
        {"first": "cat", "second": "dan", "tasks": 20},
    ]
    # ann 11, bob 11, cat 22, dan 20: cat and dan.
    assert top_rows(pairs, ["first", "second"], "tasks", 2).rows == [pairs[3]]
    # Together, the two columns are one key: the pairs (cat, dan) 20 and (ann, bob) 10.
    together = top_rows(pairs, ["first", "second"], "tasks", 2, together=True)
    assert together.rows == [pairs[0], pairs[3]] and (together.shown, together.total) == (2, 4)
    # Several measures add up: received + done.
    people = [
        {"person": "ann", "received": 0, "done": 9},
        {"person": "bob", "received": 5, "done": 0},
        {"person": "cat", "received": 3, "done": 3},
    ]
    assert [row["person"] for row in top_rows(people, "person", ["received", "done"], 2).rows] == [
        "ann",
        "cat",
    ]


def _chart(page_html: str, chart_id: str) -> dict:
    match = re.search(
        rf'<script type="application/json" data-chart="{chart_id}">(.*?)</script>', page_html, re.S
    )
    spec = json.loads(html.unescape(match.group(1)))
    return {**spec, "rows": chart_rows_of(spec)}


def test_the_pages_charts_show_the_busiest_people_of_the_warehouse(
    tmp_path_factory, tmp_path, monkeypatch
):
    night = generated_night(tmp_path_factory)
    monkeypatch.setattr(charts, "CHART_PEOPLE", 3)
    definitions = [page for page in load_pages() if page.slug in ("reworks", "people")]
    with duckdb.connect(str(night.warehouse), read_only=True) as connection:
        pages = collect_pages(connection, definitions)
    render_pages(
        RenderPlan(
            environment(),
            tmp_path,
            pages,
            RunInfo(generated_at=dt.datetime(2026, 11, 5)),
            SiteContext(),
        )
    )
    reworks = (tmp_path / "reworks.html").read_text()
    busiest = night.rows(
        "select annotator, sum(tasks) as total from marts.mart_throughput_daily "
        "group by annotator order by total desc, annotator limit 3"
    )
    (people,) = night.rows("select count(distinct annotator) from marts.mart_throughput_daily")[0]
    assert people > 3
    shown = {row["annotator"] for row in _chart(reworks, "created-per-person")["rows"]}
    assert shown == {name for name, _ in busiest}
    assert f"The 3 of {people:,} people with the most tasks" in html.unescape(reworks)
    # The tree: the three reviewer-annotator pairs with the most reviews, over all projects.
    pairs = night.rows(
        "select reviewer, annotator from marts.mart_review_edges group by all "
        "order by sum(reviews) desc, reviewer, annotator limit 3"
    )
    tree = {(row["reviewer"], row["annotator"]) for row in _chart(reworks, "review-tree")["rows"]}
    assert tree == set(pairs)
    # The tables below the charts keep everyone.
    edges = night.rows("select count(*) from marts.mart_review_edges")[0][0]
    assert reworks.count("<tr data-project-key=") >= min(edges, 1000)
    heatmap = _chart((tmp_path / "people.html").read_text(), "submitted-per-day-people")
    assert len({row["annotator"] for row in heatmap["rows"]}) == 3


@pytest.mark.parametrize("limit", [1, 2])
def test_the_limit_holds_for_any_size(limit):
    assert top_rows(ROWS, "who", "tasks", limit).shown == limit


def test_a_charts_rows_are_written_one_list_per_column_and_read_back_whole():
    rows = [
        {"day": "2026-09-07", "submitted": 6, "skipped": None},
        {"day": "2026-09-08", "submitted": 7, "skipped": 1},
    ]
    columns = charts.columnar(rows)
    assert columns == {
        "day": ["2026-09-07", "2026-09-08"],
        "submitted": [6, 7],
        "skipped": [None, 1],
    }
    assert chart_rows_of({"columns": columns}) == rows
    assert charts.columnar([]) == {}
    assert chart_rows_of({"columns": {}}) == []


def test_a_text_column_of_few_values_is_written_once_per_value_and_read_back_whole():
    projects = ["p1", "p2", None, "p1", "p1", "p2"]
    rows = [{"project_key": p, "day": f"2026-09-0{i}", "n": i} for i, p in enumerate(projects)]
    columns = charts.columnar(rows)
    assert columns["project_key"] == {"values": ["p1", "p2", None], "codes": [0, 1, 2, 0, 0, 1]}
    # As many distinct days as rows: a list, as numbers are.
    assert columns["day"] == [row["day"] for row in rows] and columns["n"] == list(range(6))
    assert chart_rows_of({"columns": columns}) == rows
