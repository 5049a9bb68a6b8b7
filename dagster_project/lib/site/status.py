"""The site's status file: ``assets/status.js``, loaded by every page with a script tag (so it
works from ``file://``, where pages cannot fetch JSON). A failed night rewrites only this file,
atomically: the previous report stays readable and every page shows a banner saying why.
``assets/status.json`` holds the same data for the next night to read back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

STATUS_JS = Path("assets") / "status.js"
STATUS_JSON = Path("assets") / "status.json"
# An absolute path (POSIX, file:// or Windows) at the start of a word: local detail a reader
# of the site must not see.
_ABSOLUTE_PATH = re.compile(r"(?:(?<=^)|(?<=[\s'\"(=:,]))(?:/+|[A-Za-z]:\\)[^\s'\"<>()]+")


@dataclass
class SiteStatus:
    state: str  # "published" or "failed"
    published_at: str | None = None  # when the report on show was built (UTC, ISO)
    failed_at: str | None = None
    reason: str | None = None
    failures: list[dict] = field(default_factory=list)  # failed nights since published_at
    pseudonymised: bool = False  # people in the report on show are pseudonyms


def scrub_paths(text: str) -> str:
    """Replace absolute paths with their last component: "…/warehouse.duckdb"."""

    def short(match: re.Match) -> str:
        tail = re.split(r"[\\/]", match.group(0).rstrip("/\\"))[-1]
        return f"…/{tail}" if tail else "…"

    return _ABSOLUTE_PATH.sub(short, text)


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)  # a new file: hard links into snapshots keep the old one
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def script_payload(data: Any, compact: bool = False) -> str:
    """``data`` as a JavaScript value: JSON is valid JavaScript; escaping <, > and & keeps it
    inert even if pasted into HTML. ``compact``: no spaces (for large data)."""
    return (
        json.dumps(
            data, ensure_ascii=True, sort_keys=True, separators=(",", ":") if compact else None
        )
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def script_assignment(variable: str, data: dict) -> str:
    """``window.<variable> = {...};``"""
    return f"window.{variable} = {script_payload(data)};\n"


def status_script(status: SiteStatus) -> str:
    return (
        "// Written by the nightly job: the state of this report. Replaced when a night fails.\n"
        + script_assignment("annolyticsStatus", asdict(status))
    )


def write_status(site: Path, status: SiteStatus) -> None:
    write_atomically(site / STATUS_JSON, json.dumps(asdict(status), indent=2, sort_keys=True))
    write_atomically(site / STATUS_JS, status_script(status))


def read_status(site: Path) -> SiteStatus | None:
    try:
        return SiteStatus(**json.loads((site / STATUS_JSON).read_text()))
    except (OSError, ValueError, TypeError):
        return None


def failed_status(previous: SiteStatus | None, reason: str, at: dt.datetime) -> SiteStatus:
    failure = {"at": at.isoformat(timespec="seconds"), "reason": scrub_paths(reason)}
    return SiteStatus(
        state="failed",
        published_at=previous.published_at if previous else None,
        failed_at=failure["at"],
        reason=failure["reason"],
        failures=[*(previous.failures if previous else []), failure],
        pseudonymised=previous.pseudonymised if previous else False,
    )
