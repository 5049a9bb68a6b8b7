"""Pages rendered by several processes: the split of pages among them (by hand-counted rows),
and a site published by three processes that is byte for byte the site one process publishes,
with and without pseudonyms. Pages fetched a few rows at a time: the runs of pages (by
hand-counted rows), and the same site as pages fetched all at once."""

from __future__ import annotations

import datetime as dt
import filecmp
import functools
import operator
import subprocess
import sys

import pytest
from support.site import generated_night

from dagster_project.lib.settings import WORKERS_ENV, default_workers
from dagster_project.lib.site import render, shards
from dagster_project.lib.site.data import PageInstance, WarehouseRows
from dagster_project.lib.site.pages import PageDefinition
from dagster_project.lib.site.publish import PublishSettings, publish_site
from dagster_project.lib.site.run_info import RunInfo

DEFINITION = PageDefinition(slug="person", title="{person}", template="person.html.j2")


def _page(name: str, rows: int = 0, data=None) -> PageInstance:
    return PageInstance(DEFINITION, f"{name}.html", name, data, rows=rows)


def _names(split) -> list[list[str]]:
    return [[page.title for page in shard] for shard in split]


def test_pages_are_shared_by_rows_largest_first_each_shard_in_page_order(monkeypatch):
    monkeypatch.setattr(shards, "ROWS_PER_WORKER", 10)
    # Weights (rows + 1): a 10, b 4, c 7, d 3, e 6, f 1; total 31 -> 3 shards of at most 3.
    pages = [_page("a", 9), _page("b", 3), _page("c", 6), _page("d", 2), _page("e", 5), _page("f")]
    # Largest first onto the lightest shard: a->0 (10), c->1 (7), e->2 (6), b->2 (10),
    # d->1 (10), f->0 (11); ties go to the lower shard.
    assert _names(shards.split(pages, 3)) == [["a", "f"], ["c", "d"], ["b", "e"]]
    # Two workers asked for: two shards although the rows allow three.
    # a->0 (10), c->1 (7), e->1 (13), b->0 (14), d->1 (16), f->0 (15).
    assert _names(shards.split(pages, 2)) == [["a", "b", "f"], ["c", "d", "e"]]


def test_pages_kept_in_this_process_go_to_the_first_shard(monkeypatch):
    monkeypatch.setattr(shards, "ROWS_PER_WORKER", 10)
    pages = [_page("a", 9), _page("b", 3), _page("c", 6), _page("d", 2), _page("e", 5), _page("f")]
    # d (3) starts shard 0; then a->1 (10), c->0 (10), e->0 (16, a tie), b->1 (14), f->1 (15).
    assert _names(shards.split(pages, 2, {"d.html"})) == [["c", "d", "e"], ["a", "b", "f"]]


def test_rows_already_fetched_weigh_as_their_count(monkeypatch):
    monkeypatch.setattr(shards, "ROWS_PER_WORKER", 4)
    # Weights 1 + rows held: a 5, b 2, c 1; total 8 -> 2 shards.
    pages = [_page("a", data={"q": [{}] * 4}), _page("b", data={"q": [{}]}), _page("c", data={})]
    assert _names(shards.split(pages, 4)) == [["a"], ["b", "c"]]


def test_too_few_rows_to_share_stay_in_one_process(monkeypatch):
    monkeypatch.setattr(shards, "ROWS_PER_WORKER", 100)
    pages = [_page(name, 40) for name in "abcd"]  # 164 rows: one shard's worth
    assert _names(shards.split(pages, 4)) == [["a", "b", "c", "d"]]
    assert _names(shards.split(pages, 1)) == [["a", "b", "c", "d"]]


def test_pages_are_fetched_in_runs_of_at_most_the_rows_given():
    # Weights (rows + 1): a 10, b 4, c 7, d 3, e 16, f 1.
    pages = [_page("a", 9), _page("b", 3), _page("c", 6), _page("d", 2), _page("e", 15), _page("f")]
    # a+b = 14 <= 15, +c would be 21; c+d = 10; e alone is over 15 and is a run of its own.
    assert _names(shards.batches(pages, 15)) == [["a", "b"], ["c", "d"], ["e"], ["f"]]
    assert _names(shards.batches(pages, 1_000)) == [["a", "b", "c", "d", "e", "f"]]
    assert _names(shards.batches([], 15)) == []


