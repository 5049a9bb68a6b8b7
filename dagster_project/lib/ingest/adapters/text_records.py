"""Reading text exports without trusting them: lines of bounded length, UTF-8 checked per line,
CSV rows by header name, whole JSON documents. Shared by the adapters.

Nothing here raises on content: a line too long to hold, bytes that are not UTF-8, a row that
is not CSV or has the wrong number of cells each become a ``Rejection`` of that record.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from dagster_project.lib.ingest.adapters.base import (
    FieldError,
    Rejection,
    Row,
    Source,
    excerpt,
    json_loads,
    json_type_name,
)

# A line longer than this is refused unread (reading it whole could exhaust memory). DuckDB's
# reader takes objects up to 16 MB; longer lines up to this bound are read here.
MAX_LINE_BYTES = 64 * 2**20
# The longest CSV field read (Python's default is 128 KiB, short for a comment or labels).
MAX_CSV_FIELD_CHARS = 16 * 2**20

EMPTY_FILE = "empty file: nothing to load (was the export interrupted?)"
NO_HEADER = "CSV file has no header row"


OVERLONG = f"line longer than {MAX_LINE_BYTES >> 20} MiB: not read"


def lines(handle: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) of each line, or None for a line longer than MAX_LINE_BYTES (its
    bytes are skipped, never held whole)."""
    number = 0
    while line := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) <= MAX_LINE_BYTES or line.endswith(b"\n"):
            yield number, line
            continue
        while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
            pass
        yield number, None


def decoded_lines(handle: BinaryIO) -> Iterator[tuple[int, str | None, bytes | None]]:
    """(line number, text or None when not UTF-8, raw bytes or None when overlong); a leading
    BOM is dropped."""
    for number, raw in lines(handle):
        if raw is None:
            yield number, None, None
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield number, raw.decode("utf-8"), raw
        except UnicodeDecodeError as error:
            yield number, None, raw[max(0, error.start - 20) : error.start + 20]


def unreadable(number: int, error: BaseException, text: str) -> Rejection:
    """A record whose reading raised (memory, a bug): quarantined with the error's name."""
    if isinstance(error, MemoryError):
        reason = f"record too large to read ({len(text):,} characters)"
    else:
        reason = f"record could not be read: {type(error).__name__}: {error}"
    return Rejection(number, None, reason[:500], excerpt(text))


def _csv_lines(handle: BinaryIO, overlong: set[int]) -> Iterator[str]:
    """The file's lines as text for csv.reader; a line longer than MAX_LINE_BYTES is given as
    an empty line and its number added to ``overlong``."""
    for number, raw in lines(handle):
        if raw is None:
            overlong.add(number)
            yield "\n"
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        # surrogateescape keeps undecodable bytes visible so one bad row does not sink the file.
        yield raw.decode("utf-8", "surrogateescape")


def _has_undecodable(text: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in text)


@dataclass(frozen=True)
class CsvRecord:
    number: int  # the line the row starts on (a quoted field may span lines)
    header: tuple[str, ...]
    values: dict[str, str]  # by header name; empty cells left out
    text: str  # the row as read, for excerpts


def csv_records(source: Source) -> Iterator[CsvRecord | Rejection]:
    """The rows of a CSV file (Python's default "excel" dialect: quoted fields may hold commas,
    quotes and line breaks) by header name, or the rejection of each row that cannot be read;
    the file's rejection (record 0) when it is empty or has no header."""
    # Process-wide, but only ever raised to this bound (no reader wants a smaller one).
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CSV_FIELD_CHARS))
    overlong: set[int] = set()
    with source.open() as handle:
        reader = csv.reader(_csv_lines(handle, overlong))
        try:
            header = next(reader, None)
        except csv.Error as error:
            yield Rejection(1, None, f"CSV header row could not be read: {error}")
            return
        if not header:
            empty = handle.tell() == 0
            yield Rejection(0, None, EMPTY_FILE if empty else NO_HEADER)
            return
        header = tuple(header)
        record_start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                number, record_start = record_start, reader.line_num + 1
                yield Rejection(number, None, f"CSV row could not be read: {error}")
                continue
            number, record_start = record_start, reader.line_num + 1
            if number in overlong:
                yield Rejection(number, None, OVERLONG)
                continue
            if not any(cells):
                continue
            yield _record(number, header, cells)


def _record(number: int, header: tuple[str, ...], cells: list[str]) -> CsvRecord | Rejection:
    text = ",".join(cells)
    if _has_undecodable(text):
        return Rejection(
            number,
            None,
            "row is not valid UTF-8 text",
            excerpt(text.encode("utf-8", "surrogateescape")),
        )
    if len(cells) != len(header):
        return Rejection(
            number, None, f"expected {len(header)} columns, found {len(cells)}", excerpt(text)
        )
    values = {key: value for key, value in zip(header, cells, strict=True) if value}
    return CsvRecord(number, header, values, text)


@dataclass(frozen=True)
class JsonDocument:
    value: Any = None
    rejection: Rejection | None = None  # the whole file's, when it could not be read


def read_json_document(source: Source, what: str = "export") -> JsonDocument:
    """A file holding one JSON document (an export's array or object), read whole; the file's
    rejection (record 0) when it is not UTF-8, not JSON, nested too deeply or too large."""
    with source.open() as handle:
        raw = handle.read()
    try:
        return JsonDocument(json_loads(raw.decode("utf-8-sig")))
    except UnicodeDecodeError as error:
        reason, shown = f"file is not UTF-8 (byte {error.start})", excerpt(raw[:200])
    except json.JSONDecodeError as error:
        reason = f"not valid JSON ({error.msg}, line {error.lineno}, column {error.colno})"
        shown = excerpt(raw[max(0, error.pos - 100) : error.pos])
    except RecursionError:
        reason, shown = "JSON nested too deeply to read", ""
    except MemoryError:
        reason, shown = f"{what} too large to read in memory ({len(raw):,} bytes)", ""
    return JsonDocument(rejection=Rejection(0, None, reason, shown))


def json_array_rows(
    source: Source, what: str, table: str, row_of: Callable[[dict[str, Any]], dict[str, Any]]
) -> Iterator[Row | Rejection]:
    """A file holding a JSON array of objects (an API's list: users, comments...): a row of
    ``table`` per object (``row_of`` raises FieldError naming a bad field), each item that is
    not an object or has a bad field rejected alone; the file's rejection when it is no array."""
    read = read_json_document(source, what)
    if read.rejection:
        yield read.rejection
        return
    if not isinstance(read.value, list):
        got = json_type_name(read.value)
        yield Rejection(0, None, f"expected a JSON array ({what}), got {got}")
        return
    for number, item in enumerate(read.value, start=1):
        shown = excerpt(json.dumps(item, default=repr))
        if not isinstance(item, dict):
            yield Rejection(number, None, f"expected an object, got {json_type_name(item)}", shown)
            continue
        try:
            yield Row(table, number, row_of(item))
        except FieldError as error:
            yield Rejection(number, error.field, error.reason, shown)


def json_lines(source: Source) -> Iterator[tuple[int, str] | Rejection]:
    """The non-blank lines of a JSON Lines file as (line number, text), or the rejection of a
    line too long to read or not UTF-8; the file's rejection when it is empty."""
    records = 0
    with source.open() as handle:
        for number, text, raw in decoded_lines(handle):
            records += 1
            if raw is None:
                yield Rejection(number, None, OVERLONG)
            elif text is None:
                yield Rejection(number, None, "line is not valid UTF-8 text", excerpt(raw))
            elif text.strip():
                yield number, text
    if not records:
        yield Rejection(0, None, EMPTY_FILE)
