"""A small Encord project as its label rows are exported: a JSON list of label rows.

The shape follows Encord's SDK (``LabelRowV2.to_encord_dict``: label_hash, branch_name,
created_at, last_edited_at, data_hash, dataset_hash, dataset_title, data_title, data_type,
annotation_task_status, is_shadow_data, object_answers, classification_answers,
object_actions, label_status, data_units{hash: {data_hash, data_title, data_link, data_type,
data_sequence, width, height, labels}}, spaces), objects with name, color, shape, value,
createdAt, createdBy, confidence, objectHash, featureHash, manualAnnotation, lastEditedAt,
lastEditedBy and their geometry (boundingBox, polygon + polygons), and legacy object reviews
(``include_reviews=True``: id, approved, comment, user_email, createdAt...). The three rows use
the timestamp forms Encord has written: a raw API row (naive top-level times, RFC 1123 ``GMT``
on objects), an SDK >= 0.1.167 row (``UTC``) and a pre-0.1.167 SDK row (no zone, a trailing
space; ISO top-level time), with video labels per frame.

Written, not exported (no Encord account here): the test fixture (tests/fixtures/encord/,
whose figures tests/integration/test_encord.py computes by hand) and the demo's example come
from here. The scenario, on one day:

    street_0001  alice draws a car box (10:00) and a road-sign polygon (10:05:31); bob edits
                 the car (13:45:10); carol approves the car (14:30:02) and rejects the sign
                 with a comment (14:31:40)
    street_0002  bob draws a car box (11:00) and answers the weather classification (11:01)
    street_clip  alice draws a car on frames 0 and 1 (12:00), the same object
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path


def _rfc(day: date, clock: str, zone: str) -> str:
    stamp = datetime.fromisoformat(f"{day}T{clock}")
    return stamp.strftime("%a, %d %b %Y %H:%M:%S ") + zone


def _object(name, shape, who, created, edited_by=None, edited=None, geometry=None, reviews=None,
            object_hash="obj"):  # fmt: skip
    value = name.lower().replace(" ", "_")
    obj = {
        "name": name, "color": "#D33115", "shape": shape, "value": value,
        "createdAt": created, "createdBy": who, "confidence": 1,
        "objectHash": object_hash, "featureHash": f"f-{value}", "manualAnnotation": True,
    }  # fmt: skip
    if edited_by:
        obj |= {"lastEditedAt": edited, "lastEditedBy": edited_by}
    obj |= geometry or {}
    if reviews is not None:
        obj["reviews"] = reviews
    return obj


def _review(review_id, approved, who, when, comment, object_hash, shape, name):
    return {
        "id": review_id, "exists": True, "status": "ASSIGNED", "displayed_status": "ASSIGNED",
        "approved": approved, "comment": comment, "rejections": None, "metadata": None,
        "task_id": 2970724, "user_id": 524, "user_email": who, "granularity": "OBJECT",
        "granularity_id": object_hash, "data_hash": "dh-0001",
        "instance": {"name": name, "range": [[0, 0]], "shape": shape, "objectID": 0,
                     "objectHash": object_hash, "classifications": [], "manual_annotation": True},
        "createdAt": when, "createdBy": who,
    }  # fmt: skip


def _row(label_hash, data_hash, title, data_type, created, edited, labels, mime="image/jpeg"):
    return {
        "label_hash": label_hash, "branch_name": "main", "created_at": created,
        "last_edited_at": edited, "data_hash": data_hash,
        "dataset_hash": "3c35b0f2-64fc-4a58-9b9d-f7181d73f1e5", "dataset_title": "Street scenes",
        "data_title": title, "data_type": data_type, "annotation_task_status": "COMPLETED",
        "is_shadow_data": False, "object_answers": {}, "classification_answers": {},
        "object_actions": {}, "label_status": "LABELLED",
        "data_units": {data_hash: {
            "data_hash": data_hash, "data_title": title,
            "data_link": f"cord-images-prod/abc123/{data_hash}", "data_type": mime,
            "data_sequence": 0, "width": 1920, "height": 1080, "labels": labels}},
        "spaces": {},
    }  # fmt: skip


def label_rows(day: date) -> list[dict]:
    box = {"boundingBox": {"h": 0.0687, "w": 0.0709, "x": 0.3812, "y": 0.4186}}
    corners = [(0.7017, 0.7857), (0.7445, 0.7861), (0.7389, 0.8437), (0.6995, 0.8401)]
    sign = {
        "polygon": {str(i): {"x": x, "y": y} for i, (x, y) in enumerate(corners)},
        "polygons": [[[c for point in corners for c in point]]],
    }
    gmt, utc, bare = (lambda clock, z=z: _rfc(day, clock, z) for z in ("GMT", "UTC", ""))
    car = _object("Car", "bounding_box", "alice@example.com", gmt("10:00:00"),
                  "bob@example.com", gmt("13:45:10"), box, object_hash="SRIJiIjv",
                  reviews=[_review(2134704, True, "carol@example.com", gmt("14:30:02"), None,
                                   "SRIJiIjv", "bounding_box", "Car")])  # fmt: skip
    road_sign = _object("Road sign", "polygon", "alice@example.com", gmt("10:05:31"),
                        "alice@example.com", gmt("10:05:31"), sign, object_hash="983w0TxX",
                        reviews=[_review(2134705, False, "carol@example.com", gmt("14:31:40"),
                                         "edge misses the pole\n", "983w0TxX", "polygon",
                                         "Road sign")])  # fmt: skip
    weather = {"name": "Weather", "value": "weather", "createdAt": utc("11:01:00"),
               "createdBy": "bob@example.com", "confidence": 1, "featureHash": "f-weather",
               "classificationHash": "Kx1Weath", "manualAnnotation": True}  # fmt: skip
    clip_car = [_object("Car", "bounding_box", "alice@example.com", bare("12:00:00"),
                        geometry=box, object_hash="vid0car1") for _ in range(2)]  # fmt: skip
    return [
        _row("0f5a5e62-a3e0-4481-932f-1093f7c1d170", "dh-0001", "street_0001.jpg", "image",
             f"{day} 09:58:12", f"{day} 14:31:40",
             {"objects": [car, road_sign], "classifications": []}),
        _row("1a2b3c4d-0000-4000-8000-000000000002", "dh-0002", "street_0002.jpg", "image",
             utc("10:59:00"), utc("11:01:00"),
             {"objects": [_object("Car", "bounding_box", "bob@example.com", utc("11:00:00"),
                                  geometry=box, object_hash="b0bcar01")],
              "classifications": [weather]}),
        _row("2b3c4d5e-0000-4000-8000-000000000003", "dh-clip", "street_clip.mp4", "video",
             f"{day}T11:58:08.472959", bare("12:00:00"),
             {"0": {"objects": [clip_car[0]], "classifications": []},
              "1": {"objects": [clip_car[1]], "classifications": []}}, mime="video/mp4"),
    ]  # fmt: skip


def write_encord_export(folder: Path, day: date = date(2024, 11, 5)) -> list[Path]:
    """labels.json for the scenario above, on ``day``, in ``folder`` (its name is the
    project's in the warehouse)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "labels.json"
    path.write_text(json.dumps(label_rows(day), indent=1) + "\n")
    return [path]
