"""The statistics marts' worker process: the figures it returns are the figures computed in this
process, it reads every input in its total order whatever order the rows come in, it is really
another process, and a failure names the model and the error."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_agreement_stats import LABELS

from dagster_project.lib import statistics_worker
from dagster_project.lib.agreement_stats import AGREEMENT_COLUMNS, BOX_COLUMNS, agreement
from dagster_project.lib.statistics_worker import compute_in_worker


def rows_with_process_id(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as the worker read it, with the reading process's id (module level: the worker
    imports it by name)."""
    return frame.assign(process_id=os.getpid())


@pytest.fixture
def session():
    with duckdb.connect() as connection:
        yield connection


@pytest.fixture
def tests_importable(monkeypatch):
    """The worker is a fresh interpreter: it finds this module's functions on PYTHONPATH."""
    here = str(Path(__file__).parent)
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))
    )


def test_figures_from_the_worker_are_the_figures_computed_here(session):
    # Rows shuffled: the worker sorts them as a total order, as the models did in dbt's process.
    shuffled = LABELS.sample(frac=1, random_state=3).reset_index(drop=True)
    assert not shuffled.equals(LABELS)
    relation = session.from_df(shuffled)
    from_worker = compute_in_worker(
        session, agreement, {"labels": relation}, "mart_agreement", resamples=20, seed=7
    ).df()
    here = agreement(relation.order("all").df(), resamples=20, seed=7)
    pd.testing.assert_frame_equal(from_worker, here, check_dtype=False)
    assert len(here) == 4  # the pair, the project and its two classes


def test_the_worker_is_another_process_and_reads_rows_in_total_order(session, tests_importable):
    frame = pd.DataFrame(
        {"project_key": "p", "task": ["t2", "t1", "t2", "t1"], "seconds": [4.0, 3.0, 1.0, 2.0]}
    )
    result = compute_in_worker(
        session, rows_with_process_id, {"frame": session.from_df(frame)}, "a test"
    ).df()
    assert result["process_id"].nunique() == 1
    assert result["process_id"].iloc[0] != os.getpid()
    assert result[["task", "seconds"]].values.tolist() == [
        ["t1", 2.0],
        ["t1", 3.0],
        ["t2", 1.0],
        ["t2", 4.0],
    ]


def test_a_failed_statistic_names_the_model_and_the_error(session):
    without_classes = session.from_df(LABELS.drop(columns="class_name"))
    with pytest.raises(
        RuntimeError, match=r"(?s)mart_agreement statistics process failed.*KeyError"
    ):
        compute_in_worker(session, agreement, {"labels": without_classes}, "mart_agreement")


def test_projects_are_shared_by_rows_largest_first(monkeypatch):
    monkeypatch.setattr(statistics_worker, "ROWS_PER_WORKER", 100)
    rows = {"a": 500, "b": 300, "c": 250, "d": 10, None: 5}
    # a->0 (500), b->1 (300), c->1 (550), d->0 (510), None->0 (515).
    assert statistics_worker.project_shards(rows, 2) == [["a", "d", None], ["b", "c"]]
    # 1,065 rows allow ten workers, three asked for: a->0, b->1, c->2, d->2 (260), None->2.
    assert statistics_worker.project_shards(rows, 3) == [["a"], ["b"], ["c", "d", None]]
    monkeypatch.setattr(statistics_worker, "ROWS_PER_WORKER", 1_000)
    assert statistics_worker.project_shards(rows, 4) == [["a", "b", "c", "d", None]]
    assert statistics_worker.project_shards({}, 4) == [[]]


def test_no_rows_give_an_empty_mart(session):
    # A first night with no overlap tasks: the worker still runs, on empty frames.
    empty = compute_in_worker(
        session, agreement, {"labels": session.from_df(LABELS.iloc[:0].copy())}, "mart_agreement", 4
    )
    assert empty.columns == list(AGREEMENT_COLUMNS) and empty.fetchall() == []


def test_projects_shared_among_workers_give_the_figures_of_one_worker(session, monkeypatch):
    monkeypatch.setattr(statistics_worker, "ROWS_PER_WORKER", 1)
    started = []

    class CountedWorker(statistics_worker.WorkerProcess):
        def __init__(self, *args, **kwargs):
            started.append(args[0])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(statistics_worker, "WorkerProcess", CountedWorker)
    # Three projects: the fixture's, a copy where bob saw a bus on t4 too, and one with no box.
    second = LABELS.assign(project_key="q")
    second.loc[len(second)] = ["q", "t4", "bob", "bus", *[float("nan")] * 4]
    third = LABELS[LABELS["annotator"] == "ann"].assign(project_key="r")
    third = pd.concat([third, third.assign(annotator="cy")]).drop(columns=list(BOX_COLUMNS))
    third = third.assign(**{column: float("nan") for column in BOX_COLUMNS})
    relation = session.from_df(pd.concat([LABELS, second, third], ignore_index=True))

    def figures(workers):
        started.clear()
        frame = compute_in_worker(
            session, agreement, {"labels": relation}, "mart_agreement", workers, resamples=20
        ).df()
        return frame.sort_values(["project_key", "scope", "subject"], ignore_index=True), len(
            started
        )

    shared, shared_workers = figures(3)
    alone, alone_workers = figures(1)
    assert (shared_workers, alone_workers) == (3, 1)
    assert sorted(shared["project_key"].unique()) == ["p", "q", "r"]
    pd.testing.assert_frame_equal(shared, alone)
