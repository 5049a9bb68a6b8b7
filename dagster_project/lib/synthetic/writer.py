"""Streams tasks to ``events/<project_id>/<ISO year>-W<ww>.jsonl``, one file open at a time."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from pathlib import Path

from dagster_project.lib.synthetic.clock import DAY, HOURS_MINUTES, SECONDS, Timestamps

PROGRESS_EVERY = 100_000
#: Placeholder for the task id inside pre-built (planted) event tails.
TASK_PLACEHOLDER = "\x00"

_by_time = itemgetter(0)


class EventWriter:
    """Numbers and serializes events; event ids are ``<project>-e<n>``, one sequence per project.

    Key order is fixed (the schema's order): event_id, event_type, occurred_at, source_tool,
    project_id, task_id, then the task's tail fragment.
    """

    def __init__(self, out_dir: Path, progress: Callable[[int], None] | None = None) -> None:
        self.out_dir = out_dir
        self.progress = progress
        self.timestamp = Timestamps()
        self.sequence: dict[str, int] = {}
        self.tasks: dict[str, int] = {}
        self.events = 0
        self.files: list[Path] = []
        self._next_report = PROGRESS_EVERY
        self._handle = None
        self._target: tuple[str, str] | None = None
        self._opened: tuple[str, str] | None = None
        self._seen: set[tuple[str, str]] = set()

    def select(self, project_id: str, iso_week: str) -> None:
        """Following tasks go to this project's file of this ISO week (opened on first write)."""
        if self._target != (project_id, iso_week):
            self.close()
            self._target = (project_id, iso_week)

    def next_task_id(self, project_id: str) -> str:
        number = self.tasks.get(project_id, 0) + 1
        self.tasks[project_id] = number
        return f"{project_id}-t{number}"

    def write_task(
        self,
        project_id: str,
        task_prefix: str,
        task_id: str,
        events: list,
        placeholder: bool = False,
    ) -> int:
        """Write one task's ``(t, event_type, tail)`` tuples in time order; returns the count."""
        if self._opened != self._target:
            self._open()
        events.sort(key=_by_time)
        days = self.timestamp.days
        seq = self.sequence.get(project_id, 0)
        head = '{"event_id":"' + project_id + "-e"
        task_part = '",' + task_prefix + task_id + '"'
        lines = []
        append = lines.append
        for t, event_type, tail in events:
            seq += 1
            day, rest = divmod(t, DAY)
            date_part = days.get(day) or self.timestamp.date_part(day)
            minute, second = divmod(rest, 60)
            if placeholder:
                tail = tail.replace(TASK_PLACEHOLDER, task_id)
            append(
                f'{head}{seq}","event_type":"{event_type}","occurred_at":"{date_part}'
                f"{HOURS_MINUTES[minute]}{SECONDS[second]}{task_part}{tail}}}\n"
            )
        self._handle.write("".join(lines))
        self.sequence[project_id] = seq
        n = len(events)
        self.events += n
        if self.progress is not None and self.events >= self._next_report:
            self.progress(self.events)
            while self._next_report <= self.events:
                self._next_report += PROGRESS_EVERY
        return n

    def _open(self) -> None:
        self.close()
        project_id, iso_week = self._target
        relative = Path("events") / project_id / f"{iso_week}.jsonl"
        path = self.out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        # A file is written in one go; should a key come back, append instead of truncating.
        mode = "a" if self._target in self._seen else "w"
        # Text mode with newline="\n": identical bytes on every platform.
        # The handle outlives this call (closed in select/close), hence no context manager.
        self._handle = open(  # noqa: SIM115
            path, mode, encoding="utf-8", newline="\n", buffering=1 << 20
        )
        self._opened = self._target
        if self._target not in self._seen:
            self._seen.add(self._target)
            self.files.append(relative)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self._opened = None
