"""Named points where a test can kill the nightly run, to prove a killed night loses nothing.

``ANNOLYTICS_FAILPOINT=<name>`` makes the run die at that point exactly as an out-of-memory
kill or a scheduler timeout would: SIGKILL, no cleanup, no exception handlers. A run started as
its own process group (the tests start it with ``start_new_session``) takes its children (the
dbt subprocess) with it. Unset, a failpoint does nothing.
"""

from __future__ import annotations

import os
import signal

from dagster_project.lib.settings import FAILPOINT_ENV, FAILPOINTS, failpoint_from_env

ENV = FAILPOINT_ENV  # the variable tests set
POINTS = FAILPOINTS


def failpoint(name: str) -> None:
    if name not in POINTS:
        raise ValueError(f"unknown failpoint {name!r}; known: {', '.join(POINTS)}")
    if failpoint_from_env() != name:
        return
    if os.getpgid(0) == os.getpid():  # a group of its own: kill the whole run
        os.killpg(os.getpid(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)
