"""Every tool in one landing folder, one night (the session's tools night, support/tools.py):
each file is read by its own adapter, nothing is quarantined, projects name their tool, and a
person who worked in several tools is one person everywhere."""

from __future__ import annotations

from dagster_project.lib.site.data import row_filename


def test_each_file_is_read_by_its_own_adapter_and_nothing_is_quarantined(tools_night):
    assert tools_night.rows(
        "select source_file, adapter, status from raw.ingest_manifest order by 1"
    ) == [
        ("cvat/events_2025-06-02.csv", "cvat_events_csv", "loaded"),
        ("cvat/events_2025-06-03.csv", "cvat_events_csv", "loaded"),
        ("cvat/instance=eu/events.csv", "cvat_events_csv", "loaded"),
        ("cvat/jobs.json", "cvat_rest_json", "loaded"),
        ("cvat/users.json", "cvat_rest_json", "loaded"),
        ("encord/streets/labels.json", "encord_label_rows_json", "loaded"),
        ("events/hand_computed.jsonl", "event_log_jsonl", "loaded"),
        ("label_studio/export.json", "label_studio_json", "loaded"),
        ("label_studio/instance=eu/export.json", "label_studio_json", "loaded"),
        ("label_studio/lse.json", "label_studio_json", "loaded"),
        ("labelbox/export.ndjson", "labelbox_ndjson", "loaded"),
    ]
    assert tools_night.rows("select count(*) from raw.quarantine") == [(0,)]


def test_projects_name_their_tool_in_keys_and_in_the_report_filter(tools_night):
    assert tools_night.rows("select project_key from core.dim_projects order by 1") == [
        ("cvat:7",),
        ("cvat:eu/7",),
        ("encord:streets",),
        ("event_log:p1",),
        ("label_studio:1",),
        ("label_studio:7",),
        ("label_studio:eu/1",),
        ("labelbox:clx9pj0000001abcdxyz0003",),
    ]
    page = (tools_night.site / "index.html").read_text(encoding="utf-8")
    for shown in (
        "7 (CVAT)",
        "7 (Label Studio)",
        "p1 (event log)",
        "(Labelbox)",
        "streets (Encord)",
    ):
        assert shown in page, shown


def test_one_person_across_five_sources_is_one_row_and_one_page(tools_night):
    # bob@example.com (Bob@Example.com in Labelbox), submitted work only: Label Studio 1004
    # and 1007 25 + 45 s, CVAT job 119 600 s, Labelbox row 2 200 s, the event log's b2 and b3
    # 45 + 75 s (b1 was rejected and never fixed) = 990 s; Encord label rows carry no time.
    assert tools_night.rows(
        "select actor, sources from core.dim_actors where actor = 'bob@example.com'"
    ) == [("bob@example.com", "cvat, encord, event_log, label_studio, labelbox")]
    # The ids that name him where a tool names people by id (the others use his email).
    assert tools_night.rows(
        "select tool_ids from core.dim_actors where actor = 'bob@example.com'"
    ) == [("cvat:16 (bob), label_studio:12",)]
    assert tools_night.rows(
        "select annotator, total_time_s from marts.mart_annotator_performance "
        "where annotator = 'bob@example.com'"
    ) == [("bob@example.com", 990.0)]
    for mart, column in (("mart_reworks", "person"), ("mart_person_profile", "person")):
        assert tools_night.rows(
            f"select count(*) from marts.{mart} where {column} = 'bob@example.com'"
        ) == [(1,)], mart
    assert (tools_night.site / row_filename("person", "bob@example.com")).is_file()


def test_the_report_says_per_tool_what_it_cannot_tell(tools_night):
    assert tools_night.rows(
        "select source_system, count(*), count(*) filter (where availability = 'not_exported') "
        "from marts.mart_source_figures group by 1 order by 1"
    ) == [
        ("cvat", 8, 2), ("encord", 8, 3), ("event_log", 8, 0), ("label_studio", 8, 1),
        ("labelbox", 8, 2),
    ]  # fmt: skip
    page = (tools_night.site / "data_quality.html").read_text(encoding="utf-8")
    table = page[page.index('id="source-figures"') :]
    table = table[: table.index("</table>")]
    for shown in ("not exported by CVAT", "not exported by Labelbox",
                  "not exported by Label Studio", "the tool&#39;s estimate"):  # fmt: skip
        assert shown in table, shown
    assert "not exported by event log" not in table


def test_ids_are_people_of_one_server_only(tools_night):
    # The same Community export landed twice: once at the top, once under instance=eu/. Its
    # users are ids 2..5 without emails: on server eu they are other people (eu/2...).
    by_project = tools_night.rows(
        "select project_key, count(*), string_agg(distinct annotator, ',' order by annotator) "
        "from core.fct_annotations where project_key in ('label_studio:1', 'label_studio:eu/1') "
        "group by 1 order by 1"
    )
    assert [row[0] for row in by_project] == ["label_studio:1", "label_studio:eu/1"]
    assert by_project[0][1] == by_project[1][1] > 0
    assert by_project[0][2] == "2,3,4,5"
    assert by_project[1][2] == "eu/2,eu/3,eu/4,eu/5"
    assert tools_night.rows(
        "select count(*) from marts.mart_annotator_performance where annotator in ('2', 'eu/2')"
    ) == [(2,)]


