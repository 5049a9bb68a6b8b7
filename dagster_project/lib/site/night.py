"""What changes every night, kept out of the pages: ``assets/night.js``.

A page that shows only its own data is then the same file from one night to the next while its
data stay the same, so it can be reused instead of rendered again (see page_cache), and a
night's dated copy of it is the live file itself. The base template's facts of the night (when
the report was built, the data's first and last day, which night a copy is of) are filled in by
assets/site.js from this script. Pages that list earlier nights or the failures since the last
report read them from the ``night`` variable, and are rendered every night.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dagster_project.lib.site.status import script_assignment, write_atomically

NIGHT_JS = Path("assets") / "night.js"


@dataclass(frozen=True)
class EarlierNight:
    """A kept snapshot of an earlier night, linked from the front page."""

    date: str
    href: str


@dataclass(frozen=True)
class NightContext:
    published_at: str = ""  # when tonight's report was built (UTC, ISO)
    first_day: str | None = None
    data_through: str | None = None
    earlier_nights: tuple[EarlierNight, ...] = ()  # newest first; empty inside a snapshot
    previous_failures: tuple[dict, ...] = ()  # failed nights since the last report
    snapshot_of: str | None = None  # set for the dated copy of a night


def night_script(night: NightContext) -> str:
    facts = {
        "builtAt": night.published_at,
        "firstDay": night.first_day,
        "dataThrough": night.data_through,
        "snapshotOf": night.snapshot_of,
    }
    return (
        "// Written by the nightly job: the facts of the night this report was built.\n"
        + script_assignment("annolyticsNight", facts)
    )


def write_night_script(site: Path, night: NightContext) -> None:
    """A new file each time: a dated copy linking last night's keeps its own."""
    write_atomically(site / NIGHT_JS, night_script(night))
