"""GX suites on what the report publishes; blocking, so a failed suite stops publication."""

import dagster as dg
import duckdb

from dagster_project.defs.resources import AnnolyticsSettings
from dagster_project.lib.failpoints import failpoint
from dagster_project.lib.quality.validation import Validator
from dagster_project.lib.settings import EXPECTATIONS_DIR

# Every expectations/mart_<name>.json guards the mart of that name: adding a suite file is all
# it takes to validate another mart (and to make the report wait for it).
VALIDATED_MARTS = tuple(sorted(path.stem for path in EXPECTATIONS_DIR.glob("mart_*.json")))
CHECK_NAME = "gx_published_figures"
# One GX context for every mart check of the process (a night runs its steps in one process):
# GX's import and context cost seconds, each suite is registered once on first use.
VALIDATOR = Validator()


def _mart_key(mart: str) -> dg.AssetKey:
    return dg.AssetKey(["marts", mart])


# One step for every mart's suite, not one per mart: a Dagster step costs more bookkeeping
# (and a warehouse connection) than validating a small mart does. Each mart keeps its own
# blocking check, so a failure still names the mart and stops publication.
@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset=_mart_key(mart),
            blocking=True,
            description=f"GX suite expectations/{mart}.json on the whole mart before it is "
            "published.",
        )
        for mart in VALIDATED_MARTS
    ],
    can_subset=True,
)
def published_marts_gx(context: dg.AssetCheckExecutionContext, settings: AnnolyticsSettings):
    selected = {key.asset_key for key in context.selected_asset_check_keys}
    with duckdb.connect(str(settings.current().warehouse), read_only=True) as connection:
        for mart in VALIDATED_MARTS:
            if _mart_key(mart) not in selected:
                continue
            frame = connection.execute(f"select * from marts.{mart}").df()
            report = VALIDATOR.validate(mart, frame)
            failpoint("validation")
            yield dg.AssetCheckResult(
                asset_key=_mart_key(mart),
                check_name=CHECK_NAME,
                passed=report.success,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={"rows": len(frame), "result": dg.MetadataValue.json(report.summary())},
            )


@dg.definitions
def quality_checks() -> dg.Definitions:
    return dg.Definitions(asset_checks=[published_marts_gx])
