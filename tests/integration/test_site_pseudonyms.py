"""Pseudonymised publishing: no person's identity anywhere in the site (text, data, file
names), the same pseudonym for the same person night after night, and a site that still works."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from support.site import HOSTILE_NAME, broken_links, chromium, generated_night, people, serve, visit

from dagster_project.lib.site.pseudonyms import Pseudonyms, pseudonym_key
from dagster_project.lib.site.publish import PublishSettings, publish_site
from dagster_project.lib.site.run_info import RunInfo

PSEUDONYMS = PublishSettings(pseudonymise=True, snapshot_retention=2)
TEAM_KEY = "the team's pseudonym key"


def keyed(key: str) -> PublishSettings:
    """Pseudonyms under ``key`` (ANNOLYTICS_PSEUDONYM_KEY: lib/settings.py)."""
    return dataclasses.replace(PSEUDONYMS, pseudonym_key=key)


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    return generated_night(tmp_path_factory)


@pytest.fixture(scope="module")
def site(night, tmp_path_factory):
    site = tmp_path_factory.mktemp("pseudonymised") / "site"
    publish_site(night.warehouse, site, RunInfo(dt.datetime(2026, 11, 3, 2)), keyed(TEAM_KEY))
    return site


def test_no_identity_is_published(night, site):
    identities = people(night)
    assert len(identities) > 50
    files = [path for path in site.rglob("*") if path.is_file()]
    leaks = sorted(
        {
            f"{path.relative_to(site)}: {identity}"
            for path in files
            for identity in identities
            if identity in str(path.relative_to(site))
            or identity in path.read_text("utf-8", "ignore")
        }
    )
    assert leaks == []
    # Not even the local part of an address, where the generator's names live.
    assert "sofia.marchetti" not in "".join(p.read_text("utf-8", "ignore") for p in files)


def test_everyone_still_has_a_page_and_the_site_holds_together(night, site):
    assert len(list(site.glob("person-*.html"))) == len(people(night))
    assert broken_links(site) == []
    with serve(site) as base_url, chromium() as context:
        page = context.new_page()
        page.goto(base_url + "people.html")
        first = page.locator("#people a[href^='person-']").first
        name, href = first.inner_text(), first.get_attribute("href")
        assert name.startswith("Person ") and href.startswith("person-person-")
        seen = visit(page, base_url + href, screenshot="pseudonymised-person.png")
        assert seen.problems == [] and seen.charts
        assert page.inner_text("h1") == name
        assert "pseudonyms" in page.inner_text("footer")


def test_pseudonyms_are_stable_and_depend_on_the_key(night, site, tmp_path):
    again = tmp_path / "again"
    publish_site(night.warehouse, again, RunInfo(dt.datetime(2026, 11, 4, 2)), keyed(TEAM_KEY))
    pages = {path.name for path in site.glob("person-*.html")}
    assert {path.name for path in again.glob("person-*.html")} == pages
    other = tmp_path / "other"
    other_key = keyed("another team's key")
    publish_site(night.warehouse, other, RunInfo(dt.datetime(2026, 11, 4, 2)), other_key)
    assert not {path.name for path in other.glob("person-*.html")} & pages


def test_switching_pseudonyms_on_drops_snapshots_with_real_names(night, tmp_path):
    site = tmp_path / "site"
    plain = PublishSettings(snapshot_retention=5)
    publish_site(night.warehouse, site, RunInfo(dt.datetime(2026, 11, 1, 2)), plain)
    assert (site / "nights/2026-11-01").is_dir()
    publish_site(night.warehouse, site, RunInfo(dt.datetime(2026, 11, 2, 2)), keyed("k"))
    assert sorted(p.name for p in (site / "nights").iterdir()) == ["2026-11-02"]


def test_pseudonyms_replace_identities_as_values_and_inside_text():
    names = Pseudonyms(["ann@example.com", "jo", "12", HOSTILE_NAME], key=b"k")
    ann = names.name("ann@example.com")
    assert ann.startswith("Person ") and ann == Pseudonyms(["ann@example.com"], b"k").name(
        "ann@example.com"
    )
    assert names.text("ann@example.com made 58 of 62") == f"{ann} made 58 of 62"
    assert names.text("ann@example.com | jo") == f"{ann} | {names.name('jo')}"
    # Only whole identities: not inside a longer address or word.
    assert names.text("joann@example.com and jon") == "joann@example.com and jon"
    assert names.text(f"{HOSTILE_NAME}!") == f"{names.name(HOSTILE_NAME)}!"
    # A tool's numeric user id is replaced in person columns, never inside text or other columns.
    row = names.row({"annotator": "12", "evidence": "12 annotations", "project_id": "12"})
    assert row == {"annotator": names.name("12"), "evidence": "12 annotations", "project_id": "12"}


def test_without_a_configured_key_one_is_kept_beside_the_warehouse(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    key = pseudonym_key(warehouse)
    assert key == pseudonym_key(warehouse) and len(key) >= 32
    kept = tmp_path / "warehouse.duckdb.pseudonym-key"
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
