"""`annolytics`: run a night, generate demo data, or both.

annolytics run [--landing DIR] [--warehouse FILE] [--site DIR] [--wait SECONDS]
annolytics replay FILE... [--warehouse FILE]
annolytics generate --out DIR [--events N] [--seed S]
annolytics demo [--events N]
annolytics pull label-studio [--landing DIR] [--url URL] [--projects ID...] [--instance NAME]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from dagster_project.lib.bench import add_bench_arguments, bench_command
from dagster_project.lib.night.disk_space import DiskWatch, night_folders, record_usage
from dagster_project.lib.night.reason import FailedCheck, StepFailure, failure_reason
from dagster_project.lib.night.step_times import format_step_times
from dagster_project.lib.settings import (
    DBT_PROJECT_DIR,
    ENGINES,
    LABEL_STUDIO_INSTANCE_ENV,
    LABEL_STUDIO_PROJECTS_ENV,
    LABEL_STUDIO_URL_ENV,
    REPO_ROOT,
    Settings,
    SettingsError,
)
from dagster_project.lib.site.publish import mark_site_failed

DEFAULT_LANDING = REPO_ROOT / "data" / "landing"
DEFAULT_WAREHOUSE = REPO_ROOT / "data" / "warehouse.duckdb"
DEFAULT_SITE = REPO_ROOT / "reports" / "site"


def _report_published(result) -> bool:
    return any(
        event.asset_key is not None and event.asset_key.path == ["reports", "site"]
        for event in result.get_asset_materialization_events()
    )


def step_times_line(result) -> str:
    """Where the night's time went: each step that finished, in the order they finished (the
    rest is start-up)."""
    return format_step_times(
        (event.step_key, event.event_specific_data.duration_ms / 1000)
        for event in result.all_events
        if event.is_step_success
    )


def _error_text(error) -> str:
    """An error's message with its causes and context, as Dagster serialised them."""
    parts = []
    while error is not None:
        parts.append(error.message or "")
        if error.context is not None:
            parts.append(_error_text(error.context))
        error = error.cause
    return "\n".join(parts)


def _failure_reason(result, paths: Settings | None = None) -> str | None:
    """One line naming what stopped the night (lib/night/reason.py), or None."""
    failures = [
        StepFailure(
            event.step_key,
            event.step_failure_data.error.cls_name if event.step_failure_data.error else "",
            _error_text(event.step_failure_data.error) or "unknown error",
        )
        for event in result.all_events
        if event.is_step_failure
    ]
    failed_checks = [
        FailedCheck(evaluation.asset_key.to_user_string(), evaluation.check_name)
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed and evaluation.severity.value == "ERROR"
    ]
    return failure_reason(
        failures,
        failed_checks,
        result.success,
        _report_published(result),
        _night_folders(paths) if paths else (),
    )


def _night_folders(paths: Settings) -> list[Path]:
    return night_folders(paths.warehouse, paths.site, DBT_PROJECT_DIR / "target")


EXIT_BUSY = 3


def run_night(
    landing: Path, warehouse: Path, site: Path, wait_s: float = 0.0, engine: str | None = None
) -> int:
    try:
        paths = Settings.from_env().with_paths(landing, warehouse, site).with_engine(engine)
    except SettingsError as error:
        print(f"annolytics run: {error}", file=sys.stderr)
        return 2
    if not paths.landing.is_dir():
        print(
            f"annolytics run: landing folder {paths.landing} does not exist; "
            "create it or pass --landing DIR",
            file=sys.stderr,
        )
        return 2
    from dagster_project.lib.night.run_lock import WarehouseBusy, warehouse_lock

    try:
        with warehouse_lock(paths.warehouse, wait_s=wait_s):
            return _run_locked(paths)
    except WarehouseBusy as busy:
        print(f"annolytics run: {busy}", file=sys.stderr)
        return EXIT_BUSY


def _run_config(paths: Settings) -> dict:
    """The job's config: its paths (the rest of its settings it reads itself: lib/settings)."""
    return {
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
        "resources": {
            "settings": {
                "config": {
                    "landing_dir": str(paths.landing),
                    "warehouse_path": str(paths.warehouse),
                    "site_dir": str(paths.site),
                    "engine": paths.engine,
                }
            }
        },
    }


def _run_locked(paths: Settings) -> int:
    import dagster as dg

    from dagster_project.definitions import defs

    started = time.monotonic()
    print(f"Nightly run: {paths.landing} -> {paths.warehouse}", flush=True)
    job = defs().resolve_job_def("nightly_job")
    # What the night takes on each disk, for the next night's pre-flight check (raw_layer).
    with DiskWatch(_night_folders(paths)) as disk, dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config=_run_config(paths),
        )
    reason = _failure_reason(result, paths)
    elapsed = time.monotonic() - started
    print(step_times_line(result), flush=True)
    if reason:
        print(f"annolytics run FAILED after {elapsed:.1f} s: {reason}", file=sys.stderr)
        mark_site_failed(paths.site, reason)  # the last report stays, with a banner saying why
        return 1
    record_usage(paths.warehouse, disk.used)
    print(f"Nightly run finished in {elapsed:.1f} s. Report: {paths.site / 'index.html'}")
    return 0


