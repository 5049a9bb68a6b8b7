"""Page definitions: ``reports/pages/<slug>.yml`` names a template and the SQL it reads.

Adding a page is a YAML file and a template, no Python: ::

    title: Annotator performance
    template: annotator_performance.html.j2
    nav_order: 10
    queries:
      performance: select * from marts.mart_annotator_performance order by annotator
    evidence:                      # optional: alerts about this mart link to #performance here
      mart_annotator_performance: performance

One YAML can also stand for a page per row of a query (one page per person, per project): ::

    title: "{person}"              # formatted with the row's published values
    template: person.html.j2
    each: select actor as person from core.dim_actors where not is_system and not is_gold_only
    queries:
      performance: select * from marts.mart_annotator_performance where annotator = $person

The first column of ``each`` names the page; every column is a ``$parameter`` of the queries
(bound by DuckDB, never pasted into the SQL). Such pages stay out of the navigation; templates
link to them with ``page_for('<slug>', value)``.

A query of a page per row can instead run once for all pages and be split among them by a
column holding the page's name (the first column of ``each``): a row goes to the page whose
name it holds, in the query's order, without the page column itself (select it twice, under
another name, to show it). With hundreds of people this is one query instead of
hundreds (each costs about a millisecond however small the mart): ::

    queries:
      daily:
        page_column: annotator
        sql: select annotator, day, submitted from marts.mart_annotator_performance_daily
             order by day

Figures that set a row against all the others (a person's rate beside everyone else's) change
whenever anyone's rows do. Written into each page, they would make every page of the family
change every night; a ``shared`` query instead runs once for all pages into data files beside
the site (shared_data.py), one per value of its ``file_column`` (one per project), and the
browser fills them into the page's tables and charts. A shared query extends the page's query
of the same name: ``key`` names the columns that pick a row of it (empty: the page's one row),
and template columns read its other columns (tables' and charts' ``shared`` option): ::

    shared:
      classes:
        page_column: annotator
        file_column: project_key
        key: [project_key, class_name]
        sql: select annotator, project_key, class_name, cohort_rate from marts.mart_person_vs_class
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from dagster_project.lib.settings import REPORTS_DIR

PAGES_DIR = REPORTS_DIR / "pages"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Relations a page reads: marts and facts from dbt, and the raw bookkeeping of the ingest.
_RELATION = re.compile(r"\b(?:marts|core|raw)\.[a-z_][a-z0-9_]*", re.IGNORECASE)
_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)", re.IGNORECASE)
_KEYS = {"title", "template", "nav_order", "queries", "each", "evidence", "shared"}
_SPLIT_QUERY_KEYS = {"sql", "page_column"}
_SHARED_QUERY_KEYS = {"sql", "page_column", "key"}
_SHARED_QUERY_OPTIONAL = {"file_column"}


def query_parameters(sql: str) -> set[str]:
    """The ``$name`` parameters a query binds."""
    return set(_PARAMETER.findall(sql))


@dataclass(frozen=True)
class SharedQuery:
    """A query of a page per row whose rows go to data files beside the site (see above)."""

    name: str  # the page's query it extends
    sql: str
    page_column: str
    key: tuple[str, ...]  # columns picking the row of the page's query (empty: its one row)
    file_column: str | None = None  # one data file per value; None: one file for every page


@dataclass(frozen=True)
class PageDefinition:
    slug: str
    title: str
    template: str
    nav_order: int = 100
    queries: dict[str, str] = field(default_factory=dict)
    reads: tuple[str, ...] = ()  # warehouse relations the page depends on (schema.name)
    each: str | None = None  # a query whose rows each get a page
    # query name -> its column naming the page each row belongs to (run once, split by page)
    page_columns: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)  # mart -> element id on the page
    shared: dict[str, SharedQuery] = field(default_factory=dict)  # query name -> its figures

    @property
    def filename(self) -> str:
        return "index.html" if self.slug == "index" else f"{self.slug}.html"

    @property
    def in_nav(self) -> bool:
        return self.each is None


def _relations(sqls) -> tuple[str, ...]:
    return tuple(sorted({match.lower() for sql in sqls for match in _RELATION.findall(sql)}))


def _problems(slug: str, spec: dict) -> list[str]:
    problems = [f"missing '{key}'" for key in ("title", "template") if key not in spec]
    problems += [f"unknown key '{key}'" for key in spec if key not in _KEYS]
    if not _SLUG.match(slug):
        problems.append("file name must be lower-case letters, digits, - or _")
    queries = spec.get("queries") or {}
    if not isinstance(queries, dict):
        problems.append("'queries' must map a name to one SQL query")
        queries = {}
    for name, query in queries.items():
        if isinstance(query, str):
            continue
        if not isinstance(query, dict) or set(query) != _SPLIT_QUERY_KEYS:
            problems.append(
                f"query '{name}' must be SQL, or 'sql' and 'page_column' (split among pages)"
            )
        elif "each" not in spec:
            problems.append(f"query '{name}' has a 'page_column' but the page has no 'each' query")
        elif query_parameters(str(query["sql"])):
            problems.append(
                f"query '{name}' runs once for all pages (page_column), so it cannot bind "
                f"{sorted(query_parameters(str(query['sql'])))}"
            )
    problems += _shared_problems(spec, queries)
    if not isinstance(spec.get("evidence") or {}, dict):
        problems.append("'evidence' must map a mart to an element id on the page")
    if "each" in spec and not isinstance(spec["each"], str):
        problems.append("'each' must be one SQL query")
    if slug == "index" and "each" in spec:
        problems.append("the front page cannot be a page per row")
    return problems


def _shared_problems(spec: dict, queries: dict) -> list[str]:
    shared = spec.get("shared") or {}
    if not isinstance(shared, dict):
        return ["'shared' must map a query of the page to the query of its shared figures"]
    if shared and "each" not in spec:
        return ["'shared' queries need a page per row ('each')"]
    problems = []
    for name, query in shared.items():
        where = f"shared query '{name}'"
        if not isinstance(queries.get(name), dict):
            problems.append(
                f"{where} must extend a query of the page of the same name that runs once for "
                "all pages (page_column)"
            )
        if not isinstance(query, dict) or not (
            _SHARED_QUERY_KEYS <= set(query) <= _SHARED_QUERY_KEYS | _SHARED_QUERY_OPTIONAL
        ):
            problems.append(
                f"{where} must have 'sql', 'page_column' and 'key' (and may have 'file_column')"
            )
            continue
        if not isinstance(query["key"], list) or not all(isinstance(k, str) for k in query["key"]):
            problems.append(f"{where}: 'key' must be a list of column names")
        if query_parameters(str(query["sql"])):
            problems.append(f"{where} runs once for all pages, so it cannot bind parameters")
    return problems


def _shared(spec: dict) -> dict[str, SharedQuery]:
    return {
        str(name): SharedQuery(
            name=str(name),
            sql=str(query["sql"]),
            page_column=str(query["page_column"]),
            key=tuple(str(column) for column in query["key"]),
            file_column=str(query["file_column"]) if query.get("file_column") else None,
        )
        for name, query in (spec.get("shared") or {}).items()
    }


def load_page(path: Path) -> PageDefinition:
    spec = yaml.safe_load(path.read_text()) or {}
    slug = path.stem
    problems = _problems(slug, spec)
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    raw_queries = spec.get("queries") or {}
    queries = {
        name: str(query["sql"] if isinstance(query, dict) else query)
        for name, query in raw_queries.items()
    }
    page_columns = {
        name: str(query["page_column"])
        for name, query in raw_queries.items()
        if isinstance(query, dict)
    }
    each = str(spec["each"]) if spec.get("each") else None
    # A parameter only means something on a page per row; elsewhere it is a typo.
    for name, sql in queries.items():
        if query_parameters(sql) and each is None:
            raise ValueError(
                f"{path}: query '{name}' uses {sorted(query_parameters(sql))} "
                "but the page has no 'each' query to bind them"
            )
    shared = _shared(spec)
    return PageDefinition(
        slug=slug,
        title=str(spec["title"]),
        template=str(spec["template"]),
        nav_order=int(spec.get("nav_order", 100)),
        queries=queries,
        reads=_relations(
            [
                *queries.values(),
                *(query.sql for query in shared.values()),
                *([each] if each else []),
            ]
        ),
        each=each,
        page_columns=page_columns,
        evidence={str(k): str(v) for k, v in (spec.get("evidence") or {}).items()},
        shared=shared,
    )


# Queries every page needs (the filters' choices, the people to pseudonymise), in one file.
SITE_QUERIES_FILE = REPORTS_DIR / "site_queries.yml"
SITE_QUERIES = ("projects", "not_exported", "period", "people")


def load_site_queries(path: Path = SITE_QUERIES_FILE) -> dict[str, str]:
    spec = yaml.safe_load(path.read_text()) or {}
    missing = [name for name in SITE_QUERIES if not isinstance(spec.get(name), str)]
    if missing:
        raise ValueError(f"{path}: needs one SQL query for each of {missing}")
    return {name: spec[name] for name in SITE_QUERIES}


def site_reads(pages: list[PageDefinition], site_queries: dict[str, str]) -> tuple[str, ...]:
    """Every relation the site reads: its Dagster asset depends on all of them."""
    from_pages = {relation for page in pages for relation in page.reads}
    return tuple(sorted(from_pages | set(_relations(site_queries.values()))))


def load_pages(pages_dir: Path = PAGES_DIR) -> list[PageDefinition]:
    pages = [load_page(path) for path in sorted(pages_dir.glob("*.yml"))]
    if not any(page.slug == "index" for page in pages):
        raise ValueError(f"{pages_dir}: no index.yml; the site needs a front page")
    return sorted(pages, key=lambda page: (page.nav_order, page.slug))
