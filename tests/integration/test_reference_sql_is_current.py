"""The bare-DuckDB reference computes the warehouse's definitions only while it is rendered from
today's models: a changed model must come with a re-rendered benchmarks/reference/ (marts.sql,
statistics.json, after_statistics.sql); the benchmark's equality check, an end-to-end test,
would otherwise fail much later."""

from __future__ import annotations

import json

from dagster_project.lib.bench import reference_sql


def test_the_committed_reference_is_rendered_from_the_models(tmp_path):
    rendered = reference_sql.render(reference_sql._compiled_manifest(tmp_path))
    stale = "is stale: run `python -m dagster_project.lib.bench.reference_sql` and commit it"
    assert rendered.marts_sql == reference_sql.MARTS_SQL.read_text(), f"marts.sql {stale}"
    committed = json.loads(reference_sql.STATISTICS_JSON.read_text())
    assert rendered.statistics == committed, f"statistics.json {stale}"
    assert rendered.after_statistics_sql == reference_sql.AFTER_STATISTICS_SQL.read_text(), (
        f"after_statistics.sql {stale}"
    )
    # Every statistics mart is computed by the reference, with the config its model asks for.
    assert {mart["name"] for mart in committed} >= {"mart_agreement", "mart_drift"}
    assert next(m for m in committed if m["name"] == "mart_agreement")["config"] == {
        "bootstrap_resamples": 100
    }
    assert "create or replace table marts.mart_alerts" in rendered.after_statistics_sql
