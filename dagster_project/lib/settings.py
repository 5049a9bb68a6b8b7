"""Every setting of a night, read from ``ANNOLYTICS_*`` environment variables in one place.

``Settings.from_env()`` reads and checks every variable (a bad value raises ``SettingsError``
naming the variable, what it means and its default); the result is passed down, to the
Dagster resources (``defs/resources.py``) and from them to the code that needs each value.
Nothing writes the environment back: the CLI hands its paths to the job as resource config,
and only the dbt subprocess gets an environment (``dbt_environment``), because dbt's profile
reads the warehouse path and DuckDB's memory settings through ``env_var``.

| variable | meaning | default |
|---|---|---|
| ANNOLYTICS_LANDING | landing folder | data/landing |
| ANNOLYTICS_WAREHOUSE | warehouse file | data/warehouse.duckdb |
| ANNOLYTICS_SITE | published report folder | reports/site |
| ANNOLYTICS_DUCKDB_MEMORY_LIMIT | DuckDB's memory limit in ingestion and dbt | 2GB |
| ANNOLYTICS_DUCKDB_BLOCK_ALLOCATOR_MEMORY | freed memory dbt's DuckDB keeps for reuse | 1GB |
| ANNOLYTICS_FULL_REFRESH | rebuild every model tonight (1/true/yes/on) | off |
| ANNOLYTICS_FORCE_BUILD | build even when nothing changed | off |
| ANNOLYTICS_PSEUDONYMISE | publish people under pseudonyms | off |
| ANNOLYTICS_PSEUDONYM_KEY | the pseudonyms' key (never logged) | a key kept beside the warehouse |
| ANNOLYTICS_SNAPSHOT_RETENTION | dated report snapshots kept (0: none) | 14 |
| ANNOLYTICS_SITE_TABLE_ROWS | rows a table shows on a page (the rest in its CSV) | 1000 |
| ANNOLYTICS_SITE_WORKERS | processes rendering the report | the usable cores, at most 4 |
| ANNOLYTICS_LABEL_STUDIO_URL | Label Studio server pulled nightly (https://host:port) | none |
| ANNOLYTICS_LABEL_STUDIO_TOKEN | its API token (legacy or personal; never logged) | unset |
| ANNOLYTICS_LABEL_STUDIO_PROJECTS | project ids to pull, comma-separated | all it sees |
| ANNOLYTICS_LABEL_STUDIO_INSTANCE | its landing folder name (instance=<name>/) | host-port |
| ANNOLYTICS_PULL_ATTEMPTS | tries per request to a tool's server | 4 |
| ANNOLYTICS_PULL_BACKOFF_S | seconds before the second try (doubling after) | 2 |
| ANNOLYTICS_ENGINE | the engine the models run on: duckdb or spark (docs/spark.md) | duckdb |
| ANNOLYTICS_SPARK_CONNECT_URL | the spark engine's Spark Connect server (sc://host:15002) | unset |
| ANNOLYTICS_SPARK_DATA | raw layer's Parquet folder (the cluster reads it) | beside the warehouse |
| ANNOLYTICS_FAILPOINT | tests only: kill the night at this point | unset |
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
REPORTS_DIR = REPO_ROOT / "reports"

LANDING_ENV = "ANNOLYTICS_LANDING"
WAREHOUSE_ENV = "ANNOLYTICS_WAREHOUSE"
SITE_ENV = "ANNOLYTICS_SITE"
DUCKDB_MEMORY_LIMIT_ENV = "ANNOLYTICS_DUCKDB_MEMORY_LIMIT"
BLOCK_ALLOCATOR_ENV = "ANNOLYTICS_DUCKDB_BLOCK_ALLOCATOR_MEMORY"
FULL_REFRESH_ENV = "ANNOLYTICS_FULL_REFRESH"
FORCE_BUILD_ENV = "ANNOLYTICS_FORCE_BUILD"
PSEUDONYMISE_ENV = "ANNOLYTICS_PSEUDONYMISE"
PSEUDONYM_KEY_ENV = "ANNOLYTICS_PSEUDONYM_KEY"
RETENTION_ENV = "ANNOLYTICS_SNAPSHOT_RETENTION"
TABLE_ROWS_ENV = "ANNOLYTICS_SITE_TABLE_ROWS"
WORKERS_ENV = "ANNOLYTICS_SITE_WORKERS"
FAILPOINT_ENV = "ANNOLYTICS_FAILPOINT"
LABEL_STUDIO_URL_ENV = "ANNOLYTICS_LABEL_STUDIO_URL"
LABEL_STUDIO_TOKEN_ENV = "ANNOLYTICS_LABEL_STUDIO_TOKEN"
LABEL_STUDIO_PROJECTS_ENV = "ANNOLYTICS_LABEL_STUDIO_PROJECTS"
LABEL_STUDIO_INSTANCE_ENV = "ANNOLYTICS_LABEL_STUDIO_INSTANCE"
PULL_ATTEMPTS_ENV = "ANNOLYTICS_PULL_ATTEMPTS"
PULL_BACKOFF_ENV = "ANNOLYTICS_PULL_BACKOFF_S"
ENGINE_ENV = "ANNOLYTICS_ENGINE"
SPARK_CONNECT_URL_ENV = "ANNOLYTICS_SPARK_CONNECT_URL"
SPARK_DATA_ENV = "ANNOLYTICS_SPARK_DATA"
ENGINES = ("duckdb", "spark")

# Where a killed night can be simulated (failpoints.py).
FAILPOINTS = ("ingest", "dbt", "validation", "publish")
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}
_INSTANCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_MEMORY = re.compile(r"\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*", re.IGNORECASE)


class SettingsError(ValueError):
    """An ANNOLYTICS_* variable with a value the night cannot use."""


def default_workers() -> int:
    """The cores this process may use, at most 4: every render worker runs the split queries
    again for its pages, so more workers repeat more DuckDB work (measured on 2 cores only)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cores or 1))


