"""A small Label Studio project as its export snapshot writes it (JSON, ``completed_by`` with the
user's details), for the demo: the report then shows Label Studio beside the other tools.

The shape (keys, nesting, types, timestamp forms, ``unique_id`` as a UUID, ``updated_by`` and
``last_created_by`` as ids) is that of a real Label Studio 1.23.2 export: the committed test
fixture tests/fixtures/label_studio/export_completed_by_object.json, made by a real server.
The scenario, on one day: three annotators box vehicles on 12 street images; one skips an
image; a second annotator corrects one of the first's boxes; two images are labelled twice.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path

PEOPLE = {  # id -> (email, first name, last name)
    2: ("lena@example.org", "Lena", "Ortiz"),
    3: ("omar@example.org", "Omar", "Haddad"),
    4: ("priya@example.org", "Priya", "Nair"),
}
CLASSES = ("car", "bus", "pedestrian")
PROJECT = 1
# task -> [(annotator id, minutes after 09:00, lead time s, boxes, skipped, editor id or None)]
PLAN = {
    1: [(2, 0, 42.0, 3, False, None)],
    2: [(2, 3, 37.5, 2, False, None), (3, 40, 51.0, 2, False, None)],
    3: [(2, 7, 64.0, 4, False, 3)],
    4: [(2, 12, 8.0, 0, True, None)],
    5: [(3, 5, 55.0, 3, False, None)],
    6: [(3, 11, 71.5, 5, False, None)],
    7: [(3, 19, 29.0, 1, False, None), (4, 61, 33.0, 1, False, None)],
    8: [(4, 2, 90.0, 6, False, None)],
    9: [(4, 9, 48.0, 2, False, None)],
    10: [(4, 15, 120.0, 7, False, None)],
    11: [(2, 21, 26.0, 1, False, None)],
    12: [(3, 30, 44.0, 3, False, None)],
}


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ").replace(".000000Z", "Z")


def _boxes(key: str, count: int) -> list[dict]:
    items = []
    for n in range(count):
        seed = sum(map(ord, key)) + 7 * n
        items.append(
            {
                "from_name": "box",
                "id": f"{key}_{n:02d}",
                "image_rotation": 0,
                "origin": "manual",
                "original_height": 1080,
                "original_width": 1920,
                "to_name": "image",
                "type": "rectanglelabels",
                "value": {
                    "height": float(4 + seed % 20),
                    "rectanglelabels": [CLASSES[seed % 3]],
                    "rotation": 0,
                    "width": float(5 + seed % 15),
                    "x": float(2 + seed % 70),
                    "y": float(3 + seed % 60),
                },
            }
        )
    return items


def annotation_record(
    annotation_id: int,
    task_id: int,
    person: dict,
    created: datetime,
    updated: datetime,
    lead_time: float,
    result: list[dict],
    *,
    unique_id: str,
    project: int = PROJECT,
    skipped: bool = False,
    ground_truth: bool = False,
    updated_by: int | None = None,
) -> dict:
    """One annotation as the export writes it; ``person`` is ``completed_by`` (id, email, names)."""
    return {
        "bulk_created": False,
        "completed_by": person,
        "created_at": _stamp(created),
        "draft_created_at": None,
        "ground_truth": ground_truth,
        "id": annotation_id,
        "import_id": None,
        "last_action": None,
        "last_created_by": None,
        "lead_time": lead_time,
        "parent_annotation": None,
        "parent_prediction": None,
        "prediction": {},
        "project": project,
        "result": result,
        "result_count": len(result),
        "task": task_id,
        "unique_id": unique_id,
        "updated_at": _stamp(updated),
        "updated_by": updated_by or person["id"],
        "was_cancelled": skipped,
    }


def task_record(
    task_id: int, annotations: list[dict], created: datetime, image: str, project: int = PROJECT
) -> dict:
    """One task as the export writes it, around its annotations."""
    skipped = sum(a["was_cancelled"] for a in annotations)
    return {
        "allow_skip": True,
        "annotations": annotations,
        "cancelled_annotations": skipped,
        "comment_authors": [],
        "comment_count": 0,
        "created_at": _stamp(created),
        "data": {"image": image},
        "drafts": [],
        "id": task_id,
        "inner_id": task_id,
        "last_comment_updated_at": None,
        "meta": {},
        "predictions": [],
        "project": project,
        "total_annotations": len(annotations) - skipped,
        "total_predictions": 0,
        "unresolved_comment_count": 0,
        "updated_at": max(a["updated_at"] for a in annotations),
        "updated_by": annotations[-1]["updated_by"],
    }


def label_studio_tasks(day: date) -> list[dict]:
    nine = datetime.combine(day, time(9))
    annotation_id, tasks = 0, []
    for task_id, planned in PLAN.items():
        exported = []
        for author, minutes, lead, boxes, skipped, editor in planned:
            annotation_id += 1
            created = nine + timedelta(minutes=minutes)
            updated = created + (timedelta(hours=2) if editor else timedelta(microseconds=8123))
            email, first, last = PEOPLE[author]
            key = f"t{task_id}a{annotation_id}"
            person = {"email": email, "first_name": first, "id": author, "last_name": last}
            exported.append(
                annotation_record(
                    annotation_id, task_id, person, created, updated, lead, _boxes(key, boxes),
                    unique_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"annolytics-demo/{key}")),
                    skipped=skipped, updated_by=editor,
                )
            )  # fmt: skip
        created = nine - timedelta(hours=1, microseconds=-task_id)
        tasks.append(
            task_record(task_id, exported, created, f"/data/upload/1/street_{task_id:03d}.jpg")
        )
    return tasks


def write_label_studio_export(folder: Path, day: date) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "project-1-export.json"
    path.write_text(json.dumps(label_studio_tasks(day), indent=2, sort_keys=True) + "\n")
    return [path]
