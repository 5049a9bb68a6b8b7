"""How the report is published: pseudonyms on or off, how many dated snapshots to keep, how many
rows a table shows, how many processes render it."""

import dataclasses

import dagster as dg

from dagster_project.lib.settings import Settings
from dagster_project.lib.site.publish import PublishSettings


class ReportSettings(dg.ConfigurableResource):
    """Unset fields fall back to ANNOLYTICS_PSEUDONYMISE (1/true/yes),
    ANNOLYTICS_SNAPSHOT_RETENTION (nights), ANNOLYTICS_SITE_TABLE_ROWS (rows a table shows) and
    ANNOLYTICS_SITE_WORKERS (processes rendering pages), then to no pseudonyms, 14 nights,
    1,000 rows and one process per core (at most 4)."""

    pseudonymise: bool | None = None
    snapshot_retention: int | None = None
    table_rows: int | None = None
    render_workers: int | None = None

    def settings(self, night: Settings) -> PublishSettings:
        # Only the fields set on the resource override the night's settings.
        overrides = {
            name: value
            for name, value in {
                "pseudonymise": self.pseudonymise,
                "snapshot_retention": self.snapshot_retention,
                "table_rows": self.table_rows,
                "render_workers": self.render_workers,
            }.items()
            if value is not None
        }
        return dataclasses.replace(PublishSettings.from_settings(night), **overrides)


@dg.definitions
def report_resources() -> dg.Definitions:
    return dg.Definitions(resources={"report_settings": ReportSettings()})
