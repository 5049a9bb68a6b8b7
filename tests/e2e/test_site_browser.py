"""The published site of a real night, in a real browser (Debian's chromium) served from
localhost: every page loads cleanly, draws every chart, stays on localhost; a page per person;
filters change what is shown; the site also works opened straight from disk (file://)."""

from __future__ import annotations

import urllib.parse

import pytest
from support.site import generated_night, people, screenshot_name, serve, visit

from dagster_project.lib.site.data import row_filename
from dagster_project.lib.site.formats import NUMBER_FORMATS, format_pct
from dagster_project.lib.site.pages import load_pages


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    return generated_night(tmp_path_factory)


@pytest.fixture(scope="module")
def served(night):
    with serve(night.site) as base_url:
        yield base_url


def test_every_page_loads_cleanly_and_draws_every_chart(night, served, page):
    pages = sorted(path.name for path in night.site.glob("*.html"))
    problems, charts = [], 0
    for name in pages:
        seen = visit(page, served + name, screenshot=screenshot_name("page", name))
        problems += [f"{name}: {problem}" for problem in seen.problems]
        problems += [
            f"{name}: request left localhost: {url}"
            for url in seen.requests
            if not url.startswith(served)
        ]
        for chart in seen.charts:
            charts += 1
            if not (chart["rendered"] == "true" and chart["points"] > 0):
                problems.append(f"{name}: chart {chart['id']} has no data: {chart}")
            if not (chart["width"] > 100 and chart["marks"] > 0):
                problems.append(f"{name}: chart {chart['id']} drew nothing: {chart}")
    assert problems == []
    # Every page of the navigation plus one per person; the topic pages are chart-heavy.
    assert len(pages) == len([p for p in load_pages() if p.in_nav]) + len(people(night))
    assert charts > 200


def test_every_topic_page_has_charts(night, served, page):
    """A page that lost its charts (a broken template or query) would pass the test above."""
    without = []
    for definition in load_pages():
        topic = definition.in_nav and definition.slug != "data_quality"
        if topic and not visit(page, served + definition.filename).charts:
            without.append(definition.filename)
    assert without == []