def _flag(environ: Mapping[str, str], name: str, meaning: str) -> bool:
    text = environ.get(name, "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SettingsError(f"{name} must be 1/true/yes/on or 0/false/no/off ({meaning}), not {text!r}")


def _whole(environ: Mapping[str, str], name: str, default: int, minimum: int, meaning: str) -> int:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        number = int(text)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise SettingsError(
            f"{name} must be a whole number of at least {minimum} ({meaning}; default "
            f"{default}), not {text!r}"
        )
    return number


def _memory(environ: Mapping[str, str], name: str, default: str, meaning: str) -> str:
    text = environ.get(name, "").strip()
    if not text:
        return default
    if not _MEMORY.fullmatch(text):
        raise SettingsError(
            f"{name} must be an amount such as 2GB or 512MB ({meaning}), not {text!r}"
        )
    return text


def _path(environ: Mapping[str, str], name: str, default: Path) -> Path:
    text = environ.get(name, "").strip()
    return Path(text).resolve() if text else default.resolve()


def _server_url(environ: Mapping[str, str], name: str) -> str:
    text = environ.get(name, "").strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(
            f"{name} must be a server's address such as https://host:8080, not {text!r}"
        )
    if parts.username or parts.password:
        raise SettingsError(
            f"{name} must not hold credentials (they would be logged with it): put the token in "
            f"{LABEL_STUDIO_TOKEN_ENV}"
        )
    return text


def _project_ids(environ: Mapping[str, str], name: str) -> tuple[int, ...]:
    text = environ.get(name, "").strip()
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not all(part.isdigit() for part in parts):
        raise SettingsError(
            f"{name} must be project ids separated by commas (e.g. 3,7), not {text!r}"
        )
    return tuple(sorted({int(part) for part in parts}))


def _instance(environ: Mapping[str, str], name: str) -> str:
    text = environ.get(name, "").strip()
    if text and not _INSTANCE.fullmatch(text):
        raise SettingsError(
            f"{name} must be a folder name of letters, digits, '.', '_' or '-' "
            f"(the landing folder instance=<name>/), not {text!r}"
        )
    return text


def _seconds(environ: Mapping[str, str], name: str, default: float, meaning: str) -> float:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if not 0 <= number < 3600:
        raise SettingsError(f"{name} must be seconds from 0 to 3600 ({meaning}), not {text!r}")
    return number


def _engine(text: str, source: str) -> str:
    engine = text.strip().lower() or "duckdb"
    if engine not in ENGINES:
        raise SettingsError(f"{source} must be one of {', '.join(ENGINES)}, not {text!r}")
    return engine


def _connect_url(environ: Mapping[str, str], name: str) -> str:
    text = environ.get(name, "").strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme != "sc" or not parts.hostname:
        raise SettingsError(
            f"{name} must be a Spark Connect address such as sc://host:15002, not {text!r}"
        )
    return text


def _failpoint(environ: Mapping[str, str]) -> str:
    name = environ.get(FAILPOINT_ENV, "").strip()
    if name and name not in FAILPOINTS:
        raise SettingsError(f"{FAILPOINT_ENV} must be one of {', '.join(FAILPOINTS)}, not {name!r}")
    return name


@dataclass(frozen=True)
class Settings:
    landing: Path
    warehouse: Path
    site: Path
    duckdb_memory_limit: str = "2GB"
    duckdb_block_allocator_memory: str = "1GB"
    full_refresh: bool = False
    force_build: bool = False
    pseudonymise: bool = False
    pseudonym_key: str = dataclasses.field(default="", repr=False)  # a secret: never shown
    snapshot_retention: int = 14
    site_table_rows: int = 1_000
    site_workers: int = dataclasses.field(default_factory=default_workers)
    failpoint: str = ""
    label_studio_url: str = ""
    label_studio_token: str = dataclasses.field(default="", repr=False)  # a secret: never shown
    label_studio_projects: tuple[int, ...] = ()
    label_studio_instance: str = ""
    pull_attempts: int = 4
    pull_backoff_s: float = 2.0
    engine: str = "duckdb"
    spark_connect_url: str = ""
    spark_data: Path | None = None  # None: beside the warehouse (spark_raw_folder)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        return cls(
            landing=_path(environ, LANDING_ENV, REPO_ROOT / "data" / "landing"),
            warehouse=_path(environ, WAREHOUSE_ENV, REPO_ROOT / "data" / "warehouse.duckdb"),
            site=_path(environ, SITE_ENV, REPO_ROOT / "reports" / "site"),
            duckdb_memory_limit=_memory(
                environ, DUCKDB_MEMORY_LIMIT_ENV, "2GB", "DuckDB's memory limit"
            ),
            duckdb_block_allocator_memory=_memory(
                environ, BLOCK_ALLOCATOR_ENV, "1GB", "freed memory dbt's DuckDB keeps"
            ),
            full_refresh=_flag(environ, FULL_REFRESH_ENV, "rebuild every model tonight"),
            force_build=_flag(environ, FORCE_BUILD_ENV, "build even when nothing changed"),
            pseudonymise=_flag(environ, PSEUDONYMISE_ENV, "publish people under pseudonyms"),
            pseudonym_key=environ.get(PSEUDONYM_KEY_ENV, ""),
            snapshot_retention=_whole(
                environ, RETENTION_ENV, 14, 0, "dated snapshots kept; 0 keeps none"
            ),
            site_table_rows=_whole(
                environ, TABLE_ROWS_ENV, 1_000, 1, "the rows a table shows on a page"
            ),
            site_workers=_whole(
                environ, WORKERS_ENV, default_workers(), 1, "processes rendering the site's pages"
            ),
            failpoint=_failpoint(environ),
            label_studio_url=_server_url(environ, LABEL_STUDIO_URL_ENV),
            label_studio_token=environ.get(LABEL_STUDIO_TOKEN_ENV, "").strip(),
            label_studio_projects=_project_ids(environ, LABEL_STUDIO_PROJECTS_ENV),
            label_studio_instance=_instance(environ, LABEL_STUDIO_INSTANCE_ENV),
            pull_attempts=_whole(environ, PULL_ATTEMPTS_ENV, 4, 1, "tries per request"),
            pull_backoff_s=_seconds(
                environ, PULL_BACKOFF_ENV, 2.0, "the wait before a second try, doubling after"
            ),
            spark_connect_url=_connect_url(environ, SPARK_CONNECT_URL_ENV),
            spark_data=(
                Path(environ[SPARK_DATA_ENV]).resolve()
                if environ.get(SPARK_DATA_ENV, "").strip()
                else None
            ),
        ).with_engine(_engine(environ.get(ENGINE_ENV, ""), ENGINE_ENV))

    def with_engine(self, engine: str | None) -> Settings:
        """These settings on ``engine`` (None: as they are); Spark needs its Connect server."""
        if not engine:
            return self
        engine = _engine(engine, "--engine")
        if engine == "spark" and not self.spark_connect_url:
            raise SettingsError(
                f"the spark engine needs {SPARK_CONNECT_URL_ENV}, the Spark Connect server to "
                "build on (sc://host:15002; docs/spark.md says how to start one)"
            )
        return dataclasses.replace(self, engine=engine)

    @property
    def spark_raw_folder(self) -> Path:
        """Where the raw layer's Parquet files go for Spark."""
        return self.spark_data or self.warehouse.with_suffix(".spark")

    def with_paths(
        self, landing: Path | None = None, warehouse: Path | None = None, site: Path | None = None
    ) -> Settings:
        return dataclasses.replace(
            self,
            landing=Path(landing).resolve() if landing else self.landing,
            warehouse=Path(warehouse).resolve() if warehouse else self.warehouse,
            site=Path(site).resolve() if site else self.site,
        )

    def dbt_env(self) -> dict[str, str]:
        """What dbt's profile reads (dbt/profiles.yml)."""
        environment = {
            WAREHOUSE_ENV: str(self.warehouse),
            DUCKDB_MEMORY_LIMIT_ENV: self.duckdb_memory_limit,
            BLOCK_ALLOCATOR_ENV: self.duckdb_block_allocator_memory,
            # numpy sets these two while it first imports and then deletes them; dbt's log
            # scrubber iterating the environment in another thread then failed a Python model
            # with KeyError. Set for the whole process, numpy leaves the environment alone.
            "OPENBLAS_MAIN_FREE": "1",
            "GOTOBLAS_MAIN_FREE": "1",
        }
        if self.engine == "spark":
            environment[SPARK_CONNECT_URL_ENV] = self.spark_connect_url
            # dbt-spark asks every statement's session for Hive support, which a Connect
            # server already has or cannot change, and pyspark warns on pandas 3: two warnings
            # per statement, hundreds per night, that say nothing about the night.
            environment["PYTHONWARNINGS"] = (
                "ignore::UserWarning:pyspark.sql.connect.conf,ignore::FutureWarning"
            )
        return environment

    @property
    def dbt_target(self) -> str:
        """dbt's target (dbt/profiles.yml) for this engine."""
        return "spark_connect" if self.engine == "spark" else "duckdb"


def failpoint_from_env() -> str:
    """The failpoint set for this process (read when reached: tests set it per run)."""
    return _failpoint(os.environ)


@contextmanager
def overlaid_environment(values: Mapping[str, str]) -> Iterator[None]:
    """Within the block, ``values`` in this process's environment; the environment as it was
    after it."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def dbt_environment(settings: Settings):
    """Within the block, the environment dbt's profile reads (for the dbt subprocess started
    there); the process's own environment is restored after it."""
    return overlaid_environment(settings.dbt_env())
