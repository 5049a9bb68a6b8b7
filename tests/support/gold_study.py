"""A small gold-checked classification study as a Label Studio JSON export (the real export's
shape, ``completed_by`` as an object): one day, no reviewers; ``gold@example.org`` answers every
task as ground truth (0 s, as imported answers are) and three annotators answer each task with
one class. The figures the tests expect are computed by hand in their docstrings."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

PROJECT = 21
DAY = "2026-10-05"
GOLD = {"id": 40, "email": "gold@example.org", "first_name": "Gold", "last_name": "Set"}
ANNOTATORS = [
    {"id": 41, "email": "ada@example.org", "first_name": "Ada", "last_name": "K"},
    {"id": 42, "email": "ben@example.org", "first_name": "Ben", "last_name": "L"},
    {"id": 43, "email": "cy@example.org", "first_name": "Cy", "last_name": "M"},
]
# task -> gold class, then each annotator's (class, lead time in seconds)
ANSWERS = {
    1: ("cat", [("cat", 4.0), ("cat", 6.0), ("dog", 5.0)]),
    2: ("dog", [("dog", 3.0), ("cat", 9.0), ("dog", 7.0)]),
    3: ("bird", [("bird", 5.0), ("bird", 8.0), ("bird", 6.0)]),
    4: ("cat", [("dog", 2.0), ("cat", 5.0), ("cat", 4.0)]),
}


def _annotation(annotation_id: int, task: int, who: dict, label: str, lead: float, minute: int,
                gold: bool) -> dict:  # fmt: skip
    stamp = f"{DAY}T09:{minute:02d}:00Z"
    return {
        "bulk_created": False,
        "completed_by": who,
        "created_at": stamp,
        "draft_created_at": None,
        "ground_truth": gold,
        "id": annotation_id,
        "import_id": None,
        "last_action": None,
        "last_created_by": None,
        "lead_time": lead,
        "parent_annotation": None,
        "parent_prediction": None,
        "prediction": {},
        "project": PROJECT,
        "result": [
            {
                "from_name": "animal",
                "id": f"r{annotation_id}",
                "origin": "manual",
                "to_name": "image",
                "type": "choices",
                "value": {"choices": [label]},
            }
        ],
        "result_count": 1,
        "task": task,
        "unique_id": str(uuid.UUID(int=annotation_id)),
        "updated_at": stamp,
        "updated_by": who["id"],
        "was_cancelled": False,
    }


def gold_study_export(path: Path) -> Path:
    """Write the study's export to ``path`` and return it."""
    tasks = []
    annotation_id = 0
    for task, (gold_label, answers) in ANSWERS.items():
        annotation_id += 1
        annotations = [_annotation(annotation_id, task, GOLD, gold_label, 0.0, task, True)]
        for who, (label, lead) in zip(ANNOTATORS, answers, strict=True):
            annotation_id += 1
            annotations.append(
                _annotation(annotation_id, task, who, label, lead, 10 + annotation_id, False)
            )
        tasks.append(
            {
                "allow_skip": True,
                "annotations": annotations,
                "cancelled_annotations": 0,
                "comment_authors": [],
                "comment_count": 0,
                "created_at": f"{DAY}T08:00:00Z",
                "data": {"image": f"/data/upload/{PROJECT}/animal_{task:03d}.jpg"},
                "drafts": [],
                "id": task,
                "inner_id": task,
                "last_comment_updated_at": None,
                "meta": {},
                "predictions": [],
                "project": PROJECT,
                "total_annotations": len(annotations),
                "total_predictions": 0,
                "unresolved_comment_count": 0,
                "updated_at": f"{DAY}T09:59:00Z",
                "updated_by": ANNOTATORS[-1]["id"],
            }
        )
    path.write_text(json.dumps(tasks, indent=1), encoding="utf-8")
    return path
