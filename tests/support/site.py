"""Shared by the site tests: one real generated night with hostile input (built once per test
session), a localhost web server for a site folder, Debian's chromium driven by Playwright, and
a check that every link of a published site resolves."""

from __future__ import annotations

import contextlib
import functools
import html.parser
import http.server
import re
import shutil
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.lib.settings import REPO_ROOT
from dagster_project.lib.synthetic import generate
from support.nights import FIXTURES, Night, run_nightly

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
HOSTILE_EVENTS = FIXTURES / "site" / "hostile_events.jsonl"
# The hostile fixture's payloads: each would add to window.__xss if it ever ran.
HOSTILE_NAME = "Eve <img src=x onerror=\"window.__xss=(window.__xss||[]).concat('name')\">"
HOSTILE_CLASS = "car<script>window.__xss=(window.__xss||[]).concat('class')</script>"
HOSTILE_COMMENT = (
    "</script><script>window.__xss=(window.__xss||[]).concat('comment')</script> "
    "<svg onload=\"window.__xss=(window.__xss||[]).concat('svg')\">"
)
HOSTILE_TAG = "<b onmouseover=\"window.__xss=(window.__xss||[]).concat('tag')\">tag</b>"
HOSTILE_PROJECT = 'proj-<i onclick="window.__xss=1">hostile</i>'
HOSTILE_FILE = "<img src=x onerror=window.__xss=1>.jsonl"


def chart_rows_of(spec: dict) -> list[dict]:
    """A chart specification's rows, from the one list per column pages carry, a column of few
    distinct texts as its values and each row's index into them (as charts.js reads them)."""
    columns = {
        name: [column["values"][code] for code in column["codes"]]
        if isinstance(column, dict)
        else column
        for name, column in spec["columns"].items()
    }
    count = len(next(iter(columns.values()))) if columns else 0
    return [{name: values[i] for name, values in columns.items()} for i in range(count)]


@functools.cache
def _generated_night(root: Path) -> Night:
    generate(root / "landing", events=15_000, seed=11)
    night = run_nightly(root, {HOSTILE_FILE: HOSTILE_EVENTS})
    assert night.exit_code == 0
    return night


def generated_night(tmp_path_factory) -> Night:
    """A real nightly run over 15 k generated events plus a file of hostile strings."""
    return _generated_night(tmp_path_factory.getbasetemp() / "site-generated-night")


def definition_problem(folder: Path, text: str) -> str:
    """Why ``text``, as a page's YAML, is refused (pages.load_page)."""
    import pytest

    from dagster_project.lib.site.pages import load_page

    path = folder / "page.yml"
    path.write_text(text)
    with pytest.raises(ValueError) as error:
        load_page(path)
    return str(error.value)


def people(night: Night) -> list[str]:
    """Everyone with a person page: not the system actor, nor an author of ground truth only."""
    return [
        row[0]
        for row in night.rows(
            "select actor from core.dim_actors where not is_system and not is_gold_only"
        )
    ]


# ---- serving a site on localhost ---------------------------------------------------------------
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """A static web server on 127.0.0.1 (a free port) for ``folder``; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# ---- the browser ----------------------------------------------------------------------------
@contextlib.contextmanager
def chromium(**context_options):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, **context_options)
        try:
            yield context
        finally:
            context.close()
            browser.close()


@dataclass
class PageVisit:
    """What happened while a page loaded: anything here but requests is a problem."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return self.console_errors + self.page_errors + self.failed_requests


# Every chart the page specifies, with what the browser drew for it.
_CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('script[data-chart]')).map(spec => {
  const figure = document.getElementById(spec.getAttribute('data-chart'));
  const svg = figure && figure.querySelector('svg.main-svg');
  const marks = figure ? figure.querySelectorAll(
    '.plot path, .plot image, .plot .point, .sankey .sankey-node, .sankey .sankey-link').length : 0;
  return {id: spec.getAttribute('data-chart'),
          rendered: figure && figure.getAttribute('data-rendered'),
          points: Number(figure && figure.getAttribute('data-points')),
          width: svg ? svg.getBoundingClientRect().width : 0, marks: marks};
})"""


def visit(page, url: str, screenshot: str | None = None) -> PageVisit:
    """Open ``url``, wait until every chart has drawn, and record what went wrong."""
    seen = PageVisit(url)
    listeners = {
        "console": lambda message: (
            message.type == "error" and seen.console_errors.append(f"console: {message.text}")
        ),
        "pageerror": lambda error: seen.page_errors.append(f"page error: {error}"),
        "requestfailed": lambda request: seen.failed_requests.append(
            f"failed request: {request.url}"
        ),
        "request": lambda request: seen.requests.append(request.url),
        "response": lambda response: (
            response.status >= 400
            and seen.failed_requests.append(f"HTTP {response.status}: {response.url}")
        ),
    }
    for event, listener in listeners.items():
        page.on(event, listener)
    try:
        page.goto(url)
        page.wait_for_function(  # a function: a string expression would need eval()
            "() => document.querySelectorAll('script[data-chart]').length === "
            "document.querySelectorAll('figure[data-rendered=\"true\"]').length",
            timeout=30_000,
        )
        seen.charts = page.evaluate(_CHARTS_DRAWN)
        if screenshot:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / screenshot), full_page=True)
    finally:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)
    return seen


def screenshot_name(prefix: str, url: str) -> str:
    name = urllib.parse.urlparse(url).path.strip("/").replace("/", "_") or "index.html"
    return f"{prefix}-{re.sub(r'[^A-Za-z0-9._-]', '_', name)[:120]}.png"


def copy_site(night: Night, target: Path) -> Path:
    shutil.copytree(night.site, target)
    return target


# ---- links of a published site ------------------------------------------------------------
class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        for name in ("href", "src"):
            if attributes.get(name) is not None and tag in {"a", "link", "script", "img"}:
                self.links.append(attributes[name])


def parse_links(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(site: Path) -> list[str]:
    """Every href/src of every page: local, and the file (and #id) it names exists. dbt's own
    docs page (docs/dbt/index.html, a single-page app whose templates hold its own routes) is
    left to dbt; the browser test opens it."""
    root = site.resolve()
    parsed = {
        path.resolve(): parse_links(path)
        for path in root.rglob("*.html")
        if "docs/dbt" not in path.relative_to(root).as_posix()
    }
    broken = []
    for path, page in parsed.items():
        where = path.relative_to(root)
        for link in page.links:
            if link.startswith("data:"):
                continue
            parts = urllib.parse.urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("/"):
                broken.append(f"{where}: not local: {link}")
                continue
            target = (
                (path.parent / urllib.parse.unquote(parts.path)).resolve() if parts.path else path
            )
            if not target.is_file() or root not in target.parents:
                broken.append(f"{where}: missing {link}")
            elif parts.fragment and parts.fragment not in parsed[target].ids:
                broken.append(f"{where}: no #{parts.fragment} in {link}")
    return broken
