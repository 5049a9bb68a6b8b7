"""The live pull: a configured Label Studio server's exports, users and comments, landed as
files before the raw layer ingests the landing folder (lib/pull/label_studio.py).

A server that cannot be read fails the pull's check (severity WARN) with the reason, and the
night goes on with the files already landed: raising here would skip ingestion, the build and
the report downstream in the same run. The check exists only when a server is configured
(ANNOLYTICS_LABEL_STUDIO_URL in the code location's environment), so a night without one
counts no check for it. A failed pull makes the night publish its report even when no file is
new (defs/transform/assets.py), so the report says so.
"""

import dagster as dg

from dagster_project.defs.resources import AnnolyticsSettings
from dagster_project.lib.pull.label_studio import (
    PullError,
    PullOutcome,
    pull_label_studio,
    server_from_settings,
)
from dagster_project.lib.settings import Settings, SettingsError

LABEL_STUDIO_PULL = dg.AssetKey(["landing", "label_studio_pull"])
CHECK_NAME = "pull_succeeded"


def _configured() -> bool:
    try:
        return bool(Settings.from_env().label_studio_url)
    except SettingsError:
        return True  # the asset says what is wrong with the setting when it runs


def _outcome_metadata(outcome: PullOutcome) -> dict:
    return {
        "server": outcome.server,
        "instance": outcome.instance,
        "users": outcome.users,
        "files_landed": dg.MetadataValue.json(outcome.files),
        "projects": dg.MetadataValue.json(
            [
                {
                    "project": p.project_id,
                    "title": p.title,
                    "tasks": p.tasks,
                    "annotations": p.annotations,
                    "comments": p.comments,
                    "error": p.error,
                }
                for p in outcome.projects
            ]
        ),
    }


def label_studio_pull_asset(with_check: bool) -> dg.AssetsDefinition:
    check_specs = (
        [
            dg.AssetCheckSpec(
                CHECK_NAME,
                asset=LABEL_STUDIO_PULL,
                description="Every configured Label Studio project was exported and landed.",
            )
        ]
        if with_check
        else []
    )

    @dg.asset(
        key=LABEL_STUDIO_PULL,
        group_name="landing",
        kinds={"python"},
        check_specs=check_specs,
        description="Pulls each configured Label Studio project's export, the users list and "
        "the comments into the landing folder (instance=<name>/label-studio/), with the time of "
        "the pull in each file's name. Nothing to do when ANNOLYTICS_LABEL_STUDIO_URL is unset.",
    )
    def label_studio_pull(context: dg.AssetExecutionContext, settings: AnnolyticsSettings):
        current = settings.current()
        try:
            server = server_from_settings(current)
        except PullError as error:  # a URL without a token: nothing could be asked
            problem = summary = str(error)
            metadata = {}
        else:
            if server is None:
                context.log.info("No Label Studio server configured: nothing to pull")
                yield dg.MaterializeResult(metadata={"configured": False})
                if with_check:
                    yield dg.AssetCheckResult(check_name=CHECK_NAME, passed=True)
                return
            outcome = pull_label_studio(server, current.landing, log=context.log.info)
            summary = outcome.summary()
            problem = None if outcome.ok else summary
            metadata = _outcome_metadata(outcome)
        (context.log.warning if problem else context.log.info)(summary)
        yield dg.MaterializeResult(
            metadata={
                "configured": True,
                "pull_ok": problem is None,
                "summary": summary,
                **metadata,
            }
        )
        if with_check:
            yield dg.AssetCheckResult(
                check_name=CHECK_NAME,
                passed=problem is None,
                severity=dg.AssetCheckSeverity.WARN,
                description=summary,
            )

    return label_studio_pull


@dg.definitions
def pull_definitions() -> dg.Definitions:
    return dg.Definitions(assets=[label_studio_pull_asset(with_check=_configured())])