def test_a_site_fetched_a_few_rows_at_a_time_is_the_site_fetched_at_once(
    tmp_path_factory, tmp_path, monkeypatch
):
    night = generated_night(tmp_path_factory)
    run = RunInfo(generated_at=dt.datetime(2026, 11, 5, 2, 0))
    settings = PublishSettings(snapshot_retention=2, render_workers=1)
    at_once, in_runs = tmp_path / "at-once", tmp_path / "in-runs"
    monkeypatch.setattr(render, "ROWS_PER_BATCH", 10**9)
    publish_site(night.warehouse, at_once, run, settings)

    fetched: list[int] = []  # rows fetched by each call
    original = WarehouseRows.__call__

    def counting(self, pages):
        filled = original(self, pages)
        fetched.append(sum(len(rows) for page in filled for rows in page.data.values()))
        return filled

    monkeypatch.setattr(WarehouseRows, "__call__", counting)
    monkeypatch.setattr(render, "ROWS_PER_BATCH", 500)
    publish_site(night.warehouse, in_runs, run, settings)
    # Many runs, each within the limit but for a page that alone holds more.
    assert len(fetched) > 10
    over = [rows for rows in fetched if rows > 500]
    assert len(over) < len(fetched) / 2

    names = _files(at_once)
    assert len(names) > 50 and names == _files(in_runs)
    match, mismatch, errors = filecmp.cmpfiles(at_once, in_runs, names, shallow=False)
    assert (mismatch, errors, len(match)) == ([], [], len(names))


def _files(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


@pytest.mark.parametrize("pseudonymise", [False, True], ids=["names", "pseudonyms"])
def test_a_site_rendered_by_three_processes_is_the_site_one_process_renders(
    tmp_path_factory, tmp_path, monkeypatch, pseudonymise
):
    night = generated_night(tmp_path_factory)
    run = RunInfo(generated_at=dt.datetime(2026, 11, 5, 2, 0))

    def publish(folder, workers: int) -> None:
        settings = PublishSettings(
            pseudonymise=pseudonymise, snapshot_retention=2, render_workers=workers
        )
        publish_site(night.warehouse, folder, run, settings)

    alone, shared = tmp_path / "alone", tmp_path / "shared"
    publish(alone, 1)
    shard_counts = []
    original = shards.split

    def split(*args, **kwargs):
        result = original(*args, **kwargs)
        shard_counts.append(len(result))
        return result

    monkeypatch.setattr(shards, "ROWS_PER_WORKER", 1_000)
    monkeypatch.setattr(shards, "split", split)
    scratch_folders = []
    original_run_split = shards.run_split

    def run_split(*args):
        scratch_folders.append(args[3])
        return original_run_split(*args)

    monkeypatch.setattr(shards, "run_split", run_split)
    publish(shared, 3)
    assert shard_counts == [3]  # the generated night has more than 3,000 rows to render
    # The workers' files were beside the site being built, and are gone with it.
    assert scratch_folders[0].parent == tmp_path
    assert scratch_folders[0].name.startswith("shared.building-")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["alone", "shared"]

    names = _files(alone)
    assert len(names) > 50 and "nights/2026-11-05/index.html" in names
    assert names == _files(shared)
    match, mismatch, errors = filecmp.cmpfiles(alone, shared, names, shallow=False)
    assert (mismatch, errors, len(match)) == ([], [], len(names))


def test_the_number_of_processes_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(WORKERS_ENV, "3")
    assert PublishSettings.from_env().render_workers == 3
    monkeypatch.setenv(WORKERS_ENV, "0")
    with pytest.raises(ValueError, match="ANNOLYTICS_SITE_WORKERS must be a whole number of at"):
        PublishSettings.from_env()
    monkeypatch.delenv(WORKERS_ENV)
    assert 1 <= PublishSettings.from_env().render_workers == default_workers() <= 4


def test_results_come_back_in_shard_order_and_a_failed_worker_says_why(tmp_path):
    pages = [_page(name) for name in "abc"]
    assert shards.run_split([pages[:1], pages[1:], pages[2:]], len, len) == [1, 2, 1]
    # The worker divides 1 by its list of pages: a TypeError in the worker process.
    with pytest.raises(RuntimeError, match=r"(?s)site worker process failed.*TypeError"):
        shards.run_split(
            [pages[:1], pages[1:]], len, functools.partial(operator.truediv, 1), tmp_path / "x"
        )
    assert not (tmp_path / "x").exists()  # the scratch folder goes, failed or not


SCRIPT = """
import datetime as dt
from pathlib import Path
from dagster_project.lib.site import shards
from dagster_project.lib.site.publish import PublishSettings, publish_site
from dagster_project.lib.site.run_info import RunInfo

shards.ROWS_PER_WORKER = 1_000
publish_site(Path({warehouse!r}), Path({site!r}), RunInfo(generated_at=dt.datetime(2026, 11, 5)),
             PublishSettings(render_workers=2))
print("published once")
"""


def test_a_script_without_a_main_guard_publishes_once(tmp_path_factory, tmp_path):
    """Worker processes do not run the calling script again (multiprocessing's would: the
    script would publish once per worker and clear the folder being built)."""
    night = generated_night(tmp_path_factory)
    script = tmp_path / "publish.py"
    site = tmp_path / "site"
    script.write_text(SCRIPT.format(warehouse=str(night.warehouse), site=str(site)))
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("published once") == 1
    assert (site / "index.html").is_file() and len(list(site.glob("person-*.html"))) > 20
