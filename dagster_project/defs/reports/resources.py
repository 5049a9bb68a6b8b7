"""How the report is published: pseudonyms on or off, how many dated snapshots to keep."""

import dagster as dg

from dagster_project.lib.site.publish import PublishSettings


class ReportSettings(dg.ConfigurableResource):
    """Unset fields fall back to ANNOLYTICS_PSEUDONYMISE (1/true/yes) and
    ANNOLYTICS_SNAPSHOT_RETENTION (nights), then to no pseudonyms and 14 nights."""

    pseudonymise: bool | None = None
    snapshot_retention: int | None = None

    def settings(self) -> PublishSettings:
        defaults = PublishSettings.from_env()
        return PublishSettings(
            pseudonymise=defaults.pseudonymise if self.pseudonymise is None else self.pseudonymise,
            snapshot_retention=defaults.snapshot_retention
            if self.snapshot_retention is None
            else self.snapshot_retention,
        )


@dg.definitions
def report_resources() -> dg.Definitions:
    return dg.Definitions(resources={"report_settings": ReportSettings()})