def test_a_page_per_person_linked_from_the_collaborators_page(night, served, page):
    page.goto(served + "people.html")
    links = page.eval_on_selector_all(
        "#people a[href^='person-']",
        "links => links.map(a => [a.textContent, a.getAttribute('href')])",
    )
    assert sorted(name for name, _ in links) == sorted(people(night))
    for _, href in links:
        assert (night.site / href).is_file()
    # Each person's page is about that person.
    name, href = links[len(links) // 2]
    page.goto(served + href)
    assert page.inner_text("h1") == name
    assert page.title().startswith(name)


# Predicates are functions, not expressions: Playwright evaluates a string expression with
# eval(), which the site's Content Security Policy forbids.
POINTS_BELOW = "([chart, n]) => Number(document.getElementById(chart).dataset.points) < n"
POINTS_EQUAL = "([chart, n]) => Number(document.getElementById(chart).dataset.points) === n"


def _visible_rows(page, table: str) -> list[str | None]:
    return page.eval_on_selector_all(
        f"{table} tbody tr:not([hidden])",
        "rows => rows.map(r => r.getAttribute('data-project-key'))",
    )


def _points(page, chart: str) -> int:
    return int(page.get_attribute(f"#{chart}", "data-points"))


def test_project_and_date_filters_change_what_is_shown(night, served, page):
    page.goto(served + "throughput.html")
    page.wait_for_selector("#tasks-per-day[data-rendered='true']")
    all_points = _points(page, "tasks-per-day")
    project = night.rows(
        "select project_key from marts.mart_throughput_daily "
        "group by 1 order by count(*) desc limit 1"
    )[0][0]

    page.select_option("select[name=project]", project)
    page.wait_for_function(POINTS_BELOW, arg=["tasks-per-day", all_points])
    # The chart adds its rows up: it carries one row per project and day.
    expected = night.rows(
        "select count(distinct day) from marts.mart_throughput_daily where project_key = ?",
        project,
    )[0][0]
    assert _points(page, "tasks-per-day") == expected
    assert set(_visible_rows(page, "#expected-time-outliers")) <= {project}
    assert urllib.parse.parse_qs(page.evaluate("location.hash")[1:])["project"] == [project]

    first, last = night.rows(
        "select min(day), max(day) from marts.mart_throughput_daily where project_key = ?", project
    )[0]
    start, end = first.isoformat(), (first + (last - first) / 2).isoformat()
    page.fill("input[name=from]", start)
    page.fill("input[name=to]", end)
    page.dispatch_event("input[name=to]", "change")
    in_range = night.rows(
        "select count(distinct day) from marts.mart_throughput_daily "
        "where project_key = ? and day between ? and ?",
        project,
        start,
        end,
    )[0][0]
    page.wait_for_function(POINTS_EQUAL, arg=["tasks-per-day", in_range])
    days = page.eval_on_selector_all(
        "#expected-time-outliers tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.day)"
    )
    assert all(start <= day <= end for day in days)

    # The filters follow the reader to the next page, through the navigation links.
    page.click("nav a[href^='cost.html']")
    page.wait_for_selector("#cumulative-spend[data-rendered='true']")
    assert page.input_value("select[name=project]") == project
    assert page.input_value("input[name=from]") == start
    shown = page.eval_on_selector_all(
        "#projection-table tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.projectKey)"
    )
    assert shown == [project]

    # Back to everything.
    page.click("button[type=reset]")
    page.wait_for_function("() => !document.querySelector('#projection-table tbody tr[hidden]')")


def test_headline_figures_follow_the_project_filter(night, served, page):
    page.goto(served + "index.html")
    page.wait_for_selector(".kpi[data-kpi=tasks] .kpi-value")
    everyone = page.inner_text(".kpi[data-kpi=tasks] .kpi-value")
    largest = "select project_key from core.dim_projects order by tasks desc limit 1"
    project = night.rows(largest)[0][0]
    page.select_option("select[name=project]", project)
    page.wait_for_function(
        "(before) => document.querySelector('.kpi[data-kpi=tasks] .kpi-value').textContent "
        "!== before",
        arg=everyone,
    )
    assert int(page.inner_text(".kpi[data-kpi=tasks] .kpi-value").replace(",", "")) < int(
        everyone.replace(",", "")
    )


def test_the_site_works_opened_from_disk(night, page):
    """A manager opening index.html from a file share: file://, no server."""
    seen = visit(page, (night.site / "index.html").as_uri(), screenshot="file-index.png")
    assert seen.problems == []
    assert seen.charts and all(c["rendered"] == "true" and c["marks"] for c in seen.charts)
    assert all(url.startswith("file://") or url.startswith("data:") for url in seen.requests)
    page.click("nav a[href^='reworks.html']")
    page.wait_for_selector("#review-tree[data-rendered='true']")
    assert page.url.startswith("file://") and "reworks.html" in page.url
    # A person page reads the cohort's figures from its projects' data files (scripts, not
    # fetches, which file:// would refuse): every such cell is filled in.
    reviewed = night.rows(
        "select annotator from marts.mart_person_vs_class where cohort_rate is not null "
        "order by reviewed desc limit 1"
    )[0][0]
    seen = visit(page, (night.site / row_filename("person", reviewed)).as_uri())
    assert seen.problems == []
    cells = page.eval_on_selector_all(
        "#person-classes tbody td:nth-last-child(-n+2)", "cells => cells.map(c => c.innerText)"
    )
    assert cells and all(text not in ("", "…") for text in cells)
    assert any("%" in text for text in cells)


def test_the_model_docs_open_from_disk_with_nothing_fetched(night, browser):
    """dbt's docs of every model, linked from each page's footer, work from file:// offline."""
    overview = (night.site / "index.html").read_text()
    assert '<a href="docs/dbt/index.html">' in overview
    docs = night.site / "docs" / "dbt" / "index.html"
    page = browser.new_page()
    try:
        seen = visit(page, docs.as_uri() + "#!/model/model.annolytics.mart_person_profile")
        page.wait_for_selector("text=mart_person_profile")
        body = page.inner_text("body")
    finally:
        page.close()
    assert "One row per person" in body and "Enforced" in body  # its YAML, its contract
    assert [url for url in seen.requests if not url.startswith(("file:", "data:"))] == []
    assert seen.page_errors == []


def _cohort_cell(value, low, high) -> str:
    interval = "" if low is None else f" [{format_pct(low, 0)}–{format_pct(high, 0)}]"
    return format_pct(value) + interval


def _text(value) -> str:
    return "–" if value is None else str(value)


def _expected_cells(rows, person: str, key: tuple[str, ...], cells) -> dict[tuple, list[str]]:
    """The shared cells a person's table should show, by row key: ``cells`` of each of her rows."""
    return {
        tuple(row[column] for column in key): cells(row)
        for row in rows
        if row["annotator"] == person
    }


def _shown(page, table: str) -> dict[tuple, list[str]]:
    """Each row's cells as shown, by its data-shared-row key."""
    return {
        tuple(key): cells
        for key, cells in page.eval_on_selector_all(
            f"#{table} tbody tr",
            "rows => rows.map(r => [JSON.parse(r.dataset.sharedRow), "
            "Array.from(r.cells, c => c.innerText)])",
        )
    }


def test_person_pages_show_the_cohorts_figures_from_their_projects_data_files(night, served, page):
    """Everyone else's rates, the verdicts and the rank are filled in by assets/shared.js from
    the projects' data files: on every person page they read as the server writes figures
    (lib/site/formats.py), beside the person's own, and the chart draws the cohort's rates."""
    classes = night.dicts(
        "select annotator, project_key, class_name, cohort_rate, cohort_rate_low, "
        "cohort_rate_high, verdict from marts.mart_person_vs_class"
    )
    quality = night.dicts(
        "select annotator, project_key, project_rate, expected_rate, p_vs_expected, verdict "
        "from marts.mart_annotator_quality"
    )
    complexity = night.dicts(
        "select annotator, project_key, time_per_task_vs_project, time_per_label_vs_project, "
        "speed_verdict from marts.mart_complexity"
    )
    ranks = dict(night.rows("select actor, received_rank from marts.mart_person_profile"))
    checked = ranked = 0
    for person in people(night):
        seen = visit(page, served + row_filename("person", person))
        assert seen.problems == [], person
        expected = _expected_cells(
            classes,
            person,
            ("project_key", "class_name"),
            lambda row: [
                _cohort_cell(row["cohort_rate"], row["cohort_rate_low"], row["cohort_rate_high"]),
                _text(row["verdict"]),
            ],
        )
        shown = _shown(page, "person-classes")
        assert {key: cells[-2:] for key, cells in shown.items()} == expected, person
        expected = _expected_cells(
            quality,
            person,
            ("project_key",),
            lambda row: [
                format_pct(row["project_rate"]),
                format_pct(row["expected_rate"]),
                NUMBER_FORMATS["num2"](row["p_vs_expected"]),
                _text(row["verdict"]),
            ],
        )
        shown = _shown(page, "person-quality")
        assert {key: cells[-4:] for key, cells in shown.items()} == expected, person
        expected = _expected_cells(
            complexity,
            person,
            ("project_key",),
            lambda row: [
                NUMBER_FORMATS["num2"](row["time_per_task_vs_project"]),
                NUMBER_FORMATS["num2"](row["time_per_label_vs_project"]),
                _text(row["speed_verdict"]),
            ],
        )
        shown = _shown(page, "person-complexity")
        assert {key: cells[-3:] for key, cells in shown.items()} == expected, person
        received = page.locator("dt", has_text="Reworks received").locator("xpath=..").inner_text()
        rank = f"(rank {ranks[person]})" if ranks.get(person) else None
        assert (rank in received) if rank else "rank" not in received, person
        ranked += bool(rank)
        chart = next((c for c in seen.charts if c["id"] == "person-class-rejections"), None)
        if chart is not None:
            drawn = page.evaluate(
                "() => document.querySelector('#person-class-rejections [data-chart-target]')"
                ".data[1].x"
            )
            assert sorted(x for x in drawn if x is not None) == sorted(
                row["cohort_rate"]
                for row in classes
                if row["annotator"] == person and row["cohort_rate"] is not None
            ), person
        checked += bool(expected)
    assert checked > 10 and ranked > 5


# Values at and around ties: Python rounds a tie to even, JavaScript's toFixed away from zero.
_FORMATTED = [0.0625, 0.125, 0.135, 0.145, 0.005, 0.015, 0.025, 0.375, 2.675, 1.005, -0.5, 0.5]
_FORMATTED += [1234567.125, 1234567, 0.999999, 1e-7, 0, 1, 12.5, 0.785, 3.14159, 2.5, 3.5]


def test_the_browsers_formats_read_as_the_servers(night, served, page):
    page.goto(served + row_filename("person", people(night)[0]))
    shown = page.evaluate(
        "(values) => values.map(v => ['int', 'num', 'num2', 'money', 'pct']"
        ".map(f => annolyticsFormat.numbers[f](v)).concat([annolyticsFormat.pct(v, 0)]))",
        _FORMATTED,
    )
    expected = [
        [NUMBER_FORMATS[f](value) for f in ("int", "num", "num2", "money", "pct")]
        + [format_pct(value, 0)]
        for value in _FORMATTED
    ]
    assert shown == expected


def test_clicking_a_number_columns_heading_sorts_by_the_number(night, served, page):
    """A cell whose text is its number carries no data-value (tables.py): site.js sorts by
    the text; a formatted one (12,345) by its data-value. Either way, by the number."""
    page.goto(served + "people.html")
    heading = page.locator("#people thead th", has_text="Submitted")
    column = page.locator("#people thead th").all_inner_texts().index("Submitted")
    submitted = night.rows(
        "select submitted from marts.mart_person_profile where submitted is not null"
    )
    assert any(value < 1000 for (value,) in submitted) and len(submitted) > 10
    for order in ("descending", "ascending"):
        heading.click()
        assert heading.get_attribute("aria-sort") == order
        shown = page.eval_on_selector_all(
            "#people tbody tr",
            f"rows => rows.map(r => r.cells[{column}].textContent)",
        )
        numbers = [int(text.replace(",", "")) for text in shown if text != "–"]
        assert numbers == sorted(numbers, reverse=order == "descending")
        assert len(numbers) == len(submitted)
