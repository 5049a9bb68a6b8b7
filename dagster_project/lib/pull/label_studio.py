"""Pull from a live Label Studio server into the landing folder, through label-studio-sdk.

What lands, under ``<landing>/instance=<name>/label-studio/`` (the instance folder scopes the
server's user ids: dbt's ``landing_instance``), each file named with the time of the pull so
that a later pull never overwrites an earlier one and the night's usual ingestion takes them
(a file with the same bytes as one already loaded is skipped; a newer export of the same
annotation supersedes the older copy in staging):

* ``users-<stamp>.json``: ``GET /api/users/`` as the SDK returns it (id -> email);
* ``project-<id>/export-<stamp>.json``: an export snapshot of the project in Label Studio's JSON
  format: every annotation (usual, ground truth, skipped) of every task that has one, the
  author as an object with its email, and each annotation's history where the server keeps
  one (Enterprise). Snapshots work on Community and Enterprise alike (Enterprise answers the
  simple export endpoint with 404); the snapshot is deleted from the server once downloaded;
* ``project-<id>/comments-<stamp>.json``: the project's comments (text, author, times,
  resolved) where the server has the comments API (Enterprise). Community answers 404: the
  pull says so and lands nothing.

A file is written under a dot name and renamed when complete, so a night that scans the
landing folder meanwhile never reads half a file. The token goes to the SDK only: it is never
logged, and any message that would quote it shows ``***``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")
# Server answers worth another try: rate limits and the server's own errors.
RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
EXPORT_TITLE = "annolytics pull"
# How long an export snapshot may take on the server before the project's pull gives up.
EXPORT_WAIT_S = 900.0
# Exports up to this size are parsed to count their tasks and annotations for the log.
COUNT_LIMIT_BYTES = 256 * 2**20
COMMUNITY_HAS_NO_COMMENTS = (
    "comments: not available on this server (Label Studio Community has no comments API; "
    "Enterprise has)"
)


class PullError(RuntimeError):
    """The server could not be read: what was asked, of which server, and why."""


@dataclass(frozen=True)
class LabelStudioServer:
    url: str
    token: str = field(repr=False)  # a secret: never shown
    instance: str
    projects: tuple[int, ...] = ()  # empty: every project the token can see
    attempts: int = 4
    backoff_s: float = 2.0
    timeout_s: float = 120.0


@dataclass
class ProjectPull:
    project_id: int
    title: str = ""
    export_file: str | None = None
    tasks: int | None = 0  # None: a large export, not counted
    annotations: int | None = 0
    comments_file: str | None = None
    comments: int | None = None
    error: str | None = None


@dataclass
class PullOutcome:
    server: str
    instance: str
    users_file: str | None = None
    users: int = 0
    projects: list[ProjectPull] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None  # the server as a whole could not be read

    @property
    def ok(self) -> bool:
        return self.error is None and all(p.error is None for p in self.projects)

    @property
    def files(self) -> list[str]:
        landed = [self.users_file] + [
            name for p in self.projects for name in (p.export_file, p.comments_file)
        ]
        return [name for name in landed if name]

    def summary(self) -> str:
        if self.error:
            return f"Label Studio pull from {self.server} failed: {self.error}"
        failed = [p for p in self.projects if p.error]
        done = [p for p in self.projects if not p.error and p.export_file]
        empty = [p for p in self.projects if not p.error and not p.export_file]
        counted = [p for p in done if p.tasks is not None]
        text = (
            f"Label Studio pull from {self.server} (instance {self.instance}): "
            f"{self.users} users, {len(done)} project(s) exported "
            f"({sum(p.tasks for p in counted)} tasks, {sum(p.annotations for p in counted)} "
            f"annotations{'' if len(counted) == len(done) else ' in those counted'}), "
            f"{len(self.files)} file(s) landed"
        )
        if empty:
            text += "; no annotated task yet in project " + ", ".join(
                str(p.project_id) for p in empty
            )
        if failed:
            text += "; failed: " + "; ".join(f"project {p.project_id}: {p.error}" for p in failed)
        return text + "".join(f"; {note}" for note in self.notes)


def default_instance(url: str) -> str:
    """A name for the server's landing folder: its host, and its port when one is given."""
    parts = urlsplit(url)
    host = (parts.hostname or "label-studio").lower()
    return f"{host}-{parts.port}" if parts.port else host


