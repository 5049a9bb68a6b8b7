"""Render pages into a folder that works offline (file:// included).

Data reach the browser only through Jinja2's ``tojson`` inside ``<script type="application/json">``
and autoescaped HTML, so no string from the data can run as code.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
)

from dagster_project.lib.site import shards
from dagster_project.lib.site.data import PageInstance, Rows
from dagster_project.lib.site.environment import environment
from dagster_project.lib.site.night import NightContext
from dagster_project.lib.site.page_cache import PageCache, PageOutput, link_or_copy
from dagster_project.lib.site.run_info import RunInfo
from dagster_project.lib.site.shared_data import page_shared_files
from dagster_project.lib.site.tables import TABLE_FILES_DIR, LongTable, write_table_file

# Where dbt's static docs page of the models sits in a site (and in each dated copy).
DBT_DOCS = Path("docs") / "dbt" / "index.html"


@dataclass(frozen=True)
class SiteContext:
    """What every page may show besides its own data and the night's (see night.py): the same
    from one night to the next unless projects or settings change."""

    projects: tuple[dict[str, str], ...] = ()  # {"key": project_key, "name": shown name}
    pseudonymised: bool = False
    pseudonyms: str = ""  # fingerprint of who is renamed to what (Pseudonyms.fingerprint)
    evidence: dict[str, str] = field(default_factory=dict)  # mart -> "page.html#id"
    dbt_docs: bool = False  # dbt's docs of the models are published beside (DBT_DOCS)
    # (source_system, figure) pairs a tool does not export: marts.mart_source_figures.
    not_exported: tuple[tuple[str, str], ...] = ()


# How the report names each source beside a project.
SOURCE_NAMES = {
    "event_log": "event log",
    "label_studio": "Label Studio",
    "cvat": "CVAT",
    "labelbox": "Labelbox",
    "encord": "Encord",
}


def project_names(rows: Rows) -> tuple[dict[str, str], ...]:
    """Projects are shown by their id in the tool; when the warehouse holds more than one
    source, with the tool's name (``7 (CVAT)``), so a manager can tell ``7`` from ``7``."""
    several = len({row["source_system"] for row in rows}) > 1
    return tuple(
        {
            "key": row["project_key"],
            "name": f"{row['project_id']} "
            f"({SOURCE_NAMES.get(row['source_system'], row['source_system'])})"
            if several
            else row["project_id"],
        }
        for row in rows
    )


def evidence_links(pages: list[PageInstance]) -> dict[str, str]:
    """Where the rows behind each mart are shown: the first page (in navigation order) whose
    YAML names the mart under ``evidence``."""
    links: dict[str, str] = {}
    for page in pages:
        for mart, anchor in page.definition.evidence.items():
            links.setdefault(mart, f"{page.filename}#{anchor}")
    return links


def _shared_page(page: PageInstance) -> dict[str, Any] | None:
    """What assets/shared.js needs to find a page's shared figures: the page's name in the data
    files; None for a page without shared queries."""
    if not page.definition.shared or not page.row:
        return None
    return {"page": page.published_key}


@dataclass(frozen=True)
class RenderJob:
    """Everything rendering a page takes besides its rows: picklable, for worker processes."""

    target: Path
    run: RunInfo
    site: SiteContext
    night: NightContext
    nav: tuple[PageInstance, ...]  # without their rows: only names and titles are shown
    by_key: dict[tuple[str, str], str]  # (slug, page key) -> the filename of a page per row
    table_rows: int
    snapshot: tuple[Path, NightContext] | None = None  # tonight's dated copy and its night


@dataclass(frozen=True)
class RenderedPages:
    """The pages written, and how many were rendered tonight or linked from last night's site."""

    paths: list[Path]
    rendered: int
    reused: int


# Rows a process fetches and holds at a time (shards.batches): a large team's pages hold
# millions of rows as Python objects, too many to hold all at once (benchmarks/HISTORY.md).
ROWS_PER_BATCH = 200_000


