"""What every source adapter produces: rows for raw tables, or rejections with a reason.

An adapter turns one landed file into rows of one or more raw tables. It never raises on bad
content: a record it cannot read becomes a ``Rejection`` naming the record and the field, so
the night goes on and the record lands in quarantine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

EXCERPT_CHARS = 500


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


class Adapter(Protocol):
    name: str
    tables: tuple[str, ...]

    def matches(self, path: Path, head: bytes) -> bool:
        """True when this adapter reads the file (by name and first bytes)."""

    def parse(self, path: Path) -> Iterator[Row | Rejection]:
        """Rows and rejections, in file order."""


def excerpt(text: str | bytes) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return text[:EXCERPT_CHARS]


def parse_timestamp(value: Any, field: str) -> datetime:
    """An ISO 8601 / RFC 3339 timestamp as naive UTC; a value without offset is taken as UTC."""
    if not isinstance(value, str) or not value.strip():
        raise FieldError(field, f"expected an ISO 8601 timestamp, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise FieldError(field, f"not an ISO 8601 timestamp: {value!r}") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def optional_timestamp(value: Any, field: str) -> datetime | None:
    return None if value in (None, "") else parse_timestamp(value, field)


def parse_number(value: Any, field: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldError(field, f"expected a number, got {value!r}")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise FieldError(field, f"expected a number, got {value!r}") from None
    raise FieldError(field, f"expected a number, got {type(value).__name__}")


def parse_int(value: Any, field: str) -> int | None:
    number = parse_number(value, field)
    if number is None:
        return None
    if not float(number).is_integer():
        raise FieldError(field, f"expected a whole number, got {value!r}")
    return int(number)


def parse_bool(value: Any, field: str) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    raise FieldError(field, f"expected true or false, got {value!r}")


def parse_text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # ids exported as numbers by some tools
    raise FieldError(field, f"expected text, got {type(value).__name__}")
