"""The bare-DuckDB reference computes the warehouse's definitions only while its SQL is rendered
from today's models: a changed model must come with a re-rendered benchmarks/reference/marts.sql
(the benchmark's equality check, an end-to-end test, would otherwise fail much later)."""

from __future__ import annotations

from dagster_project.lib.bench import reference_sql


def test_the_committed_reference_sql_is_rendered_from_the_models(tmp_path):
    rendered = reference_sql.render(reference_sql._compiled_manifest(tmp_path))
    assert rendered == reference_sql.MARTS_SQL.read_text(), (
        "benchmarks/reference/marts.sql is stale: run "
        "`python -m dagster_project.lib.bench.reference_sql` and commit it"
    )
