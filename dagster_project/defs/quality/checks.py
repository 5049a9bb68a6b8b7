"""GX suites on what the report publishes; blocking, so a failed suite stops publication."""

import dagster as dg
import duckdb

from dagster_project.defs.resources import AnnolyticsPaths
from dagster_project.lib.validation import Validator

# Mart -> GX suite in expectations/ (same name). Add a line to validate another mart.
VALIDATED_MARTS = (
    "mart_annotator_performance",
    "mart_complexity",
    "mart_reworks",
    "mart_annotator_quality",
    "mart_throughput_daily",
    "mart_cost_by_annotator",
    "mart_agreement",
    "mart_drift",
)


def _mart_check(mart: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["marts", mart]),
        name="gx_published_figures",
        blocking=True,
        description=f"GX suite expectations/{mart}.json on the whole mart before it is published.",
    )
    def check(paths: AnnolyticsPaths) -> dg.AssetCheckResult:
        with duckdb.connect(str(paths.paths().warehouse), read_only=True) as connection:
            frame = connection.execute(f"select * from marts.{mart}").df()
        report = Validator().validate(mart, frame)
        return dg.AssetCheckResult(
            passed=report.success,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"rows": len(frame), "result": dg.MetadataValue.json(report.summary())},
        )

    return check


@dg.definitions
def quality_checks() -> dg.Definitions:
    return dg.Definitions(asset_checks=[_mart_check(mart) for mart in VALIDATED_MARTS])