def replay_files(warehouse: Path, files: list[str], wait_s: float = 0.0) -> int:
    from dagster_project.lib.ingest.replay import replay
    from dagster_project.lib.night.run_lock import WarehouseBusy, warehouse_lock

    try:
        with warehouse_lock(warehouse.resolve(), wait_s=wait_s):
            forgotten = replay(warehouse.resolve(), files)
    except (WarehouseBusy, ValueError) as error:
        print(f"annolytics replay: {error}", file=sys.stderr)
        return EXIT_BUSY if isinstance(error, WarehouseBusy) else 2
    for name, rows in forgotten.items():
        print(f"Forgot {name} ({rows:,} rows); the next run loads it again.")
    return 0


def generate_data(out: Path, events: int, seed: int) -> int:
    from dagster_project.lib.synthetic import generate

    started = time.monotonic()

    def progress(done: int) -> None:
        print(f"  generated {done:,} events ({time.monotonic() - started:.0f} s)", flush=True)

    summary = generate(out, events=events, seed=seed, progress=progress)
    print(
        f"Wrote {summary.events_written:,} events for {summary.tasks:,} tasks in "
        f"{len(summary.files)} files under {out} ({time.monotonic() - started:.1f} s)"
    )
    return 0


def write_examples(landing: Path) -> int:
    from dagster_project.lib.synthetic.tool_examples import write_tool_examples

    files = write_tool_examples(landing)
    shown = ", ".join(str(path.relative_to(landing)) for path in files)
    print(f"Wrote example exports of other tools under {landing}: {shown}")
    return 0


def pull_label_studio_command(args) -> int:
    """`annolytics pull label-studio`: land the configured server's exports now."""
    from dagster_project.lib.pull.label_studio import (
        PullError,
        pull_label_studio,
        server_from_settings,
    )

    # The options stand in for their variables, and are checked the same way.
    given = {
        LABEL_STUDIO_URL_ENV: args.url,
        LABEL_STUDIO_PROJECTS_ENV: ",".join(map(str, args.projects or [])),
        LABEL_STUDIO_INSTANCE_ENV: args.instance,
    }
    try:
        environ = {**os.environ, **{name: value for name, value in given.items() if value}}
        settings = Settings.from_env(environ).with_paths(landing=args.landing)
        server = server_from_settings(settings)
    except (SettingsError, PullError) as error:
        print(f"annolytics pull: {error}", file=sys.stderr)
        return 2
    if server is None:
        print(
            "annolytics pull: no server: set ANNOLYTICS_LABEL_STUDIO_URL (or pass --url) and "
            "ANNOLYTICS_LABEL_STUDIO_TOKEN",
            file=sys.stderr,
        )
        return 2
    outcome = pull_label_studio(server, settings.landing)
    print(outcome.summary(), file=sys.stdout if outcome.ok else sys.stderr)
    return 0 if outcome.ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="annolytics", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="one nightly run over the landing folder")
    run.add_argument("--landing", type=Path, default=DEFAULT_LANDING)
    run.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    run.add_argument("--site", type=Path, default=DEFAULT_SITE)
    run.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="when another run holds the warehouse, wait up to this long instead of refusing",
    )
    run.add_argument(
        "--engine",
        choices=ENGINES,
        default=None,
        help="where the models run: duckdb (embedded, the default) or spark (a Spark Connect "
        "server named by ANNOLYTICS_SPARK_CONNECT_URL; docs/spark.md)",
    )

    again = commands.add_parser(
        "replay", help="forget landed files so the next run loads them again"
    )
    again.add_argument("files", nargs="+", help="paths relative to the landing folder")
    again.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    again.add_argument("--wait", type=float, default=0.0, metavar="SECONDS")

    gen = commands.add_parser("generate", help="write synthetic event-log files")
    gen.add_argument("--out", type=Path, required=True)
    gen.add_argument("--events", type=int, default=50_000)
    gen.add_argument("--seed", type=int, default=7)

    demo = commands.add_parser("demo", help="generate demo data, then run one night")
    demo.add_argument("--events", type=int, default=50_000)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--landing", type=Path, default=DEFAULT_LANDING)
    demo.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    demo.add_argument("--site", type=Path, default=DEFAULT_SITE)

    pull = commands.add_parser(
        "pull", help="land a labeling tool's exports from its server now (the night does too)"
    )
    tools = pull.add_subparsers(dest="tool", required=True)
    studio = tools.add_parser(
        "label-studio",
        help="each project's export, the users and the comments of a Label Studio server",
        description="The token is read from ANNOLYTICS_LABEL_STUDIO_TOKEN only (a command line "
        "is visible to every user of the machine).",
    )
    studio.add_argument("--landing", type=Path, default=DEFAULT_LANDING)
    studio.add_argument("--url", help="the server (default: ANNOLYTICS_LABEL_STUDIO_URL)")
    studio.add_argument(
        "--projects", type=int, nargs="+", metavar="ID", help="project ids (default: all)"
    )
    studio.add_argument("--instance", help="its landing folder name (default: host-port)")

    add_bench_arguments(commands.add_parser("bench", help="measure nights vs bare DuckDB"))

    args = parser.parse_args(argv)
    if args.command == "bench":
        return bench_command(args)
    if args.command == "pull":
        return pull_label_studio_command(args)
    if args.command == "run":
        return run_night(
            args.landing, args.warehouse, args.site, wait_s=args.wait, engine=args.engine
        )
    if args.command == "replay":
        return replay_files(args.warehouse, args.files, wait_s=args.wait)
    if args.command == "generate":
        return generate_data(args.out, args.events, args.seed)
    status = generate_data(args.landing, args.events, args.seed)
    if status == 0:
        status = write_examples(args.landing)
    return status or run_night(args.landing, args.warehouse, args.site)


if __name__ == "__main__":
    sys.exit(main())
