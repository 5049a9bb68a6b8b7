"""Start the nightly job as soon as new or changed files land, not only at night."""

import hashlib

import dagster as dg

from dagster_project.lib.ingest.landing import scan_landing
from dagster_project.lib.settings import Settings

from ..jobs import nightly_job, nightly_run_in_progress
from ..resources import AnnolyticsSettings


def landing_fingerprint(paths: Settings) -> str:
    """Changes whenever a file is added, removed, resized or rewritten in the landing folder, or
    an entry the night refuses (a link, a pipe) appears or changes."""
    digest = hashlib.sha256()
    files, refused = scan_landing(paths.landing)
    for path in files:
        try:
            stat = path.lstat()
        except FileNotFoundError:
            continue  # removed since the scan: the next tick sees the folder without it
        digest.update(
            f"{path.relative_to(paths.landing)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode()
        )
    for entry in refused:
        digest.update(f"{entry.source_file}|refused|{entry.identity}\n".encode())
    return digest.hexdigest()


@dg.sensor(
    job=nightly_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Runs the nightly job when the landing folder changes.",
)
def landing_folder_sensor(context: dg.SensorEvaluationContext, settings: AnnolyticsSettings):
    fingerprint = landing_fingerprint(settings.current())
    if fingerprint == context.cursor:
        return dg.SkipReason("landing folder unchanged")
    busy = nightly_run_in_progress(context.instance)
    if busy:  # the cursor stays: the change is picked up once that run is over
        return dg.SkipReason(f"nightly run {busy} is still in progress")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint)
