"""A small gold-checked classification study as a Label Studio JSON export (the real export's
shape, ``completed_by`` as an object): one day, no reviewers; ``gold@example.org`` answers every
task as ground truth (0 s, as imported answers are) and three annotators answer each task with
one class. The figures the tests expect are computed by hand in their docstrings."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from dagster_project.lib.synthetic.label_studio_export import annotation_record, task_record

PROJECT = 21
NINE = datetime(2026, 10, 5, 9)
GOLD = {"email": "gold@example.org", "first_name": "Gold", "id": 40, "last_name": "Set"}
ANNOTATORS = [
    {"email": "ada@example.org", "first_name": "Ada", "id": 41, "last_name": "K"},
    {"email": "ben@example.org", "first_name": "Ben", "id": 42, "last_name": "L"},
    {"email": "cy@example.org", "first_name": "Cy", "id": 43, "last_name": "M"},
]
# task -> gold class, then each annotator's (class, lead time in seconds)
ANSWERS = {
    1: ("cat", [("cat", 4.0), ("cat", 6.0), ("dog", 5.0)]),
    2: ("dog", [("dog", 3.0), ("cat", 9.0), ("dog", 7.0)]),
    3: ("bird", [("bird", 5.0), ("bird", 8.0), ("cat", 6.0)]),
    4: ("cat", [("dog", 2.0), ("cat", 5.0), ("cat", 4.0)]),
}


def _choice(annotation_id: int, label: str) -> list[dict]:
    return [
        {
            "from_name": "animal",
            "id": f"r{annotation_id}",
            "origin": "manual",
            "to_name": "image",
            "type": "choices",
            "value": {"choices": [label]},
        }
    ]


def gold_study_export(path: Path) -> Path:
    """Write the study's export to ``path`` and return it."""
    tasks = []
    annotation_id = 0
    for task, (gold_label, answers) in ANSWERS.items():
        answered = [(GOLD, gold_label, 0.0, True)]
        answered += [
            (who, label, lead, False)
            for who, (label, lead) in zip(ANNOTATORS, answers, strict=True)
        ]
        annotations = []
        for who, label, lead, gold in answered:
            annotation_id += 1
            at = NINE + timedelta(minutes=annotation_id)
            annotations.append(
                annotation_record(
                    annotation_id, task, who, at, at, lead, _choice(annotation_id, label),
                    unique_id=str(uuid.UUID(int=annotation_id)), project=PROJECT,
                    ground_truth=gold,
                )
            )  # fmt: skip
        image = f"/data/upload/{PROJECT}/animal_{task:03d}.jpg"
        tasks.append(task_record(task, annotations, NINE - timedelta(hours=1), image, PROJECT))
    path.write_text(json.dumps(tasks, indent=1), encoding="utf-8")
    return path
