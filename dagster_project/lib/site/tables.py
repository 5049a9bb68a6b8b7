"""Tables: HTML rows written cell by cell with every value escaped (``table_rows``), the first
rows a page shows of a longer table (``shown_rows``), and the CSV file holding all of them
(``write_table_file``, with spreadsheet formulas defused)."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from dagster_project.lib.site.data import FILTER_COLUMNS, Rows
from dagster_project.lib.site.formats import NUMBER_FORMATS, format_pct

# A table on a page shows at most this many rows (ANNOLYTICS_SITE_TABLE_ROWS), the first in the
# query's order: large teams' tables run to hundreds of thousands of rows, more than a browser
# shows usefully. Every row of a longer table is in a CSV file beside the page, so the site
# stays complete.
DEFAULT_TABLE_ROWS = 1_000


TABLE_FILES_DIR = "data"  # the CSV files, beside the pages (and in each night's copy)


_TABLE_ID = re.compile(r"^[A-Za-z0-9_-]+$")  # table ids name files


_MISSING_CELL = '<td class="missing" data-value="">–</td>\n'
_SHARED_CELL = "<td></td>\n"  # assets/shared.js writes its class, sort value and text


def _attribute(value: Any) -> str:
    """``escape(value)``, without the call where ``str`` of the value has nothing to escape."""
    return str(value) if type(value) is int or type(value) is float else escape(value)


def _cell_writer(
    column: list[Any], page_for: Any, project_name: Any, not_exported: Any = None
) -> Callable[[dict], str]:
    """The writer of one ``<td>`` of a column of a server-side table, in the formats listed in
    partials/tables.html.j2; every value from the data goes through ``escape`` (numbers and the
    formatted numbers hold nothing to escape). Built once per table, not per cell: a big mart's
    table has millions of cells."""
    name = column[0]
    kind = column[2] if len(column) > 2 else "text"
    options = column[3] if len(column) > 3 and isinstance(column[3], dict) else {}
    figure = options.get("figure") if not_exported else None
    if options.get("shared"):  # filled in by assets/shared.js from the family's data file
        return lambda row: _SHARED_CELL
    if kind in NUMBER_FORMATS:
        shown = NUMBER_FORMATS[kind]

        def number(row: dict) -> str:
            value = row[name]
            if value is None:
                reason = figure and not_exported(figure, row)
                if reason:
                    return f'<td class="missing not-exported" data-value="">{escape(reason)}</td>\n'
                return _MISSING_CELL
            text, sort_value = shown(value), _attribute(value)
            if text == sort_value:  # site.js sorts by the text where there is no data-value
                return f'<td class="num">{text}</td>\n'
            return f'<td class="num" data-value="{sort_value}">{text}</td>\n'

        return number
    if kind == "pct_ci":
        low_name, high_name = column[3]["low"], column[3]["high"]

        def pct_ci(row: dict) -> str:
            value, low = row[name], row[low_name]
            interval = (
                ""
                if low is None
                else f' <span class="ci">[{format_pct(low, 0)}–'
                f"{format_pct(row[high_name], 0)}]</span>"
            )
            sort_value = _attribute(value) if value is not None else ""
            return f'<td class="num" data-value="{sort_value}">{format_pct(value)}{interval}</td>\n'

        return pct_ci
    if kind == "bool":

        def boolean(row: dict) -> str:
            value = row[name]
            if value is None:
                return _MISSING_CELL
            return f'<td data-value="{1 if value else 0}">{"yes" if value else "no"}</td>\n'

        return boolean
    if kind == "date":

        def date(row: dict) -> str:
            value = row[name]
            if value is None:
                return _MISSING_CELL
            return f'<td data-value="{escape(value)}">{escape(value[:10])}</td>\n'

        return date
    if kind == "project":
        projects: dict[Any, str] = {}  # a table names few projects, in many rows

        def project(row: dict) -> str:
            value = row[name]
            if value is None:
                return _MISSING_CELL
            if type(value) is not str:  # 1, 1.0 and True are one key but not one name
                return f"<td>{escape(project_name(value))}</td>\n"
            cell = projects.get(value)
            if cell is None:
                cell = projects[value] = f"<td>{escape(project_name(value))}</td>\n"
            return cell

        return project
    if kind in ("person", "person_page"):
        is_page = kind == "person_page"

        people: dict[Any, str] = {}  # the same people in many rows

        def person(row: dict) -> str:
            value = row[name]
            if value is None and not is_page:
                return _MISSING_CELL
            if type(value) is not str:  # 1, 1.0 and True are one key but not one name
                return person_cell(value)
            cell = people.get(value)
            if cell is None:
                cell = people[value] = person_cell(value)
            return cell

        def person_cell(value: Any) -> str:
            href = page_for("person", value)
            shown = "profile" if is_page else escape(value)
            if href:
                return f'<td><a href="{escape(href)}">{shown}</a></td>\n'
            return f"<td>{'' if is_page else shown}</td>\n"

        return person

    def text(row: dict) -> str:
        value = row[name]
        if value is None:
            return _MISSING_CELL
        return f"<td>{escape(value)}</td>\n"

    return text


@dataclass(frozen=True)
class LongTable:
    """A table with more rows than a page shows: all its rows go to a CSV file."""

    href: str  # the CSV file, relative to the page's folder
    columns: tuple[str, ...]
    rows: Rows


@dataclass(frozen=True)
class ShownRows:
    """What a table on the page holds: its rows, or the first of them and where the rest are."""

    rows: Rows
    total: int  # rows of the query result
    file: LongTable | None = None  # set when rows were left out

    @property
    def file_name(self) -> str:
        return self.file.href.rsplit("/", 1)[-1] if self.file else ""


def _shared_query(column: list[Any]) -> str | None:
    """The shared query (pages.SharedQuery) a column's figures come from, if any."""
    options = column[3] if len(column) > 3 and isinstance(column[3], dict) else {}
    return options.get("shared")


