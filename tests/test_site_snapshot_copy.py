"""Tonight's dated copy is written from the live pages (the night's note added) instead of a
second render: it must be byte for byte what rendering each page for the copy writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import filecmp

import duckdb
import pytest
from test_site_support import generated_night

from dagster_project.lib.site import render
from dagster_project.lib.site.data import collect_pages
from dagster_project.lib.site.pages import load_pages
from dagster_project.lib.site.render import Night, SiteContext, environment, render_pages
from dagster_project.lib.site.run_info import CheckOutcome, RunInfo


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    return generated_night(tmp_path_factory)


def test_copy_of_tonight_is_what_rendering_it_for_the_copy_writes(night, tmp_path, monkeypatch):
    with duckdb.connect(str(night.warehouse), read_only=True) as connection:
        pages = collect_pages(connection, load_pages())
    run = RunInfo(
        generated_at=dt.datetime(2026, 11, 5, 2, 0),
        rows_loaded=15_000,
        checks=(
            CheckOutcome("marts/mart_reworks", "gx_published_figures", "GX suite", True, "ERROR"),
        ),
    )
    context = SiteContext(
        projects=({"key": "p1", "name": "Project <1>"},),
        first_day="2026-10-01",
        data_through="2026-11-04",
        published_at="2026-11-05T02:00:00",
    )
    # The live site differs from the copy in more than the note: earlier nights, failures.
    live = dataclasses.replace(
        context,
        nights=(Night("2026-11-04", "nights/2026-11-04/index.html"),),
        previous_failures=({"at": "2026-11-04T02:00:00", "reason": "a <failed> check"},),
    )
    copy_context = dataclasses.replace(context, snapshot_of="2026-11-05")
    env = environment()
    renders = []
    original = render._note_insertion

    def spy(live_html, copy_html):
        renders.append(original(live_html, copy_html))
        return renders[-1]

    monkeypatch.setattr(render, "_note_insertion", spy)
    (tmp_path / "live").mkdir()
    (tmp_path / "copy").mkdir()
    (tmp_path / "rendered").mkdir()
    render_pages(env, tmp_path / "live", pages, run, live, (tmp_path / "copy", copy_context))
    render_pages(env, tmp_path / "rendered", pages, run, copy_context)

    assert renders and renders[0] is not None  # the copy was derived, not rendered again
    names = sorted(page.filename for page in pages)
    assert len(names) > 20  # person pages included
    match, mismatch, errors = filecmp.cmpfiles(
        tmp_path / "copy", tmp_path / "rendered", names, shallow=False
    )
    assert (mismatch, errors) == ([], [])
    assert len(match) == len(names)
    # The front page shows what only the live site has, so it is rendered for the copy.
    assert "2026-11-04" in (tmp_path / "live/index.html").read_text()
    assert "a &lt;failed&gt; check" not in (tmp_path / "copy/index.html").read_text()
    assert "night of 2026-11-05" in (tmp_path / "copy/throughput.html").read_text()
    assert "night of 2026-11-05" not in (tmp_path / "live/throughput.html").read_text()


def test_pages_reading_what_a_copy_changes_are_rendered_for_the_copy():
    env = environment()
    assert not render._same_in_snapshot(env, "overview.html.j2")  # earlier nights, failures
    assert render._same_in_snapshot(env, "person.html.j2")
    assert render._note_insertion("a\nb\n", "a\nb\n") is None
    assert render._note_insertion("a\nb\nc\n", "a\nb\nnote\nc\n") == ("b\n", "note\n")
