"""The live pull against a real Label Studio server (1.23.2 from PyPI, its own cached venv).

One server is started for the module and populated through its REST API with the plan of the
committed fixture (tests/fixtures/label_studio/make_fixture.py: four annotators with lead
times, skips, edits by a second user, review outcomes; comments are tried and refused by
Community). Then: `annolytics pull label-studio` lands the files, a night with the server
configured pulls again and builds the warehouse, and after the server is stopped a third
night still publishes what it has, with the pull's check failed.
"""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from support.label_studio_figures import expected_figures
from support.label_studio_server import fixture_maker, running_server
from support.nights import FIXTURES, Night

from dagster_project.cli import main, run_night
from dagster_project.lib.settings import (
    LABEL_STUDIO_INSTANCE_ENV,
    LABEL_STUDIO_TOKEN_ENV,
    LABEL_STUDIO_URL_ENV,
    PULL_ATTEMPTS_ENV,
    PULL_BACKOFF_ENV,
    overlaid_environment,
)

INSTANCE = "studio-a"


@dataclass
class Pulled:
    token: str
    cli_exit: int
    cli_output: str
    landed_by_cli: list[Path]
    night: Night
    marts_before_outage: dict[str, list]
    outage_exit: int
    outage_output: str
    made: dict


def _marts(warehouse: Path) -> dict[str, list]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return {
            name: connection.execute(f"select * from marts.{name} order by all").fetchall()
            for name in ("mart_annotator_performance", "mart_annotator_performance_daily")
        }


@pytest.fixture(scope="module")
def pulled(tmp_path_factory) -> Pulled:
    scratch = tmp_path_factory.mktemp("label_studio_pull")
    landing, warehouse, site = scratch / "landing", scratch / "warehouse.duckdb", scratch / "site"
    landing.mkdir()
    maker = fixture_maker()
    with running_server(scratch / "server") as server:
        api = maker.Api(server.url)
        made = maker.populate(api, server.token, str(server.executable), server.env, True)
        # A project nobody has annotated yet: nothing to land for it.
        made["empty_project"] = api.call(
            "POST",
            "/api/projects",
            server.token,
            {"title": "Not started", "label_config": maker.LABEL_CONFIG},
        )["id"]
        settings = {
            LABEL_STUDIO_URL_ENV: server.url,
            LABEL_STUDIO_TOKEN_ENV: server.token,
            LABEL_STUDIO_INSTANCE_ENV: INSTANCE,
            PULL_ATTEMPTS_ENV: "2",
            PULL_BACKOFF_ENV: "0.2",
        }
        with overlaid_environment(settings):
            output = io.StringIO()
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
                cli_exit = main(["pull", "label-studio", "--landing", str(landing)])
            landed = sorted(p for p in landing.rglob("*") if p.is_file())
            night = Night(landing, warehouse, site, run_night(landing, warehouse, site))
    marts = _marts(warehouse)
    with overlaid_environment(settings):  # the server is gone now
        outage = io.StringIO()
        with contextlib.redirect_stdout(outage), contextlib.redirect_stderr(outage):
            outage_exit = run_night(landing, warehouse, site)
    return Pulled(
        server.token,
        cli_exit,
        output.getvalue(),
        landed,
        night,
        marts,
        outage_exit,
        outage.getvalue(),
        made,
    )


def _export(pulled: Pulled) -> Path:
    exports = [p for p in pulled.landed_by_cli if p.name.startswith("export-")]
    assert len(exports) == 1
    return exports[0]


