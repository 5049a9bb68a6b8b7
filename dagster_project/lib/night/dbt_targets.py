"""One dbt target folder per warehouse, kept from night to night, and pruned when its
warehouse is gone.

dbt reuses its parse (partial_parse.msgpack in the target folder) only while the profile is
unchanged, and the profile holds the warehouse path; dagster-dbt's default, a new folder per
run, made every night parse the whole project again (~4 s of each night). Keyed by the
warehouse's path, the folders would pile up with every warehouse ever built (a test session
builds hundreds: 5 GB were seen), so each folder names its warehouse in a marker file and a
night removes the folders whose warehouse no longer exists.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

MARKER = "warehouse.path"
# A folder without a marker (written before markers existed) is removed once this old.
UNMARKED_MAX_AGE_S = 24 * 3600


def target_path(nights: Path, warehouse: Path) -> Path:
    """The folder for ``warehouse`` under ``nights``."""
    key = hashlib.sha256(str(warehouse).encode()).hexdigest()[:12]
    return nights / key


def claim(nights: Path, warehouse: Path) -> Path:
    """The warehouse's folder, created and marked with the warehouse's path."""
    folder = target_path(nights, warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / MARKER
    if not marker.is_file() or marker.read_text(encoding="utf-8") != str(warehouse):
        marker.write_text(str(warehouse), encoding="utf-8")
    return folder


def prune(nights: Path, keep: Path, now: float | None = None) -> list[Path]:
    """Remove the folders under ``nights`` whose marked warehouse no longer exists, and
    unmarked ones older than a day; never ``keep``. Returns what was removed. Best effort: a
    folder that cannot be read or removed is left as it is."""
    now = time.time() if now is None else now
    removed = []
    for folder in sorted(nights.iterdir()) if nights.is_dir() else []:
        if folder == keep or not folder.is_dir() or folder.is_symlink():
            continue
        try:
            marker = folder / MARKER
            if marker.is_file():
                gone = not Path(marker.read_text(encoding="utf-8")).exists()
            else:
                gone = now - folder.stat().st_mtime > UNMARKED_MAX_AGE_S
        except (OSError, UnicodeDecodeError):
            continue
        if gone:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
