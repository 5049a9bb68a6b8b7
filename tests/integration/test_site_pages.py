"""Page definitions (YAML, no Python) and the links of the built site: every link and asset
resolves, every alert links to its evidence, every mart is on some page."""

from __future__ import annotations

import re

import pytest
from support.site import broken_links, definition_problem, generated_night, parse_links

from dagster_project.lib.settings import DBT_PROJECT_DIR
from dagster_project.lib.site.data import collect_pages, row_filename
from dagster_project.lib.site.pages import load_page, load_pages, load_site_queries, site_reads


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    return generated_night(tmp_path_factory)


def test_every_link_and_asset_of_the_site_resolves(night):
    assert broken_links(night.site) == []
    # Snapshots are pages too, with their own links back to the latest report.
    assert list((night.site / "nights").glob("*/index.html"))


def test_every_alert_links_to_the_rows_behind_it(night):
    overview = parse_links(night.site / "index.html")
    evidence = [link for link in overview.links if "#" in link and not link.startswith("#")]
    alerts = night.rows("select count(*) from marts.mart_alerts")[0][0]
    assert alerts > 0
    index = (night.site / "index.html").read_text()
    assert index.count('class="evidence"') == alerts
    assert evidence and broken_links(night.site) == []


def test_the_report_states_the_checks_of_its_own_run(night):
    """The counts come from the Dagster run's event log: dbt tests, GX suites, ingest checks."""
    overview = (night.site / "index.html").read_text()
    quality = (night.site / "data_quality.html").read_text()
    checks = int(re.search(r"<p>(\d+) checks ran", quality).group(1))
    dbt_tests = len(list((DBT_PROJECT_DIR / "models").rglob("*.yml")))  # at least one per YAML
    assert checks > 100 and checks > dbt_tests
    for kind in ("dbt tests", "GX suites", "ingest checks"):
        assert f"<dt>{kind}</dt>" in overview
    assert re.search(r"<dt>GX suites</dt><dd>(\d+) of \1 passed</dd>", overview)


def test_the_unreviewed_notice_is_on_the_pages_of_unreviewed_work_alerts_only(night):
    """A person page says nobody reviews the person's work only where others' is reviewed."""
    alerted = {
        person
        for (person,) in night.rows(
            "select distinct subject from marts.mart_alerts where kind = 'unreviewed_work'"
        )
    }
    assert alerted
    pages = {
        person: (night.site / row_filename("person", person)).read_text(encoding="utf-8")
        for (person,) in night.rows(
            "select actor from marts.mart_person_profile where is_unreviewed or actor in "
            "(select subject from marts.mart_alerts where kind = 'unreviewed_work')"
        )
    }
    with_notice = {person for person, html in pages.items() if 'id="unreviewed-notice"' in html}
    assert with_notice == alerted


def test_every_mart_is_shown_on_some_page():
    """METRICS.md: every figure is shown somewhere in the report."""
    marts = {
        f"marts.{path.stem}"
        for folder in (DBT_PROJECT_DIR / "models" / "marts").iterdir()
        if folder.is_dir() and folder.name != "core"
        for path in folder.iterdir()
        if path.suffix in {".sql", ".py"}
    }
    assert marts - set(site_reads(load_pages(), load_site_queries())) == set()


def test_a_page_definition_is_yaml_with_a_query_per_row(tmp_path, night):
    import duckdb

    (tmp_path / "project.yml").write_text(
        'title: "Project {project}"\n'
        "template: base.html.j2\n"
        "each: select project_id as project, project_key as key from core.dim_projects\n"
        "queries:\n"
        "  tasks: select tasks from core.dim_projects where project_key = $key\n"
    )
    definition = load_page(tmp_path / "project.yml")
    assert definition.reads == ("core.dim_projects",) and not definition.in_nav
    with duckdb.connect(str(night.warehouse), read_only=True) as connection:
        pages = collect_pages(connection, [definition])
        tasks = connection.execute("select project_id, tasks from core.dim_projects").fetchall()
    projects = dict(tasks)
    assert {page.title for page in pages} == {f"Project {p}" for p in projects}
    for page in pages:
        assert page.data["tasks"] == [{"tasks": projects[page.row["project"]]}]
        assert page.filename == row_filename("project", page.row["project"])


def test_page_definitions_are_checked(tmp_path):
    def problem(text: str) -> str:
        return definition_problem(tmp_path, text)

    assert "missing 'template'" in problem("title: T\n")
    assert "unknown key 'querys'" in problem("title: T\ntemplate: t\nquerys: {}\n")
    assert "no 'each' query" in problem(
        "title: T\ntemplate: t\nqueries:\n  a: select 1 where 1 = $person\n"
    )


def test_row_pages_have_distinct_file_names_even_when_names_look_alike():
    names = ["ann@example.com", "ann.example.com", "Ann@Example.com", "<ann>@example.com"]
    files = {row_filename("person", name) for name in names}
    assert len(files) == len(names)
    assert all(f.startswith("person-ann-example-com-") and f.endswith(".html") for f in files)


def test_a_query_split_by_page_column_gives_each_page_what_a_bound_query_gives(tmp_path, night):
    import duckdb

    (tmp_path / "project.yml").write_text(
        'title: "Project {project}"\n'
        "template: base.html.j2\n"
        "each: select project_id as project from core.dim_projects order by project_id\n"
        "queries:\n"
        "  bound: >\n"
        "    select project_key, tasks from core.dim_projects where project_id = $project\n"
        "    order by project_key\n"
        "  split:\n"
        "    page_column: project_id\n"
        "    sql: select project_id, project_key, tasks from core.dim_projects order by 2\n"
        "  none:\n"
        "    page_column: project_id\n"
        "    sql: select project_id, tasks from core.dim_projects where false\n"
    )
    definition = load_page(tmp_path / "project.yml")
    assert definition.page_columns == {"split": "project_id", "none": "project_id"}
    assert definition.reads == ("core.dim_projects",)
    with duckdb.connect(str(night.warehouse), read_only=True) as connection:
        pages = collect_pages(connection, [definition])
    assert pages and all(page.data["bound"] for page in pages)
    for page in pages:
        assert page.data["split"] == page.data["bound"]
        assert page.data["none"] == []


def test_a_split_query_is_checked(tmp_path):
    def problem(text: str) -> str:
        return definition_problem(tmp_path, text)

    split = "queries:\n  a:\n    page_column: person\n    sql: select 1 as person\n"
    assert "page has no 'each' query" in problem("title: T\ntemplate: t\n" + split)
    assert "cannot bind ['person']" in problem(
        "title: T\ntemplate: t\neach: select 1 as person\nqueries:\n  a:\n"
        "    page_column: person\n    sql: select 1 as person where 1 = $person\n"
    )
    assert "must be SQL, or 'sql' and 'page_column'" in problem(
        "title: T\ntemplate: t\neach: select 1 as person\nqueries:\n  a:\n    sql: select 1\n"
    )
