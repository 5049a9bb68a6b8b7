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

from dagster_project.lib.agreement_stats import agreement
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
    frame = pd.DataFrame({"task": ["t2", "t1", "t2", "t1"], "seconds": [4.0, 3.0, 1.0, 2.0]})
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