def test_a_second_cvat_server_has_its_own_jobs_and_users(tools_night):
    # Its export holds the last 24 rows of the first server's: job 118 there is another job,
    # and bob, with no email on his rows and no users dump from that server, stays "bob".
    tasks = tools_night.rows(
        "select task_key from core.fct_tasks where project_key = 'cvat:eu/7' order by 1"
    )
    assert tasks and all(key.startswith("cvat:eu/7:job-") for (key,) in tasks)
    assert tools_night.rows("select count(*) from core.fct_tasks where project_key = 'cvat:7'") == [
        (3,)
    ]
    actors = {a for (a,) in tools_night.rows(
        "select distinct actor from intermediate.int_events_unioned "
        "where project_key = 'cvat:eu/7' and actor is not null"
    )}  # fmt: skip
    assert "bob" in actors and "bob@example.com" not in actors


def test_a_cell_a_tool_cannot_fill_says_so(tools_night):
    """Encord label rows carry no time: the lead time of its task with an issue and its
    only-Encord person's times say "not exported by Encord", never "–"; a task or a person with
    a timed tool keeps the numbers."""
    issues = (tools_night.site / "issues.html").read_text(encoding="utf-8")
    tasks = issues[issues.index('id="tasks-with-issues-table"') :]
    tasks = tasks.split("</table>", 1)[0].split("<tr")
    encord = [row for row in tasks if 'data-project-key="encord:streets"' in row]
    assert len(encord) == 1 and "not exported by Encord" in encord[0]
    timed = [row for row in tasks if 'data-project-key="cvat:7"' in row]
    assert timed and not any("not exported" in row for row in timed)
    people = (tools_night.site / "people.html").read_text(encoding="utf-8")
    people = people[people.index('<div class="table-wrap" id="people">') :].split("<tr")
    carol = next(row for row in people if ">carol@example.com<" in row)
    assert carol.count("not exported by Encord") == 3  # total, median and mean time
    bob = next(row for row in people if ">bob@example.com<" in row)
    assert "not exported" not in bob
    # her page's profile: total, median, mean and median-based total time
    page = (tools_night.site / row_filename("person", "carol@example.com")).read_text("utf-8")
    profile = page[page.index('id="profile"') :].split("</dl>", 1)[0]
    assert profile.count('<span class="not-exported">not exported by Encord</span>') == 4


def test_a_total_a_tool_cannot_give_is_null_and_says_so(tools_night):
    """Encord exports no annotation time: hourly-priced Encord work costs null (never 0.00), its
    rework cost too where alice's work was corrected (bob's was not: 0), and the day's spend is
    null. Labelbox does not export who edited a label: its review edges carry null corrections.
    The report names the tool in each such cell."""
    assert tools_night.rows(
        "select annotator, cost, cost_per_task, rework_cost from marts.mart_cost_by_annotator "
        "where project_key = 'encord:streets' order by annotator"
    ) == [("alice@example.com", None, None, None), ("bob@example.com", None, None, 0.0)]
    assert tools_night.rows(
        "select spend, rework_spend, cumulative_spend from marts.mart_cost_daily "
        "where project_key = 'encord:streets'"
    ) == [(None, None, None)]
    assert tools_night.rows(
        "select annotator, reviews, corrections from marts.mart_review_edges "
        "where project_key like 'labelbox:%' order by annotator"
    ) == [("alice@example.com", 1, None), ("bob@example.com", 2, None)]

    cost = (tools_night.site / "cost.html").read_text(encoding="utf-8")
    rows = cost[cost.index('id="cost-table"') :].split("</table>", 1)[0].split("<tr")
    encord = [row for row in rows if 'data-project-key="encord:streets"' in row]
    # cost, per task, per label, per accepted label; and alice's rework cost
    assert sorted(row.count("not exported by Encord") for row in encord) == [4, 5]
    labelbox = [row for row in rows if 'data-project-key="labelbox:' in row]
    assert labelbox and not any("not exported" in row for row in labelbox)

    reworks = (tools_night.site / "reworks.html").read_text(encoding="utf-8")
    edges = reworks[reworks.index('id="review-edges"') :].split("</table>", 1)[0].split("<tr")
    labelbox = [row for row in edges if 'data-project-key="labelbox:' in row]
    assert len(labelbox) == 2
    assert all(row.count("not exported by Labelbox") == 1 for row in labelbox)
    cvat = [row for row in edges if 'data-project-key="cvat:7"' in row]
    assert cvat and not any("not exported" in row for row in cvat)
