"""The Spark test cluster itself (support/spark_cluster.py): Spark Connect answers, tables land
as Parquet in its warehouse, the work runs on the worker's executor, and nothing outlives it."""

from __future__ import annotations

import os

import pytest
from support.spark_cluster import SparkCluster, local_spark_cluster, processes_in_group

pytestmark = pytest.mark.slow


def test_every_process_stops_when_the_block_ends_even_on_error(tmp_path):
    # First in the module: its cluster then starts before the shared one, not beside it.
    with (
        pytest.raises(RuntimeError, match="the block failed"),
        local_spark_cluster(tmp_path) as other,
    ):
        groups = {name: processes_in_group(pid) for name, pid in other.pids.items()}
        raise RuntimeError("the block failed")

    assert set(groups) == {"master", "worker", "connect"}
    assert len(groups["worker"]) >= 2, groups  # the worker and the executor it launched
    for name, pid in other.pids.items():
        assert not processes_in_group(pid), name
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> SparkCluster:
    with local_spark_cluster(tmp_path_factory.mktemp("spark-cluster")) as running:
        yield running


@pytest.fixture(scope="module")
def spark(cluster):
    from pyspark.sql import SparkSession

    session = SparkSession.builder.remote(cluster.connect_url).getOrCreate()
    yield session
    session.stop()  # the client's session; the server stays up until the cluster stops


def test_connect_runs_queries_and_writes_parquet_tables(spark, cluster):
    assert spark.range(1000).selectExpr("sum(id)").collect()[0][0] == 499500

    spark.sql("create database if not exists smoke")
    spark.range(10).selectExpr("id", "id * id as square").write.mode("overwrite").saveAsTable(
        "smoke.squares"
    )

    assert spark.table("smoke.squares").where("id = 7").collect()[0]["square"] == 49
    table = cluster.warehouse_dir / "smoke.db" / "squares"
    assert list(table.glob("part-*.parquet")), sorted(p.name for p in table.iterdir())


def test_work_runs_on_the_workers_executor(spark, cluster):
    assert spark.range(100).repartition(3).count() == 100

    apps = cluster.master_state()["activeapps"]
    assert len(apps) == 1 and apps[0]["cores"] > 0, apps
    executors = cluster.driver_api(f"applications/{apps[0]['id']}/executors")
    on_worker = [e for e in executors if e["id"] != "driver"]
    assert on_worker and all(e["hostPort"].startswith("127.0.0.1:") for e in on_worker)
    assert sum(e["completedTasks"] for e in on_worker) > 0, executors
