"""A real Label Studio server for the tests: installed from PyPI into its own virtual
environment (cached between runs, outside the clone), started on 127.0.0.1 with SQLite in a
temporary folder, stopped when the test is done.

The cache lives in ``$ANNOLYTICS_TEST_CACHE`` (default ``~/.cache/annolytics``); the first run
installs Label Studio there (about 2 minutes here), under a lock so that parallel sessions do
not install it twice. The server and its tools (``label-studio shell`` creates the users) come
from ``tests/fixtures/label_studio/make_fixture.py``, which also made the committed fixture.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dagster_project.lib.settings import REPO_ROOT

VERSION = "1.23.2"  # the version the committed fixture was made with
MAKE_FIXTURE = REPO_ROOT / "tests" / "fixtures" / "label_studio" / "make_fixture.py"


def _cache() -> Path:
    default = Path.home() / ".cache" / "annolytics"
    return Path(os.environ.get("ANNOLYTICS_TEST_CACHE") or default)


def fixture_maker():
    """tests/fixtures/label_studio/make_fixture.py as a module (server, users, the plan)."""
    spec = importlib.util.spec_from_file_location("ls_make_fixture", MAKE_FIXTURE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def label_studio_executable() -> Path:
    """``label-studio`` from the cached environment, installed first if missing."""
    home = _cache() / f"label-studio-{VERSION}"
    executable, installed = home / "bin" / "label-studio", home / ".installed"
    if installed.exists():
        return executable
    home.parent.mkdir(parents=True, exist_ok=True)
    with open(home.parent / f".label-studio-{VERSION}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if installed.exists():  # another session installed it meanwhile
            return executable
        shutil.rmtree(home, ignore_errors=True)  # what an interrupted install left
        print(f"installing label-studio=={VERSION} into {home} (once)", file=sys.stderr)
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(home)], check=True)
        subprocess.run(
            [str(home / "bin" / "python"), "-m", "pip", "install", "--quiet",
             f"label-studio=={VERSION}"],
            check=True,
        )  # fmt: skip
        installed.touch()
    return executable


@dataclass
class Server:
    url: str
    token: str  # the admin's legacy API token
    executable: Path
    env: dict[str, str]
    log: Path


@contextmanager
def running_server(scratch: Path) -> Iterator[Server]:
    """A fresh Label Studio on a free port of 127.0.0.1, with its data in ``scratch``."""
    maker = fixture_maker()
    executable = label_studio_executable()
    port = maker.free_port()
    scratch.mkdir(parents=True, exist_ok=True)
    env = maker.server_env(scratch / "data")
    log_path = scratch / "server.log"
    server = Server(f"http://127.0.0.1:{port}", maker.ADMIN_TOKEN, executable, env, log_path)
    with maker.started_server(str(executable), port, env, log_path):
        maker.Api(server.url).wait()
        yield server
