"""Reuse last night's page when nothing it shows changed.

A large team's site has thousands of person pages, and a night of new events changes the
rows of few of them; rendering them all again would take most of an incremental night's site
step. Each page that reads neither ``run`` nor ``night`` (see night.py) is a function of its
template chain, the code that renders it, the site-wide context (projects, navigation), its
own rows, known by their digest (data.plan_pages) before they are fetched, and the links it
makes to pages of other rows (``page_for``). A fingerprint of all but the links is stored per
page in ``assets/pages.json``, with every ``page_for`` lookup the page made and its answer; a
page whose fingerprint matches last night's and whose lookups get the same answers tonight is
a hard link to last night's file (and to its CSV files) instead of a new render, and its rows
are never fetched. The lookups are checked one by one rather than the list of every page
being part of the fingerprint: a new person's page would otherwise render every page again.
Files are never rewritten in place, so the link cannot change an older night.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from jinja2 import Environment, meta

from dagster_project.lib.site.data import PageInstance

MANIFEST = Path("assets") / "pages.json"
# Raise when what a fingerprint covers changes (an old manifest then matches nothing).
MANIFEST_FORMAT = 3
# Template variables holding what changes every night: a page reading one is always rendered.
NIGHTLY_VARIABLES = frozenset({"run", "night"})
# What a manifest may name as a page's CSV file (it is read back from the published folder).
_TABLE_FILE = re.compile(r"^data/[A-Za-z0-9._-]+\.csv$")


@dataclass(frozen=True)
class PageOutput:
    """What writing a page produced besides its HTML: its CSV files (relative to the page) and
    each ``page_for`` lookup it made, as (slug, key, the page found or None)."""

    tables: list[str]
    links: tuple[tuple[str, str, str | None], ...] = ()


def link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed: a copy is as good
        shutil.copy2(source, target)


def template_chain(env: Environment, name: str, seen: set[str] | None = None) -> set[str]:
    """The template and every template it extends, includes or imports."""
    seen = set() if seen is None else seen
    if name in seen:
        return seen
    seen.add(name)
    source = env.loader.get_source(env, name)[0]
    for referenced in meta.find_referenced_templates(env.parse(source)):
        if referenced is None:  # a name computed at render time: it could be anything
            raise LookupError(f"{name} references a template by a computed name")
        template_chain(env, referenced, seen)
    return seen


def template_variables(env: Environment, name: str) -> set[str] | None:
    """The render variables a template and the templates it uses read; None when one of them
    names a template at render time (then any variable may be read)."""
    try:
        chain = template_chain(env, name)
    except LookupError:
        return None
    variables: set[str] = set()
    for member in chain:
        source = env.loader.get_source(env, member)[0]
        variables |= meta.find_undeclared_variables(env.parse(source))
    return variables


def _renderer_digest(renderer: tuple[Path, ...]) -> bytes:
    """The Python that turns data into HTML (filters, table cells, chart rows) and the template
    engine's version: a change to either renders every page again."""
    digest = hashlib.sha256()
    for module in renderer:
        digest.update(module.read_bytes())
    for package in ("jinja2", "markupsafe"):
        digest.update(f"{package}=={metadata.version(package)}".encode())
    return digest.digest()


