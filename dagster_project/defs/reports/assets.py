"""The static report site, swapped in atomically once the warehouse passed its checks."""

from datetime import UTC, datetime

import dagster as dg
import duckdb

from dagster_project.defs.quality.checks import VALIDATED_MARTS
from dagster_project.defs.resources import AnnolyticsSettings
from dagster_project.defs.transform.assets import dbt_docs_path
from dagster_project.lib.site.pages import load_pages, load_site_queries, site_reads
from dagster_project.lib.site.publish import publish_site
from dagster_project.lib.site.run_info import CheckOutcome, RunInfo

from .resources import ReportSettings

# The site waits for the relations its pages read and for every mart a GX suite guards, so a
# blocking failure on any published mart stops publication.
PAGE_INPUTS = sorted(
    set(site_reads(load_pages(), load_site_queries()))
    | {f"marts.{mart}" for mart in VALIDATED_MARTS}
)


def _check_kind(check_name: str) -> str:
    if check_name.startswith("gx_"):
        return "GX suite"
    if check_name in ("quarantine_share", "pull_succeeded"):
        return "ingest check"
    return "dbt test"


def checks_of_run(instance: dg.DagsterInstance, run_id: str) -> tuple[CheckOutcome, ...]:
    """Every asset check this run has evaluated so far: all of them by the time the site
    builds, since the site comes last."""
    records = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION, limit=100_000
    ).records
    outcomes = []
    for record in records:
        evaluation = record.event_log_entry.dagster_event.asset_check_evaluation_data
        outcomes.append(
            CheckOutcome(
                asset=evaluation.asset_key.to_user_string(),
                name=evaluation.check_name,
                kind=_check_kind(evaluation.check_name),
                passed=evaluation.passed,
                severity=evaluation.severity.value,
                description=evaluation.description or "",
            )
        )
    return tuple(sorted(outcomes, key=lambda c: (c.passed, c.kind, c.asset, c.name)))


def _tonight(connection, since: datetime, checks: tuple[CheckOutcome, ...]) -> RunInfo:
    rows_loaded, rows_quarantined, files_loaded = connection.execute(
        "select coalesce(sum(rows_loaded), 0), coalesce(sum(rows_quarantined), 0), count(*) "
        "from raw.ingest_manifest where ingested_at >= ?",
        [since],
    ).fetchone()
    return RunInfo(
        generated_at=datetime.now(UTC).replace(tzinfo=None),
        rows_loaded=int(rows_loaded),
        rows_quarantined=int(rows_quarantined),
        files_loaded=int(files_loaded),
        checks=checks,
    )


@dg.asset(
    key=["reports", "site"],
    group_name="reports",
    kinds={"html"},
    deps=[dg.AssetKey(relation.split(".")) for relation in PAGE_INPUTS],
    description="Static HTML report (reports/pages/*.yml + reports/templates), "
    "published atomically with dated snapshots of earlier nights.",
)
def report_site(
    context: dg.AssetExecutionContext,
    settings: AnnolyticsSettings,
    report_settings: ReportSettings,
) -> dg.MaterializeResult:
    locations = settings.current()
    settings = report_settings.settings(locations)
    run_started = datetime.fromtimestamp(
        context.instance.get_run_stats(context.run.run_id).start_time or 0, UTC
    ).replace(tzinfo=None)
    checks = checks_of_run(context.instance, context.run.run_id)
    with duckdb.connect(str(locations.warehouse), read_only=True) as connection:
        run = _tonight(connection, run_started, checks)
    docs = dbt_docs_path(locations.warehouse)
    pages = publish_site(
        locations.warehouse, locations.site, run, settings, docs if docs.is_file() else None
    )
    context.log.info(
        f"Report published: {locations.site / 'index.html'} ({len(pages.paths):,} pages: "
        f"{pages.rendered:,} rendered, {pages.reused:,} unchanged since last night)"
    )
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(locations.site / "index.html")),
            "pages": len(pages.paths),
            "pages_rendered": pages.rendered,
            "pages_reused": pages.reused,
            "pseudonymised": settings.pseudonymise,
            "snapshot_retention": settings.snapshot_retention,
            "checks_failed": run.checks_failed,
        }
    )
