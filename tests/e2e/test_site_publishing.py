"""Publishing: dated snapshots with retention, atomic swaps, and a failed night that leaves the
previous report readable with a banner saying why (from `annolytics run` and from the Dagster
run-failure sensor), then says so on the next good night."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil

import pytest
from support.nights import FIXTURES, run_nightly
from support.site import broken_links, chromium, generated_night, serve, visit

from dagster_project.lib.site import publish
from dagster_project.lib.site.pages import PageDefinition
from dagster_project.lib.site.publish import (
    PublishSettings,
    mark_site_failed,
    publish_site,
    remove_leftovers,
)
from dagster_project.lib.site.run_info import RunInfo
from dagster_project.lib.site.status import read_status, scrub_paths


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    return generated_night(tmp_path_factory)


def _publish(night, site, day: int, retention: int = 3, hour: int = 2):
    run = RunInfo(generated_at=dt.datetime(2026, 11, day, hour, 0))
    return publish_site(night.warehouse, site, run, PublishSettings(snapshot_retention=retention))


def test_each_night_is_kept_as_a_dated_snapshot_within_the_retention(night, tmp_path):
    site = tmp_path / "site"
    for day in (1, 2, 3, 4):
        _publish(night, site, day)
    kept = sorted(path.name for path in (site / "nights").iterdir())
    assert kept == ["2026-11-02", "2026-11-03", "2026-11-04"]  # retention 3: the 1st is gone
    # The front page links to the earlier nights it keeps; each snapshot is that night's report.
    index = (site / "index.html").read_text()
    assert 'href="nights/2026-11-03/index.html"' in index
    assert 'href="nights/2026-11-02/index.html"' in index
    assert "nights/2026-11-01" not in index
    built = "<dt>Built</dt><dd>{} UTC</dd>"
    assert built.format("2026-11-02 02:00") in (site / "nights/2026-11-02/index.html").read_text()
    assert built.format("2026-11-04 02:00") in index
    # Each night's facts (shown by every page's footer) are in that night's assets/night.js.
    night_js = (site / "nights/2026-11-02/assets/night.js").read_text()
    assert '"builtAt": "2026-11-02T02:00:00"' in night_js
    assert '"snapshotOf": "2026-11-02"' in night_js
    assert '"snapshotOf": null' in (site / "assets/night.js").read_text()
    # Snapshots are whole sites, linked back to the latest report, with nothing broken.
    snapshot = site / "nights/2026-11-03"
    assert {p.name for p in snapshot.glob("*.html")} == {p.name for p in site.glob("*.html")}
    assert broken_links(site) == []
    # Tonight's copy shares the files of the live site (hard links), costing no space.
    assert (site / "assets/plotly.min.js").stat().st_ino == (
        site / "nights/2026-11-04/assets/plotly.min.js"
    ).stat().st_ino
    # What did not change since an earlier night is that night's file, once on disk: Plotly,
    # the static assets, and here (the same warehouse) every person page.
    person_page = next(path.name for path in site.glob("person-*.html"))
    for name in ("assets/plotly.min.js", "assets/shared.js", person_page):
        assert (site / name).stat().st_ino == (site / "nights/2026-11-02" / name).stat().st_ino
    # A second run the same day replaces that day's snapshot.
    _publish(night, site, 4, hour=9)
    assert built.format("2026-11-04 09:00") in (site / "nights/2026-11-04/index.html").read_text()
    assert sorted(path.name for path in (site / "nights").iterdir()) == kept
    # No retention, no snapshots.
    _publish(night, site, 5, retention=0)
    assert (
        not (site / "nights").exists()
        and "Previous nights" not in (site / "index.html").read_text()
    )


def test_a_snapshot_reads_like_the_report_of_its_night(night, tmp_path):
    site = tmp_path / "site"
    _publish(night, site, 1)
    _publish(night, site, 2)
    with serve(site) as base_url, chromium() as context:
        page = context.new_page()
        seen = visit(page, base_url + "nights/2026-11-01/reworks.html", "snapshot-reworks.png")
        assert seen.problems == [] and seen.charts
        assert all(chart["rendered"] == "true" and chart["marks"] for chart in seen.charts)
        assert "night of 2026-11-01" in page.inner_text(".snapshot-note")
        # The footer's facts come from the night's assets/night.js, not from the page.
        assert "Built 2026-11-01 02:00 UTC" in page.inner_text("footer")
        (data_through,) = night.rows(
            "select max(last_event_at)::date::varchar from core.fct_annotations"
        )[0]
        assert page.get_attribute("#filters input[name=from]", "max") == data_through
        page.click(".snapshot-note a")
        page.wait_for_selector("#previous-nights")
        assert page.url == base_url + "index.html"
        assert page.is_hidden("#snapshot-note")  # the live report is no dated copy


def test_a_failed_build_leaves_the_published_site_untouched(night, tmp_path, monkeypatch):
    site = tmp_path / "site"
    _publish(night, site, 1)
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    broken = PageDefinition(
        slug="index",
        title="Broken",
        template="overview.html.j2",
        queries={"kpis": "select * from marts.no_such_mart"},
    )
    monkeypatch.setattr(publish, "load_pages", lambda: [broken])
    with pytest.raises(ValueError, match="query 'kpis'"):
        _publish(night, site, 2)
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no half-built folder left


def test_a_swap_killed_half_way_gives_the_previous_site_back(tmp_path):
    """Without an atomic exchange a swap is two renames; a kill between them leaves the old
    site under its temporary name and no live one."""
    site = tmp_path / "site"
    (tmp_path / "site.previous-20261123T020000000000").mkdir()
    (tmp_path / "site.previous-20261123T020000000000" / "index.html").write_text("last good")
    (tmp_path / "site.building-20261124T020000000000").mkdir()
    (tmp_path / "site.building-20261124T020000000000.workers").mkdir()
    remove_leftovers(site)
    assert (site / "index.html").read_text() == "last good"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


# ---- a failed night, end to end ------------------------------------------------------------
TOKEN_FREE_REASON = "step raw_layer failed"


@pytest.fixture(scope="module")
def failed_night(tmp_path_factory):
    """A good night, then two that fail through the CLI: one stopped by a blocking check (its
    landing folder holds tasks but no annotation, so the GX suite on the published mart
    blocks), one whose warehouse path is a folder (ingestion fails)."""
    from dagster_project.cli import main

    root = tmp_path_factory.mktemp("failing")
    good = run_nightly(root, {"hand.jsonl": FIXTURES / "events" / "hand_computed.jsonl"})
    assert good.exit_code == 0
    published = {p.name: p.read_bytes() for p in good.site.glob("*.html")}
    (root / "tasks_only").mkdir()
    shutil.copyfile(FIXTURES / "events" / "tasks_only.jsonl", root / "tasks_only" / "t.jsonl")
    blocked = ["--landing", str(root / "tasks_only"), "--warehouse", str(root / "tasks.duckdb")]
    assert main(["run", *blocked, "--site", str(good.site)]) == 1
    broken_warehouse = root / "broken" / "warehouse.duckdb"
    broken_warehouse.mkdir(parents=True)
    broken = ["--landing", str(good.landing), "--warehouse", str(broken_warehouse)]
    assert main(["run", *broken, "--site", str(good.site)]) == 1
    return good, published, root


def test_a_failed_night_keeps_the_report_and_every_page_says_why(failed_night):
    good, published, root = failed_night
    assert {p.name: p.read_bytes() for p in good.site.glob("*.html")} == published
    status = read_status(good.site)
    assert status.state == "failed" and status.reason.startswith(TOKEN_FREE_REASON)
    assert [failure["reason"][:60] for failure in status.failures] == [
        "blocking check failed: marts/mart_annotator_performance:gx_p",
        status.reason[:60],
    ]
    status_js = (good.site / "assets/status.js").read_text()
    assert str(root) not in status_js
    with serve(good.site) as base_url, chromium() as context:
        page = context.new_page()
        for name in sorted(published):
            seen = visit(page, base_url + name, screenshot=f"failed-night-{name}.png")
            assert seen.problems == []
            banner = page.locator("#status-banner")
            assert banner.is_visible(), name
            text = banner.inner_text()
            assert (
                "failed" in text and TOKEN_FREE_REASON in text and status.published_at[:10] in text
            )


def test_the_next_good_night_says_the_previous_one_failed(failed_night):
    good, _, _ = failed_night
    reason = read_status(good.site).reason
    with pytest.MonkeyPatch.context() as env:
        # This night also runs with pseudonyms, set the way an operator would: environment.
        env.setenv("ANNOLYTICS_PSEUDONYMISE", "1")
        env.setenv("ANNOLYTICS_PSEUDONYM_KEY", "test-key-not-secret")
        again = run_nightly(good.landing.parent)
    assert again.exit_code == 0
    assert read_status(good.site).state == "published"
    overview = (good.site / "index.html").read_text()
    assert "2 nights failed since the previous report" in overview
    assert reason.split(":")[0] in overview and "blocking check failed" in overview
    everything = "".join(p.read_text("utf-8", "ignore") for p in good.site.rglob("*.html"))
    for identity in ("ann@example.com", "bob@example.com", "rev@example.com"):
        assert identity not in everything
    with serve(good.site) as base_url, chromium() as context:
        page = context.new_page()
        seen = visit(page, base_url + "index.html")
        assert seen.problems == [] and not page.locator("#status-banner").is_visible()


def test_absolute_paths_in_a_reason_are_shortened():
    reason = (
        'IO Error: Cannot open file "/srv/annolytics/data/warehouse.duckdb": Is a directory; '
        "see file:///home/ann/x.log or C:\\data\\w.duckdb, 58/62 kept"
    )
    assert scrub_paths(reason) == (
        'IO Error: Cannot open file "…/warehouse.duckdb": Is a directory; '
        "see file:…/x.log or …/w.duckdb, 58/62 kept"
    )


def test_the_first_night_failing_leaves_a_page_saying_why(tmp_path):
    site = tmp_path / "site"
    mark_site_failed(site, f"step raw_layer failed: cannot open {tmp_path}/w.duckdb")
    assert str(tmp_path) not in "".join(p.read_text() for p in site.rglob("*.js"))
    with serve(site) as base_url, chromium() as context:
        page = context.new_page()
        seen = visit(page, base_url + "index.html", screenshot="first-night-failed.png")
        assert seen.problems == []
        assert "raw_layer failed" in page.inner_text("#status-banner")
        assert str(tmp_path) not in page.content()


def test_the_run_failure_sensor_marks_the_site(tmp_path):
    """Runs started by the schedule or the UI fail without `annolytics run` to say so."""
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.defs.reports.sensors import report_failure_banner
    from dagster_project.defs.resources import AnnolyticsSettings

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>last night's report</p>")
    (tmp_path / "landing").mkdir()
    (tmp_path / "warehouse.duckdb").mkdir()  # a folder: the night fails at ingestion
    config = {
        "landing_dir": str(tmp_path / "landing"),
        "warehouse_path": str(tmp_path / "warehouse.duckdb"),
        "site_dir": str(site),
    }
    resource = AnnolyticsSettings(**config)
    job = defs().resolve_job_def("nightly_job")
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"resources": {"settings": {"config": config}}},
        )
        assert not result.success
        failure = next(
            e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE
        )
        context = dg.build_run_status_sensor_context(
            sensor_name="report_failure_banner",
            dagster_event=failure,
            dagster_instance=instance,
            dagster_run=result.dagster_run,
            resources={"settings": resource},
        ).for_run_failure()
        report_failure_banner(context)
    status = json.loads((site / "assets/status.json").read_text())
    assert status["state"] == "failed" and status["reason"].startswith(TOKEN_FREE_REASON)
    assert str(tmp_path) not in status["reason"]
    assert (site / "index.html").read_text() == "<p>last night's report</p>"
    assert os.access(site / "assets/status.js", os.R_OK)
    shutil.rmtree(tmp_path / "warehouse.duckdb")
