"""Time helpers: integer epoch seconds (UTC), RFC 3339 text, ISO weeks, working hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dagster_project.lib.synthetic.config import WORK_END_S, WORK_START_S

DAY = 86400
_EPOCH = date(1970, 1, 1)


def epoch(day: date) -> int:
    """Epoch seconds of 00:00:00 UTC on ``day``."""
    return (day - _EPOCH).days * DAY


def iso_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def first_monday(start: date) -> date:
    """The first Monday on or after ``start``: week 0 of the case-study calendar."""
    return start + timedelta(days=(7 - start.weekday()) % 7)


HOURS_MINUTES = tuple(f"{m // 60:02d}:{m % 60:02d}:" for m in range(1440))
SECONDS = tuple(f"{s:02d}Z" for s in range(60))


class Timestamps:
    """Formats epoch seconds as ``YYYY-MM-DDTHH:MM:SSZ``, caching the date part per day."""

    def __init__(self) -> None:
        self.days: dict[int, str] = {}

    def date_part(self, day: int) -> str:
        """``YYYY-MM-DDT`` of epoch day ``day`` (cached)."""
        text = self.days.get(day)
        if text is None:
            text = datetime.fromtimestamp(day * DAY, UTC).strftime("%Y-%m-%dT")
            self.days[day] = text
        return text

    def __call__(self, t: int) -> str:
        day, rest = divmod(t, DAY)
        minute, second = divmod(rest, 60)
        return self.date_part(day) + HOURS_MINUTES[minute] + SECONDS[second]


def _morning(draw) -> int:
    """Start of a working morning: 08:00 plus 0-3 h (people trickle in, backlogs drain)."""
    u = draw()
    return WORK_START_S + int(u * u * 3 * 3600)


def next_working_time(t: int, draw, weekend_work_p: float) -> int:
    """``t`` moved into working hours (weekdays 08-18; weekends only sometimes, 09-17).

    ``draw`` is the caller's ``random.Random().random``: a step that lands outside working
    hours starts at the next morning (08:00-11:00, front-loaded).
    """
    for _ in range(8):
        day, sec = divmod(t, DAY)
        wd = (day + 3) % 7
        if wd < 5:
            if WORK_START_S <= sec < WORK_END_S:
                return t
            if sec < WORK_START_S:
                return day * DAY + _morning(draw)
            day += 1
            if (day + 3) % 7 < 5:
                return day * DAY + _morning(draw)
            t = day * DAY + _morning(draw)
            continue
        if 9 * 3600 <= sec < 17 * 3600 and draw() < weekend_work_p:
            return t
        t = (day + 7 - wd) * DAY + _morning(draw)
        # Next Monday morning: on the next loop turn this is a weekday inside working hours.
    return t
