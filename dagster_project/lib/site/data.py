"""Run the pages' queries: one result per query, one page per row of an ``each`` query, every
value JSON-friendly and, when asked, with people's names replaced by pseudonyms.

Planning a page (plan_pages) costs DuckDB one aggregate per query: the count and the sum of the
hashes of the rows each page would get, its ``data_digest``. Only the pages that must be
rendered have their rows fetched into Python (with_data): for a large team that is the costly
part, and a night of new events changes the rows of few person pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from dagster_project.lib.site.pages import PageDefinition, query_parameters
from dagster_project.lib.site.pseudonyms import Pseudonyms

Rows = list[dict[str, Any]]

# Columns the client-side filters read: rows carrying them follow the project and date filters.
FILTER_COLUMNS = ("project_key", "day", "week")


@dataclass(frozen=True)
class PageInstance:
    """One HTML file: a definition, and for a page per row, the row it is about."""

    definition: PageDefinition
    filename: str
    title: str
    data: dict[str, Rows] | None  # query name -> rows; None until fetched (with_data)
    row: dict[str, Any] | None = None  # published values of the `each` row
    # What the page's rows are, per query: their count and the sum of their hashes. The same
    # rows give the same digest in any order (queries order their rows totally).
    data_digest: str = ""
    parameters: dict[str, Any] | None = None  # the `each` row as the warehouse holds it
    rows: int = 0  # how many rows its queries return: what rendering it costs, roughly

    @property
    def key(self) -> Any:
        """The page's name in the warehouse: what a page column holds for its rows."""
        return next(iter(self.parameters.values())) if self.parameters else None

    @property
    def published_key(self) -> str | None:
        """The page's name as published (a pseudonym where people are renamed): what
        ``page_for`` and the shared data files (shared_data.py) know it by."""
        return str(next(iter(self.row.values()))) if self.row else None

    @property
    def slug(self) -> str:
        return self.definition.slug


# Types _plain returns as they are.
_UNCHANGED = frozenset({int, str, bool, type(None)})
_DATES = frozenset({dt.date, dt.datetime, type(None)})
_NUMBERS = frozenset({int, float, type(None)})


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _plain_column(column: tuple) -> Sequence:
    """``_plain`` of every value; a column of one common type is converted without a call per
    value (a big mart has millions of values, nearly all ints, strings and days or times)."""
    types = set(map(type, column))
    if _UNCHANGED.issuperset(types):
        return column
    if _DATES.issuperset(types):
        return [None if value is None else value.isoformat() for value in column]
    if _NUMBERS.issuperset(types):
        return [
            value if type(value) is not float or math.isfinite(value) else None for value in column
        ]
    return list(map(_plain, column))


def _fetch(
    connection: duckdb.DuckDBPyConnection,
    sql: str,
    where: str,
    parameters: dict[str, Any] | None = None,
) -> tuple[list[str], list[tuple]]:
    """The query's column names and rows, values made plain; ``where`` names the query in
    errors (file and query name)."""
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
    types = [str(column[1]) for column in cursor.description]
    if _NUMPY_TYPES.issuperset(types):
        values = [
            _numpy_column(array, type_name)
            for array, type_name in zip(cursor.fetchnumpy().values(), types, strict=True)
        ]
        return columns, list(zip(*values, strict=True))
    rows = cursor.fetchall()
    if not rows:
        return columns, []
    return columns, list(zip(*map(_plain_column, zip(*rows, strict=True)), strict=True))


# Types fetched column by column as NumPy arrays: each column becomes Python values in one C
# loop, where ``fetchall`` makes a tuple per row that is then turned into columns and back.
# Other types (HUGEINT comes as a float,
# TIMESTAMPTZ without its zone, DECIMAL, lists) take the ``fetchall`` path.
_NUMPY_TYPES = frozenset(
    {
        "VARCHAR",
        "BOOLEAN",
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "DOUBLE",
        "DATE",
        "TIMESTAMP",
    }
)


def _numpy_column(array: np.ndarray, type_name: str) -> Sequence:
    """A fetched column as ``_plain`` values: NULL (masked), NaN and infinity as None, days and
    times as ISO text."""
    if type_name == "DOUBLE":
        return np.ma.masked_invalid(array).tolist()
    if type_name in ("DATE", "TIMESTAMP"):
        # NumPy holds a DATE as a time at midnight; as days it lists as datetime.date.
        unit = "datetime64[D]" if type_name == "DATE" else "datetime64[us]"
        return _shared_values(_plain_column(array.astype(unit).tolist()))
    if type_name == "VARCHAR":
        return _shared_values(array.tolist())
    return array.tolist()


def _shared_values(values: Sequence) -> list:
    """``values`` with each distinct text one object: a long table repeats few projects, days
    and people, and each fetched value is otherwise a string of its own."""
    seen: dict[Any, Any] = {}
    return [seen.setdefault(value, value) for value in values]


def run_query(
    connection: duckdb.DuckDBPyConnection,
    sql: str,
    where: str,
    parameters: dict[str, Any] | None = None,
) -> Rows:
    """Rows as dicts; ``where`` names the query in errors (file and query name)."""
    columns, rows = _fetch(connection, sql, where, parameters)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def row_filename(slug: str, key: Any) -> str:
    """``person-ann-example-com-1a2b3c.html``: readable, and unique even when two keys slugify
    alike (the hash is of the published key, so a pseudonymised site leaks no name here)."""
    text = str(key)
    readable = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "row"
    digest = hashlib.sha256(text.encode()).hexdigest()[:6]
    return f"{slug}-{readable}-{digest}.html"


