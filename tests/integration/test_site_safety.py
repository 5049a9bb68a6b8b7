"""Hostile strings from the data (names, class names, comments, tags, project and file names)
reach the browser as text, never as code: checked in chromium with the page's Content Security
Policy switched off, so that escaping alone has to hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.site import (
    HOSTILE_CLASS,
    HOSTILE_COMMENT,
    HOSTILE_FILE,
    HOSTILE_NAME,
    HOSTILE_PROJECT,
    HOSTILE_TAG,
    chromium,
    generated_night,
    serve,
    visit,
)

from dagster_project.lib.settings import REPO_ROOT
from dagster_project.lib.site.data import row_filename


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    return generated_night(tmp_path_factory)


@pytest.fixture(scope="module")
def page(night):
    with serve(night.site) as base_url, chromium(bypass_csp=True) as context:
        page = context.new_page()
        page.base_url = base_url
        yield page


# Where each payload must show, as the literal text it was written as.
SHOWN = {
    row_filename("person", HOSTILE_NAME): [HOSTILE_NAME, HOSTILE_PROJECT],
    "issues.html": [HOSTILE_COMMENT, HOSTILE_TAG, HOSTILE_CLASS, HOSTILE_NAME],
    "quality.html": [HOSTILE_CLASS, HOSTILE_NAME],
    "reworks.html": [HOSTILE_NAME],
    "people.html": [HOSTILE_NAME],
    "data_quality.html": [HOSTILE_FILE],
}
# Charts whose labels carry a payload: the drawn SVG text must hold it literally.
CHART_TEXT = {
    "issues.html": {"issues-by-class": HOSTILE_CLASS, "issues-by-category": HOSTILE_TAG},
    "quality.html": {"class-rejection": HOSTILE_CLASS},
    # The review tree shows the 50 busiest pairs only: Eve reviews nothing. Her work was corrected.
    "reworks.html": {"correction-flows": HOSTILE_NAME.split(" ")[0]},
}


@pytest.mark.parametrize("name", sorted(SHOWN))
def test_hostile_strings_show_literally_and_never_run(page, name):
    seen = visit(page, page.base_url + name, screenshot=f"hostile-{name[:60]}.png")
    assert seen.problems == []
    assert page.evaluate("window.__xss") is None  # no payload ran
    assert page.locator("script:not([src]):not([type='application/json'])").count() == 0
    while page.locator("button.more-rows:visible").count():
        page.locator("button.more-rows:visible").first.click()  # long tables show 25 rows first
    text = page.inner_text("body")
    for payload in SHOWN[name]:
        assert payload in text, payload
    for chart, payload in CHART_TEXT.get(name, {}).items():
        drawn = page.eval_on_selector(f"#{chart} svg.main-svg", "svg => svg.textContent")
        assert payload in drawn, (chart, payload)
    # Clicking and hovering everything gives an injected handler its chance.
    page.hover("h1")
    page.locator("td:visible").first.click()
    assert page.evaluate("window.__xss") is None


def test_the_project_filter_takes_a_hostile_project_name_as_text(page):
    page.goto(page.base_url + "index.html")
    options = page.eval_on_selector_all("select[name=project] option", "os => os.map(o => o.text)")
    assert HOSTILE_PROJECT in options
    page.select_option("select[name=project]", label=HOSTILE_PROJECT)
    page.wait_for_function("() => location.hash.includes('project=')")
    assert page.evaluate("window.__xss") is None


def test_payloads_are_escaped_in_the_html_itself(night):
    """The raw files never hold a payload unescaped: not in HTML, not in the JSON islands."""
    for path in night.site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for payload in (HOSTILE_CLASS, HOSTILE_COMMENT, HOSTILE_TAG, HOSTILE_NAME, "<img src=x"):
            assert payload not in text, f"{path.name}: {payload}"


def test_no_local_path_in_the_published_site(night, tmp_path_factory):
    forbidden = {str(tmp_path_factory.getbasetemp()), str(REPO_ROOT), str(Path.home()) + "/"}
    leaks = [
        f"{path.relative_to(night.site)}: {needle}"
        for path in night.site.rglob("*")
        if path.is_file()
        for needle in forbidden
        if needle in path.read_bytes().decode("utf-8", "ignore")
    ]
    assert leaks == []


def test_table_cells_escape_every_value_and_format_as_documented():
    from dagster_project.lib.site.environment import environment

    template = environment().from_string(
        '{% import "partials/tables.html.j2" as tables with context %}'
        "{{ tables.table('t', rows, columns) }}"
    )
    hostile = '<script>alert("x")</script>'
    rows = [
        {
            "project_key": "p&1",
            "day": "2026-11-01",
            "name": hostile,
            "n": 12345,
            "share": 0.25,
            "low": 0.2,
            "high": 0.3,
            "person": hostile,
            "gone": None,
        }
    ]
    rows.append({**rows[0], "n": 7})
    html = template.render(
        rows=rows,
        columns=[
            ["name", "Name"],
            ["n", "N", "int"],
            ["share", "Share", "pct_ci", {"low": "low", "high": "high"}],
            ["person", "Person", "person"],
            ["person", "Profile", "person_page"],
            ["gone", "Gone", "num"],
        ],
        page_for=lambda slug, value: "person-x.html" if value == hostile else None,
        project_name=lambda key: key,
    )
    assert "<script>" not in html
    assert '<tr data-project-key="p&amp;1" data-day="2026-11-01">' in html
    assert "<td>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</td>" in html
    assert '<td class="num" data-value="12345">12,345</td>' in html
    # A number shown as it is sorts by its text: no data-value to repeat it.
    assert '<td class="num">7</td>' in html
    assert '25.0 % <span class="ci">[20 %–30 %]</span>' in html
    assert '<a href="person-x.html">profile</a>' in html
    assert '<td class="missing" data-value="">–</td>' in html
