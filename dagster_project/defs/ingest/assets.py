"""The raw layer: every new or changed file of the landing folder, parsed, validated, loaded."""

import dagster as dg
import duckdb

from dagster_project.defs.ingest.pull import LABEL_STUDIO_PULL
from dagster_project.defs.resources import AnnolyticsSettings
from dagster_project.lib.ingest.load import IngestSummary, ingest_landing
from dagster_project.lib.ingest.raw_tables import DATA_TABLES, RAW_SCHEMA
from dagster_project.lib.night.disk_space import night_folders, shortages
from dagster_project.lib.settings import DBT_PROJECT_DIR

RAW_KEYS = {table: dg.AssetKey([RAW_SCHEMA, table]) for table in DATA_TABLES}
# The bookkeeping of every night, written in the same transaction as each file's rows.
BOOKKEEPING = {
    "ingest_manifest": "what happened to every landed file: status, SHA-256, rows",
    "quarantine": "every rejected record with its file, record, field and reason",
    "validation_results": "every GX expectation evaluated on each landed batch",
}
BOOKKEEPING_KEYS = {table: dg.AssetKey([RAW_SCHEMA, table]) for table in BOOKKEEPING}
# Above this share of quarantined records in one night, someone should look at the sources.
QUARANTINE_WARN_SHARE = 0.05


def _nothing_loaded(landing, summary: IngestSummary) -> str:
    """Why a warehouse holding no record at all cannot be built, and what to do about it."""
    if not summary.files:
        found = f"the landing folder {landing} has no files"
    else:
        found = (
            f"none of the {len(summary.files)} file(s) in {landing} held a record that could be "
            f"loaded ({summary.rows_quarantined} record(s) quarantined tonight: raw.quarantine "
            "says why)"
        )
    return (
        f"nothing to build: no record has been loaded into the warehouse yet, and {found}. "
        "Put the labeling tools' exports there (README, 'Inputs') and run again"
    )


def _gx_check(connection, table: str, files: list[str]) -> dg.AssetCheckResult:
    failures = connection.execute(
        f"""
        select suite, expectation, column_name, on_failure, sum(unexpected_count)::bigint
        from {RAW_SCHEMA}.validation_results
        where suite = ? and not success and _source_file in (select unnest(?::varchar[]))
        group by all order by all
        """,
        [f"{RAW_SCHEMA}_{table}", files],
    ).fetchall()
    blocking = [f for f in failures if f[3] == "block"]
    return dg.AssetCheckResult(
        asset_key=RAW_KEYS[table],
        check_name="gx_raw_suite",
        passed=not blocking,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "files_validated": len(files),
            "failed_expectations": dg.MetadataValue.json(
                [
                    {"expectation": e, "column": c, "on_failure": o, "unexpected": n}
                    for _, e, c, o, n in failures
                ]
            ),
        },
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            group_name="raw",
            kinds={"duckdb", "python"},
            description=f"Landed records in {RAW_SCHEMA}.{table}, one row per record "
            "with its source file and record number.",
            # Tonight's pull lands its files before the landing folder is read.
            deps=[LABEL_STUDIO_PULL],
        )
        for table, key in RAW_KEYS.items()
    ]
    + [
        dg.AssetSpec(
            key,
            group_name="raw",
            kinds={"duckdb", "python"},
            description=f"{RAW_SCHEMA}.{table}: {BOOKKEEPING[table]}.",
        )
        for table, key in BOOKKEEPING_KEYS.items()
    ],
    check_specs=[
        *(
            dg.AssetCheckSpec(
                "gx_raw_suite",
                asset=key,
                description="GX raw suite on each batch loaded tonight; failing rows "
                "are quarantined, a failure marked block rejects the batch.",
            )
            for key in RAW_KEYS.values()
        ),
        dg.AssetCheckSpec(
            "quarantine_share",
            asset=RAW_KEYS["events"],
            description=f"At most {QUARANTINE_WARN_SHARE:.0%} of tonight's records "
            "quarantined (all sources).",
        ),
    ],
    can_subset=False,
)
def raw_layer(context: dg.AssetExecutionContext, settings: AnnolyticsSettings):
    locations = settings.current()
    folders = night_folders(locations.warehouse, locations.site, DBT_PROJECT_DIR / "target")
    short = shortages(folders, locations.warehouse)
    if short:
        # Pre-flight: a night that would fill the disk half-way fails later, less clearly.
        raise dg.Failure(description="; ".join(shortage.describe() for shortage in short))
    context.log.info(f"Ingesting {locations.landing} into {locations.warehouse}")
    summary: IngestSummary = ingest_landing(
        locations.landing,
        locations.warehouse,
        log=context.log.info,
        memory_limit=locations.duckdb_memory_limit,
    )
    touched = [f.source_file for f in summary.files if f.status != "unchanged"]
    with duckdb.connect(str(locations.warehouse), read_only=True) as connection:
        held = sum(
            connection.execute(f"select count(*) from {RAW_SCHEMA}.{table}").fetchone()[0]
            for table in RAW_KEYS
        )
        if not held:
            # Every mart would be empty and the first blocking suite would name itself, not this.
            raise dg.Failure(description=_nothing_loaded(locations.landing, summary))
        totals = dict(
            connection.execute(
                "select table_name, estimated_size from duckdb_tables() where schema_name = ?",
                [RAW_SCHEMA],
            ).fetchall()
        )
        for table, key in RAW_KEYS.items():
            yield dg.MaterializeResult(
                asset_key=key,
                metadata={**summary.as_metadata(), "table_rows": int(totals.get(table, 0))},
            )
            yield _gx_check(connection, table, touched)
    for key in BOOKKEEPING_KEYS.values():
        yield dg.MaterializeResult(asset_key=key, metadata=summary.as_metadata())
    records = summary.rows_loaded + summary.rows_quarantined
    share = summary.rows_quarantined / records if records else 0.0
    yield dg.AssetCheckResult(
        asset_key=RAW_KEYS["events"],
        check_name="quarantine_share",
        passed=share <= QUARANTINE_WARN_SHARE,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "records_tonight": records,
            "quarantined_tonight": summary.rows_quarantined,
            "share": round(share, 4),
        },
    )
