"""Runs the Dagster daemon starts (schedule, sensor, UI) fail where nobody watches: say so on
the published site. `annolytics run` does the same itself (its runs are in process)."""

import dagster as dg

from dagster_project.lib.site.publish import mark_site_failed

from ..jobs import nightly_job
from ..resources import AnnolyticsSettings


def failure_reason(instance: dg.DagsterInstance, run_id: str, fallback: str) -> str:
    """One line: the first failed step and its error, as `annolytics run` prints it."""
    records = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.STEP_FAILURE, limit=1
    ).records
    if not records:
        return fallback.strip().splitlines()[0] if fallback.strip() else "the run failed"
    event = records[0].event_log_entry.dagster_event
    error = event.step_failure_data.error
    while error is not None and error.cause is not None:  # the user code's own error says most
        error = error.cause
    message = (error.message if error else "unknown error").strip().splitlines()[0]
    return f"step {event.step_key} failed: {message}"


@dg.run_failure_sensor(
    monitored_jobs=[nightly_job],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="A failed nightly run leaves the last report online with a banner saying why.",
)
def report_failure_banner(context: dg.RunFailureSensorContext, settings: AnnolyticsSettings):
    run = context.dagster_run
    reason = failure_reason(context.instance, run.run_id, context.failure_event.message or "")
    mark_site_failed(settings.current().site, reason)
    context.log.info(f"Marked the report as not updated: {reason}")
