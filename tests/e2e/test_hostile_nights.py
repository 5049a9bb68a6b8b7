"""Hostile input and full disks, end to end: real nights (Dagster in process, dbt, GX, site).

- A landing folder with a link to a secret file, a link to a folder, a named pipe and a poison
  file (a line nested 10,000 levels deep, NaN and Infinity in fields and labels, a vertex count
  dbt's cast would choke on) publishes a night; the report names the refused entries and shows
  nothing of what they lead to; the night after it goes on as usual.
- Models out of DuckDB's memory limit are built again one at a time (only what failed or was
  skipped), and a limit too small even for that is named as such, with the setting to raise.
- A full disk is named as such (not as the checks that could not run after it), the failure
  path survives it, the next night recovers once space is freed, and a night with less free
  space than the last one used is refused before it starts. The disk is a small tmpfs mounted
  for the test, which needs root (CI runs as root).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from support.events import submitted

from dagster_project.lib.night.disk_space import MB, free_bytes, read_usage
from dagster_project.lib.synthetic import generate

pytestmark = pytest.mark.slow
MARKER = "root:x:0:0:secret-marker"


def run(
    landing: Path, warehouse: Path, site: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """``annolytics run`` as the nightly schedule runs it, in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "run", "--landing", str(landing),
         "--warehouse", str(warehouse), "--site", str(site)],
        capture_output=True, text=True, timeout=900, env={**os.environ, **(env or {})},
    )  # fmt: skip


def event(event_id: str, **fields) -> str:
    box = [{"class": "car", "shape": "bbox", "vertices": 4, "bbox": [1, 2, 3, 4]}]
    return submitted(event_id, project_id="proj-hostile", labels=box, **fields)


def hostile_landing(root: Path) -> Path:
    landing = root / "landing"
    generate(landing / "good", events=3000, seed=11)
    secret = root / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_text(f"{MARKER}:/root:/bin/bash\n")
    (landing / "faults").mkdir()
    os.symlink(secret, landing / "faults" / "passwd.jsonl")
    os.symlink(secret.parent, landing / "share")
    os.mkfifo(landing / "faults" / "pipe.jsonl")
    deep = "[" * 10_000 + "]" * 10_000
    inf_confidence = '"vertices": 4, "confidence": Infinity'
    lines = [
        event("deep-duration").replace('"duration_s": 30', f'"duration_s": {deep}'),
        event("nan-duration").replace('"duration_s": 30', '"duration_s": NaN'),
        event("inf-confidence", confidence=0.5).replace("0.5", "Infinity"),
        event("nan-bbox").replace("[1, 2, 3, 4]", "[NaN, 1, 2, Infinity]"),
        event("inf-label-confidence").replace('"vertices": 4', inf_confidence),
        event("text-vertices").replace('"vertices": 4', '"vertices": "6.0"'),
        "",  # a blank line: this file is read by the Python reader
        event("kept"),
    ]  # fmt: skip
    (landing / "faults" / "poison.jsonl").write_text("\n".join(lines) + "\n")
    return landing


