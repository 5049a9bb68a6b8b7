"""GX suites on what the report publishes; blocking, so a failed suite stops publication."""

import dagster as dg
import duckdb

from dagster_project.defs.resources import AnnolyticsPaths
from dagster_project.lib.failpoints import failpoint
from dagster_project.lib.settings import EXPECTATIONS_DIR
from dagster_project.lib.validation import Validator

# Every expectations/mart_<name>.json guards the mart of that name: adding a suite file is all
# it takes to validate another mart (and to make the report wait for it).
VALIDATED_MARTS = tuple(sorted(path.stem for path in EXPECTATIONS_DIR.glob("mart_*.json")))
# One GX context for every mart check of the process (a night runs its steps in one process):
# GX's import and context cost seconds, each suite is registered once on first use.
VALIDATOR = Validator()


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
        report = VALIDATOR.validate(mart, frame)
        failpoint("validation")
        return dg.AssetCheckResult(
            passed=report.success,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"rows": len(frame), "result": dg.MetadataValue.json(report.summary())},
        )

    return check


@dg.definitions
def quality_checks() -> dg.Definitions:
    return dg.Definitions(asset_checks=[_mart_check(mart) for mart in VALIDATED_MARTS])
