"""What every source adapter produces: rows for raw tables, or rejections with a reason.

An adapter turns one landed file into rows of one or more raw tables. It never raises on bad
content: a record it cannot read becomes a ``Rejection`` naming the record and the field, so
the night goes on and the record lands in quarantine.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

EXCERPT_CHARS = 500
# Whole numbers a raw INTEGER / BIGINT column holds.
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
# Number text both readers take (Python's float and DuckDB's cast to DOUBLE read it alike):
# ASCII digits with an optional point, exponent and sign, or NaN / Infinity (read so as to be
# refused by name), with white space around. The DuckDB reader uses the same pattern.
NUMBER_TEXT = (
    r"[ \t\n\r]*[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    r"|nan|inf|infinity)[ \t\n\r]*"
)
_NUMBER = re.compile(NUMBER_TEXT, re.IGNORECASE)
# Timestamp text both readers take (Python's fromisoformat and DuckDB's cast to TIMESTAMPTZ
# read it alike; each reads other forms the other does not): a date, optionally a time to the
# minute, second or microsecond, and an offset (Z, +HH, +HHMM, +HH:MM) only with a time.
TIMESTAMP_TEXT = (
    r"(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-(?:0[1-9]|1[0-2])-[0-3][0-9]"
    r"(?:[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?"
    r"(?:Z|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)?)?"
)
_TIMESTAMP = re.compile(TIMESTAMP_TEXT)
# What both readers trim around numbers and timestamps.
WHITESPACE = " \t\n\r"
# JSON integers DuckDB reads as integers (BIGINT or UBIGINT); beyond, it reads a double.
_JSON_INTEGERS = (-(2**63), 2**64 - 1)


@dataclass(frozen=True)
class Row:
    table: str
    record_number: int
    values: dict[str, Any]


@dataclass(frozen=True)
class Rejection:
    record_number: int  # 1-based line (text formats) or array index + 1 (JSON); 0 = whole file
    field: str | None
    reason: str
    excerpt: str = ""


class FieldError(ValueError):
    """A value that does not fit its field; carries the field name for the quarantine row."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class Source(Protocol):
    """A landed file to read: its name, and how to open it (``landing.LandedFile``: never
    through a link, always the file that was scanned)."""

    path: Path

    def open(self) -> BinaryIO: ...


class Adapter(Protocol):
    """How one format is read. An adapter either has DuckDB stage a file (``stages`` true:
    ``stage`` fills the temporary table ``staged_table`` with typed rows and each record's
    verdict) or yields its rows (``parse``); the loader asks ``stages`` once per file."""

    name: str
    tables: tuple[str, ...]
    staged_table: str | None

    def matches(self, path: Path, head: bytes) -> bool:
        """True when this adapter reads the file (by name and first bytes)."""

    def stages(self, source: Source) -> bool:
        """Whether DuckDB reads this file (``stage``) rather than ``parse``."""

    def stage(self, connection: Any, paths: list[str]) -> bool:
        """Stage these files (paths DuckDB opens) in one scan; False when DuckDB cannot read
        one of them (each is then staged alone, and one that fails is parsed)."""

    def parse(self, source: Source) -> Iterator[Row | Rejection]:
        """Rows and rejections, in file order. Never raises on content: every error a record
        can cause becomes a Rejection of that record (or of the file, record 0)."""


class RowsAdapter:
    """An adapter whose files are read record by record in Python (``parse``) only."""

    staged_table = None

    def stages(self, source: Source) -> bool:
        return False

    def stage(self, connection: Any, paths: list[str]) -> bool:
        raise NotImplementedError(f"{type(self).__name__} yields rows; it stages nothing")


class JsonDouble(float):
    """A JSON number read as a double whose text is worth keeping: NaN, Infinity, a number
    beyond the double range, an integer beyond 64 bits (as DuckDB reads it). ``repr`` gives the
    text as written, so a reason quotes the file, as the DuckDB reader's reasons do."""

    text: str

    def __new__(cls, text: str) -> JsonDouble:
        number = super().__new__(cls, float(text))
        number.text = text
        return number

    def __repr__(self) -> str:
        # As DuckDB shows it: a finite double as Python does, NaN and Infinity as written.
        return float.__repr__(self) if math.isfinite(self) else self.text


def _json_constant(text: str) -> JsonDouble:
    return JsonDouble(text)  # NaN, Infinity, -Infinity: not JSON, kept to be refused by name


