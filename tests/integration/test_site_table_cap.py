"""A table shows at most ANNOLYTICS_SITE_TABLE_ROWS rows, the first in the query's order; a
longer table says so beside it and links a CSV file holding every row, in the live site and in
tonight's dated copy alike. Real pages of the generated night, rendered with a limit of 3."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import filecmp
import html.parser
import re
from pathlib import Path

import duckdb
import pytest
from support.site import broken_links, generated_night, people

from dagster_project.defs.reports.resources import ReportSettings
from dagster_project.lib.settings import (
    PSEUDONYM_KEY_ENV,
    RETENTION_ENV,
    TABLE_ROWS_ENV,
    Settings,
)
from dagster_project.lib.site.data import PageInstance, collect_pages
from dagster_project.lib.site.environment import environment
from dagster_project.lib.site.night import NightContext
from dagster_project.lib.site.pages import load_pages
from dagster_project.lib.site.publish import PublishSettings, publish_site
from dagster_project.lib.site.render import RenderPlan, SiteContext, render_pages
from dagster_project.lib.site.run_info import RunInfo

LIMIT = 3
RUN = RunInfo(generated_at=dt.datetime(2026, 11, 5, 2, 0))
CONTEXT = SiteContext()
NIGHT = NightContext(data_through="2026-11-04", published_at="2026-11-05T02:00:00")
EDGES_COLUMNS = ["project_key", "reviewer", "annotator", "reviews", "rejections", "corrections"]


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    return generated_night(tmp_path_factory)


@pytest.fixture(scope="module")
def pages(night) -> list[PageInstance]:
    with duckdb.connect(str(night.warehouse), read_only=True) as connection:
        return collect_pages(connection, load_pages())


@pytest.fixture(scope="module")
def edges_query(night) -> list[tuple]:
    """The rows of the query behind the review-edges table, straight from the warehouse."""
    reworks = next(definition for definition in load_pages() if definition.slug == "reworks")
    return night.rows(reworks.queries["edges"])


def _reworks(pages: list[PageInstance]) -> list[PageInstance]:
    return [page for page in pages if page.filename == "reworks.html"]


class _Table(html.parser.HTMLParser):
    """One table's note on rows left out (its text and link) and the cells of its body rows."""

    def __init__(self):
        super().__init__()
        self.note = ""
        self.link: str | None = None
        self.rows: list[list[str]] = []
        self._in_note = self._in_body = self._in_cell = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "p" and attributes.get("class") == "table-limit":
            self._in_note = True
        elif tag == "a" and self._in_note:
            self.link = attributes["href"]
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag == "td":
            self._in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag):
        if tag == "p":
            self._in_note = False
        elif tag == "td":
            self._in_cell = False

    def handle_data(self, data):
        if self._in_note:
            self.note += data
        elif self._in_cell:
            self.rows[-1][-1] += data


def table(page: Path, table_id: str) -> _Table:
    """The ``.table-wrap`` of ``table_id`` on ``page``, parsed."""
    text = page.read_text(encoding="utf-8")
    found = re.search(rf'<div class="table-wrap" id="{table_id}">(.*?)</div>', text, re.S)
    assert found, f"no table {table_id} on {page.name}"
    parsed = _Table()
    parsed.feed(found.group(1))
    return parsed


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def as_csv(rows: list[tuple]) -> list[list[str]]:
    return [["" if value is None else str(value) for value in row] for row in rows]


def test_a_long_table_shows_its_first_rows_and_links_all_of_them(
    pages, edges_query, night, tmp_path
):
    total = night.rows("select count(*) from marts.mart_review_edges")[0][0]
    assert total == len(edges_query) > LIMIT * 10
    render_pages(RenderPlan(environment(LIMIT), tmp_path, _reworks(pages), RUN, CONTEXT))

    edges = table(tmp_path / "reworks.html", "review-edges")
    # The first rows of the query, in its order.
    assert len(edges.rows) == LIMIT
    for cells, row in zip(edges.rows, edges_query, strict=False):
        project, reviewer, annotator, reviews, rejections, corrections = row
        assert cells == [
            project,
            reviewer,
            annotator,
            f"{reviews:,}",
            f"{rejections:,}",
            f"{corrections:,}",
        ]
    # The note gives the real count, and the link every row.
    assert " ".join(edges.note.split()) == (
        f"Showing the first {LIMIT} of {total:,} rows (in this table's order); the page's "
        "filters apply to the rows shown. All rows: reworks--review-edges.csv"
    )
    assert edges.link == "data/reworks--review-edges.csv"
    assert read_csv(tmp_path / edges.link) == [EDGES_COLUMNS, *as_csv(edges_query)]


