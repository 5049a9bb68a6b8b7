"""`annolytics run` end to end: exit codes, the one-line reason, the published site."""

from __future__ import annotations

import re

from conftest import FIXTURES, run_nightly

from dagster_project.cli import main


def test_blocking_check_stops_publication_and_keeps_last_site(tmp_path, capsys):
    good = run_nightly(
        tmp_path / "good", {"hand.jsonl": FIXTURES / "events" / "hand_computed.jsonl"}
    )
    assert good.exit_code == 0
    published = (good.site / "index.html").read_text()
    # A night whose landing folder lost its input: the mart is empty, the GX suite blocks.
    (tmp_path / "empty").mkdir()
    code = main(
        [
            "run",
            "--landing",
            str(tmp_path / "empty"),
            "--warehouse",
            str(tmp_path / "empty.duckdb"),
            "--site",
            str(good.site),
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert "blocking check failed: marts/mart_annotator_performance:gx_published_figures" in err[-1]
    assert (good.site / "index.html").read_text() == published


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
