"""Every dbt model, seed and test as Dagster assets and asset checks, keyed [layer, name]."""

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from dagster_project.defs.resources import AnnolyticsPaths
from dagster_project.lib.failpoints import failpoint

from .project import dbt_project


class LayeredTranslator(DagsterDbtTranslator):
    """Models keyed by their schema (staging, intermediate, core, marts); sources keep the
    asset keys declared in their YAML meta (the raw/* ingest assets)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in {"model", "seed", "snapshot"}:
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] in {"model", "seed", "snapshot"}:
            return dbt_resource_props["schema"]
        return super().get_group_name(dbt_resource_props)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=LayeredTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
    ),
)
def warehouse_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, paths: AnnolyticsPaths
):
    warehouse = paths.paths().warehouse  # also exports ANNOLYTICS_WAREHOUSE for dbt
    for event in dbt.cli(
        ["build"], context=context, target_path=night_target_path(warehouse)
    ).stream():
        yield event
        failpoint("dbt")  # some models built, most not


def night_target_path(warehouse: Path) -> Path:
    """One dbt target folder per warehouse, kept from night to night.

    dbt reuses its parse (partial_parse.msgpack in the target folder) only while the profile
    is unchanged, and the profile holds the warehouse path; dagster-dbt's default, a new folder
    per run, made every night parse the whole project again (~4 s of each night).
    """
    key = hashlib.sha256(str(warehouse).encode()).hexdigest()[:12]
    return Path(dbt_project.project_dir) / "target" / "nights" / key