def test_a_table_of_at_most_the_limit_has_no_note_and_no_file(pages, edges_query, tmp_path):
    render_pages(RenderPlan(environment(len(edges_query)), tmp_path, _reworks(pages), RUN, CONTEXT))
    edges = table(tmp_path / "reworks.html", "review-edges")
    assert len(edges.rows) == len(edges_query)
    assert (edges.note, edges.link) == ("", None)
    assert not (tmp_path / "data/reworks--review-edges.csv").exists()


def test_the_default_limit_leaves_the_small_test_site_as_it_was(night):
    assert not (night.site / "data").exists()
    assert 'class="table-limit"' not in "".join(p.read_text() for p in night.site.glob("*.html"))


def test_tonights_copy_derived_from_the_live_pages_is_what_rendering_it_writes(pages, tmp_path):
    copy_night = dataclasses.replace(NIGHT, snapshot_of="2026-11-05")
    env = environment(LIMIT)
    for name in ("live", "copy", "rendered"):
        (tmp_path / name).mkdir()
    render_pages(
        RenderPlan(
            env, tmp_path / "live", pages, RUN, CONTEXT, NIGHT, (tmp_path / "copy", copy_night)
        )
    )
    render_pages(RenderPlan(env, tmp_path / "rendered", pages, RUN, CONTEXT, copy_night))

    names = sorted(page.filename for page in pages)
    files = sorted(path.name for path in (tmp_path / "live/data").iterdir())
    assert "reworks--review-edges.csv" in files and any(f.startswith("person-") for f in files)
    for folder, listed in (("", names), ("data", files)):
        match, mismatch, errors = filecmp.cmpfiles(
            tmp_path / "copy" / folder, tmp_path / "rendered" / folder, listed, shallow=False
        )
        assert (mismatch, errors, len(match)) == ([], [], len(listed))
    assert sorted(path.name for path in (tmp_path / "copy/data").iterdir()) == files
    assert filecmp.cmp(
        tmp_path / "live/data" / files[0], tmp_path / "copy/data" / files[0], shallow=False
    )


@pytest.fixture(scope="module")
def published(night, tmp_path_factory) -> Path:
    """A site published with the limit and pseudonyms set the way an operator sets them."""
    site = tmp_path_factory.mktemp("table-cap") / "site"
    with pytest.MonkeyPatch.context() as env:
        env.setenv(TABLE_ROWS_ENV, f" {LIMIT} ")
        env.setenv("ANNOLYTICS_PSEUDONYMISE", "1")
        env.setenv(PSEUDONYM_KEY_ENV, "test-key-not-secret")
        settings = PublishSettings.from_env()
        assert settings.table_rows == LIMIT
        publish_site(night.warehouse, site, RUN, settings)
    return site


def test_the_dated_copy_has_the_files_its_links_name(published, edges_query):
    copy = published / "nights/2026-11-05"
    edges = table(copy / "reworks.html", "review-edges")
    assert len(edges.rows) == LIMIT and edges.link == "data/reworks--review-edges.csv"
    rows = read_csv(copy / edges.link)
    assert rows[0] == EDGES_COLUMNS and len(rows) == 1 + len(edges_query)
    assert rows == read_csv(published / edges.link)
    # Every link of every page, the night's copy included, names a file that is there.
    assert broken_links(published) == []


def test_the_files_of_a_pseudonymised_site_hold_pseudonyms_only(published, night):
    files = list((published / "data").glob("*.csv"))
    assert len(files) > 10
    text = "".join(path.read_text(encoding="utf-8") for path in files)
    assert "Person " in text
    assert [identity for identity in people(night) if identity in text] == []


@pytest.mark.parametrize("value", ["lots", "0", "-5", "1.5", "1,000"])
def test_an_invalid_limit_is_refused_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv(TABLE_ROWS_ENV, value)
    with pytest.raises(
        ValueError, match=rf"^{TABLE_ROWS_ENV} must be a whole number of at least 1"
    ):
        PublishSettings.from_env()