def stamp(moment: datetime) -> str:
    """UTC to the microsecond: names sort in the order the pulls were taken."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")


class _Session:
    """The SDK client with retries, backoff and messages that never quote the token."""

    def __init__(self, server: LabelStudioServer, log: Callable[[str], None], sleep=time.sleep):
        try:
            from label_studio_sdk import LabelStudio
        except ImportError as error:  # an install without the extra
            raise PullError(
                "label-studio-sdk is not installed: pip install 'annolytics[label-studio]'"
            ) from error
        self.server = server
        self.log = log
        self.sleep = sleep
        self.client = LabelStudio(
            base_url=server.url, api_key=server.token, timeout=server.timeout_s
        )

    def scrub(self, text: str) -> str:
        token = self.server.token
        # A real token is 40 hex digits or a JWT; a shorter one is no secret worth hiding.
        return text.replace(token, "***") if len(token) >= 8 else text

    def describe(self, error: Exception) -> str:
        from label_studio_sdk.core.api_error import ApiError

        if isinstance(error, ApiError):
            body = error.body
            if isinstance(body, dict):
                body = body.get("detail") or body
            shown = " ".join(str(body).split())[:200] if body is not None else ""
            if shown.lstrip().startswith("<"):
                shown = "(an HTML page)"
            hint = {
                401: "the token was refused: check ANNOLYTICS_LABEL_STUDIO_TOKEN",
                403: "the token's user may not read this: use an administrator's or owner's",
                404: "not found on this server",
            }.get(error.status_code or 0, "")
            text = f"HTTP {error.status_code} {shown}".strip()
            return self.scrub(f"{text} ({hint})" if hint else text)
        return self.scrub(f"{type(error).__name__}: {error}")

    def call(self, what: str, action: Callable[[], T]) -> T:
        """``action`` with up to ``attempts`` tries, waiting backoff, 2x backoff, ... between
        them, for errors a later try can cure (no connection, time-outs, 429, 5xx)."""
        import httpx
        from label_studio_sdk.core.api_error import ApiError

        for attempt in range(1, self.server.attempts + 1):
            try:
                return action()
            except (httpx.TransportError, ApiError) as error:
                transient = isinstance(error, httpx.TransportError) or (
                    error.status_code in RETRY_STATUS
                )
                if not transient or attempt == self.server.attempts:
                    tries = f" after {attempt} tries" if attempt > 1 else ""
                    raise PullError(f"{what}{tries}: {self.describe(error)}") from None
                wait = self.server.backoff_s * 2 ** (attempt - 1)
                self.log(
                    f"{what}: {self.describe(error)}; try {attempt + 1} of "
                    f"{self.server.attempts} in {wait:g} s"
                )
                self.sleep(wait)
        raise AssertionError("unreachable")


def _fresh(target: Path) -> Path:
    """``target``, or ``<stem>-2``, ``-3``... when a pull in the same second landed it: a landed
    file is never overwritten (ingestion would take the new bytes for a changed file)."""
    candidate, number = target, 1
    while candidate.exists():
        number += 1
        candidate = target.with_name(f"{target.stem}-{number}{target.suffix}")
    return candidate


def _write_json(target: Path, value: Any) -> None:
    _write_bytes(target, [json.dumps(value, ensure_ascii=False, indent=1).encode() + b"\n"])


def _write_bytes(
    target: Path, chunks: Iterable[bytes], keep: Callable[[Path], bool] | None = None
) -> bool:
    """Write under a dot name in the same folder, then rename: never half a file in view.
    With ``keep``, the complete file is renamed only when ``keep(partial)`` says so."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    try:
        with open(partial, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        if keep is not None and not keep(partial):
            return False
        os.replace(partial, target)
        return True
    finally:
        partial.unlink(missing_ok=True)


def _dumped(item: Any) -> Any:
    return item.model_dump(mode="json", by_alias=True, exclude_unset=True)


def pull_label_studio(
    server: LabelStudioServer,
    landing: Path,
    log: Callable[[str], None] = print,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> PullOutcome:
    """Land the server's users list and each project's export (and comments where the server
    has them). Never raises for the server: what failed is in the outcome."""
    outcome = PullOutcome(server=server.url, instance=server.instance)
    when = stamp(now or datetime.now(UTC))
    root = landing / f"instance={server.instance}" / "label-studio"
    try:
        session = _Session(server, log, sleep)
        users = session.call(
            "listing users", lambda: [_dumped(u) for u in session.client.users.list()]
        )
        project_ids = server.projects or tuple(
            session.call("listing projects", lambda: [p.id for p in session.client.projects.list()])
        )
    except PullError as error:
        outcome.error = str(error)
        return outcome
    target = _fresh(root / f"users-{when}.json")
    _write_json(target, users)
    outcome.users_file, outcome.users = str(target.relative_to(landing)), len(users)
    log(f"Label Studio {server.url}: {len(users)} users -> {outcome.users_file}")
    comments_available = True
    for project_id in project_ids:
        pulled = ProjectPull(project_id)
        outcome.projects.append(pulled)
        try:
            _pull_project(session, pulled, root / f"project-{project_id}", landing, when)
            if comments_available:
                comments_available = _pull_comments(session, pulled, root, landing, when)
                if not comments_available:
                    outcome.notes.append(COMMUNITY_HAS_NO_COMMENTS)
        except PullError as error:
            pulled.error = str(error)
            log(f"Label Studio project {project_id}: {pulled.error}")
    return outcome


def _pull_project(
    session: _Session, pulled: ProjectPull, folder: Path, landing: Path, when: str
) -> None:
    client, project_id = session.client, pulled.project_id
    project = session.call(f"reading project {project_id}", lambda: client.projects.get(project_id))
    pulled.title = project.title or ""
    snapshot = session.call(
        f"exporting project {project_id}",
        lambda: client.projects.exports.create(
            project_id,
            title=EXPORT_TITLE,
            serialization_options={
                "annotations__completed_by": {"only_id": False},
                "include_annotation_history": True,
            },
            annotation_filter_options={"usual": True, "ground_truth": True, "skipped": True},
            task_filter_options={"only_with_annotations": True},
        ),
    )
    deadline = time.monotonic() + EXPORT_WAIT_S
    status = snapshot.status
    while status not in ("completed", "failed"):
        if time.monotonic() > deadline:
            raise PullError(f"export of project {project_id} not ready after {EXPORT_WAIT_S:g} s")
        session.sleep(0.5)
        status = session.call(
            f"waiting for the export of project {project_id}",
            lambda: client.projects.exports.get(project_id, snapshot.id).status,
        )
    if status == "failed":
        raise PullError(f"Label Studio failed to export project {project_id} (see its logs)")
    target = _fresh(folder / f"export-{when}.json")

    def counted(partial: Path) -> bool:
        """Count what the export holds (a large one is not parsed here); an empty export (no
        annotated task) is not landed: it would be quarantined as such every night."""
        if partial.stat().st_size > COUNT_LIMIT_BYTES:
            pulled.tasks = pulled.annotations = None
            return True
        tasks = json.loads(partial.read_bytes())
        pulled.tasks = len(tasks)
        pulled.annotations = sum(len(task.get("annotations") or []) for task in tasks)
        return bool(tasks)

    landed = session.call(
        f"downloading the export of project {project_id}",
        lambda: _write_bytes(
            target,
            client.projects.exports.download(project_id, snapshot.id, export_type="JSON"),
            counted,
        ),
    )
    try:
        session.call(
            f"deleting the export snapshot of project {project_id}",
            lambda: client.projects.exports.delete(project_id, snapshot.id),
        )
    except PullError as error:  # the export is landed; a leftover snapshot is only clutter
        session.log(str(error))
    if not landed:
        session.log(f"Label Studio project {project_id} ({pulled.title}): no annotated task yet")
        return
    pulled.export_file = str(target.relative_to(landing))
    held = (
        "a large export"
        if pulled.tasks is None
        else f"{pulled.tasks} tasks, {pulled.annotations} annotations"
    )
    session.log(
        f"Label Studio project {project_id} ({pulled.title}): {held} -> {pulled.export_file}"
    )


def _pull_comments(
    session: _Session, pulled: ProjectPull, root: Path, landing: Path, when: str
) -> bool:
    """Land the project's comments; False when the server has no comments API."""
    from label_studio_sdk.core.api_error import ApiError

    project_id = pulled.project_id

    def listing() -> list | None:
        try:
            return session.client.comments.list(projects=str(project_id), expand_created_by=True)
        except ApiError as error:
            if error.status_code == 404:
                return None
            raise

    comments = session.call(f"listing the comments of project {project_id}", listing)
    if comments is None:
        return False
    items = [_dumped(c) for c in comments]
    pulled.comments = len(items)
    if not items:  # nothing to land (an empty list would read as an empty export)
        return True
    target = _fresh(root / f"project-{project_id}" / f"comments-{when}.json")
    _write_json(target, items)
    pulled.comments_file = str(target.relative_to(landing))
    return True


def server_from_settings(settings: Any) -> LabelStudioServer | None:
    """The server ``Settings`` name (lib/settings.py), or None when no URL is set."""
    if not settings.label_studio_url:
        return None
    if not settings.label_studio_token:
        raise PullError(
            f"ANNOLYTICS_LABEL_STUDIO_URL is set ({settings.label_studio_url}) but "
            "ANNOLYTICS_LABEL_STUDIO_TOKEN is not: set the API token of a user who can export "
            "the projects (Label Studio: Account & Settings, Access Token)"
        )
    return LabelStudioServer(
        url=settings.label_studio_url,
        token=settings.label_studio_token,
        instance=settings.label_studio_instance or default_instance(settings.label_studio_url),
        projects=settings.label_studio_projects,
        attempts=settings.pull_attempts,
        backoff_s=settings.pull_backoff_s,
    )
