"""One nightly run at a time per warehouse: an exclusive lock on ``<warehouse>.lock``.

The operating system releases the lock when the holder exits, however it exits (killed
included), so a crashed night never blocks the next one. The file names the holder so the
message of a refused run says who is busy.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


class WarehouseBusy(RuntimeError):
    """Another run holds the warehouse."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


@contextmanager
def warehouse_lock(warehouse: Path, wait_s: float = 0.0, poll_s: float = 0.5) -> Iterator[None]:
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    deadline = time.monotonic() + wait_s
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise WarehouseBusy(
                        f"{warehouse} is in use by {holder}; this run did not start. Wait for "
                        f"that run to finish, or pass --wait SECONDS to queue behind it."
                    ) from None
                time.sleep(poll_s)
        handle.seek(0)
        handle.truncate()
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        handle.write(f"nightly run pid {os.getpid()} started {started}")
        handle.flush()
        yield
    finally:
        handle.close()  # closing the file releases the lock
