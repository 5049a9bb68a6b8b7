"""Small exports of the labeling tools the warehouse reads, for the demo: the report then shows
several tools side by side. Each is dated inside the synthetic event log's weeks."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from dagster_project.lib.synthetic.config import DEFAULT_START
from dagster_project.lib.synthetic.cvat_export import write_cvat_export
from dagster_project.lib.synthetic.encord_export import write_encord_export
from dagster_project.lib.synthetic.label_studio_export import write_label_studio_export
from dagster_project.lib.synthetic.labelbox_export import write_labelbox_export


def write_tool_examples(landing: Path, start: date = DEFAULT_START) -> list[Path]:
    """Write each tool's example under ``landing/<tool>/``; the files written."""
    day = start + timedelta(days=9)
    return [
        *write_cvat_export(landing / "cvat", day),
        *write_labelbox_export(landing / "labelbox", day),
        *write_encord_export(landing / "encord" / "streets", day),
        *write_label_studio_export(landing / "label-studio", day),
    ]
