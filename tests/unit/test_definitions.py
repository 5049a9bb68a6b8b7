"""The Definitions `dagster dev` loads: every job, schedule, sensor and check resolves."""

from __future__ import annotations

import dagster as dg
import pytest

from dagster_project.definitions import defs as load_defs
from dagster_project.defs.ingest.sensors import landing_folder_sensor
from dagster_project.defs.quality.checks import VALIDATED_MARTS
from dagster_project.defs.resources import AnnolyticsSettings
from dagster_project.lib.settings import REPO_ROOT


@pytest.fixture(scope="module")
def repository():
    definitions = load_defs()
    definitions.resolve_all_job_defs()
    return definitions.get_repository_def()


def test_nightly_job_schedule_and_sensor(repository):
    assert repository.get_job("nightly_job") is not None
    schedule = repository.get_schedule_def("nightly_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 2 * * *", "UTC")
    assert repository.get_sensor_def("landing_folder_sensor").job_name == "nightly_job"


def test_lineage_is_one_graph_from_raw_to_site(repository):
    graph = repository.asset_graph
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    for expected in [
        "raw/events",
        "raw/label_studio_annotations",
        "staging/stg_events__events",
        "core/fct_annotations",
        "marts/mart_annotator_performance",
        "reports/site",
    ]:
        assert expected in keys
    upstream = graph.get(dg.AssetKey(["staging", "stg_events__events"])).parent_keys
    assert dg.AssetKey(["raw", "events"]) in upstream
    site_parents = graph.get(dg.AssetKey(["reports", "site"])).parent_keys
    # Every mart a blocking GX suite guards must pass before the site is published.
    for mart in VALIDATED_MARTS:
        assert dg.AssetKey(["marts", mart]) in site_parents


def test_checks_include_dbt_tests_gx_suites(repository):
    checks = {
        (key.asset_key.to_user_string(), key.name)
        for key in repository.asset_graph.asset_check_keys
    }
    assert ("marts/mart_annotator_performance", "gx_published_figures") in checks
    assert ("raw/events", "gx_raw_suite") in checks
    assert (
        "marts/mart_annotator_performance",
        "unique_mart_annotator_performance_annotator",
    ) in checks


def test_sensor_requests_a_run_only_when_landing_changes(tmp_path):
    resource = AnnolyticsSettings(
        landing_dir=str(tmp_path),
        warehouse_path=str(tmp_path / "w.duckdb"),
        site_dir=str(tmp_path / "site"),
    )
    (tmp_path / "a.jsonl").write_text("{}\n")
    instance = dg.DagsterInstance.ephemeral()
    first = landing_folder_sensor(
        dg.build_sensor_context(instance=instance, resources={"settings": resource})
    )
    assert isinstance(first, dg.RunRequest)
    unchanged = landing_folder_sensor(
        dg.build_sensor_context(
            instance=instance, cursor=first.run_key, resources={"settings": resource}
        )
    )
    assert isinstance(unchanged, dg.SkipReason)
    (tmp_path / "b.jsonl").write_text("{}\n")
    changed = landing_folder_sensor(
        dg.build_sensor_context(
            instance=instance, cursor=first.run_key, resources={"settings": resource}
        )
    )
    assert isinstance(changed, dg.RunRequest) and changed.run_key != first.run_key


def test_dagster_cli_loads_the_workspace():
    """What `dagster dev` does first: load workspace.yaml's code location."""
    import subprocess
    import sys
    from pathlib import Path

    root = REPO_ROOT
    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Validation successful for code location annolytics" in done.stderr + done.stdout


def test_an_edited_model_makes_the_manifest_stale(tmp_path):
    import os
    import shutil

    from dagster_dbt import DbtProject

    from dagster_project.defs.transform.project import manifest_is_stale
    from dagster_project.lib.settings import DBT_PROJECT_DIR

    project_dir = tmp_path / "dbt"
    shutil.copytree(DBT_PROJECT_DIR / "models", project_dir / "models")
    shutil.copy(DBT_PROJECT_DIR / "dbt_project.yml", project_dir / "dbt_project.yml")
    project = DbtProject(project_dir=project_dir)
    assert manifest_is_stale(project)  # no manifest yet
    project.manifest_path.parent.mkdir(parents=True)
    project.manifest_path.write_text("{}")
    for source in project_dir.rglob("*"):
        os.utime(source, (1_000_000, 1_000_000))
    model = next((project_dir / "models").rglob("*.sql"))
    os.utime(project.manifest_path, (2_000_000, 2_000_000))
    assert not manifest_is_stale(project)
    os.utime(model, (3_000_000, 3_000_000))  # an analytics engineer saves a model
    assert manifest_is_stale(project)


def test_schedule_and_sensor_skip_while_a_nightly_run_is_in_progress(tmp_path):
    from dagster_project.defs.jobs import nightly_schedule

    resource = AnnolyticsSettings(
        landing_dir=str(tmp_path),
        warehouse_path=str(tmp_path / "w.duckdb"),
        site_dir=str(tmp_path / "site"),
    )
    (tmp_path / "a.jsonl").write_text("{}\n")
    with dg.instance_for_test() as instance:
        assert isinstance(
            nightly_schedule(dg.build_schedule_context(instance=instance)), dg.RunRequest
        )
        instance.add_run(
            dg.DagsterRun(
                job_name="nightly_job", run_id="busy-night", status=dg.DagsterRunStatus.STARTED
            )
        )
        skipped = nightly_schedule(dg.build_schedule_context(instance=instance))
        assert isinstance(skipped, dg.SkipReason) and "busy-night" in skipped.skip_message
        sensed = landing_folder_sensor(
            dg.build_sensor_context(instance=instance, resources={"settings": resource})
        )
        assert isinstance(sensed, dg.SkipReason) and "busy-night" in sensed.skip_message
