"""Publish the site: build beside the live one and swap it in only when complete, keep dated
snapshots of earlier nights, and mark the live site when a night fails.

Layout of the published folder::

    index.html, throughput.html, person-….html, …   tonight's report
    assets/                                          css, js, plotly.min.js, status.js
    assets/shared/person--<project>.js, …           figures a page family shares (shared_data.py)
    data/reworks--review-edges.csv, …                every row of a table longer than a page shows
    nights/2026-11-23/index.html, …, assets/, data/   a dated copy of each kept night

Snapshot files are hard links where the file system allows: a night's copy costs no space
until a later night changes the file, and nothing is ever rewritten in place (status.js is
replaced, not edited), so a link never changes an older snapshot.
"""

from __future__ import annotations

import ctypes
import dataclasses
import datetime as dt
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.lib.failpoints import failpoint
from dagster_project.lib.settings import Settings, default_workers
from dagster_project.lib.site.data import WarehouseRows, plan_pages, run_query
from dagster_project.lib.site.environment import copy_assets, environment
from dagster_project.lib.site.night import EarlierNight, NightContext, write_night_script
from dagster_project.lib.site.page_cache import link_or_copy
from dagster_project.lib.site.pages import load_pages, load_site_queries
from dagster_project.lib.site.pseudonyms import Pseudonyms, pseudonym_key
from dagster_project.lib.site.render import (
    DBT_DOCS,
    RenderedPages,
    RenderPlan,
    SiteContext,
    evidence_links,
    project_names,
    render_pages,
)
from dagster_project.lib.site.run_info import RunInfo
from dagster_project.lib.site.shared_data import write_shared_data
from dagster_project.lib.site.status import SiteStatus, failed_status, read_status, write_status
from dagster_project.lib.site.tables import DEFAULT_TABLE_ROWS

NIGHTS_DIR = "nights"
_NIGHT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class PublishSettings:
    pseudonymise: bool = False
    snapshot_retention: int = 14  # dated snapshots kept, tonight's included; 0 keeps none
    table_rows: int = DEFAULT_TABLE_ROWS  # rows a table shows on a page; the rest go to a CSV
    # processes rendering pages (shards.py); 1 renders in this process only
    render_workers: int = dataclasses.field(default_factory=default_workers)
    # the pseudonyms' key; empty: the one kept beside the warehouse (pseudonyms.py)
    pseudonym_key: str = dataclasses.field(default="", repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> PublishSettings:
        return cls(
            pseudonymise=settings.pseudonymise,
            snapshot_retention=settings.snapshot_retention,
            table_rows=settings.site_table_rows,
            render_workers=settings.site_workers,
            pseudonym_key=settings.pseudonym_key,
        )

    @classmethod
    def from_env(cls) -> PublishSettings:
        return cls.from_settings(Settings.from_env())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _link_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, copy_function=link_or_copy)


def kept_nights(site: Path, tonight: str, settings: PublishSettings) -> list[str]:
    """Nights whose snapshot the new site keeps, newest first (tonight's included). A site
    published under pseudonyms keeps no snapshot that shows real names."""
    if settings.snapshot_retention <= 0:
        return []
    folder = site / NIGHTS_DIR
    existing = {
        path.name
        for path in (folder.iterdir() if folder.is_dir() else [])
        if _NIGHT.match(path.name)
        and (path / "index.html").is_file()
        and (not settings.pseudonymise or _is_pseudonymised(path))
    }
    return sorted(existing | {tonight}, reverse=True)[: settings.snapshot_retention]


def _is_pseudonymised(snapshot: Path) -> bool:
    status = read_status(snapshot)
    return bool(status and status.pseudonymised)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if sys.platform != "linux":
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return done == 0


