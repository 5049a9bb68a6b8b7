"""`annolytics bench`: one table of what a night costs, against bare DuckDB, at one or more sizes.

Per size, each stage runs as its own process (its whole process tree's peak RSS is sampled):

- ``generate``: the synthetic history (bounded memory is one of the targets);
- ``reference``: ``benchmarks/reference/`` in one process on the same files: every SQL model in
  DuckDB and the statistics marts by the same ``lib.stats`` functions (``duckdb_reference.py``);
- ``pandas reference``: two marts by hand in pandas (``pandas_reference.py``);
- ``full run``: ``annolytics run`` on the history, fresh warehouse;
- ``incremental run``: 1 % more events land (mostly dated in the past), same warehouse.

Once per invocation, ``fixed overhead``: a night with nothing new on a warehouse holding only
the generator's minimum data set (the planted case studies), after one untimed first night.
Targets are checked on the largest size; results go to ``benchmarks/results/`` and are compared
with the committed baseline (``baseline.json``).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import psutil

from dagster_project.lib.bench.data import write_increment
from dagster_project.lib.bench.measure import Measurement, measure
from dagster_project.lib.night.step_times import PREFIX as STEPS_PREFIX
from dagster_project.lib.night.step_times import parse_step_times
from dagster_project.lib.settings import REPO_ROOT

WORK_DIR = REPO_ROOT / "benchmarks" / "work"
RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"
BASELINE = RESULTS_DIR / "baseline.json"
TARGETS = {
    "full_ratio_vs_reference": 1.3,
    "fixed_overhead_s": 15.0,
    "incremental_share": 0.20,
    "peak_rss_gb": 4.0,
    "site_mb": 150.0,
}
# The 14 nights the bench reports (the default snapshot retention), on disk at most this many
# times one snapshot.
KEPT_NIGHTS = 14
SITE_14_NIGHTS_X_SNAPSHOT = 2.0
GB = 1024**3
# The pandas reference holds the whole history in memory: 10.4 GB at 10 M events. Above this
# size it is skipped (it would not fit this 24 GB machine at 30 M); --pandas-up-to changes it.
PANDAS_REFERENCE_MAX_EVENTS = 10_000_000


@dataclass
class Stage:
    events: int
    stage: str
    wall_s: float
    cpu_s: float
    peak_rss_gb: float
    ratio_vs_reference: float | None = None
    # A night's steps and their seconds, from the `Steps:` line `annolytics run` prints.
    steps: dict[str, float] | None = None
    # What the night's report takes on disk afterwards (hard-linked files counted once).
    site_mb: float | None = None
    # The warehouse file (with its write-ahead log) after the night.
    warehouse_mb: float | None = None
    # What the night added to the site: files that are not hard links to last night's.
    site_added_mb: float | None = None


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def _run(command: list[str], log: Path, what: str) -> Measurement:
    print(f"  {what} ...", flush=True)
    result = measure(command, log)
    if result.exit_code != 0:
        raise SystemExit(f"bench: {what} failed (exit {result.exit_code}); see {log}")
    print(
        f"  {what}: {result.wall_s:.1f} s, CPU {result.cpu_s:.1f} s, "
        f"peak {result.peak_rss_bytes / GB:.2f} GB",
        flush=True,
    )
    return result


def _night(landing: Path, warehouse: Path, site: Path) -> list[str]:
    return _python(
        "-m", "dagster_project.cli", "run", "--landing", str(landing),
        "--warehouse", str(warehouse), "--site", str(site),
    )  # fmt: skip


def night_steps(log: Path) -> dict[str, float] | None:
    """The seconds of each step of the night logged in ``log`` (its last `Steps:` line)."""
    lines = [line for line in log.read_text().splitlines() if line.startswith(STEPS_PREFIX)]
    return parse_step_times(lines[-1]) if lines else None


def _quarantined(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute("select count(*) from raw.quarantine").fetchone()[0]


def disk_mb(folder: Path) -> float:
    """Disk used under ``folder`` in MB, as ``du`` counts it: allocated blocks, a file with
    several hard links once."""
    return _allocated_mb(folder.rglob("*"))


def _file_id(path: Path) -> tuple[int, int]:
    info = path.lstat()
    return info.st_dev, info.st_ino


def site_files(folder: Path) -> set[tuple[int, int]]:
    """The (device, inode) of every file under ``folder``: what a later night may link."""
    return {_file_id(path) for path in folder.rglob("*")}


def added_mb(folder: Path, before: set[tuple[int, int]]) -> float:
    """Disk taken by the files under ``folder`` that are none of ``before`` (site_files): what
    a night wrote, as opposed to what it linked from the night before."""
    return _allocated_mb(path for path in folder.rglob("*") if _file_id(path) not in before)


def _allocated_mb(paths) -> float:
    """Allocated blocks of ``paths`` in MB, a file with several hard links once."""
    seen: set[tuple[int, int]] = set()
    blocks = 0
    for path in paths:
        info = path.lstat()
        if (info.st_dev, info.st_ino) not in seen:
            seen.add((info.st_dev, info.st_ino))
            blocks += info.st_blocks
    return blocks * 512 / 1024**2


def fixed_overhead(work: Path) -> Stage:
    root = work / "fixed"
    shutil.rmtree(root, ignore_errors=True)
    landing = root / "landing"
    _run(_python("-m", "dagster_project.cli", "generate", "--out", str(landing), "--events", "0"),
         root / "generate.log", "generate minimum data set")  # fmt: skip
    night = _night(landing, root / "warehouse.duckdb", root / "site")
    _run(night, root / "first-night.log", "first night on the minimum data set (untimed)")
    result = _run(night, root / "empty-night.log", "night with nothing new (fixed overhead)")
    return Stage(
        0,
        "fixed overhead (nothing new)",
        result.wall_s,
        result.cpu_s,
        result.peak_rss_bytes / GB,
        steps=night_steps(root / "empty-night.log"),
    )


def warehouse_mb(warehouse: Path) -> float:
    """The warehouse file and its write-ahead log on disk, in MB."""
    files = [warehouse, warehouse.with_name(warehouse.name + ".wal")]
    return _allocated_mb(path for path in files if path.exists())


def bench_size(
    events: int, seed: int, work: Path, pandas_up_to: int = PANDAS_REFERENCE_MAX_EVENTS
) -> list[Stage]:
    root = work / f"{events}"
    shutil.rmtree(root, ignore_errors=True)
    landing, warehouse, site = root / "landing", root / "warehouse.duckdb", root / "site"
    print(f"{events:,} events", flush=True)
    generated = _run(
        _python("-m", "dagster_project.cli", "generate", "--out", str(landing),
                "--events", str(events), "--seed", str(seed)),
        root / "generate.log", "generate",
    )  # fmt: skip
    late_events = write_increment(root / "increment", events, seed)
    reference = _run(
        _python("-m", "dagster_project.lib.bench.duckdb_reference", str(landing),
                str(root / "reference.duckdb")),
        root / "reference.log", "reference (SQL + statistics)",
    )  # fmt: skip
    pandas = None
    if events <= pandas_up_to:
        pandas = _run(
            _python("-m", "dagster_project.lib.bench.pandas_reference", str(landing),
                    str(root / "pandas")),
            root / "pandas-reference.log", "pandas reference (2 marts)",
        )  # fmt: skip
    full = _run(_night(landing, warehouse, site), root / "full-run.log", "full run")
    full_site_mb, full_warehouse_mb = disk_mb(site), warehouse_mb(warehouse)
    full_site_files = site_files(site)
    if _quarantined(warehouse):
        raise SystemExit("bench: generated rows were quarantined; the reference assumes none")
    shutil.copytree(root / "increment" / "late", landing / "late")
    incremental = _run(
        _night(landing, warehouse, site), root / "incremental-run.log",
        f"incremental run (+{late_events:,} events)",
    )  # fmt: skip
    base = reference.wall_s

    incremental_added_mb = added_mb(site, full_site_files)

    def stage(
        name: str,
        m: Measurement,
        log: Path | None = None,
        site_size=None,
        warehouse_size=None,
        site_added=None,
    ) -> Stage:
        steps = night_steps(log) if log else None
        return Stage(
            events, name, m.wall_s, m.cpu_s, m.peak_rss_bytes / GB, m.wall_s / base, steps,
            site_size, warehouse_size, site_added,
        )  # fmt: skip

    return [
        stage("generate", generated),
        stage("reference (SQL + statistics)", reference),
        *([stage("pandas reference (2 marts)", pandas)] if pandas else []),
        stage("full run", full, root / "full-run.log", full_site_mb, full_warehouse_mb),
        stage(
            f"incremental run (+{late_events:,})",
            incremental,
            root / "incremental-run.log",
            disk_mb(site),
            warehouse_mb(warehouse),
            incremental_added_mb,
        ),
    ]


def summary(stages: list[Stage], fixed: Stage) -> dict:
    largest = max(s.events for s in stages)
    at = {s.stage.split(" (")[0]: s for s in stages if s.events == largest}
    full, reference, incremental = at["full run"], at["reference"], at["incremental run"]
    pipeline = [full, incremental, fixed]
    added = incremental.site_added_mb
    return {
        "events": largest,
        "full_run_s": round(full.wall_s, 1),
        "reference_s": round(reference.wall_s, 1),
        "full_ratio_vs_reference": round(full.wall_s / reference.wall_s, 2),
        "fixed_overhead_s": round(fixed.wall_s, 1),
        "incremental_run_s": round(incremental.wall_s, 1),
        "incremental_share": round(incremental.wall_s / full.wall_s, 3),
        "peak_rss_gb": round(max(s.peak_rss_gb for s in pipeline), 2),
        "generate_peak_rss_gb": round(at["generate"].peak_rss_gb, 3),
        "site_mb": round(full.site_mb, 1),
        # The site after the incremental night (published the same day: it replaces the full
        # night's dated copy, so this is one snapshot).
        "site_2_nights_mb": round(incremental.site_mb, 1),
        # What the incremental night wrote rather than linked from the night before, and the
        # disk of 14 such nights kept as snapshots: one site plus 13 nights' additions.
        "site_night_added_mb": None if added is None else round(added, 1),
        "site_14_nights_mb": (
            None if added is None else round(incremental.site_mb + (KEPT_NIGHTS - 1) * added, 1)
        ),
        "warehouse_mb": round(full.warehouse_mb, 1) if full.warehouse_mb is not None else None,
        # None when skipped at this size (PANDAS_REFERENCE_MAX_EVENTS).
        "pandas_reference_s": (
            round(at["pandas reference"].wall_s, 1) if "pandas reference" in at else None
        ),
        # CPU seconds (every core): the same comparisons, steadier than wall time when the
        # machine is shared; informational, the targets are on wall time.
        "full_run_cpu_s": round(full.cpu_s, 1),
        "reference_cpu_s": round(reference.cpu_s, 1),
        "full_cpu_ratio_vs_reference": round(full.cpu_s / reference.cpu_s, 2),
        "incremental_cpu_share": round(incremental.cpu_s / full.cpu_s, 3),
    }


def check_targets(result: dict) -> list[str]:
    lines = []
    for key, limit in TARGETS.items():
        value = result[key]
        verdict = "met" if value <= limit else "MISSED"
        lines.append(f"{key} = {value} (target <= {limit}): {verdict}")
    if result.get("site_14_nights_mb") is not None:
        limit = round(SITE_14_NIGHTS_X_SNAPSHOT * result["site_mb"], 1)
        verdict = "met" if result["site_14_nights_mb"] <= limit else "MISSED"
        lines.append(
            f"site_14_nights_mb = {result['site_14_nights_mb']} (target <= "
            f"{SITE_14_NIGHTS_X_SNAPSHOT:g}x one snapshot, {limit}): {verdict}"
        )
    if BASELINE.exists():
        baseline = json.loads(BASELINE.read_text())
        for key in ("full_ratio_vs_reference", "incremental_share"):
            if baseline.get("events") == result["events"] and key in baseline:
                change = result[key] / baseline[key] if baseline[key] else 1.0
                lines.append(
                    f"{key} vs baseline {baseline[key]}: x{change:.2f}"
                    + ("  (regression > 20 %)" if change > 1.2 else "")
                )
    return lines


def print_table(stages: list[Stage]) -> None:
    print(
        f"\n{'events':>12}  {'stage':<34} {'wall s':>8} {'CPU s':>8} {'peak RSS GB':>12} "
        f"{'x ref':>9}"
    )
    for s in stages:
        ratio = f"{s.ratio_vs_reference:.2f}" if s.ratio_vs_reference is not None else "-"
        print(
            f"{s.events:>12,}  {s.stage:<34} {s.wall_s:>8.1f} {s.cpu_s:>8.1f} "
            f"{s.peak_rss_gb:>12.2f} {ratio:>9}"
        )
    largest = max(s.events for s in stages)
    for s in stages:
        if s.steps and s.events == largest:
            outside_steps = s.wall_s - sum(s.steps.values())
            parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in s.steps.items())
            print(
                f"  {s.stage} at {s.events:,}: {parts}; "
                f"start-up and shut-down {outside_steps:.1f} s"
            )


def run(
    sizes: list[int],
    seed: int = 7,
    work: Path = WORK_DIR,
    pandas_up_to: int = PANDAS_REFERENCE_MAX_EVENTS,
) -> dict:
    started = time.monotonic()
    work.mkdir(parents=True, exist_ok=True)
    fixed = fixed_overhead(work)
    stages: list[Stage] = []
    for events in sorted(sizes):
        stages += bench_size(events, seed, work, pandas_up_to)
    print_table([fixed, *stages])
    result = {
        **summary(stages, fixed),
        "machine": {
            "cores": os.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / GB, 1),
            "python": platform.python_version(),
            "duckdb": duckdb.__version__,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "bench_wall_s": round(time.monotonic() - started, 1),
        "stages": [asdict(fixed), *(asdict(s) for s in stages)],
    }
    result["targets"] = check_targets(result)
    print("\n" + "\n".join(result["targets"]))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for path in (RESULTS_DIR / f"bench-{stamp}.json", RESULTS_DIR / "latest.json"):
        path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nResults: {RESULTS_DIR / 'latest.json'}")
    return result