def test_a_hostile_landing_folder_publishes_a_night_and_the_next_one(tmp_path):
    landing = hostile_landing(tmp_path)
    warehouse, site = tmp_path / "w.duckdb", tmp_path / "site"
    first = run(landing, warehouse, site)
    assert first.returncode == 0, first.stderr[-3000:]

    with duckdb.connect(str(warehouse), read_only=True) as connection:
        refused = connection.execute(
            "select source_file from staging.stg_ingest__files where status = 'refused' order by 1"
        ).fetchall()
        poison = dict(
            connection.execute(
                "select record_number, field from raw.quarantine "
                "where _source_file = 'faults/poison.jsonl'"
            ).fetchall()
        )
        loaded = connection.execute(
            "select event_id from raw.events where _source_file = 'faults/poison.jsonl'"
        ).fetchall()
        non_finite_labels = connection.execute(
            "select count(*) from core.fct_labels where isnan(confidence) or isinf(confidence) "
            "or list_bool_or(list_transform(bbox, lambda x: isnan(x) or isinf(x)))"
        ).fetchone()[0]
        non_finite_events = connection.execute(
            "select count(*) from raw.events where isnan(duration_s) or isinf(duration_s) "
            "or isnan(confidence) or isinf(confidence) or labels similar to '.*(NaN|Infinity).*'"
        ).fetchone()[0]
    assert refused == [("faults/passwd.jsonl",), ("faults/pipe.jsonl",), ("share",)]
    assert poison == {
        1: "duration_s",
        2: "duration_s",
        3: "confidence",
        4: "labels[0].bbox",
        5: "labels[0].confidence",
        6: "labels[0].vertices",
    }
    assert loaded == [("kept",)]
    assert non_finite_labels == 0 and non_finite_events == 0

    published = "\n".join(
        path.read_text(errors="replace") for path in site.rglob("*") if path.is_file()
    )
    assert MARKER not in published and "/bin/bash" not in published
    quality = (site / "data_quality.html").read_text()
    assert "faults/passwd.jsonl" in quality and "refused: a symbolic link" in quality

    generate(landing / "next", events=500, seed=12)
    second = run(landing, warehouse, site)
    assert second.returncode == 0, second.stderr[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        statuses = dict(
            connection.execute(
                "select source_file, status from raw.ingest_manifest where source_file like "
                "'next/%' or source_file like 'faults/%'"
            ).fetchall()
        )
    assert statuses["faults/poison.jsonl"] == "loaded"
    assert {status for name, status in statuses.items() if name.startswith("next/")} == {"loaded"}


@pytest.fixture
def small_disk(tmp_path):
    """A 48 MB tmpfs, mounted for the test and removed after it. Mounting needs root, as CI
    runs; elsewhere the test fails and says so (never skipped: CI runs every test)."""
    if os.geteuid() != 0:
        pytest.fail(
            "mounting a small tmpfs needs root: run the end-to-end tests as root, as CI does"
        )
    mount = tmp_path / "small-disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave_bytes: int) -> Path:
    """A file taking all but ``leave_bytes`` of the disk's free space."""
    filler = disk / "filler"
    size = max(0, free_bytes(disk) - leave_bytes)
    with filler.open("wb") as out:
        out.truncate(0)
        chunk = b"\0" * (1 << 20)
        while size > 0:
            size -= out.write(chunk[: min(len(chunk), size)])
    return filler


def test_a_full_disk_is_named_survived_and_recovered_from(tmp_path, small_disk):
    landing = tmp_path / "landing"
    generate(landing / "first", events=20_000, seed=21)
    warehouse, site = small_disk / "w.duckdb", small_disk / "site"

    filler = fill(small_disk, 3 * MB)
    full = run(landing, warehouse, site)
    assert full.returncode == 1
    reason = full.stderr.strip().splitlines()[-1]
    assert f"disk full at {small_disk}" in full.stderr, full.stderr[-3000:]
    assert "No space left on device" in full.stderr
    assert "blocking check failed" not in full.stderr
    assert "Traceback" not in full.stderr, full.stderr[-3000:]
    assert reason.startswith("annolytics") and "MB free" in full.stderr

    filler.unlink()
    recovered = run(landing, warehouse, site)
    assert recovered.returncode == 0, recovered.stderr[-3000:]
    assert json.loads((site / "assets" / "status.json").read_text())["state"] == "published"
    used = read_usage(warehouse)[str(small_disk)]
    assert used > 0

    generate(landing / "second", events=500, seed=22)
    fill(small_disk, used // 2)
    refused = run(landing, warehouse, site)
    assert refused.returncode == 1
    assert f"not enough free disk at {small_disk}: " in refused.stderr
    assert f"the last successful night used {used / MB:,.1f} MB there" in refused.stderr
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        assert connection.execute(
            "select count(*) from raw.ingest_manifest where source_file like 'second/%'"
        ).fetchone() == (0,)  # refused before anything was read
    shutil.rmtree(landing / "second")


DBT_DONE = re.compile(
    r"Done\. PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+) NO-OP=(\d+) TOTAL=(\d+)"
)


def test_models_out_of_memory_are_built_again_one_at_a_time_then_named(tmp_path):
    """20 MB lets ingestion through and some models not even alone (measured: two or three of
    them fail two at a time, one or two of those alone), so both passes run and the night fails
    on memory, not on anything else."""
    landing = tmp_path / "landing"
    generate(landing, events=3000, seed=11)
    small = {"ANNOLYTICS_DUCKDB_MEMORY_LIMIT": "20MB"}
    night = run(landing, tmp_path / "w.duckdb", tmp_path / "site", env=small)
    output = night.stdout + night.stderr
    assert night.returncode == 1, output[-3000:]
    assert "ran out of DuckDB's 20MB memory limit with two models built at a time" in output
    first, again = [[int(n) for n in done] for done in DBT_DONE.findall(output)]
    assert first[2] > 0  # errors
    # The second pass builds exactly what failed or was skipped, one at a time.
    assert again[5] == first[2] + first[3]
    assert again[0] < again[5]
    assert re.search(
        r"Running dbt command: `\S*dbt build .*--threads 1 --state \S+first_pass "
        r"--indirect-selection empty .*--exclude result:",
        output,
    )
    reason = night.stderr.strip().splitlines()[-1]
    assert reason.startswith("annolytics run FAILED after ")
    assert "out of memory: DuckDB's memory limit was too small; " in reason
    assert "raise ANNOLYTICS_DUCKDB_MEMORY_LIMIT" in reason
    assert "Out of Memory Error" in output
    assert "Traceback" not in night.stderr, night.stderr[-3000:]
