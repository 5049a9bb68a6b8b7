"""The static report site, swapped in atomically once the warehouse passed its checks."""

from datetime import UTC, datetime

import dagster as dg
import duckdb

from dagster_project.defs.quality.checks import VALIDATED_MARTS
from dagster_project.defs.resources import AnnolyticsPaths
from dagster_project.lib.site.pages import load_pages
from dagster_project.lib.site.render import RunInfo, publish_site

# The site waits for the relations its pages read and for every mart a GX suite guards, so a
# blocking failure on any published mart stops publication.
PAGE_INPUTS = sorted(
    {relation for page in load_pages() for relation in page.reads}
    | {f"marts.{mart}" for mart in VALIDATED_MARTS}
)


def _tonight(connection, since: datetime) -> RunInfo:
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
    )


@dg.asset(
    key=["reports", "site"],
    group_name="reports",
    kinds={"html"},
    deps=[dg.AssetKey(relation.split(".")) for relation in PAGE_INPUTS],
    description="Static HTML report (reports/pages/*.yml + reports/templates), "
    "published atomically.",
)
def report_site(context: dg.AssetExecutionContext, paths: AnnolyticsPaths) -> dg.MaterializeResult:
    locations = paths.paths()
    run_started = datetime.fromtimestamp(
        context.instance.get_run_stats(context.run.run_id).start_time or 0, UTC
    ).replace(tzinfo=None)
    with duckdb.connect(str(locations.warehouse), read_only=True) as connection:
        run = _tonight(connection, run_started)
    pages = publish_site(locations.warehouse, locations.site, run)
    context.log.info(f"Report published: {locations.site / 'index.html'}")
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(locations.site / "index.html")),
            "pages": len(pages),
        }
    )