def _shared_key_attribute(context: Context, columns: list[list[Any]]) -> Callable[[dict], str]:
    """Writes a row's ``data-shared-row``: the values of the key of the one shared query the
    table's columns read (nothing without one), for assets/shared.js to find the row's figures."""
    names = {name for name in map(_shared_query, columns) if name}
    if not names:
        return lambda row: ""
    if len(names) > 1:
        raise ValueError(f"a table can read one shared query, not {sorted(names)}")
    (name,) = names
    definition = context["page"].definition
    if name not in definition.shared:
        raise ValueError(
            f"table column reads shared query '{name}', which reports/pages/"
            f"{definition.slug}.yml does not define"
        )
    key = definition.shared[name].key

    def attribute(row: dict) -> str:
        # Single-quoted, so that JSON's double quotes need no escaping: a third of the bytes.
        text = json.dumps(
            [row[column] for column in key], ensure_ascii=False, separators=(",", ":")
        )
        return f" data-shared-row='{_single_quoted(text)}'"

    return attribute


def _single_quoted(text: str) -> str:
    """``text`` for an attribute value between single quotes."""
    return (
        text.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
    )


def table_file_href(page_filename: str, table_id: str) -> str:
    """``data/reworks--review-edges.csv``: relative to the page, so it works from file://."""
    return f"{TABLE_FILES_DIR}/{Path(page_filename).stem}--{table_id}.csv"


def _file_columns(columns: list[list[Any]]) -> tuple[str, ...]:
    """The row keys a table shows, each once, in the table's order (an interval's bounds after
    its value)."""
    keys = []
    for column in columns:
        if _shared_query(column):  # in the family's data file, not in the page's rows
            continue
        keys.append(column[0])
        if len(column) > 2 and column[2] == "pct_ci":
            keys += [column[3]["low"], column[3]["high"]]
    return tuple(dict.fromkeys(keys))


