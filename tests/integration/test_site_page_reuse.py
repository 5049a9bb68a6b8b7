"""A page that shows only its own data is the same file from night to night: tonight's dated
copy links the live page, and a page whose data, templates and site-wide context did not change
since last night links last night's file. Whatever is linked must be byte for byte what
rendering it writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import filecmp
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from jinja2 import DictLoader, Environment
from support.site import generated_night

from dagster_project.lib.site.data import PageInstance, collect_pages, plan_pages, with_data
from dagster_project.lib.site.environment import environment
from dagster_project.lib.site.night import EarlierNight, NightContext
from dagster_project.lib.site.page_cache import (
    MANIFEST,
    PageCache,
    read_manifest,
    template_variables,
)
from dagster_project.lib.site.pages import PageDefinition, load_pages
from dagster_project.lib.site.render import RenderPlan, SiteContext, render_pages
from dagster_project.lib.site.run_info import CheckOutcome, RunInfo

LIMIT = 3  # small, so that person pages write CSV files too
SITE = SiteContext(projects=({"key": "p1", "name": "Project <1>"},))


def _run(day: int) -> RunInfo:
    return RunInfo(
        generated_at=dt.datetime(2026, 11, day, 2, 0),
        rows_loaded=15_000 + day,
        checks=(
            CheckOutcome("marts/mart_reworks", "gx_published_figures", "GX suite", True, "ERROR"),
        ),
    )


def _night(day: int) -> NightContext:
    return NightContext(
        published_at=f"2026-11-{day:02d}T02:00:00",
        first_day="2026-10-01",
        data_through=f"2026-11-{day - 1:02d}",
        earlier_nights=(EarlierNight("2026-11-01", "nights/2026-11-01/index.html"),),
        previous_failures=({"at": "2026-11-01T02:00:00", "reason": "a <failed> check"},),
    )


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[PageInstance]:
    night = generated_night(tmp_path_factory)
    with duckdb.connect(str(night.warehouse), read_only=True) as connection:
        return collect_pages(connection, load_pages())


def _render(folder: Path, pages, day: int, previous: Path | None = None, site=SITE):
    folder.mkdir()
    return render_pages(
        RenderPlan(environment(LIMIT), folder, pages, _run(day), site, _night(day), None, previous)
    )


def _files(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def _same_files(first: Path, second: Path) -> None:
    names = _files(first)
    assert names == _files(second)
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert (mismatch, errors, len(match)) == ([], [], len(names))


def _linked(first: Path, second: Path) -> set[str]:
    """Files of ``second`` that are the same file (inode) as in ``first``."""
    return {
        name
        for name in _files(second)
        if (first / name).exists() and (first / name).stat().st_ino == (second / name).stat().st_ino
    }


def test_only_pages_showing_the_night_read_it():
    env = environment()
    assert {"run", "night"} <= template_variables(env, "overview.html.j2")
    for template in ("person.html.j2", "reworks.html.j2", "throughput.html.j2"):
        assert not {"run", "night"} & template_variables(env, template), template
    assert "run" in template_variables(env, "data_quality.html.j2")


def test_tonights_copy_is_the_live_page_or_what_rendering_it_for_the_copy_writes(pages, tmp_path):
    env = environment(LIMIT)
    copy_night = dataclasses.replace(
        _night(5), earlier_nights=(), previous_failures=(), snapshot_of="2026-11-05"
    )
    for name in ("live", "copy", "rendered"):
        (tmp_path / name).mkdir()
    render_pages(
        RenderPlan(
            env, tmp_path / "live", pages, _run(5), SITE, _night(5), (tmp_path / "copy", copy_night)
        )
    )
    render_pages(RenderPlan(env, tmp_path / "rendered", pages, _run(5), SITE, copy_night))

    names = sorted(page.filename for page in pages)
    assert len(names) > 20  # person pages included
    rendered_pages = [name for name in _files(tmp_path / "rendered") if name.endswith(".html")]
    match, mismatch, errors = filecmp.cmpfiles(
        tmp_path / "copy", tmp_path / "rendered", rendered_pages, shallow=False
    )
    assert (mismatch, errors, sorted(match)) == ([], [], names)
    # Every page but the front page (earlier nights, failures: none in a copy) is the live file.
    assert _linked(tmp_path / "live", tmp_path / "copy") >= set(names) - {"index.html"}
    assert "index.html" not in _linked(tmp_path / "live", tmp_path / "copy")
    assert "a &lt;failed&gt; check" in (tmp_path / "live/index.html").read_text()
    assert "a &lt;failed&gt; check" not in (tmp_path / "copy/index.html").read_text()


def test_unchanged_pages_are_last_nights_files_and_equal_a_fresh_render(pages, tmp_path):
    _render(tmp_path / "night4", pages, 4)
    _render(tmp_path / "night5", pages, 5, previous=tmp_path / "night4")
    _render(tmp_path / "fresh5", pages, 5)

    _same_files(tmp_path / "night5", tmp_path / "fresh5")
    linked = _linked(tmp_path / "night4", tmp_path / "night5")
    # Pages that read the run or the night are rendered again; every other page is linked,
    # with its CSV files.
    assert "index.html" not in linked and "data_quality.html" not in linked
    person_pages = {page.filename for page in pages if page.slug == "person"}
    assert person_pages <= linked
    assert any(name.startswith("data/person-") for name in linked)
    manifest = json.loads((tmp_path / "night5" / MANIFEST).read_text())
    assert set(manifest["pages"]) == {
        page.filename for page in pages if page.filename not in {"index.html", "data_quality.html"}
    }


def test_a_page_whose_rows_changed_is_the_only_one_fetched_and_rendered(tmp_path_factory, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(generated_night(tmp_path_factory).warehouse, warehouse)
    definitions = load_pages()
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        before = plan_pages(connection, definitions)
        _render(tmp_path / "night4", collect_pages(connection, definitions), 4)
        person = connection.execute(
            "select annotator from marts.mart_annotator_performance_daily "
            "order by annotator limit 1"
        ).fetchone()[0]
    with duckdb.connect(str(warehouse)) as connection:  # a late event on the person's first day
        connection.execute(
            "update marts.mart_annotator_performance_daily set submitted = submitted + 1 "
            "where annotator = $person and day = (select min(day) from "
            "marts.mart_annotator_performance_daily where annotator = $person)",
            {"person": person},
        )
    fetched = []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        planned = plan_pages(connection, definitions)

        def load(pages):
            fetched.extend(page.filename for page in pages)
            return with_data(connection, pages)

        (tmp_path / "night5").mkdir()
        render_pages(
            RenderPlan(
                environment(LIMIT),
                tmp_path / "night5",
                planned,
                _run(5),
                SITE,
                _night(5),
                None,
                tmp_path / "night4",
                load,
            )
        )
        _render(tmp_path / "fresh5", collect_pages(connection, definitions), 5)

    _same_files(tmp_path / "night5", tmp_path / "fresh5")
    changed = {
        page.filename
        for page, old in zip(planned, before, strict=True)
        if page.data_digest != old.data_digest
    }
    person_page = next(page.filename for page in planned if page.key == person)
    # The person's page and the pages showing every person's days (people, overview).
    assert person_page in changed and "people.html" in changed
    assert len(changed) < 5
    # Fetched: the changed pages and those rendered every night; the rest are last night's.
    assert set(fetched) == changed | {"index.html", "data_quality.html"}
    linked = _linked(tmp_path / "night4", tmp_path / "night5")
    assert {page.filename for page in planned} - linked == set(fetched)


def test_a_change_every_page_may_show_renders_every_page_again(pages, tmp_path):
    renamed = SiteContext(projects=({"key": "p1", "name": "Project one"},))
    _render(tmp_path / "night4", pages, 4)
    _render(tmp_path / "night5", pages, 5, previous=tmp_path / "night4", site=renamed)
    assert not {
        name for name in _linked(tmp_path / "night4", tmp_path / "night5") if name.endswith(".html")
    }


def test_a_manifest_naming_files_outside_the_site_or_gone_reuses_nothing_of_them(pages, tmp_path):
    _render(tmp_path / "night4", pages, 4)
    manifest_path = tmp_path / "night4" / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    with_table = next(name for name, entry in manifest["pages"].items() if entry["tables"])
    manifest["pages"][with_table]["tables"].append("../../outside.csv")
    (tmp_path / "outside.csv").write_text("not the site's\n")
    gone = next(
        name for name in manifest["pages"] if name != with_table and name.startswith("person-")
    )
    (tmp_path / "night4" / gone).unlink()
    manifest_path.write_text(json.dumps(manifest))
    _render(tmp_path / "night5", pages, 5, previous=tmp_path / "night4")
    _render(tmp_path / "fresh5", pages, 5)

    _same_files(tmp_path / "night5", tmp_path / "fresh5")
    linked = _linked(tmp_path / "night4", tmp_path / "night5")
    assert with_table not in linked and gone not in linked
    assert len(linked) > 20
    # A manifest of another format (or none) reuses nothing.
    manifest_path.write_text(json.dumps({"format": 0, "pages": manifest["pages"]}))
    _render(tmp_path / "night6", pages, 6, previous=tmp_path / "night4")
    assert not _linked(tmp_path / "night4", tmp_path / "night6")


def test_a_manifest_entry_whose_lookups_do_not_decode_is_rendered_again(pages, tmp_path):
    """Lookups are stored as indices into the manifest's lists of keys and pages: an index out
    of range, of the wrong type or an odd count makes that page render; the rest are linked."""
    _render(tmp_path / "night4", pages, 4)
    manifest_path = tmp_path / "night4" / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    linking = [name for name, entry in manifest["pages"].items() if entry["links"]]
    assert len(linking) >= 3
    broken = {
        linking[0]: [len(manifest["keys"]), -1],
        linking[1]: ["0", -1],
        linking[2]: manifest["pages"][linking[2]]["links"][:-1],
    }
    for name, links in broken.items():
        manifest["pages"][name]["links"] = links
    manifest_path.write_text(json.dumps(manifest))
    _render(tmp_path / "night5", pages, 5, previous=tmp_path / "night4")
    _render(tmp_path / "fresh5", pages, 5)

    _same_files(tmp_path / "night5", tmp_path / "fresh5")
    linked = _linked(tmp_path / "night4", tmp_path / "night5")
    assert not set(broken) & linked
    assert len(linked) > 20


def test_a_template_naming_another_at_render_time_is_rendered_every_night(tmp_path):
    env = Environment(
        loader=DictLoader({"dynamic.html.j2": "{% include data.which %}", "part.html.j2": "x"})
    )
    cache = PageCache(env, (Path(__file__),), (), None)
    # What it reads cannot be known, so it may read the night: never reused, never linked.
    assert cache.reads("dynamic.html.j2", "night") and cache.reads("dynamic.html.j2", "run")
    assert template_variables(env, "dynamic.html.j2") is None
    assert not cache.reads("part.html.j2", "night")
    page = PageInstance(
        PageDefinition(slug="dynamic", title="Dynamic", template="dynamic.html.j2", queries={}),
        "dynamic.html",
        "Dynamic",
        {},
        data_digest="rows",
    )
    assert cache.fingerprint(page) is None


def test_a_new_persons_page_renders_again_only_the_pages_that_link_to_it(pages, tmp_path):
    """The list of pages is not part of every page's fingerprint: a page is rendered again when
    one of its links to another row's page changes (here the person's page appears, then goes),
    and every other page is still last night's file."""
    newcomer = next(page for page in pages if page.slug == "person")
    key = str(next(iter(newcomer.row.values())))
    without = [page for page in pages if page is not newcomer]
    _render(tmp_path / "night4", without, 4)
    night5 = _render(tmp_path / "night5", pages, 5, previous=tmp_path / "night4")
    night6 = _render(tmp_path / "night6", without, 6, previous=tmp_path / "night5")
    _render(tmp_path / "fresh5", pages, 5)
    _same_files(tmp_path / "night5", tmp_path / "fresh5")

    manifest = read_manifest(tmp_path / "night5")
    linking = {
        name
        for name, entry in manifest.items()
        if ["person", key, newcomer.filename] in entry["links"]
    }
    assert linking and len(linking) < len(pages) / 2
    nightly = {"index.html", "data_quality.html"}
    for before, after, pages_after, result in (
        ("night4", "night5", pages, night5),
        ("night5", "night6", without, night6),
    ):
        linked = {
            name for name in _linked(tmp_path / before, tmp_path / after) if name.endswith(".html")
        }
        expected = {page.filename for page in pages_after} - linking - nightly
        assert linked == expected - {newcomer.filename}
        assert (result.reused, result.rendered) == (len(linked), len(pages_after) - len(linked))
