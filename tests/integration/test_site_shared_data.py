"""Figures a family of pages shares (shared_data.py): person pages' figures against the cohort
are in one data file per project, hold exactly the marts' rows, and a change to them alone
renders no person page again."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import duckdb
from support.site import definition_problem, generated_night

from dagster_project.lib.site.data import collect_pages, plan_pages, with_data
from dagster_project.lib.site.environment import environment
from dagster_project.lib.site.pages import load_page, load_pages
from dagster_project.lib.site.render import RenderPlan, SiteContext, render_pages
from dagster_project.lib.site.run_info import RunInfo
from dagster_project.lib.site.shared_data import (
    page_shared_files,
    shared_file,
    write_shared_data,
)

SITE = SiteContext(projects=({"key": "p1", "name": "Project 1"},))


def _person():
    return next(definition for definition in load_pages() if definition.slug == "person")


def _loaded(site) -> dict[str, dict]:
    """Each data file's assignment, parsed back (one JSON value per file)."""
    loaded = {}
    for path in sorted((site / "assets" / "shared").glob("*.js")):
        match = re.search(r'window\.annolyticsShared\["([^"]+)"\] = (.*);\n$', path.read_text())
        assert match, path
        loaded[match.group(1)] = json.loads(match.group(2))
    return loaded


def _write(folder, text: str):
    path = folder / "valid.yml"
    path.write_text(text)
    return path


def test_shared_queries_are_checked(tmp_path):
    def problem(text: str) -> str:
        return definition_problem(tmp_path, text)

    each = (
        "title: T\ntemplate: t\neach: select 1 as person\nqueries:\n"
        "  a:\n    page_column: person\n    sql: select 1 as person\n  bound: select 1\n"
    )
    shared = "    page_column: person\n    key: []\n    sql: select 1 as person\n"
    assert "need a page per row" in problem(
        "title: T\ntemplate: t\nqueries:\n  a: select 1\nshared:\n  a:\n" + shared
    )
    assert "must extend a query of the page" in problem(each + "shared:\n  b:\n" + shared)
    assert "runs once for all pages (page_column)" in problem(each + "shared:\n  bound:\n" + shared)
    valid = load_page(_write(tmp_path, each + "shared:\n  a:\n" + shared))
    assert valid.shared["a"].key == () and valid.shared["a"].file_column is None
    assert "must have 'sql', 'page_column' and 'key'" in problem(
        each + "shared:\n  a:\n    page_column: person\n    sql: select 1\n"
    )
    assert "'key' must be a list" in problem(each + "shared:\n  a:\n" + shared.replace("[]", "x"))
    assert "cannot bind parameters" in problem(
        each + "shared:\n  a:\n" + shared.replace("select 1", "select $person")
    )
    person = _person()
    assert set(person.shared) == {"profile", "classes", "quality", "complexity"}
    assert "marts.mart_person_vs_class" in person.reads


def test_every_person_pages_shared_figures_are_the_marts_rows(tmp_path_factory, tmp_path):
    night = generated_night(tmp_path_factory)
    person = _person()
    with duckdb.connect(str(night.warehouse), read_only=True) as connection:
        written = write_shared_data(connection, [person], tmp_path)
        pages = collect_pages(connection, [person])
        cohort = {
            (row[0], row[1], row[2]): row[3:]
            for row in connection.execute(
                "select annotator, project_key, class_name, cohort_rate, cohort_rate_low, "
                "cohort_rate_high, verdict from marts.mart_person_vs_class"
            ).fetchall()
        }
        ranks = dict(
            connection.execute(
                "select actor, received_rank from marts.mart_person_profile "
                "where received_rank is not null"
            ).fetchall()
        )
        projects = [
            row[0]
            for row in connection.execute(
                "select project_key from marts.mart_person_vs_class union "
                "select project_key from marts.mart_annotator_quality union "
                "select project_key from marts.mart_complexity"
            ).fetchall()
        ]
    # One file per project of the pages' rows, and one for the figures of no project (ranks).
    assert written == sorted({shared_file("person")} | {shared_file("person", p) for p in projects})
    loaded = _loaded(tmp_path)
    assert sorted(loaded) == written
    found = {}
    for file in written:
        entry = loaded[file].get("classes")
        if entry is None:
            continue
        assert entry["columns"][:3] == ["annotator", "project_key", "class_name"]
        assert entry["key"] == ["project_key", "class_name"]
        for page_key, rows in entry["pages"].items():
            for row in rows:
                assert row[0] == page_key and shared_file("person", row[1]) == file
                found[tuple(row[:3])] = tuple(row[3:])
    assert found == {key: tuple(values) for key, values in cohort.items()}
    assert {
        page_key: rows[0][1]
        for page_key, rows in loaded[shared_file("person")]["profile"]["pages"].items()
    } == ranks and ranks
    # A page loads the file of every project of its own rows, and the ranks' file.
    for page in pages:
        projects_of_page = {row["project_key"] for row in page.data["classes"]}
        projects_of_page |= {row["project_key"] for row in page.data["quality"]}
        projects_of_page |= {row["project_key"] for row in page.data["complexity"]}
        assert page_shared_files(page) == sorted(
            {shared_file("person")} | {shared_file("person", p) for p in projects_of_page}
        )


def test_a_change_to_the_cohorts_figures_alone_renders_no_person_page_again(
    tmp_path_factory, tmp_path
):
    """Everyone else's rates, the verdicts and the ranks change whenever anyone's work does.
    They change tonight's data files, and every person page is last night's file."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(generated_night(tmp_path_factory).warehouse, warehouse)
    definitions = load_pages()
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        before = plan_pages(connection, definitions)
        write_shared_data(connection, definitions, tmp_path / "night4")
        render_pages(
            RenderPlan(
                environment(),
                tmp_path / "night4",
                collect_pages(connection, definitions),
                RunInfo(generated_at=dt.datetime(2026, 11, 4, 2)),
                SITE,
            )
        )
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(
            "update marts.mart_person_vs_class set cohort_rate = cohort_rate / 2, verdict = 'class'"
        )
        connection.execute("update marts.mart_annotator_quality set project_rate = 0.5")
        connection.execute(
            "update marts.mart_complexity set time_per_task_vs_project = 2, speed_verdict = 'slow'"
        )
        connection.execute("update marts.mart_person_profile set received_rank = received_rank + 1")
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        planned = plan_pages(connection, definitions)
        write_shared_data(connection, definitions, tmp_path / "night5")
        rendered = render_pages(
            RenderPlan(
                environment(),
                tmp_path / "night5",
                planned,
                RunInfo(generated_at=dt.datetime(2026, 11, 5, 2)),
                SITE,
                previous=tmp_path / "night4",
                load=lambda pages: with_data(connection, pages),
            )
        )
    person_pages = [page for page in planned if page.slug == "person"]
    assert len(person_pages) > 20
    for page, old in zip(planned, before, strict=True):
        assert page.slug != "person" or page.data_digest == old.data_digest
    assert rendered.reused >= len(person_pages)
    for page in person_pages:
        assert (tmp_path / "night5" / page.filename).stat().st_ino == (
            tmp_path / "night4" / page.filename
        ).stat().st_ino
    old_files, new_files = _loaded(tmp_path / "night4"), _loaded(tmp_path / "night5")
    assert sorted(old_files) == sorted(new_files)
    assert all(old_files[file] != new_files[file] for file in new_files)
