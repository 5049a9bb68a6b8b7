"""Reuse last night's page when nothing it shows changed.

At 10 M events the site has thousands of person pages, and a night of new events changes the
rows of few of them; rendering them all again took most of the site step of an incremental
night. Each page that reads neither ``run`` nor ``night`` (see night.py) is a function of its
template chain, the code that renders it, the site-wide context (projects, navigation, which
pages exist) and its own rows, known by their digest (data.plan_pages) before they are
fetched. A fingerprint of those is stored per page in ``assets/pages.json``; a page whose
fingerprint matches last night's is a hard link to last night's file (and to its CSV files)
instead of a new render, and its rows are never fetched. Files are never rewritten in place,
so the link cannot change an older night.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from jinja2 import Environment, meta

from .data import PageInstance

MANIFEST = Path("assets") / "pages.json"
# Raise when what a fingerprint covers changes (an old manifest then matches nothing).
MANIFEST_FORMAT = 1
# Template variables holding what changes every night: a page reading one is always rendered.
NIGHTLY_VARIABLES = frozenset({"run", "night"})
# What a manifest may name as a page's CSV file (it is read back from the published folder).
_TABLE_FILE = re.compile(r"^data/[A-Za-z0-9._-]+\.csv$")


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
        self._last_night = _read_manifest(previous) if previous else {}
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

    def reuse(self, filename: str, fingerprint: str | None, target: Path) -> list[str] | None:
        """Link last night's page and CSV files into ``target`` when its fingerprint matches;
        returns the CSV files' paths (relative to the page), or None when it must be rendered."""
        entry = self._last_night.get(filename)
        if fingerprint is None or entry is None or entry.get("fingerprint") != fingerprint:
            return None
        tables = entry.get("tables", [])
        if not all(isinstance(href, str) and _TABLE_FILE.match(href) for href in tables):
            return None
        sources = [self._previous / filename, *(self._previous / href for href in tables)]
        if not all(path.is_file() for path in sources):
            return None
        for source, href in zip(sources, [filename, *tables], strict=True):
            (target / href).parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(source, target / href)
        return list(tables)

    def record(self, filename: str, fingerprint: str | None, tables: list[str]) -> None:
        if fingerprint is not None:
            self._tonight[filename] = {"fingerprint": fingerprint, "tables": tables}

    def save(self, target: Path) -> None:
        path = target / MANIFEST
        path.parent.mkdir(parents=True, exist_ok=True)
        manifest = {"format": MANIFEST_FORMAT, "pages": self._tonight}
        path.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")


def _read_manifest(site: Path) -> dict[str, dict]:
    """Last night's fingerprints; nothing (everything is rendered) when the file is missing,
    unreadable or of another format."""
    try:
        manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        return {}
    pages = manifest.get("pages")
    return pages if isinstance(pages, dict) else {}
