"""No credentials in the repository, in the run's logs or in the published site; no absolute
local path in the site (it is copied to file shares and sent outside the team)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from support.nights import FIXTURES

from dagster_project.lib.settings import REPO_ROOT

# Shapes of real credentials (assembled so this file does not match itself).
CREDENTIAL_SHAPES = [
    re.compile("-----BEGIN [A-Z ]*" + "PRIVATE KEY-----"),
    re.compile("AK" + "IA[0-9A-Z]{16}"),
    re.compile("gh" + "[pousr]_[A-Za-z0-9]{36}"),
    re.compile("xox" + "[abpr]-[0-9A-Za-z-]{10,}"),
    re.compile(
        r"""(?i)\b(password|passwd|api[_-]?key|secret|token)\b["']?\s*[:=]\s*["'][^"'\s{}$]{8,}["']"""
    ),
]


def test_the_repository_holds_no_credentials():
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    offenders = []
    for name in filter(None, tracked):
        path = REPO_ROOT / name
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        text = path.read_bytes().decode("utf-8", "ignore")
        offenders += [
            f"{name}: {shape.pattern}" for shape in CREDENTIAL_SHAPES if shape.search(text)
        ]
    assert offenders == []


def test_tokens_and_local_paths_stay_out_of_logs_and_site(tmp_path):
    secret = "ls-" + os.urandom(12).hex()
    root = tmp_path / "night"
    (root / "landing").mkdir(parents=True)
    shutil.copy(FIXTURES / "events" / "hand_computed.jsonl", root / "landing")
    env = {**os.environ, "LABEL_STUDIO_API_TOKEN": secret, "ANNOLYTICS_API_TOKEN": secret}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "dagster_project.cli",
            "run",
            "--landing",
            str(root / "landing"),
            "--warehouse",
            str(root / "warehouse.duckdb"),
            "--site",
            str(root / "site"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert secret not in run.stdout + run.stderr
    forbidden = {secret, str(tmp_path), str(REPO_ROOT), str(Path.home()) + "/"}
    published = [path for path in (root / "site").rglob("*") if path.is_file()]
    assert any(path.suffix == ".html" for path in published)
    leaks = [
        f"{path.relative_to(root / 'site')}: {needle}"
        for path in published
        for needle in forbidden
        if needle in path.read_bytes().decode("utf-8", "ignore")
    ]
    assert leaks == []
