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
            exported.append(
                {
                    "bulk_created": False,
                    "completed_by": {
                        "email": email, "first_name": first, "id": author, "last_name": last
                    },
                    "created_at": _stamp(created),
                    "draft_created_at": None,
                    "ground_truth": False,
                    "id": annotation_id,
                    "import_id": None,
                    "last_action": None,
                    "last_created_by": None,
                    "lead_time": lead,
                    "parent_annotation": None,
                    "parent_prediction": None,
                    "prediction": {},
                    "project": PROJECT,
                    "result": _boxes(key, boxes),
                    "result_count": boxes,
                    "task": task_id,
                    "unique_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"annolytics-demo/{key}")),
                    "updated_at": _stamp(updated),
                    "updated_by": editor or author,
                    "was_cancelled": skipped,
                }
            )  # fmt: skip
        last = max(a["updated_at"] for a in exported)
        tasks.append(
            {
                "allow_skip": True,
                "annotations": exported,
                "cancelled_annotations": sum(a["was_cancelled"] for a in exported),
                "comment_authors": [],
                "comment_count": 0,
                "created_at": _stamp(nine - timedelta(hours=1, microseconds=-task_id)),
                "data": {"image": f"/data/upload/1/street_{task_id:03d}.jpg"},
                "drafts": [],
                "id": task_id,
                "inner_id": task_id,
                "last_comment_updated_at": None,
                "meta": {},
                "predictions": [],
                "project": PROJECT,
                "total_annotations": len(exported) - sum(a["was_cancelled"] for a in exported),
                "total_predictions": 0,
                "unresolved_comment_count": 0,
                "updated_at": last,
                "updated_by": exported[-1]["updated_by"],
            }
        )
    return tasks


def write_label_studio_export(folder: Path, day: date) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "project-1-export.json"
    path.write_text(json.dumps(label_studio_tasks(day), indent=2, sort_keys=True) + "\n")
    return [path]