@pytest.mark.parametrize("value", ["a week", "-1", "2.5"])
def test_an_invalid_snapshot_retention_is_refused_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv(RETENTION_ENV, value)
    with pytest.raises(
        ValueError, match=rf"^{RETENTION_ENV} must be a whole number of at least 0 .*{value!r}"
    ):
        PublishSettings.from_env()


def test_a_snapshot_retention_of_zero_is_valid(monkeypatch):
    monkeypatch.setenv(RETENTION_ENV, "0")
    assert PublishSettings.from_env().snapshot_retention == 0


def test_the_limit_defaults_to_a_thousand(monkeypatch):
    monkeypatch.delenv(TABLE_ROWS_ENV, raising=False)
    assert PublishSettings.from_env().table_rows == PublishSettings().table_rows == 1_000


def test_the_nightly_jobs_report_settings_read_the_limit(monkeypatch):
    """The Dagster resource the nightly job publishes with: the environment's limit, unless the
    resource sets its own."""
    monkeypatch.setenv(TABLE_ROWS_ENV, "7")
    night = Settings.from_env()
    assert ReportSettings().settings(night).table_rows == 7
    assert ReportSettings(table_rows=3).settings(night).table_rows == 3
    assert ReportSettings(snapshot_retention=2).settings(night).table_rows == 7


def test_a_long_table_outside_render_pages_is_an_error():
    template = environment(1).from_string(
        '{% import "partials/tables.html.j2" as tables with context %}'
        "{{ tables.table('t', rows, [['n', 'N', 'int']]) }}"
    )
    with pytest.raises(ValueError, match="only render_pages writes the CSV"):
        template.render(rows=[{"n": 1}, {"n": 2}], page_for=None, project_name=None)


def test_a_text_cell_a_spreadsheet_would_run_is_written_as_text(pages, tmp_path):
    """Names come from the labeling tools: a cell starting with = + - @ (or a tab or carriage
    return) gets a leading apostrophe in the CSV file; numbers, negative ones included, do not."""
    reworks = _reworks(pages)[0]
    names = ['=HYPERLINK("http://x.test","y")', "+1 555", "-cmd", "@SUM(A1)", "\tname", "ann"]
    hostile = [
        {
            "project_key": "p1",
            "reviewer": name,
            "annotator": "ann@example.test",
            "reviews": -index,
            "rejections": 0,
            "corrections": 1.5,
        }
        for index, name in enumerate(names)
    ]
    page = dataclasses.replace(reworks, data={**reworks.data, "edges": hostile})
    render_pages(RenderPlan(environment(LIMIT), tmp_path, [page], RUN, CONTEXT))

    rows = read_csv(tmp_path / "data/reworks--review-edges.csv")
    assert [row[1] for row in rows[1:]] == ["'" + name for name in names[:-1]] + ["ann"]
    assert [row[2] for row in rows[1:]] == ["ann@example.test"] * len(names)
    assert [row[3] for row in rows[1:]] == ["0", "-1", "-2", "-3", "-4", "-5"]
    # The page itself shows the names as they are (escaped HTML, not a spreadsheet).
    assert table(tmp_path / "reworks.html", "review-edges").rows[1][1] == "+1 555"


def test_a_persons_review_tables_show_the_busiest_25_and_link_all(pages, tmp_path):
    """On a page per person the review tables show at most 25 rows, whatever the site's limit;
    the CSV file beside the page holds every row."""
    person = next(page for page in pages if page.slug == "person" and page.data["reviews_of"])
    template = person.data["reviews_of"][0]
    reviewed = [
        {**template, "annotator": f"person-{number:02d}@example.test", "reviews": 100 - number}
        for number in range(30)
    ]
    page = dataclasses.replace(person, data={**person.data, "reviews_of": reviewed})
    render_pages(RenderPlan(environment(1_000), tmp_path, [page], RUN, CONTEXT))

    shown = table(tmp_path / page.filename, "person-reviews-of")
    assert [cells[1] for cells in shown.rows] == [row["annotator"] for row in reviewed[:25]]
    assert shown.link == f"data/{Path(page.filename).stem}--person-reviews-of.csv"
    rows = read_csv(tmp_path / shown.link)
    assert [row[1] for row in rows[1:]] == [row["annotator"] for row in reviewed]
    # A shorter table is whole, with no note and no file.
    short = table(tmp_path / page.filename, "person-reviewed-by")
    assert short.link is None and len(short.rows) == len(person.data["reviewed_by"]) <= 25
