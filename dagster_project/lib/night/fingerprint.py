"""What a night is built from, as one hash: skip the dbt build, checks and site when it has not
changed since the last night that succeeded end to end.

The fingerprint covers the data (every line of ``raw.ingest_manifest``: a landed, replaced,
replayed or forgotten file changes it) and the code (the dbt project, the GX suites, the report
pages and templates, this package's Python, the versions of dbt, DuckDB and GX, the report
settings and the site folder). A night starts by recording its fingerprint in
``nightly.builds``; the last asset of the night marks it succeeded. A night whose fingerprint
equals the last succeeded one has nothing new: the marts it would build are byte-identical to
the ones in the warehouse (tested), and the published site already shows them.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import duckdb

from dagster_project.lib.settings import (
    DBT_PROJECT_DIR,
    EXPECTATIONS_DIR,
    FORCE_BUILD_ENV,
    REPO_ROOT,
    REPORTS_DIR,
    Settings,
)
from dagster_project.lib.site.status import read_status

SCHEMA = "nightly"
DBT_INPUTS = ("dbt_project.yml", "packages.yml", "profiles.yml", "models", "macros", "seeds",
              "data-tests", "dbt_packages")  # fmt: skip
PACKAGE_DIR = REPO_ROOT / "dagster_project"
VERSIONED = ("dbt-core", "dbt-duckdb", "duckdb", "great-expectations", "dagster", "dagster-dbt")
# Set to 1 to build every night whatever the fingerprint says.
FORCE_ENV = FORCE_BUILD_ENV

_DDL = f"""
create schema if not exists {SCHEMA};
create table if not exists {SCHEMA}.builds (
    run_id varchar primary key,
    fingerprint varchar not null,
    started_at timestamp not null,
    succeeded_at timestamp            -- null until the site is published
);
-- Added with incremental builds; older warehouses get it here.
alter table {SCHEMA}.builds add column if not exists code_fingerprint varchar;
create table if not exists {SCHEMA}.build_files (
    run_id varchar not null,
    source_file varchar not null,
    content_hash varchar not null,
    ingested_at timestamp not null
);
"""


def _files(root: Path, skip_dirs: tuple[str, ...] = ()) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.is_dir():
        return []
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(root).parts
        if "__pycache__" in relative or (relative and relative[0].startswith(skip_dirs)):
            continue
        if path.is_file() and path.suffix != ".pyc":
            found.append(path)
    return sorted(found)


def dbt_project_digest() -> str:
    """Hash of the dbt project's own files (models, macros, seeds, tests, settings)."""
    digest = hashlib.sha256()
    for path in (f for name in DBT_INPUTS for f in _files(DBT_PROJECT_DIR / name)):
        digest.update(str(path.relative_to(DBT_PROJECT_DIR)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def code_files() -> list[Path]:
    """Every file whose change can change a mart, a check or a page."""
    files = [f for name in DBT_INPUTS for f in _files(DBT_PROJECT_DIR / name)]
    files += _files(EXPECTATIONS_DIR)
    files += _files(REPORTS_DIR, skip_dirs=("site",))  # reports/site* are build folders
    files += [f for f in _files(PACKAGE_DIR) if f.suffix in {".py", ".json", ".sql", ".yml"}]
    return files


def _versions() -> list[str]:
    out = []
    for name in VERSIONED:
        try:
            out.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}==?")
    return out


def code_fingerprint(site: Path, settings: Settings) -> str:
    """Hash of the code and settings a night is built with (no data)."""
    digest = hashlib.sha256()
    for path in code_files():
        digest.update(str(path.relative_to(REPO_ROOT)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    # The settings that change what is published (not where or how fast).
    published = [
        f"pseudonymise={settings.pseudonymise}",
        f"retention={settings.snapshot_retention}",
    ]
    # A night on another engine rebuilds: the tables are the engine's (an unchanged DuckDB
    # night's fingerprint stays as it was).
    if settings.engine != "duckdb":
        published.append(f"engine={settings.engine}")
    for line in _versions() + published:
        digest.update(line.encode() + b"\0")
    digest.update(f"site={site}".encode() + b"\0")
    return digest.hexdigest()


def fingerprint(connection: duckdb.DuckDBPyConnection, code: str) -> str:
    """Hash of the code (``code_fingerprint``) and of every line of the ingest manifest."""
    digest = hashlib.sha256(code.encode())
    (manifest,) = connection.execute(
        """
        select coalesce(string_agg(
            concat_ws('|', source_file, size_bytes, content_hash, adapter, status, duplicate_of,
                      rows_loaded, rows_quarantined, ingested_at),
            chr(10) order by source_file), '')
        from raw.ingest_manifest
        """
    ).fetchone()
    digest.update(manifest.encode())
    return digest.hexdigest()


def last_succeeded(connection: duckdb.DuckDBPyConnection) -> str | None:
    exists = connection.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = 'builds'",
        [SCHEMA],
    ).fetchone()[0]
    if not exists:
        return None
    row = connection.execute(
        f"select fingerprint from {SCHEMA}.builds where succeeded_at is not null "
        "order by succeeded_at desc limit 1"
    ).fetchone()
    return row[0] if row else None


def nothing_new(warehouse: Path, site: Path, code: str, forced: bool) -> tuple[bool, str]:
    """(True, fingerprint) when tonight's inputs and code equal those of the last night that
    succeeded and its site is still there."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        current = fingerprint(connection, code)
        previous = last_succeeded(connection)
    # A banner from a failed night since must be cleared by a real build.
    status = read_status(site)
    published = status is None or status.state == "published"
    unchanged = previous == current and (site / "index.html").is_file() and published and not forced
    return unchanged, current


def record_started(warehouse: Path, run_id: str, value: str, code: str) -> None:
    """Record tonight's build and the files it is built from (the next night's increment is
    what landed after them)."""
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(_DDL)
        connection.execute("begin")
        connection.execute(
            f"insert or replace into {SCHEMA}.builds "
            "(run_id, fingerprint, started_at, succeeded_at, code_fingerprint) "
            "values (?, ?, ?, null, ?)",
            [run_id, value, datetime.now(UTC).replace(tzinfo=None), code],
        )
        connection.execute(f"delete from {SCHEMA}.build_files where run_id = ?", [run_id])
        connection.execute(
            f"insert into {SCHEMA}.build_files select ?, source_file, content_hash, ingested_at "
            "from raw.ingest_manifest",
            [run_id],
        )
        connection.execute("commit")


def record_succeeded(warehouse: Path, run_id: str) -> int:
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(_DDL)
        return (
            connection.execute(
                f"update {SCHEMA}.builds set succeeded_at = ? where run_id = ? returning run_id",
                [datetime.now(UTC).replace(tzinfo=None), run_id],
            )
            .fetchall()
            .__len__()
        )
