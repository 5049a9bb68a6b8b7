"""Page definitions: ``reports/pages/<slug>.yml`` names a template and the SQL it reads.

Adding a page is a YAML file and a template, no Python: ::

    title: Annotator performance
    template: annotator_performance.html.j2
    nav_order: 10
    queries:
      performance: select * from marts.mart_annotator_performance order by annotator
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..settings import REPORTS_DIR

PAGES_DIR = REPORTS_DIR / "pages"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class PageDefinition:
    slug: str
    title: str
    template: str
    nav_order: int = 100
    queries: dict[str, str] = field(default_factory=dict)
    reads: tuple[str, ...] = ()  # warehouse relations the page depends on (schema.name)

    @property
    def filename(self) -> str:
        return "index.html" if self.slug == "index" else f"{self.slug}.html"


def load_pages(pages_dir: Path = PAGES_DIR) -> list[PageDefinition]:
    pages = []
    for path in sorted(pages_dir.glob("*.yml")):
        spec = yaml.safe_load(path.read_text()) or {}
        slug = path.stem
        problems = [f"missing '{key}'" for key in ("title", "template") if key not in spec]
        if not _SLUG.match(slug):
            problems.append("file name must be lower-case letters, digits, - or _")
        if not isinstance(spec.get("queries", {}), dict):
            problems.append("'queries' must map a name to one SQL query")
        if problems:
            raise ValueError(f"{path}: " + "; ".join(problems))
        queries = {name: str(sql) for name, sql in (spec.get("queries") or {}).items()}
        reads = tuple(
            sorted(
                {
                    match.lower()
                    for sql in queries.values()
                    for match in re.findall(
                        r"\b(?:marts|core)\.[a-z_][a-z0-9_]*", sql, re.IGNORECASE
                    )
                }
            )
        )
        pages.append(
            PageDefinition(
                slug=slug,
                title=str(spec["title"]),
                template=str(spec["template"]),
                nav_order=int(spec.get("nav_order", 100)),
                queries=queries,
                reads=reads,
            )
        )
    if not any(page.slug == "index" for page in pages):
        raise ValueError(f"{pages_dir}: no index.yml; the site needs a front page")
    return sorted(pages, key=lambda page: (page.nav_order, page.slug))