class PageCache:
    """Fingerprints of tonight's pages, and last night's to reuse files from."""

    def __init__(
        self,
        env: Environment,
        renderer: tuple[Path, ...],
        site_wide: Iterable,
        previous: Path | None = None,
    ):
        """``renderer``: the modules turning rows into pages; ``site_wide``: every value a page may
        show besides its own data and the night's; ``previous``: last night's site."""
        self._env = env
        self._previous = previous
        self._last_night = read_manifest(previous) if previous else {}
        self._tonight: dict[str, dict] = {}
        self._variables: dict[str, set[str] | None] = {}
        self._templates: dict[str, bytes | None] = {}
        common = hashlib.sha256(f"{MANIFEST_FORMAT}".encode())
        common.update(_renderer_digest(renderer))
        common.update(repr(tuple(site_wide)).encode())
        self._common = common.digest()

    def reads(self, template: str, variable: str) -> bool:
        """Whether the template (or one it uses) reads ``variable``; True when unknown."""
        if template not in self._variables:
            self._variables[template] = template_variables(self._env, template)
        variables = self._variables[template]
        return variables is None or variable in variables

    def _template_digest(self, template: str) -> bytes | None:
        """The chain's sources, or None when a template of it reads what changes nightly."""
        if template not in self._templates:
            if any(self.reads(template, variable) for variable in NIGHTLY_VARIABLES):
                self._templates[template] = None
            else:
                digest = hashlib.sha256()
                for name in sorted(template_chain(self._env, template)):
                    digest.update(name.encode() + b"\0")
                    digest.update(self._env.loader.get_source(self._env, name)[0].encode())
                self._templates[template] = digest.digest()
        return self._templates[template]

    def fingerprint(self, page: PageInstance) -> str | None:
        """None for a page that is rendered every night, or whose rows have no digest."""
        template = self._template_digest(page.definition.template)
        if template is None or not page.data_digest:
            return None
        digest = hashlib.sha256(self._common + template)
        digest.update(repr((page.filename, page.title, page.row, page.data_digest)).encode())
        return digest.hexdigest()

    def reuse(
        self,
        filename: str,
        fingerprint: str | None,
        target: Path,
        pages_by_key: Mapping[tuple[str, str], str],
    ) -> PageOutput | None:
        """Link last night's page and CSV files into ``target`` when its fingerprint matches and
        each of its ``page_for`` lookups finds tonight what it found then (``pages_by_key``:
        tonight's pages, as ``page_for`` looks them up); None when it must be rendered."""
        entry = self._last_night.get(filename)
        if fingerprint is None or entry is None or entry.get("fingerprint") != fingerprint:
            return None
        tables = entry.get("tables", [])
        if not all(isinstance(href, str) and _TABLE_FILE.match(href) for href in tables):
            return None
        links = _links(entry.get("links"))
        if links is None or any(
            pages_by_key.get((slug, key)) != found for slug, key, found in links
        ):
            return None
        sources = [self._previous / filename, *(self._previous / href for href in tables)]
        if not all(path.is_file() for path in sources):
            return None
        for source, href in zip(sources, [filename, *tables], strict=True):
            (target / href).parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(source, target / href)
        return PageOutput(list(tables), links)

    def record(self, filename: str, fingerprint: str | None, output: PageOutput) -> None:
        if fingerprint is not None:
            self._tonight[filename] = {
                "fingerprint": fingerprint,
                "tables": output.tables,
                "links": [list(link) for link in output.links],
            }

    def save(self, target: Path) -> None:
        """The manifest, each lookup written as two numbers: an index into its list of
        (slug, key) looked up and one into its list of pages found (-1: none). Thousands of
        person pages look up the same people; written out, the lookups were most of a large
        site's manifest (a new file every night)."""
        path = target / MANIFEST
        path.parent.mkdir(parents=True, exist_ok=True)
        keys: dict[tuple[str, str], int] = {}
        files: dict[str, int] = {}
        pages = {}
        for filename, entry in sorted(self._tonight.items()):
            numbers = []
            for slug, key, found in entry["links"]:
                numbers.append(keys.setdefault((slug, key), len(keys)))
                numbers.append(-1 if found is None else files.setdefault(found, len(files)))
            pages[filename] = {**entry, "links": numbers}
        manifest = {
            "format": MANIFEST_FORMAT,
            "keys": [list(key) for key in keys],
            "files": list(files),
            "pages": pages,
        }
        path.write_text(json.dumps(manifest, separators=(",", ":")), encoding="utf-8")


def read_manifest(site: Path) -> dict[str, dict]:
    """Last night's fingerprints, each entry's lookups as [slug, key, page found or None];
    nothing (everything is rendered) when the file is missing, unreadable or of another
    format. An entry whose lookups do not decode keeps none (_links then refuses it)."""
    try:
        manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        return {}
    pages, keys, files = manifest.get("pages"), manifest.get("keys"), manifest.get("files")
    if not (isinstance(pages, dict) and isinstance(keys, list) and isinstance(files, list)):
        return {}
    decoded = {}
    for filename, entry in pages.items():
        if isinstance(entry, dict):
            decoded[filename] = {**entry, "links": _decoded(entry.get("links"), keys, files)}
    return decoded


def _decoded(numbers, keys: list, files: list) -> list | None:
    """[key index, file index, ...] as [[slug, key, file or None], ...]; None when malformed."""
    if not isinstance(numbers, list) or len(numbers) % 2:
        return None
    links = []
    for key_index, file_index in zip(numbers[::2], numbers[1::2], strict=True):
        if not (
            type(key_index) is int
            and type(file_index) is int
            and 0 <= key_index < len(keys)
            and -1 <= file_index < len(files)
            and isinstance(keys[key_index], list)
            and len(keys[key_index]) == 2
        ):
            return None
        slug, key = keys[key_index]
        links.append([slug, key, None if file_index == -1 else files[file_index]])
    return links


def _links(recorded) -> tuple[tuple[str, str, str | None], ...] | None:
    """A manifest entry's lookups; None when they are not a list of [slug, key, page or null]."""
    if not isinstance(recorded, list):
        return None
    links = []
    for link in recorded:
        if not (
            isinstance(link, list)
            and len(link) == 3
            and isinstance(link[0], str)
            and isinstance(link[1], str)
            and (link[2] is None or isinstance(link[2], str))
        ):
            return None
        links.append((link[0], link[1], link[2]))
    return tuple(links)