def test_the_pull_lands_the_users_and_each_project_export_under_its_instance(pulled):
    assert pulled.cli_exit == 0, pulled.cli_output
    project = pulled.made["project"]
    names = [p.relative_to(pulled.night.landing).as_posix() for p in pulled.landed_by_cli]
    assert len(names) == 2
    assert names[0].startswith(f"instance={INSTANCE}/label-studio/project-{project}/export-")
    assert names[1].startswith(f"instance={INSTANCE}/label-studio/users-")
    users = json.loads(pulled.landed_by_cli[1].read_text())
    people = [email for email, _, _ in fixture_maker().USERS.values()]
    assert {u["email"] for u in users} == {fixture_maker().ADMIN, *people}
    tasks = json.loads(_export(pulled).read_text())
    annotations = [a for t in tasks for a in t["annotations"]]
    assert len(annotations) == len(pulled.made["annotation_id"]) == 33
    assert sum(a["was_cancelled"] for a in annotations) == 4
    # Community has no comments API: said, not hidden.
    assert "comments: not available on this server" in pulled.cli_output
    assert f"no annotated task yet in project {pulled.made['empty_project']}" in pulled.cli_output


def test_the_night_figures_equal_the_independent_computation_and_the_committed_fixture(pulled):
    assert pulled.night.exit_code == 0
    overall, daily = expected_figures(_export(pulled))
    # The same plan on the same Label Studio version: the committed fixture's figures.
    fixture_overall, fixture_daily = expected_figures(
        FIXTURES / "label_studio" / "export_completed_by_object.json"
    )
    assert overall == fixture_overall and daily == fixture_daily
    mart = {
        r["annotator"]: r
        for r in pulled.night.dicts("select * from marts.mart_annotator_performance")
    }
    assert (
        set(mart)
        == set(overall)
        == {
            "anna@example.com",
            "ben@example.com",
            "chloe@example.com",
            "dev@example.com",
        }
    )
    for who, figures in overall.items():
        for name, value in figures.items():
            assert mart[who][name] == (pytest.approx(value) if value is not None else None)
    # Hand-checked against the plan: anna's 5000 s tab and her skip, ben's two skips.
    assert mart["anna@example.com"]["skipped"] == 1
    assert mart["ben@example.com"]["skipped"] == 2


def test_ids_resolve_through_the_pulled_users_list_and_keys_name_the_instance(pulled):
    # The admin never authors: only the users list gives the id that accepted, rejected and
    # edited annotations its email.
    corrections = pulled.night.rows(
        "select author, editor, project_key from core.fct_corrections order by all"
    )
    assert ("ben@example.com", "anna@example.com") in {(a, e) for a, e, _ in corrections}
    assert "admin@example.com" in {e for _, e, _ in corrections}
    assert {k for _, _, k in corrections} == {f"label_studio:{INSTANCE}/{pulled.made['project']}"}
    actors = {r[0] for r in pulled.night.rows("select actor from core.dim_actors")}
    assert "admin@example.com" in actors
    assert not any(actor.isdigit() or "/" in actor for actor in actors)


def test_a_second_pull_in_the_same_night_adds_no_row(pulled):
    """The night pulled again after the CLI: new file names, the same annotations, once."""
    files = sorted(
        p.relative_to(pulled.night.landing).as_posix()
        for p in pulled.night.landing.rglob("export-*.json")
    )
    assert len(files) >= 2
    assert pulled.night.rows("select count(*) from core.fct_annotations")[0][0] == 33


def test_a_server_that_is_down_fails_the_pull_check_and_the_night_reports_what_it_had(pulled):
    assert pulled.outage_exit == 0, pulled.outage_output
    assert _marts(pulled.night.warehouse) == pulled.marts_before_outage
    quality = (pulled.night.site / "data_quality.html").read_text()
    row = quality.split('class="failed">pull_succeeded</td>', 1)[1].split("</tr>", 1)[0]
    assert "<td>WARN</td>" in row
    assert "listing users after 2 tries" in row and "ConnectError" in row


def test_the_token_is_never_written_anywhere(pulled):
    assert pulled.token not in pulled.cli_output + pulled.outage_output
    for folder in (pulled.night.landing, pulled.night.site):
        for path in folder.rglob("*"):
            if path.is_file():
                assert pulled.token.encode() not in path.read_bytes(), path
