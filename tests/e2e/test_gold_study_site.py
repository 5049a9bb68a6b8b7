"""A one-day, no-reviewer, gold-checked classification study (support/gold_study.py) as a
manager reads it, in a real browser: headline figures from the latest week with data, accuracy
and its confusion matrix first on the agreement page, speed against accuracy, no box columns
for a classification project, a note instead of an empty chart, day ticks on a one-day axis,
no rank for zero reworks, and accuracy among the Collaborators' columns."""

from __future__ import annotations

import pytest
from support.site import serve, visit

from dagster_project.lib.site.data import row_filename


@pytest.fixture(scope="module")
def served(gold_night):
    with serve(gold_night.site) as base_url:
        yield base_url


def _open(page, url: str):
    seen = visit(page, url)
    assert seen.problems == []
    return {chart["id"]: chart for chart in seen.charts}


def test_headline_figures_fall_back_to_the_latest_week_with_data(served, page):
    """The study ran on Monday 2026-10-05: the last complete week (09-28 to 10-04) is empty.
    12 tasks (gold's 4 are no work), mean 64 s / 12 = 5.3 s."""
    _open(page, served + "index.html")
    heading = page.locator("#kpis .kpi-window").inner_text()
    assert "No data in the last complete week (2026-09-28 to 2026-10-04)" in heading
    assert "2026-10-05 to 2026-10-05 (incomplete)" in heading
    assert page.locator("[data-kpi='tasks'] .kpi-value").inner_text() == "12"
    assert page.locator("[data-kpi='time_per_task'] .kpi-value").inner_text() == "5 s"


def test_the_agreement_page_leads_with_accuracy(served, page):
    charts = _open(page, served + "agreement.html")
    order = page.evaluate(
        "() => Array.from(document.querySelectorAll('figure.chart')).map(f => f.id)"
    )
    assert order[:3] == ["gold-accuracy", "gold-confusion", "speed-vs-accuracy"]
    assert charts["gold-accuracy"]["points"] == 3 and charts["gold-accuracy"]["marks"] > 0
    # The annotators' cells added up: the six gold x chosen cells of the hand count.
    assert charts["gold-confusion"]["points"] == 6
    rows = page.locator("#gold-accuracy-table tbody tr")
    assert rows.count() == 3
    # Lowest first: cy 2 of 4.
    first = rows.nth(0).inner_text()
    assert "cy@example.org" in first and "50" in first
    # No answer has a confidence: one line instead of empty axes.
    assert "gold-confidence" not in charts
    assert page.locator("#gold-confidence .empty").inner_text() == (
        "No data: nothing recorded for this figure."
    )
    assert page.locator("#gold-accuracy").get_attribute("data-empty") == "false"


def test_a_chart_with_nothing_recorded_says_so_instead_of_drawing_axes(gold_night, served, page):
    """On every page: a chart either draws marks, or its rows carry no value (say, no cost
    without a rate card) and it shows one line and no axis ticks."""
    said_so = 0
    for path in sorted(gold_night.site.glob("*.html")):
        _open(page, served + path.name)
        for figure in page.locator("figure.chart[data-empty='true']").all():
            assert figure.locator(".annotation-text").text_content() == (
                "No data: nothing recorded for this figure"
            ), path.name
            assert figure.locator(".xtick, .ytick").count() == 0, path.name
            said_so += 1
    # The study records no confidence, stage, issue or cost: some charts have nothing to draw.
    assert said_so > 0


def test_speed_against_accuracy_is_one_point_per_person_with_interval_bars(served, page):
    _open(page, served + "agreement.html")
    points = page.evaluate(
        "() => document.querySelector('#speed-vs-accuracy [data-chart-target]').data"
        ".map(trace => [trace.x, trace.y, trace.error_y.array.length])"
    )
    assert points == [[[3.5, 7.0, 5.5], [0.75, 0.75, 0.5], 3]]


def test_a_classification_project_shows_no_box_columns(served, page):
    _open(page, served + "agreement.html")
    assert page.locator("#pairs-table").count() == 0
    headers = page.locator("#pairs-classification-table thead th").all_inner_texts()
    assert headers == ["Project", "Annotator", "and", "Shared tasks", "Observed agreement",
                       "Cohen's kappa"]  # fmt: skip
    assert "same classes" in page.locator(
        "#pairs-classification-table thead th", has_text="Observed agreement"
    ).get_attribute("title")
    # Three people, three pairs: the full matrix, no "the N of M" note.
    assert page.locator("#pair-kappa .note").count() == 0


def test_a_one_day_axis_ticks_in_days(served, page):
    _open(page, served + "throughput.html")
    ticks = page.evaluate(
        "() => Array.from(document.querySelectorAll('#tasks-per-day .xtick text'))"
        ".map(text => text.textContent)"
    )
    # The day itself and one either side, in days (Plotly alone zooms to milliseconds).
    assert ticks == ["Oct 04, 2026", "Oct 05, 2026", "Oct 06, 2026"]


def test_zero_reworks_get_no_rank(served, page):
    _open(page, served + row_filename("person", "ada@example.org"))
    received = page.locator("dt", has_text="Reworks received").locator("xpath=..").inner_text()
    assert "rank" not in received
    # Nobody's work is reviewed in this study: the front page's one notice says so, not each
    # person's page.
    assert page.locator("#unreviewed-notice").count() == 0


def test_collaborators_show_accuracy(served, page):
    _open(page, served + "people.html")
    headers = page.locator("#people thead th").all_inner_texts()
    assert "Accuracy (gold)" in headers and "F1 (gold)" not in headers
    column = headers.index("Accuracy (gold)")
    cells = {
        row.locator("td").nth(0).inner_text(): row.locator("td").nth(column).inner_text()
        for row in page.locator("#people tbody tr").all()
    }
    assert cells["cy@example.org"].startswith("50")
    assert cells["ada@example.org"].startswith("75")
