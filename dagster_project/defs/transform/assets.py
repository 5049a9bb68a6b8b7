"""Every dbt model, seed and test as Dagster assets and asset checks, keyed [layer, name]."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from dagster_project.defs.ingest.pull import LABEL_STUDIO_PULL
from dagster_project.defs.resources import AnnolyticsSettings
from dagster_project.lib.engine import spark_night
from dagster_project.lib.failpoints import failpoint
from dagster_project.lib.night import build_plan, dbt_targets, out_of_memory
from dagster_project.lib.night import fingerprint as night_fingerprint
from dagster_project.lib.settings import REPO_ROOT, dbt_environment

from .project import dbt_project


class LayeredTranslator(DagsterDbtTranslator):
    """Models keyed by their schema (staging, intermediate, core, marts); sources keep the
    asset keys declared in their YAML meta (the raw/* ingest assets)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in {"model", "seed", "snapshot"}:
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] in {"model", "seed", "snapshot"}:
            return dbt_resource_props["schema"]
        return super().get_group_name(dbt_resource_props)


def _pull_failed(context: dg.AssetExecutionContext) -> bool:
    """Whether this run's pull (landing/label_studio_pull) reported a failure."""
    event = context.instance.get_latest_materialization_event(LABEL_STUDIO_PULL)
    if event is None or event.run_id != context.run.run_id:
        return False
    ok = event.asset_materialization.metadata.get("pull_ok")
    return ok is not None and ok.value is False


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    dagster_dbt_translator=LayeredTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
    ),
)
def warehouse_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: AnnolyticsSettings
):
    night = settings.current()
    warehouse = night.warehouse
    whole_night = set(context.selected_asset_keys) == set(context.assets_def.keys)
    code = night_fingerprint.code_fingerprint(night.site, night)
    # A failed pull is news for the report: tonight's site says so, and the next night whose
    # pull succeeds (a different fingerprint) clears it, even with no file new.
    pulled = "pull failed" if _pull_failed(context) else ""
    unchanged, fingerprint = night_fingerprint.nothing_new(
        warehouse, night.site, code + pulled, night.force_build
    )
    if whole_night and unchanged:
        # Nothing yielded: the marts, their checks and the site are skipped, and stay as the
        # last successful night left them (the same files and code give the same bytes).
        context.log.info(
            "Nothing new since the last successful night (no file landed or changed; dbt "
            "project, expectations and report unchanged): warehouse and report left as they "
            f"are. Set {night_fingerprint.FORCE_ENV}=1 to build anyway."
        )
        return
    on_spark = night.engine == "spark"
    plan = build_plan.plan_and_record(warehouse, code, night.full_refresh, night.engine)
    context.log.info(plan.describe())
    night_fingerprint.record_started(warehouse, context.run.run_id, fingerprint, code)
    _claim_target(warehouse, context)
    # dbt unit tests pin model logic: they run in the test suite
    # (tests/integration/test_dbt_unit_tests.py), not every night against the same unchanged SQL.
    arguments = ["build", "--exclude-resource-type", "unit_test"]
    if on_spark:
        yield from _build_on_spark(context, dbt, night, arguments)
    else:
        if plan.full_refresh:
            arguments.append("--full-refresh")
        # Only the whole night: a run of some assets (from the UI) fails as it is.
        yield from _dbt_events(context, dbt, night, arguments, retry_out_of_memory=whole_night)
    _write_dbt_docs(dbt, night, context)


def _dbt_events(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    night,
    arguments,
    retry_out_of_memory: bool = False,
):
    """dbt's events; with ``retry_out_of_memory``, models that ran out of DuckDB's memory two at
    a time are built again one at a time (lib/night/out_of_memory.py)."""
    target_path = night_target_path(night.warehouse)
    with dbt_environment(night):  # the dbt subprocess reads the warehouse from its profile
        invocation = dbt.cli(
            arguments,
            context=context,
            target_path=target_path,
            raise_on_error=not retry_out_of_memory,
        )
    # A check whose test failed may run again in the second pass, and Dagster takes one result
    # per check and run: held until the night knows whether it builds again.
    held: list[dg.AssetCheckResult] = []
    for event in invocation.stream():
        if retry_out_of_memory and _is_failed_check(event):
            held.append(event)
            continue
        yield event
        failpoint("dbt")  # some models built, most not
    if invocation.is_successful():
        yield from held
        return
    error = invocation.get_error()
    run_results = out_of_memory.read_run_results(target_path)
    nodes = out_of_memory.nodes_out_of_memory(run_results)
    if not nodes:
        yield from held
        raise error or RuntimeError(f"dbt {arguments[0]} failed")
    context.log.warning(
        f"{len(nodes)} dbt node(s) ran out of DuckDB's {night.duckdb_memory_limit} memory limit "
        f"with two models built at a time ({', '.join(nodes)}): building them, and what was "
        "skipped after them, again one at a time."
    )
    with dbt_environment(night):
        retried = dbt.cli(
            out_of_memory.one_at_a_time(arguments, out_of_memory.keep_first_pass(target_path)),
            context=context,
            target_path=target_path,
        )
    yield from retried.stream()


def _is_failed_check(event: Any) -> bool:
    """A dbt test's result as a Dagster asset check, failed (or in error)."""
    return isinstance(event, dg.AssetCheckResult) and not event.passed


def _build_on_spark(context: dg.AssetExecutionContext, dbt: DbtCliResource, night, arguments):
    """The Spark engine (docs/spark.md): the raw layer handed over as Parquet, dbt's SQL models
    on the cluster, the statistics marts in Python between them, then everything the report
    reads copied into the DuckDB warehouse."""
    manifest = spark_night.load_manifest(dbt_project().manifest_path)
    spark = spark_night.session(night)
    # Closed at the end of the night: pyspark's exit hook calls an open session's server, and
    # retries for minutes when that server has gone (a process that ran a night then waited).
    try:
        spark_night.hand_over_raw_layer(night, spark, context.log.info)
        arguments = arguments + spark_night.DBT_SPARK_ARGUMENTS
        yield from _dbt_events(
            context, dbt, night, arguments + spark_night.sql_pass_selection(manifest)
        )
        selected = set(context.selected_asset_keys)
        statistics_keys = [key for key in _python_model_keys(manifest) if key in selected]
        if statistics_keys:
            spark_night.build_statistics(spark, manifest, context.log.info)
            for key in statistics_keys:
                name = context.assets_def.get_output_name_for_asset_key(key)
                yield dg.Output(None, output_name=name)
            dependants = spark_night.dependants_pass_selection(manifest)
            if dependants:
                yield from _dbt_events(context, dbt, night, arguments + dependants)
        spark_night.copy_back(night, spark, manifest, context.log.info)
    finally:
        spark.stop()


def _python_model_keys(manifest: dict) -> list[dg.AssetKey]:
    translator = LayeredTranslator()
    return [translator.get_asset_key(node) for node in spark_night.python_models(manifest)]


def dbt_docs_path(warehouse: Path) -> Path:
    """dbt's static docs site (one HTML file) of the warehouse's dbt target folder."""
    return night_target_path(warehouse) / "static_index.html"


def _strip_local_paths(docs: Path) -> None:
    """dbt writes absolute paths of this machine into the page (the project's root, compiled
    files): the report must not publish them. Paths become relative to the repository."""
    text = docs.read_text(encoding="utf-8")
    root = str(REPO_ROOT)
    text = text.replace(root + "/", "").replace(root, ".")
    docs.write_text(text, encoding="utf-8")


def _write_dbt_docs(dbt: DbtCliResource, night, context: dg.AssetExecutionContext) -> None:
    """The models, their columns, tests and lineage as dbt's static docs page, published with the
    report (docs/dbt/) for analytics engineers to browse offline. From the project alone (no
    catalog queries, no compiling: tonight's manifest), and only when the project changed."""
    docs = dbt_docs_path(night.warehouse)
    stamp = docs.with_suffix(".sha256")
    digest = night_fingerprint.dbt_project_digest()
    if docs.is_file() and stamp.is_file() and stamp.read_text() == digest:
        return
    arguments = ["docs", "generate", "--static", "--empty-catalog", "--no-compile"]
    with dbt_environment(night):
        invocation = dbt.cli(
            arguments,
            manifest=dbt_project().manifest_path,
            target_path=night_target_path(night.warehouse),
            raise_on_error=False,
        )
    invocation.wait()
    if invocation.is_successful() and docs.is_file():
        _strip_local_paths(docs)
        stamp.write_text(digest)
    else:  # the report is published without them; the night goes on
        context.log.warning("dbt docs generate failed: the report links no model docs tonight")


@dg.asset(
    key=["nightly", "build_recorded"],
    group_name="nightly",
    deps=[dg.AssetKey(["reports", "site"])],
    kinds={"duckdb"},
    description="Marks tonight's build succeeded (nightly.builds) once the site is published, "
    "so a later night with the same files and code can skip the build.",
)
def build_recorded(context: dg.AssetExecutionContext, settings: AnnolyticsSettings):
    recorded = night_fingerprint.record_succeeded(settings.current().warehouse, context.run.run_id)
    return dg.MaterializeResult(metadata={"recorded": bool(recorded)})


def _nights_dir() -> Path:
    return Path(dbt_project().project_dir) / "target" / "nights"


def night_target_path(warehouse: Path) -> Path:
    """The warehouse's dbt target folder, kept from night to night (lib/night/dbt_targets.py)."""
    return dbt_targets.target_path(_nights_dir(), warehouse)


def _claim_target(warehouse: Path, context: dg.AssetExecutionContext) -> None:
    """Mark tonight's target folder with its warehouse, and remove those of warehouses gone."""
    keep = dbt_targets.claim(_nights_dir(), warehouse)
    removed = dbt_targets.prune(_nights_dir(), keep)
    if removed:
        context.log.info(
            f"Removed {len(removed)} dbt target folder(s) of warehouses that no longer exist"
        )