def _json_float(text: str) -> float:
    number = float(text)
    return number if math.isfinite(number) else JsonDouble(text)


def _json_int(text: str) -> int | float:
    # Length first: Python refuses to convert integer text of more than 4300 digits.
    if len(text) <= 21:
        number = int(text)
        if _JSON_INTEGERS[0] <= number <= _JSON_INTEGERS[1]:
            return number
    return JsonDouble(text)


_DECODER = json.JSONDecoder(
    parse_float=_json_float, parse_int=_json_int, parse_constant=_json_constant
)


def json_loads(text: str) -> Any:
    """JSON as DuckDB's reader types it: integers beyond 64 bits and numbers beyond the double
    range become doubles, NaN and Infinity are read (to be refused by the field's check).
    Raises ``json.JSONDecodeError`` on bad JSON and ``RecursionError`` when nested too deeply."""
    return _DECODER.decode(text)


def shown(value: Any) -> str:
    """A value as a reason quotes it: text in single quotes as written, ``True``/``False``, a
    number as Python prints it (NaN and Infinity as written), an array or object by its type.
    The DuckDB reader writes the same (event_log_duckdb._shown)."""
    if isinstance(value, str | datetime):
        return f"'{value}'"
    if isinstance(value, list | dict):
        return json_type_name(value)
    return repr(value)


def json_type_name(value: Any) -> str:
    """The Python name of a JSON value's type, as reasons name it."""
    for kind in (bool, int, float, str, list, dict):
        if isinstance(value, kind):
            return kind.__name__
    return type(value).__name__


def holds_non_finite(value: Any) -> bool:
    """Whether a JSON value holds NaN or Infinity anywhere (JSON has neither)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


NON_FINITE = "holds NaN or Infinity, which is not a JSON number"


def storable(text: str) -> str:
    """Text DuckDB can hold: a lone surrogate (a JSON ``\\ud800``, or an undecodable byte of
    a file name) is written as its escape."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def excerpt(text: str | bytes) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return storable(text[:EXCERPT_CHARS])


def parse_timestamp(value: Any, field: str) -> datetime:
    """An ISO 8601 / RFC 3339 timestamp as naive UTC; a value without offset is taken as UTC."""
    if not isinstance(value, str) or not value.strip(WHITESPACE):
        raise FieldError(field, f"expected an ISO 8601 timestamp, got {shown(value)}")
    text = value.strip(WHITESPACE)
    try:
        if not _TIMESTAMP.fullmatch(text):
            raise ValueError(text)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise FieldError(field, f"not an ISO 8601 timestamp: {shown(value)}") from None
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:  # before year 1 or after 9999 in UTC
            raise FieldError(field, f"not an ISO 8601 timestamp: {shown(value)}") from None
    return parsed


def optional_timestamp(value: Any, field: str) -> datetime | None:
    return None if value in (None, "") else parse_timestamp(value, field)


def parse_number(value: Any, field: str) -> float | None:
    """A finite number from a JSON number or its text; NaN and Infinity are not numbers here
    (JSON has none, and a NaN would pass every range check as a missing value)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldError(field, f"expected a number, got {shown(value)}")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
    elif isinstance(value, str):
        number = _float_or_none(value)
        if number is None:
            raise FieldError(field, f"expected a number, got {shown(value)}")
    else:
        raise FieldError(field, f"expected a number, got {json_type_name(value)}")
    if not math.isfinite(number):
        raise FieldError(field, f"expected a finite number, got {shown(value)}")
    return number


def _float_or_none(text: str) -> float | None:
    return float(text) if _NUMBER.fullmatch(text) else None


def parse_int(value: Any, field: str, bounds: tuple[int, int] = INT64) -> int | None:
    """A whole number within ``bounds`` (the raw column's type)."""
    number = parse_number(value, field)
    if number is None:
        return None
    if not number.is_integer():
        raise FieldError(field, f"expected a whole number, got {shown(value)}")
    whole = value if isinstance(value, int) else int(number)  # an int's own digits: exact
    if not bounds[0] <= whole <= bounds[1]:
        raise FieldError(
            field, f"expected a whole number from {bounds[0]} to {bounds[1]}, got {shown(value)}"
        )
    return whole


def parse_bool(value: Any, field: str) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    raise FieldError(field, f"expected true or false, got {shown(value)}")


def parse_text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # ids exported as numbers by some tools
    raise FieldError(field, f"expected text, got {json_type_name(value)}")
