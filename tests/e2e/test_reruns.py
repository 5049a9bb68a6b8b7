"""Re-runs: the same night twice gives byte-identical marts; late events correct the days they
belong to; an incremental history equals re-ingesting the whole landing folder from scratch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.nights import run_nightly
from support.warehouse import warehouse_fingerprints

from dagster_project.lib.synthetic import generate


@pytest.fixture(scope="module")
def landing_files(tmp_path_factory) -> tuple[Path, Path]:
    """A generated landing folder, and the late part of one early week held back from it."""
    root = tmp_path_factory.mktemp("generated")
    generate(root / "all", events=4_000, seed=5, plant_case_studies=False)
    files = sorted((root / "all").rglob("*.jsonl"))
    early = files[0]
    lines = early.read_text().splitlines(keepends=True)
    cut = len(lines) * 2 // 3
    on_time = root / "on_time"
    shutil.copytree(root / "all", on_time)
    (on_time / early.relative_to(root / "all")).write_text("".join(lines[:cut]))
    late = root / "late.jsonl"
    late.write_text("".join(lines[cut:]))
    return on_time, late


@pytest.fixture(scope="module")
def history(landing_files, tmp_path_factory):
    """Night 1 on the on-time files; night 2 after the late events landed."""
    on_time, late = landing_files
    root = tmp_path_factory.mktemp("history")
    shutil.copytree(on_time, root / "landing")
    first = run_nightly(root)
    assert first.exit_code == 0
    daily_before = first.rows(
        "select annotator, day, submitted from marts.mart_annotator_performance_daily order by all"
    )
    first_pages = {path.name: path.stat().st_ino for path in first.site.glob("*.html")}
    second = run_nightly(root, {"late/late-events.jsonl": late})
    assert second.exit_code == 0
    return daily_before, second, first_pages


def test_late_events_correct_the_days_already_reported(history):
    daily_before, second, _ = history
    daily_after = second.rows(
        "select annotator, day, submitted from marts.mart_annotator_performance_daily order by all"
    )
    assert daily_after != daily_before
    last_day_before = max(day for _, day, _ in daily_before)
    changed_days = {row[1] for row in set(daily_after) ^ set(daily_before)}
    assert changed_days and max(changed_days) <= last_day_before  # past days were corrected


def test_incremental_history_equals_a_rebuild_from_scratch(history, landing_files, tmp_path):
    _, second, _ = history
    on_time, late = landing_files
    shutil.copytree(on_time, tmp_path / "landing")
    scratch = run_nightly(tmp_path, {"late/late-events.jsonl": late})
    assert scratch.exit_code == 0
    incremental = warehouse_fingerprints(second.warehouse, tmp_path / "incremental")
    rebuilt = warehouse_fingerprints(scratch.warehouse, tmp_path / "rebuilt")
    assert incremental.keys() == rebuilt.keys() and len(rebuilt) > 20
    assert {t for t in rebuilt if incremental[t] != rebuilt[t]} == set()


def test_the_next_nights_site_reuses_unchanged_pages_and_equals_a_fresh_one(
    history, landing_files, tmp_path
):
    _, second, first_pages = history
    on_time, late = landing_files
    shutil.copytree(on_time, tmp_path / "landing")
    scratch = run_nightly(tmp_path, {"late/late-events.jsonl": late})
    assert scratch.exit_code == 0
    pages = sorted(path.name for path in scratch.site.glob("*.html"))
    assert pages == sorted(path.name for path in second.site.glob("*.html"))
    # Pages showing the run (files loaded, checks, built at) differ by nature; every other page
    # of the night that reused last night's files is the page a fresh site renders.
    nightly = {"index.html", "data_quality.html"}
    differing = [
        name
        for name in pages
        if (second.site / name).read_bytes() != (scratch.site / name).read_bytes()
    ]
    assert set(differing) <= nightly
    reused = {name for name in pages if first_pages.get(name) == (second.site / name).stat().st_ino}
    # The late events changed some pages (people, the days they fell on), not all.
    assert 10 < len(reused) < len(pages) - len(nightly)


def test_the_same_night_twice_gives_byte_identical_marts(history, tmp_path, monkeypatch):
    # Build again for real: a night with nothing new would otherwise skip the build.
    monkeypatch.setenv("ANNOLYTICS_FORCE_BUILD", "1")
    _, second, _ = history
    before = warehouse_fingerprints(second.warehouse, tmp_path / "before")
    again = run_nightly(second.landing.parent)
    assert again.exit_code == 0
    after = warehouse_fingerprints(again.warehouse, tmp_path / "after")
    assert {t for t in after if before.get(t) != after[t]} == set()
