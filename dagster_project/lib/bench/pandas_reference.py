"""The "script a team writes by hand": two marts in plain pandas, straight from the files.

``mart_annotator_performance`` and ``mart_reworks`` from the event-log JSON Lines of a landing
folder, with the warehouse's definitions (event-log path only: dedup by event_id, event order,
author = first to start/submit/skip, Label Studio's submitted definition, corrections = edits
by someone other than the author, ground truth is no one's work). No validation, no history,
no other marts. Run by the benchmark in its own process::

    python -m dagster_project.lib.bench.pandas_reference LANDING OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

COLUMNS = [
    "event_id",
    "event_type",
    "occurred_at",
    "project_id",
    "annotation_id",
    "actor",
    "duration_s",
    "is_ground_truth",
]
LIFECYCLE = {
    "annotation_submitted": "submitted",
    "annotation_updated": "updated",
    "annotation_skipped": "skipped",
    "review_accepted": "accepted",
    "review_rejected": "rejected",
    "review_fixed": "fixed_and_accepted",
}
SUBMITTED_ACTIONS = {"submitted", "updated", "fixed_and_accepted", "accepted"}


def read_events(landing: Path) -> pd.DataFrame:
    frames = []
    for path in sorted(landing.rglob("*.jsonl")):
        frame = pd.read_json(path, lines=True, dtype=False)
        frame = frame.reindex(columns=COLUMNS)
        frame["source_file"] = path.relative_to(landing).as_posix()
        frame["record_number"] = range(1, len(frame) + 1)
        frames.append(frame)
    events = pd.concat(frames, ignore_index=True)
    events["occurred_at"] = pd.to_datetime(events["occurred_at"], utc=True, format="ISO8601")
    events = events.drop_duplicates("event_id", keep="first")  # files in order: first copy wins
    events = events.sort_values(["occurred_at", "source_file", "record_number"], kind="stable")
    for column in ("event_type", "project_id", "actor"):
        events[column] = events[column].astype("category")
    return events.reset_index(drop=True)


def annotations(events: pd.DataFrame) -> pd.DataFrame:
    """One row per annotation: annotator, completed day, lead time, last action, cancelled."""
    acts = events[events.annotation_id.notna()].copy()
    acts["annotation_key"] = acts.project_id.astype(str) + ":" + acts.annotation_id.astype(str)
    authoring = acts[
        acts.event_type.isin(["annotation_started", "annotation_submitted", "annotation_skipped"])
    ]
    authors = authoring.groupby("annotation_key", sort=False).actor.first().astype(str)
    acts = acts[acts.annotation_key.isin(authors.index)]
    acts["author"] = acts.annotation_key.map(authors)
    by_author = acts.actor.astype(str) == acts.author
    grouped = acts.groupby("annotation_key", sort=False)
    completed = (
        acts[acts.event_type.isin(["annotation_submitted", "annotation_skipped"])]
        .groupby("annotation_key", sort=False)
        .occurred_at.min()
    )
    own_work = acts[
        by_author
        & acts.event_type.isin(["annotation_submitted", "annotation_updated", "annotation_skipped"])
    ]
    lead_time = own_work.groupby("annotation_key", sort=False).duration_s.sum(min_count=1)
    last_action = (
        acts[acts.event_type.isin(list(LIFECYCLE))]
        .groupby("annotation_key", sort=False)
        .event_type.last()
        .astype(str)
        .map(LIFECYCLE)
    )
    last_authored = own_work.groupby("annotation_key", sort=False).event_type.last().astype(str)
    result = pd.DataFrame({"annotator": grouped.author.first()})
    result["completed_at"] = completed
    result["lead_time_s"] = lead_time
    result["last_action"] = last_action
    result["was_cancelled"] = (last_authored == "annotation_skipped").reindex(result.index)
    result["was_cancelled"] = result.was_cancelled.fillna(False).astype(bool)
    result["is_submitted"] = ~result.was_cancelled & result.last_action.isin(SUBMITTED_ACTIONS)
    result["completed_day"] = result.completed_at.dt.tz_convert(None).dt.normalize()
    gold = acts.is_ground_truth.astype("boolean").fillna(False).astype(bool)
    result["is_ground_truth"] = gold.groupby(acts.annotation_key, sort=False).any()
    return result


def annotator_performance(annotations: pd.DataFrame) -> pd.DataFrame:
    annotations = annotations[~annotations.is_ground_truth]  # reference answers, not work
    submitted = annotations[annotations.is_submitted]
    figures = pd.DataFrame(
        {
            "submitted": annotations.groupby("annotator").is_submitted.sum(),
            "skipped": annotations.groupby("annotator").was_cancelled.sum(),
            "updated": annotations.assign(u=annotations.last_action == "updated")
            .groupby("annotator")
            .u.sum(),
        }
    )
    by_person = submitted.groupby("annotator").lead_time_s
    figures["total_time_s"] = by_person.sum().reindex(figures.index).fillna(0.0)
    figures["median_time_s"] = by_person.median()
    figures["mean_time_s"] = by_person.mean()
    figures["total_time_median_s"] = figures.submitted * figures.median_time_s
    figures["first_day"] = submitted.groupby("annotator").completed_day.min()
    figures["last_day"] = submitted.groupby("annotator").completed_day.max()
    return figures.reset_index()


def reworks(events: pd.DataFrame, annotations: pd.DataFrame) -> pd.DataFrame:
    keyed = events[events.annotation_id.notna()]
    keyed = keyed.assign(
        annotation_key=keyed.project_id.astype(str) + ":" + keyed.annotation_id.astype(str),
        actor=keyed.actor.astype(str),
        event_type=keyed.event_type.astype(str),
    )
    keyed = keyed[keyed.annotation_key.isin(annotations.index)]
    keyed = keyed.assign(author=keyed.annotation_key.map(annotations.annotator))
    reviews = keyed[keyed.event_type.isin(["review_accepted", "review_rejected", "review_fixed"])]
    corrections = keyed[
        keyed.event_type.isin(["review_fixed", "annotation_updated"])
        & (keyed.actor != keyed.author)
    ]
    kept = annotations[~annotations.was_cancelled & ~annotations.is_ground_truth]
    reviewed = set(reviews.annotation_key) | set(corrections.annotation_key)
    authored = kept.groupby("annotator").size()
    authored_reviewed = kept[kept.index.isin(reviewed)].groupby("annotator").size()
    received = corrections.groupby("author").size()
    done = corrections.groupby("actor").size()
    reviews_done = reviews.groupby("actor").size()
    people = sorted(set(authored.index) | set(done.index) | set(reviews_done.index))
    frame = pd.DataFrame(index=pd.Index(people, name="person"))
    frame["annotations_authored"] = authored.reindex(people).fillna(0).astype("int64")
    frame["annotations_reviewed"] = authored_reviewed.reindex(people).fillna(0).astype("int64")
    authored_any = frame.annotations_authored.where(frame.annotations_authored > 0)
    frame["reviewed_share"] = frame.annotations_reviewed / authored_any
    frame.loc[~frame.index.isin(authored.index), "reviewed_share"] = None
    frame["reworks_received"] = received.reindex(people).fillna(0).astype("int64")
    frame["reworks_done"] = done.reindex(people).fillna(0).astype("int64")
    frame["reviews_done"] = reviews_done.reindex(people).fillna(0).astype("int64")
    frame["is_unreviewed"] = (frame.annotations_authored > 0) & (frame.annotations_reviewed == 0)
    # a rank only for people who received reworks
    rank = frame.reworks_received.rank(method="min", ascending=False).astype("Int64")
    frame["received_rank"] = rank.where(frame.reworks_received > 0)
    return frame.reset_index()


def build(landing: Path) -> dict[str, pd.DataFrame]:
    events = read_events(landing)
    folded = annotations(events)
    return {
        "mart_annotator_performance": annotator_performance(folded),
        "mart_reworks": reworks(events, folded),
    }


def main(argv: list[str]) -> int:
    landing, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in build(landing).items():
        frame.to_parquet(out / f"{name}.parquet", index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
