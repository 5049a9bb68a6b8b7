"""Figures many pages of a family show, in data files beside the site (pages.SharedQuery).

A person page shows her rejection rate beside everyone else's: the cohort's figure changes
whenever anyone's work does, so written into the page it would make every person page change
every night, and none could be reused (page_cache). Each shared query runs once per night
into ``assets/shared/<family>--<file value>.js``, one file per value of its ``file_column``
(per project), which sets a global rather than being fetched, so pages still work from
``file://``. A page loads the files of the values its own rows hold, and assets/shared.js fills
the figures into its tables and charts: its own file changes only when its own rows do.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.lib.site.data import PageInstance, Rows, run_query
from dagster_project.lib.site.pages import PageDefinition, SharedQuery
from dagster_project.lib.site.pseudonyms import Pseudonyms
from dagster_project.lib.site.status import script_payload, write_atomically

SHARED_DIR = Path("assets") / "shared"
_VARIABLE = "annolyticsShared"


def shared_file(slug: str, value: Any = None) -> str:
    """``assets/shared/person--label-studio-3-1a2b3c.js`` (relative to a page): readable, and
    unique even when two values read alike; ``assets/shared/person.js`` without a file column."""
    if value is None:
        return f"{SHARED_DIR.as_posix()}/{slug}.js"
    text = str(value)
    readable = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "value"
    digest = hashlib.sha256(text.encode()).hexdigest()[:6]
    return f"{SHARED_DIR.as_posix()}/{slug}--{readable}-{digest}.js"


def page_shared_files(page: PageInstance) -> list[str]:
    """The data files a page loads: for each shared query, the file of each value of its file
    column among the page's own rows of the query it extends. A function of the page's own rows,
    so it is covered by the page's fingerprint."""
    files: dict[str, None] = {}
    for query in page.definition.shared.values():
        if query.file_column is None:
            files[shared_file(page.slug)] = None
            continue
        for row in (page.data or {}).get(query.name, []):
            if row.get(query.file_column) is not None:
                files[shared_file(page.slug, row[query.file_column])] = None
    return sorted(files)


def _files_pages_load(
    connection: duckdb.DuckDBPyConnection, definition: PageDefinition, query: SharedQuery
) -> list[str]:
    """The files of ``query`` that pages load (page_shared_files): the one file, or one per
    value of the file column in the rows of the page query it extends."""
    if query.file_column is None:
        return [shared_file(definition.slug)]
    column = '"' + query.file_column.replace('"', '""') + '"'
    sql = (
        f"select distinct {column} as value from ({definition.queries[query.name]}) as page_rows "
        f"where {column} is not null"
    )
    where = f"reports/pages/{definition.slug}.yml, query '{query.name}'"
    return [shared_file(definition.slug, row["value"]) for row in run_query(connection, sql, where)]


def _file_rows(
    connection: duckdb.DuckDBPyConnection,
    slug: str,
    query: SharedQuery,
    pseudonyms: Pseudonyms | None,
) -> dict[str, dict[str, Any]]:
    """The query's rows per data file: its columns and key once, and per page (by its published
    name) the rows of that page, values in the columns' order."""
    where = f"reports/pages/{slug}.yml, shared query '{query.name}'"
    rows: Rows = run_query(connection, query.sql, where)
    if rows:
        wanted = [
            query.page_column,
            *query.key,
            *([query.file_column] if query.file_column else []),
        ]
        missing = [column for column in wanted if column not in rows[0]]
        if missing:
            raise ValueError(f"{where}: {missing} are not columns of the query; select them")
    if pseudonyms:
        rows = pseudonyms.rows(rows)
    files: dict[str, dict[str, Any]] = {}
    for row in rows:
        file = shared_file(slug, row[query.file_column] if query.file_column else None)
        entry = files.setdefault(file, {"columns": list(row), "key": list(query.key), "pages": {}})
        entry["pages"].setdefault(str(row[query.page_column]), []).append(list(row.values()))
    return files


def write_shared_data(
    connection: duckdb.DuckDBPyConnection,
    definitions: Iterable[PageDefinition],
    site: Path,
    pseudonyms: Pseudonyms | None = None,
) -> list[str]:
    """Run every shared query and write its data files into ``site``; returns the files."""
    contents: dict[str, dict[str, Any]] = {}
    for definition in definitions:
        for query in definition.shared.values():
            # Every file a page may load exists, if empty (a page loads one per value of its
            # own rows, which the shared query's rows may lack).
            for file in _files_pages_load(connection, definition, query):
                contents.setdefault(file, {})
            for file, entry in _file_rows(connection, definition.slug, query, pseudonyms).items():
                contents.setdefault(file, {})[query.name] = entry
    for file, queries in sorted(contents.items()):
        write_atomically(site / file, _script(file, queries))
    return sorted(contents)


def _script(file: str, queries: dict[str, Any]) -> str:
    """One assignment into the global the pages read, by file name (a page loads several)."""
    return (
        "// Written by the nightly job: figures the pages of a family share (shared_data.py).\n"
        f"window.{_VARIABLE} = window.{_VARIABLE} || {{}};\n"
        f"window.{_VARIABLE}[{script_payload(file)}] = {script_payload(queries, compact=True)};\n"
    )
