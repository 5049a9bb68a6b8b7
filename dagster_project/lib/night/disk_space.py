"""Disk space for a night: what the last night used, a pre-flight check against it, and naming
a full disk as the reason a night failed.

A night writes to the warehouse's file system (the warehouse, its write-ahead log and DuckDB's
spill folder beside it), to the site's (tonight's site is built beside the live one before the
swap) and to dbt's target folder. ``DiskWatch`` samples the free space of each of those file
systems while a night runs; what a successful night took at its lowest point is kept in
``<warehouse>.disk-use.json``, and the next night refuses to start on a file system with less
free space than that.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MB = 1_000_000
SAMPLE_SECONDS = 0.25
# What a full disk (or a full quota) says in the errors of DuckDB, dbt, Python and the OS.
_DISK_FULL = re.compile(
    r"No space left on device|Disk quota exceeded|\[Errno 28\]|\[Errno 122\]|ENOSPC|EDQUOT",
    re.IGNORECASE,
)
# A path quoted in an error message ("Could not write file "/x/y": No space left...").
_QUOTED_PATH = re.compile(r"""["'](/[^"'\n]+)["']""")


def usage_file(warehouse: Path) -> Path:
    return warehouse.with_name(f"{warehouse.name}.disk-use.json")


def _existing(path: Path) -> Path:
    """``path`` or its nearest existing ancestor (a night may not have created it yet)."""
    path = Path(path)
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def mount_point(path: Path) -> Path:
    path = _existing(path).resolve()
    while not os.path.ismount(path) and path != path.parent:
        path = path.parent
    return path


def free_bytes(path: Path) -> int:
    return shutil.disk_usage(_existing(path)).free


def night_folders(warehouse: Path, site: Path, dbt_target: Path) -> list[Path]:
    """One folder per file system a night writes to (the first named for each)."""
    seen: dict[int, Path] = {}
    for folder in (warehouse.parent, site.parent, dbt_target):
        device = _existing(folder).stat().st_dev
        seen.setdefault(device, Path(folder))
    return list(seen.values())


@dataclass(frozen=True)
class Shortage:
    folder: Path
    free: int
    needed: int

    def describe(self) -> str:
        mount = mount_point(self.folder)
        where = f"{mount}" if mount == Path(self.folder) else f"{mount} (for {self.folder})"
        return (
            f"not enough free disk at {where}: "
            f"{self.free / MB:,.1f} MB free, and the last successful night used "
            f"{self.needed / MB:,.1f} MB there. Free some space (older report snapshots: "
            "ANNOLYTICS_SNAPSHOT_RETENTION) or move the warehouse or site to a larger disk, then "
            "run again"
        )


def shortages(folders: Iterable[Path], warehouse: Path) -> list[Shortage]:
    """File systems with less free space than the last successful night used on them."""
    used = read_usage(warehouse)
    found = []
    for folder in folders:
        needed = used.get(str(mount_point(folder)), 0)
        free = free_bytes(folder)
        if needed and free < needed:
            found.append(Shortage(Path(folder), free, needed))
    return found


def read_usage(warehouse: Path) -> dict[str, int]:
    """Bytes the last successful night took at its lowest point, per mount point."""
    try:
        data = json.loads(usage_file(warehouse).read_text())
        return {str(key): int(value) for key, value in data["used_bytes"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def record_usage(warehouse: Path, used: dict[str, int]) -> None:
    """Best effort: a disk too full to take this small file leaves the last record as it is."""
    target = usage_file(warehouse)
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        temporary.write_text(json.dumps({"used_bytes": used}, indent=2, sort_keys=True))
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)


class DiskWatch:
    """Samples the free space of a night's file systems from a background thread; ``used``
    is, per mount point, the free space at the start less the least seen since."""

    def __init__(self, folders: Iterable[Path]):
        self.mounts = {str(mount_point(folder)): Path(folder) for folder in folders}
        self.start = {mount: free_bytes(folder) for mount, folder in self.mounts.items()}
        self.lowest = dict(self.start)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="disk-watch", daemon=True)

    def _sample_once(self) -> None:
        for mount, folder in self.mounts.items():
            with contextlib.suppress(OSError):  # a folder removed meanwhile: the next sample
                self.lowest[mount] = min(self.lowest[mount], free_bytes(folder))

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self._sample_once()

    def __enter__(self) -> DiskWatch:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()
        self._sample_once()

    @property
    def used(self) -> dict[str, int]:
        return {mount: max(0, self.start[mount] - self.lowest[mount]) for mount in self.mounts}


def is_disk_full(text: str) -> bool:
    return _DISK_FULL.search(text) is not None


def disk_full_reason(error_text: str, folders: Iterable[Path]) -> str:
    """'disk full at <mount>: N MB free' for the file system an error names (a quoted path in
    it), else for the fullest of the night's; with the error's own line."""
    quoted = [Path(match) for match in _QUOTED_PATH.findall(error_text)]
    candidates = quoted or list(folders)
    folder = min(candidates, key=lambda path: free_bytes(path))
    line = next(
        (line.strip() for line in error_text.splitlines() if _DISK_FULL.search(line)),
        "",
    )
    return (
        f"disk full at {mount_point(folder)}: {free_bytes(folder) / MB:,.1f} MB free ({line[:300]})"
    )
