"""The nightly job and its schedule."""

import dagster as dg

nightly_job = dg.define_asset_job(
    "nightly_job",
    selection=dg.AssetSelection.all(),
    description="Ingest the landing folder, build and test the warehouse, validate, "
    "publish the site.",
)

IN_PROGRESS = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def nightly_run_in_progress(instance: dg.DagsterInstance) -> str | None:
    """The id of a nightly run still in progress, if any: one warehouse, one writer at a time
    (`annolytics run` holds a file lock for the same reason)."""
    records = instance.get_run_records(
        dg.RunsFilter(job_name=nightly_job.name, statuses=IN_PROGRESS), limit=1
    )
    return records[0].dagster_run.run_id if records else None


@dg.schedule(
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 02:00 UTC, unless a nightly run is still in progress.",
)
def nightly_schedule(context: dg.ScheduleEvaluationContext):
    busy = nightly_run_in_progress(context.instance)
    if busy:
        return dg.SkipReason(f"nightly run {busy} is still in progress")
    return dg.RunRequest()