def remove_leftovers(site: Path) -> None:
    """Half-built or half-swapped folders of a night that was killed (with its render workers'
    files, ``<site>.building-<stamp>.workers``): never published. A kill
    between the two renames of a swap (where there is no atomic exchange) leaves no live site:
    the previous one comes back."""
    for leftover in site.parent.glob(f"{site.name}.building-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    previous = sorted(site.parent.glob(f"{site.name}.previous-*"))
    if previous and not site.exists():
        previous.pop().rename(site)
    for leftover in previous:
        shutil.rmtree(leftover, ignore_errors=True)


def _swap_in(staging: Path, site: Path, stamp: str) -> None:
    """Put the complete new site in place. With an atomic exchange readers (and a night killed
    at any moment) always find a whole site at ``site``; elsewhere two renames leave it absent
    for an instant."""
    failpoint("publish")  # the new site is complete beside the old one, not yet swapped
    if site.exists() and _exchange(staging, site):
        shutil.rmtree(staging, ignore_errors=True)  # now the old site
        return
    previous = site.with_name(f"{site.name}.previous-{stamp}")
    if site.exists():
        site.rename(previous)
    staging.rename(site)
    shutil.rmtree(previous, ignore_errors=True)


def _build(
    warehouse: Path,
    site: Path,
    staging: Path,
    run: RunInfo,
    settings: PublishSettings,
    dbt_docs: Path | None,
) -> RenderedPages:
    definitions = load_pages()
    site_queries = load_site_queries()
    # The pages to render fetch their rows through connections of their own (WarehouseRows).
    with duckdb.connect(str(warehouse), read_only=True) as connection:

        def site_query(name: str):
            return run_query(
                connection, site_queries[name], f"reports/site_queries.yml, query '{name}'"
            )

        projects = site_query("projects")
        period = (site_query("period") or [{}])[0]
        pseudonyms = None
        if settings.pseudonymise:
            people = [next(iter(row.values())) for row in site_query("people")]
            pseudonyms = Pseudonyms(people, pseudonym_key(warehouse, settings.pseudonym_key))
        pages = plan_pages(connection, definitions, pseudonyms)

        tonight = run.generated_at.date().isoformat()
        nights = kept_nights(site, tonight, settings)
        previous_status = read_status(site)
        published_at = run.generated_at.isoformat(timespec="seconds")
        context = SiteContext(
            projects=project_names(projects),
            pseudonymised=settings.pseudonymise,
            pseudonyms=pseudonyms.fingerprint if pseudonyms else "",
            evidence=evidence_links(pages),
            dbt_docs=dbt_docs is not None,
            not_exported=tuple(
                (row["source_system"], row["figure"]) for row in site_query("not_exported")
            ),
        )
        night = NightContext(
            published_at=published_at,
            first_day=period.get("first_day"),
            data_through=period.get("data_through"),
        )
        env = environment(settings.table_rows)
        staging.mkdir(parents=True)
        previous = site if (site / "index.html").is_file() else None
        copy_assets(staging, previous)
        # Before tonight's dated copy links the assets: the copy's pages load them too.
        write_shared_data(connection, definitions, staging, pseudonyms)
        if dbt_docs is not None:
            _place_dbt_docs(dbt_docs, staging)
        write_status(
            staging,
            SiteStatus(
                state="published", published_at=published_at, pseudonymised=settings.pseudonymise
            ),
        )
        live = dataclasses.replace(
            night,
            earlier_nights=tuple(
                EarlierNight(date, f"{NIGHTS_DIR}/{date}/index.html")
                for date in nights
                if date != tonight
            ),
            previous_failures=tuple(previous_status.failures) if previous_status else (),
        )
        write_night_script(staging, live)
        snapshot = None
        for kept in nights:
            copy = staging / NIGHTS_DIR / kept
            if kept == tonight:
                copy.mkdir(parents=True)
                _link_tree(staging / "assets", copy / "assets")
                if dbt_docs is not None:
                    _place_dbt_docs(staging / DBT_DOCS, copy)
                copy_night = dataclasses.replace(night, snapshot_of=kept)
                write_night_script(copy, copy_night)  # replaces the link to the live site's
                snapshot = (copy, copy_night)
            else:
                _link_tree(site / NIGHTS_DIR / kept, copy)
        # Tonight's dated copy is written beside each live page, and unchanged pages are
        # linked from the live site (see render_pages).
        return render_pages(
            RenderPlan(
                env,
                staging,
                pages,
                run,
                context,
                live,
                snapshot,
                previous,
                load=WarehouseRows(warehouse, pseudonyms),
                workers=settings.render_workers,
                # Beside the site being built, named like it: a killed night's is a leftover.
                scratch=staging.with_name(f"{staging.name}.workers"),
            )
        )


def _place_dbt_docs(docs: Path, folder: Path) -> None:
    (folder / DBT_DOCS).parent.mkdir(parents=True, exist_ok=True)
    link_or_copy(docs, folder / DBT_DOCS)


def publish_site(
    warehouse: Path,
    site: Path,
    run: RunInfo,
    settings: PublishSettings | None = None,
    dbt_docs: Path | None = None,
) -> RenderedPages:
    """Build beside ``site`` and swap it in only when complete: readers never see half a site.
    Returns the published pages (in ``site``), rendered tonight or linked from last night's."""
    settings = settings or PublishSettings()
    site.parent.mkdir(parents=True, exist_ok=True)
    stamp = _now().strftime("%Y%m%dT%H%M%S%f")
    staging = site.with_name(f"{site.name}.building-{stamp}")
    remove_leftovers(site)
    try:
        written = _build(warehouse, site, staging, run, settings, dbt_docs)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_in(staging, site, stamp)
    return dataclasses.replace(written, paths=[site / path.name for path in written.paths])


def mark_site_failed(site: Path, reason: str, at: dt.datetime | None = None) -> bool:
    """Tonight failed: the published report stays as it is and every page says why. Best
    effort: a disk too full to take the banner leaves the site as it was and says so on
    standard error (the night's own failure is already reported); never raises an OSError.
    Whether the banner was written.

    With no report yet, a one-page site says that the first night failed and why."""
    try:
        _mark_site_failed(site, reason, at)
    except OSError as error:
        print(
            f"annolytics: the failure banner could not be written to {site} "
            f"({error.strerror or error}); the report there still shows the last night",
            file=sys.stderr,
        )
        return False
    return True


def _mark_site_failed(site: Path, reason: str, at: dt.datetime | None) -> None:
    if site.parent.is_dir():
        remove_leftovers(site)
    status = failed_status(read_status(site), reason, at or _now())
    if (site / "index.html").is_file():
        write_status(site, status)
        return
    stamp = _now().strftime("%Y%m%dT%H%M%S%f")
    staging = site.with_name(f"{site.name}.building-{stamp}")
    try:
        staging.mkdir(parents=True)
        copy_assets(staging)
        write_status(staging, status)
        html = environment().get_template("no_report.html.j2").render(status=status)
        (staging / "index.html").write_text(html, encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    site.parent.mkdir(parents=True, exist_ok=True)
    _swap_in(staging, site, stamp)