class _Renderer:
    """Renders pages of one job into its folder."""

    def __init__(self, env: Environment, job: RenderJob):
        self._env = env
        self._job = job
        self._names = {project["key"]: project["name"] for project in job.site.projects}
        # The page_for lookups of the page being rendered (page_cache.PageOutput.links).
        self._links: dict[tuple[str, str], str | None] = {}

    def _page_for(self, slug: str, value: Any) -> str | None:
        key = (slug, str(value))
        found = self._job.by_key.get(key)
        self._links[key] = found
        return found

    def _project_name(self, key: str | None) -> str:
        return "all projects" if key is None else self._names.get(key, key)

    def _not_exported(self, figure: str, row: dict) -> str | None:
        """'not exported by <tool>' when every tool behind the row (its project's, or the
        person's ``sources``) does not export ``figure``; else None."""
        if row.get("project_key"):
            tools = [str(row["project_key"]).split(":", 1)[0]]
        elif row.get("sources"):
            tools = [tool.strip() for tool in str(row["sources"]).split(",")]
        else:
            return None
        if all((tool, figure) in self._job.site.not_exported for tool in tools):
            return "not exported by " + ", ".join(SOURCE_NAMES.get(t, t) for t in tools)
        return None

    def html(self, page: PageInstance, night: NightContext) -> tuple[str, list[LongTable]]:
        """The page's HTML, and its tables longer than a page shows."""
        long_tables: list[LongTable] = []
        site = self._job.site
        html = self._env.get_template(page.definition.template).render(
            page=page,
            nav=self._job.nav,
            run=self._job.run,
            site=site,
            night=night,
            data=page.data,
            page_for=self._page_for,
            project_name=self._project_name,
            not_exported=self._not_exported,
            evidence_href=lambda mart: site.evidence.get(mart),
            long_tables=long_tables,
            shared_files=page_shared_files(page),
            shared_page=_shared_page(page),
        )
        return html, long_tables

    def write(
        self,
        pages: list[PageInstance],
        load: Callable[[list[PageInstance]], list[PageInstance]] | None,
        copies: frozenset[str] = frozenset(),
    ) -> dict[str, PageOutput]:
        """Fetch the rows of the pages given without them, write each page and its CSV files,
        and for the pages named in ``copies`` a render for tonight's dated copy; returns each
        page's CSV files (relative to the page) and links to pages of other rows."""
        outputs = {}
        for batch in shards.batches(pages, ROWS_PER_BATCH):
            outputs.update(self._write_batch(_loaded(batch, load), copies))
        return outputs

    def _write_batch(
        self, pages: list[PageInstance], copies: frozenset[str]
    ) -> dict[str, PageOutput]:
        outputs = {}
        for page in pages:
            self._links = {}
            html, long_tables = self.html(page, self._job.night)
            (self._job.target / page.filename).write_text(html, encoding="utf-8")
            for table in long_tables:
                write_table_file(self._job.target / table.href, table)
            outputs[page.filename] = PageOutput(
                [table.href for table in long_tables],
                tuple(sorted((slug, key, found) for (slug, key), found in self._links.items())),
            )
            if page.filename in copies and self._job.snapshot is not None:
                folder, copy_night = self._job.snapshot
                (folder / page.filename).write_text(self.html(page, copy_night)[0], "utf-8")
        return outputs


def _loaded(
    pages: list[PageInstance], load: Callable[[list[PageInstance]], list[PageInstance]] | None
) -> list[PageInstance]:
    """``pages`` with their rows, fetched for those given without them."""
    unloaded = [page for page in pages if page.data is None]
    if not unloaded:
        return pages
    if load is None:
        raise ValueError(f"{unloaded[0].filename} has no rows to render and no loader")
    loaded = {page.filename: page for page in load(unloaded)}
    return [loaded.get(page.filename, page) for page in pages]


def _write_in_worker(
    job: RenderJob, load: Callable[[list[PageInstance]], list[PageInstance]] | None, pages
) -> dict[str, PageOutput]:
    """A worker process's shard: the templates of reports/templates, its own rows."""
    return _Renderer(environment(job.table_rows), job).write(pages, load)


