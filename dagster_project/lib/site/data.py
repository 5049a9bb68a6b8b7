"""Run the pages' queries: one result per query, one page per row of an ``each`` query, every
value JSON-friendly and, when asked, with people's names replaced by pseudonyms."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import math
import re
from dataclasses import dataclass
from typing import Any

import duckdb

from .pages import PageDefinition, query_parameters
from .pseudonyms import Pseudonyms

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class PageInstance:
    """One HTML file: a definition, and for a page per row, the row it is about."""

    definition: PageDefinition
    filename: str
    title: str
    data: dict[str, Rows]
    row: dict[str, Any] | None = None  # published values of the `each` row

    @property
    def slug(self) -> str:
        return self.definition.slug


# Types _plain returns as they are.
_UNCHANGED = frozenset({int, str, bool, type(None)})


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def run_query(
    connection: duckdb.DuckDBPyConnection,
    sql: str,
    where: str,
    parameters: dict[str, Any] | None = None,
) -> Rows:
    """Rows as dicts; ``where`` names the query in errors (file and query name)."""
    used = query_parameters(sql)
    bound = {name: value for name, value in (parameters or {}).items() if name in used}
    missing = used - bound.keys()
    if missing:
        raise ValueError(f"{where}: no value for {sorted(missing)}")
    try:
        cursor = connection.execute(sql, bound) if bound else connection.execute(sql)
    except duckdb.Error as error:
        raise ValueError(f"{where}: {error}") from error
    columns = [column[0] for column in cursor.description]
    rows = cursor.fetchall()
    if not rows:
        return []
    # Column by column: only a column holding a value _plain changes goes through it (a big
    # mart has millions of values, nearly all ints and strings).
    values = [
        column if _UNCHANGED.issuperset(map(type, column)) else list(map(_plain, column))
        for column in zip(*rows, strict=True)
    ]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def row_filename(slug: str, key: Any) -> str:
    """``person-ann-example-com-1a2b3c.html``: readable, and unique even when two keys slugify
    alike (the hash is of the published key, so a pseudonymised site leaks no name here)."""
    text = str(key)
    readable = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "row"
    digest = hashlib.sha256(text.encode()).hexdigest()[:6]
    return f"{slug}-{readable}-{digest}.html"


def _published(rows: Rows, pseudonyms: Pseudonyms | None) -> Rows:
    return pseudonyms.rows(rows) if pseudonyms else rows


def _split_by_page(rows: Rows, column: str, where: str) -> dict[Any, Rows]:
    """Rows of a query run once for all pages, per page name, each list in query order. The
    page column only routes rows: pages get what a query bound to their name would return."""
    if rows and column not in rows[0]:
        raise ValueError(f"{where}: page_column '{column}' is not a column of the query; select it")
    by_page: dict[Any, Rows] = {}
    for row in rows:
        by_page.setdefault(row[column], []).append(
            {name: value for name, value in row.items() if name != column}
        )
    return by_page


def collect_pages(
    connection: duckdb.DuckDBPyConnection,
    definitions: list[PageDefinition],
    pseudonyms: Pseudonyms | None = None,
) -> list[PageInstance]:
    pages = []
    for definition in definitions:
        where = f"reports/pages/{definition.slug}.yml"
        split = {
            name: _split_by_page(
                run_query(connection, definition.queries[name], f"{where}, query '{name}'"),
                column,
                f"{where}, query '{name}'",
            )
            for name, column in definition.page_columns.items()
        }

        def results(parameters=None, where=where, definition=definition, split=split):
            page_key = next(iter(parameters.values())) if parameters else None
            return {
                name: _published(
                    split[name].get(page_key, [])
                    if name in split
                    else run_query(connection, sql, f"{where}, query '{name}'", parameters),
                    pseudonyms,
                )
                for name, sql in definition.queries.items()
            }

        if definition.each is None:
            pages.append(PageInstance(definition, definition.filename, definition.title, results()))
            continue
        for row in run_query(connection, definition.each, f"{where}, query 'each'"):
            published = pseudonyms.row(row) if pseudonyms else row
            key = next(iter(published.values()))
            pages.append(
                PageInstance(
                    definition,
                    row_filename(definition.slug, key),
                    definition.title.format(**published),
                    results(row),
                    published,
                )
            )
    return pages
