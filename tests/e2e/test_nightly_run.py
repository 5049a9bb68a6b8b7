"""`annolytics run` end to end: exit codes, the one-line reason, the published site."""

from __future__ import annotations

import re
import shutil

from support.nights import FIXTURES, run_nightly

from dagster_project.cli import main


def test_blocking_check_stops_publication_and_keeps_last_site(tmp_path, capsys):
    good = run_nightly(
        tmp_path / "good", {"hand.jsonl": FIXTURES / "events" / "hand_computed.jsonl"}
    )
    assert good.exit_code == 0
    published = (good.site / "index.html").read_text()
    # A night whose landing folder holds tasks but no annotation yet: the mart of annotator
    # performance is empty, and its GX suite blocks.
    (tmp_path / "tasks_only").mkdir()
    shutil.copyfile(FIXTURES / "events" / "tasks_only.jsonl", tmp_path / "tasks_only" / "t.jsonl")
    code = main(
        [
            "run",
            "--landing",
            str(tmp_path / "tasks_only"),
            "--warehouse",
            str(tmp_path / "tasks_only.duckdb"),
            "--site",
            str(good.site),
        ]
    )
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert code == 1
    assert "blocking check failed: marts/mart_annotator_performance:gx_published_figures" in err[-1]
    assert (good.site / "index.html").read_text() == published
    # Each night says where its time went, step by step: all steps for the good night, and
    # no publication for the blocked one.
    steps = [line for line in captured.out.splitlines() if line.startswith("Steps: ")]
    assert len(steps) == 2

    def timed_steps(line: str) -> list[str]:
        return re.findall(r"(\w+) \d+\.\d s", line)

    assert timed_steps(steps[0]) == [
        "landing__label_studio_pull",  # nothing to pull here: no server configured
        "raw_layer",
        "warehouse_models",
        "published_marts_gx",
        "reports__site",
        "nightly__build_recorded",
    ]
    assert timed_steps(steps[1])[:3] == [
        "landing__label_studio_pull",
        "raw_layer",
        "warehouse_models",
    ]
    assert "reports__site" not in timed_steps(steps[1])


def test_a_first_night_with_nothing_landed_says_so_before_building(tmp_path, capsys):
    """No record in the warehouse: the night stops at ingestion and says where to put the
    exports, instead of building empty marts until a GX suite blocks."""
    landing = tmp_path / "landing"
    landing.mkdir()
    arguments = ["run", "--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb")]
    assert main([*arguments, "--site", str(tmp_path / "site")]) == 1
    reason = capsys.readouterr().err.strip().splitlines()[-1]
    assert reason.endswith(
        f"step raw_layer failed: nothing to build: no record has been loaded into the warehouse "
        f"yet, and the landing folder {landing} has no files. Put the labeling tools' exports "
        "there (README, 'Inputs') and run again"
    )
    assert "warehouse_models" not in reason
    assert "nothing to build" in (tmp_path / "site" / "index.html").read_text()
    # A file with no loadable record: the same stop, with the count of quarantined records.
    (landing / "broken.jsonl").write_text('{"event_id": "e1"}\n')
    assert main([*arguments, "--site", str(tmp_path / "site")]) == 1
    reason = capsys.readouterr().err.strip().splitlines()[-1]
    assert (
        f"none of the 1 file(s) in {landing} held a record that could be loaded (1 record(s) "
        "quarantined tonight: raw.quarantine says why)"
    ) in reason


def test_missing_landing_folder_is_a_clear_error(tmp_path, capsys):
    code = main(
        [
            "run",
            "--landing",
            str(tmp_path / "nope"),
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--site",
            str(tmp_path / "site"),
        ]
    )
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


def test_site_is_self_contained_and_escapes_data(hand_night):
    index = (hand_night.site / "index.html").read_text()
    assert (hand_night.site / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    # Every script and stylesheet is local: no request leaves the page.
    sources = re.findall(r'(?:src|href)="([^"]+)"', index)
    assert sources and all(not re.match(r"^(https?:)?//", s) for s in sources)
    assert "ann@example.com" in index
    assert 'data-chart="submitted-by-annotator"' in index
    assert "<td>ann@example.com</td>" in index


def test_rerunning_the_same_night_gives_the_same_marts(hand_night):
    before = hand_night.rows("select * from marts.mart_annotator_performance order by all")
    again = run_nightly(hand_night.landing.parent)
    assert again.exit_code == 0
    assert again.rows("select * from marts.mart_annotator_performance order by all") == before