@dataclass(frozen=True)
class RenderPlan:
    """What a site's pages are rendered from and where they go.

    ``target``: the folder written; ``night``: tonight's context; ``snapshot``: tonight's dated
    copy (a folder and its night context); ``previous``: last night's site, whose unchanged
    pages are linked instead of rendered; ``load``: fetches the rows of pages given without them
    (data.WarehouseRows; picklable, as worker processes call it); ``workers``: processes that
    render (shards.py) and ``scratch`` where they exchange files."""

    env: Environment
    target: Path
    pages: list[PageInstance]
    run: RunInfo
    site: SiteContext
    night: NightContext = field(default_factory=NightContext)
    snapshot: tuple[Path, NightContext] | None = None
    previous: Path | None = None
    load: Callable[[list[PageInstance]], list[PageInstance]] | None = None
    workers: int = 1
    scratch: Path | None = None

    @property
    def nav(self) -> list[PageInstance]:
        return [page for page in self.pages if page.definition.in_nav]

    def site_wide(self) -> tuple:
        """Everything a page may show besides its own data, the night's and its links to pages
        of other rows (checked one by one: PageCache.reuse)."""
        return (
            self.site.projects,
            self.site.pseudonymised,
            self.site.pseudonyms,
            sorted(self.site.evidence.items()),
            self.site.dbt_docs,
            self.site.not_exported,
            [(page.filename, page.title, page.slug) for page in self.nav],
            self.env.globals["table_row_limit"],
        )


# The Python that turns rows into pages: every module of this package (a change to any renders
# every page again; listing some of them let a split file silently keep stale pages).
RENDERER = tuple(sorted(Path(__file__).parent.glob("*.py")))


def render_pages(plan: RenderPlan) -> RenderedPages:
    """Write every page into ``plan.target``, with the CSV file of each table longer than a page
    shows (under ``data/``) and the pages' fingerprints (page_cache.MANIFEST).

    A page whose fingerprint equals last night's is linked from ``plan.previous`` instead of
    rendered. With a snapshot every page is also put in its folder: linked, as the copy is the
    same file, unless its templates read ``night``, which differs in a copy (earlier nights,
    failures)."""
    by_key = {(page.slug, page.published_key): page.filename for page in plan.pages if page.row}
    cache = PageCache(plan.env, RENDERER, plan.site_wide(), plan.previous)
    fingerprints = {page.filename: cache.fingerprint(page) for page in plan.pages}
    outputs: dict[str, PageOutput] = {}
    for page in plan.pages:
        reused = cache.reuse(page.filename, fingerprints[page.filename], plan.target, by_key)
        if reused is not None:
            outputs[page.filename] = reused
    reused_count = len(outputs)
    to_render = [page for page in plan.pages if page.filename not in outputs]
    outputs.update(_render(plan, cache, to_render, by_key))
    paths = []
    for page in plan.pages:
        cache.record(page.filename, fingerprints[page.filename], outputs[page.filename])
        paths.append(plan.target / page.filename)
    if plan.snapshot is not None:
        _copy_into_snapshot(plan, outputs, _rendered_twice(plan, cache, to_render))
    cache.save(plan.target)
    return RenderedPages(paths, rendered=len(to_render), reused=reused_count)


def _rendered_twice(plan: RenderPlan, cache: PageCache, pages: list[PageInstance]) -> frozenset:
    """Pages rendered again for the dated copy: their templates read the night's context."""
    if plan.snapshot is None:
        return frozenset()
    return frozenset(
        page.filename for page in pages if cache.reads(page.definition.template, "night")
    )


def _render(
    plan: RenderPlan, cache: PageCache, pages: list[PageInstance], by_key: dict
) -> dict[str, PageOutput]:
    # Rendered twice, live and for the copy: in this process, which holds their rows.
    copies = _rendered_twice(plan, cache, pages)
    job = RenderJob(
        target=plan.target,
        run=plan.run,
        site=plan.site,
        night=plan.night,
        nav=tuple(dataclasses.replace(page, data=None) for page in plan.nav),
        by_key=by_key,
        table_rows=plan.env.globals["table_row_limit"],
        snapshot=plan.snapshot,
    )
    outputs: dict[str, PageOutput] = {}
    for written in shards.run_split(
        shards.split(pages, plan.workers, copies),
        lambda shard: _Renderer(plan.env, job).write(shard, plan.load, copies),
        functools.partial(_write_in_worker, job, plan.load),
        plan.scratch,
    ):
        outputs.update(written)
    return outputs


def _copy_into_snapshot(
    plan: RenderPlan, outputs: dict[str, PageOutput], rendered_for_copy: frozenset
) -> None:
    """Link each page not rendered for the copy, and every page's CSV files, into it."""
    copy_folder = plan.snapshot[0]
    for page in plan.pages:
        if page.filename not in rendered_for_copy:
            link_or_copy(plan.target / page.filename, copy_folder / page.filename)
        for href in outputs[page.filename].tables:
            (copy_folder / TABLE_FILES_DIR).mkdir(exist_ok=True)
            link_or_copy(plan.target / href, copy_folder / href)