def _published(rows: Rows, pseudonyms: Pseudonyms | None) -> Rows:
    return pseudonyms.rows(rows) if pseudonyms else rows


def _split_by_page(
    connection: duckdb.DuckDBPyConnection, sql: str, column: str, where: str, keys: list
) -> dict[Any, Rows]:
    """Rows of a query run once for the pages named in ``keys``, per page name, each list in
    query order. The page column only routes rows: pages get what a query bound to their name
    would return."""
    sql = f"select * from ({sql}) as page_rows where list_contains($page_keys, {_quoted(column)})"
    columns, rows = _fetch(connection, sql, where, {"page_keys": keys})
    if column not in columns:
        raise ValueError(f"{where}: page_column '{column}' is not a column of the query; select it")
    position = columns.index(column)
    shown = [name for name in columns if name != column]
    by_page: dict[Any, Rows] = {}
    for row in rows:
        by_page.setdefault(row[position], []).append(
            dict(zip(shown, row[:position] + row[position + 1 :], strict=True))
        )
    return by_page


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _digest_sql(sql: str, page_column: str | None = None) -> str:
    """The count and the sum of the hashes of a query's rows (per page, with a page column)."""
    rows = f"from ({sql}) as page_rows"
    if page_column is None:
        return f"select count(*) as n, sum(hash(page_rows))::hugeint as h {rows}"
    return (
        f"select {_quoted(page_column)} as page, count(*) as n, "
        f"sum(hash(page_rows))::hugeint as h {rows} group by 1"
    )


def _part(name: str, digest: dict[str, Any]) -> str:
    return f"{name}:{digest['n']}:{digest['h']}"


_NO_ROWS = {"n": 0, "h": None}


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def plan_pages(
    connection: duckdb.DuckDBPyConnection,
    definitions: list[PageDefinition],
    pseudonyms: Pseudonyms | None = None,
) -> list[PageInstance]:
    """Every page, with the digest of its rows but not the rows (``data`` is None)."""
    pages = []
    for definition in definitions:
        where = f"reports/pages/{definition.slug}.yml"

        def digest_of(name: str, parameters=None, where=where, definition=definition) -> dict:
            sql = definition.queries[name]
            where = f"{where}, query '{name}'"
            return run_query(connection, _digest_sql(sql), where, parameters)[0]

        if definition.each is None:
            digests = {name: digest_of(name) for name in definition.queries}
            pages.append(
                PageInstance(
                    definition,
                    definition.filename,
                    definition.title,
                    None,
                    None,
                    _digest([_part(name, digest) for name, digest in digests.items()]),
                    rows=sum(digest["n"] for digest in digests.values()),
                )
            )
            continue
        split = {}
        for name, column in definition.page_columns.items():
            rows = run_query(
                connection,
                _digest_sql(definition.queries[name], column),
                f"{where}, query '{name}' (page_column '{column}')",
            )
            split[name] = {row["page"]: row for row in rows}
        for row in run_query(connection, definition.each, f"{where}, query 'each'"):
            key = next(iter(row.values()))
            digests = {
                name: split[name].get(key, _NO_ROWS) if name in split else digest_of(name, row)
                for name in definition.queries
            }
            published = pseudonyms.row(row) if pseudonyms else row
            pages.append(
                PageInstance(
                    definition,
                    row_filename(definition.slug, next(iter(published.values()))),
                    definition.title.format(**published),
                    None,
                    published,
                    _digest([_part(name, digest) for name, digest in digests.items()]),
                    row,
                    sum(digest["n"] for digest in digests.values()),
                )
            )
    return pages


def with_data(
    connection: duckdb.DuckDBPyConnection,
    pages: list[PageInstance],
    pseudonyms: Pseudonyms | None = None,
) -> list[PageInstance]:
    """The pages with their rows. A query split among pages fetches only the rows of the
    pages asked for (a WHERE keeps the query's order)."""
    by_definition: dict[str, list[PageInstance]] = {}
    for page in pages:
        by_definition.setdefault(page.definition.slug, []).append(page)
    filled = {}
    for group in by_definition.values():
        definition = group[0].definition
        where = f"reports/pages/{definition.slug}.yml"
        keys = [page.key for page in group]
        split = {
            name: _split_by_page(
                connection, definition.queries[name], column, f"{where}, query '{name}'", keys
            )
            for name, column in definition.page_columns.items()
        }
        for page in group:
            data = {
                name: _published(
                    split[name].get(page.key, [])
                    if name in split
                    else run_query(connection, sql, f"{where}, query '{name}'", page.parameters),
                    pseudonyms,
                )
                for name, sql in definition.queries.items()
            }
            filled[page.filename] = dataclasses.replace(page, data=data)
    return [filled[page.filename] for page in pages]


@dataclass(frozen=True)
class WarehouseRows:
    """Fetches pages' rows from the warehouse through a read-only connection of its own:
    picklable, so each process rendering part of the site fetches the rows of its own pages."""

    warehouse: Path
    pseudonyms: Pseudonyms | None = None

    def __call__(self, pages: list[PageInstance]) -> list[PageInstance]:
        with duckdb.connect(str(self.warehouse), read_only=True) as connection:
            return with_data(connection, pages, self.pseudonyms)


def collect_pages(
    connection: duckdb.DuckDBPyConnection,
    definitions: list[PageDefinition],
    pseudonyms: Pseudonyms | None = None,
) -> list[PageInstance]:
    """Every page with its rows."""
    return with_data(connection, plan_pages(connection, definitions, pseudonyms), pseudonyms)