@pass_context
def shown_rows(
    context: Context,
    table_id: str,
    rows: Rows,
    columns: list[list[Any]],
    own_limit: int | None = None,
) -> ShownRows:
    """The rows a table shows: all, or the first ``table_row_limit`` (or the table's own
    ``limit``, if lower), the whole table then being recorded in the render's ``long_tables``
    for render_pages to write as a CSV file."""
    limit = context["table_row_limit"]
    if own_limit is not None:
        limit = min(limit, own_limit)
    if len(rows) <= limit:
        return ShownRows(rows, len(rows))
    if not _TABLE_ID.match(table_id):
        raise ValueError(f"table id {table_id!r} names a file: use letters, digits, - and _")
    long_tables = context.get("long_tables")
    if long_tables is None:
        raise ValueError(
            f"table '{table_id}' has more than {limit} rows: only render_pages writes the CSV "
            "file of the rows a page leaves out"
        )
    href = table_file_href(context["page"].filename, table_id)
    table = LongTable(href, _file_columns(columns), rows)
    long_tables.append(table)
    return ShownRows(rows[:limit], len(rows), table)


# A text cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection"):
# people's names and task ids come from the labeling tools, so such a cell is written with a
# leading apostrophe, which spreadsheets show as text. Numbers are written as they are.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_formula(value: Any) -> bool:
    return type(value) is str and value.startswith(_FORMULA_STARTS)


def _csv_cell(value: Any) -> Any:
    return "'" + value if _is_formula(value) else value


def write_table_file(path: Path, table: LongTable) -> None:
    path.parent.mkdir(exist_ok=True)
    values = itemgetter(*table.columns)
    lines = [values(row) for row in table.rows]
    if len(table.columns) == 1:
        lines = [(value,) for value in lines]
    # Checked column by column, and rows rewritten only where needed: these files can hold
    # millions of rows a night.
    guarded = {
        index
        for index, column in enumerate(zip(*lines, strict=True))
        if str in set(map(type, column)) and any(map(_is_formula, column))
    }
    if guarded:
        lines = [
            tuple(
                _csv_cell(value) if index in guarded else value for index, value in enumerate(line)
            )
            if any(_is_formula(line[index]) for index in guarded)
            else line
            for line in lines
        ]
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(table.columns)
        writer.writerows(lines)


def _missing_column(row: dict[str, Any], columns: list[list[Any]]) -> ValueError | None:
    for column in columns:
        if column[0] not in row and not _shared_query(column):
            return ValueError(
                f"table column '{column[0]}' is not a column of the rows {sorted(row)}"
            )
        if len(column) > 2 and column[2] == "pct_ci":
            low, high = column[3]["low"], column[3]["high"]
            if low not in row or (row[low] is not None and high not in row):
                return None  # as before: the KeyError names the interval's column
    return None


@pass_context
def table_rows(context: Context, rows: Rows, columns: list[list[Any]]) -> Markup:
    """The ``<tr>`` lines of a table; rows carrying a filter column follow the page's filters."""
    page_for, project_name = context["page_for"], context["project_name"]
    not_exported = context.get("not_exported")
    writers = [_cell_writer(column, page_for, project_name, not_exported) for column in columns]
    attributes = [(key, f' data-{key.replace("_", "-")}="') for key in FILTER_COLUMNS]
    shared_row = _shared_key_attribute(context, columns)
    lines = []
    append = lines.append
    row: dict[str, Any] = {}
    try:
        for row in rows:
            filters = "".join(
                f'{attribute}{escape(row[key])}"'
                for key, attribute in attributes
                if row.get(key) is not None
            )
            cells = "".join([write(row) for write in writers])
            append(f"    <tr{filters}{shared_row(row)}>{cells}</tr>")
    except KeyError as error:
        raise _missing_column(row, columns) or error from None
    return Markup("\n".join(lines))
