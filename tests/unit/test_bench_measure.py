"""The benchmark's measurement counts the whole process tree: a night is Dagster, which starts
dbt, which runs the Python models; the site renders in worker processes."""

import sys
from pathlib import Path

from dagster_project.lib.bench.measure import measure

# A child that starts a grandchild; the grandchild holds ~200 MB and spins ~1 s of CPU, then
# the child waits for it (as Dagster waits for dbt).
GRANDCHILD = """
import time
held = bytearray(200 * 2**20)
for i in range(0, len(held), 4096):
    held[i] = 1
end = time.process_time() + 1.0
while time.process_time() < end:
    pass
time.sleep(0.5)
"""
CHILD = f"""
import subprocess, sys
subprocess.run([sys.executable, "-c", {GRANDCHILD!r}], check=True)
print("child done")
"""


def test_measure_counts_the_cpu_and_memory_of_grandchildren(tmp_path: Path):
    log = tmp_path / "tree.log"
    result = measure([sys.executable, "-c", CHILD], log)

    assert result.exit_code == 0
    assert log.read_text().strip() == "child done"
    assert result.cpu_s >= 1.0  # the grandchild's spin alone
    assert result.cpu_s < result.wall_s + 1.0  # one busy process at a time, plus start-ups
    assert result.peak_rss_bytes >= 200 * 2**20  # the grandchild's bytes, sampled while held
    samples = (tmp_path / "tree.log.rss.tsv").read_text().splitlines()
    assert samples[0] == "seconds\trss_mb"
    assert max(int(line.split("\t")[1]) for line in samples[1:]) >= 200


def test_measure_reports_a_failing_command(tmp_path: Path):
    result = measure([sys.executable, "-c", "raise SystemExit(3)"], tmp_path / "fail.log")
    assert result.exit_code == 3
    assert result.cpu_s >= 0.0


def test_night_steps_reads_the_last_steps_line_of_a_night_log(tmp_path: Path):
    from dagster_project.lib.bench.run import night_steps

    log = tmp_path / "night.log"
    log.write_text(
        "Nightly run: a -> b\n"
        "Steps: raw_layer 1.0 s\n"  # an earlier night in the same log
        "2026-11-24 12:00:00 +0000 - dagster - INFO - ... - Report published\n"
        "Steps: raw_layer 37.4 s, warehouse_models 87.0 s, reports__site 16.6 s\n"
        "Nightly run finished in 145.0 s.\n"
    )
    assert night_steps(log) == {"raw_layer": 37.4, "warehouse_models": 87.0, "reports__site": 16.6}
    log.write_text("Nightly run: a -> b\n")
    assert night_steps(log) is None


def test_the_steps_line_reads_back_as_written():
    from dagster_project.lib.night.step_times import format_step_times, parse_step_times

    line = format_step_times([("raw_layer", 37.44), ("warehouse_models", 87.0), ("a_b", 0.04)])
    assert line == "Steps: raw_layer 37.4 s, warehouse_models 87.0 s, a_b 0.0 s"
    assert parse_step_times(line) == {"raw_layer": 37.4, "warehouse_models": 87.0, "a_b": 0.0}
    assert format_step_times([]) == "Steps: none finished"
    assert parse_step_times(format_step_times([])) == {}


def test_site_disk_counts_a_hard_linked_file_once(tmp_path: Path):
    from dagster_project.lib.bench.run import disk_mb

    site = tmp_path / "site"
    (site / "nights" / "1").mkdir(parents=True)
    page = site / "index.html"
    page.write_bytes(b"x" * 2**20)
    once = disk_mb(site)
    assert 1.0 <= once < 1.1
    # Another night's snapshot of the same page, hard-linked: no more disk.
    (site / "nights" / "1" / "index.html").hardlink_to(page)
    assert disk_mb(site) == once
    (site / "nights" / "1" / "copy.html").write_bytes(page.read_bytes())
    assert disk_mb(site) >= 2 * once - 0.01


def test_what_a_night_adds_is_the_files_it_did_not_link_from_the_night_before(tmp_path: Path):
    from dagster_project.lib.bench.run import added_mb, site_files

    last, tonight = tmp_path / "last", tmp_path / "tonight"
    last.mkdir()
    tonight.mkdir()
    (last / "kept.html").write_bytes(b"k" * 2**20)
    (last / "changed.html").write_bytes(b"c" * 2**20)
    before = site_files(last)
    (tonight / "kept.html").hardlink_to(last / "kept.html")
    (tonight / "changed.html").write_bytes(b"C" * 2**20)
    (tonight / "new.html").write_bytes(b"n" * 2**20)
    assert 2.0 <= added_mb(tonight, before) < 2.1


def test_the_summary_compares_the_full_night_with_the_reference_doing_the_same_work():
    from dagster_project.lib.bench.run import Stage, check_targets, summary

    def at(stage, wall, site_mb=None, site_added_mb=None):
        return Stage(1000, stage, wall, wall, 1.0, site_mb=site_mb, site_added_mb=site_added_mb)

    stages = [
        at("generate", 1.0),
        at("reference (SQL + statistics)", 10.0),
        at("pandas reference (2 marts)", 5.0),
        at("full run", 12.0, site_mb=100.0),
        at("incremental run (+10)", 3.0, site_mb=140.0, site_added_mb=5.0),
    ]
    result = summary(stages, Stage(0, "fixed overhead (nothing new)", 2.0, 2.0, 0.5))
    assert result["full_ratio_vs_reference"] == 1.2
    assert result["incremental_share"] == 0.25
    assert (result["site_mb"], result["site_2_nights_mb"]) == (100.0, 140.0)
    # One site and 13 more nights' additions: 140 + 13 x 5.
    assert (result["site_night_added_mb"], result["site_14_nights_mb"]) == (5.0, 205.0)
    verdicts = check_targets(result)
    assert "site_14_nights_mb = 205.0 (target <= 2x one snapshot, 200.0): MISSED" in verdicts
    assert "full_ratio_vs_reference = 1.2 (target <= 1.3): met" in verdicts
    assert "incremental_share = 0.25 (target <= 0.2): MISSED" in verdicts


def test_a_size_without_the_pandas_reference_still_summarises(tmp_path):
    """Above PANDAS_REFERENCE_MAX_EVENTS the in-memory pandas reference is skipped; the summary
    says so (None) and still reports the warehouse's size on disk."""
    from dagster_project.lib.bench.run import Stage, summary, warehouse_mb

    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"x" * 2 * 1024**2)
    (tmp_path / "warehouse.duckdb.wal").write_bytes(b"x" * 1024**2)
    assert warehouse_mb(warehouse) >= 3.0
    stages = [
        Stage(1000, "generate", 1.0, 1.0, 1.0),
        Stage(1000, "reference (SQL + statistics)", 10.0, 10.0, 1.0),
        Stage(1000, "full run", 12.0, 12.0, 1.0, site_mb=1.0, warehouse_mb=30.0),
        Stage(1000, "incremental run (+10)", 3.0, 3.0, 1.0, site_mb=1.0, warehouse_mb=31.0),
    ]
    result = summary(stages, Stage(0, "fixed overhead (nothing new)", 2.0, 2.0, 0.5))
    assert result["pandas_reference_s"] is None
    assert result["warehouse_mb"] == 30.0
