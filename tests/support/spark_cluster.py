"""A real multi-process Spark on 127.0.0.1 for the Spark engine's test: a standalone master, one
worker (one core, one executor) and a Spark Connect server whose driver runs on that master, so
work really leaves the driver. Every command comes from the installed pyspark package, which
has ``bin/spark-class`` and ``bin/spark-submit`` but no ``sbin/start-master.sh``; its
``sbin/start-connect-server.sh`` daemonizes, so the command it ends in (``spark-submit --class
SparkConnectServer``) is run in the foreground here.

Each process gets its own process group and a log file, free ports, and writes only under the
work folder (warehouse, Derby metastore, scratch, temporary files); all are stopped when the
block ends, even when it fails.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

SPARK_HOME = Path(importlib.util.find_spec("pyspark").origin).parent
MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
# The class sbin/start-connect-server.sh submits (SparkSubmit matches this exact name).
CONNECT_SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"
HOST = "127.0.0.1"
DAEMON_MEMORY = "512m"  # master and worker JVMs
DRIVER_MEMORY = "1g"
EXECUTOR_MEMORY = "1g"
WORKER_MEMORY = "2g"  # what the worker offers executors
SHUFFLE_PARTITIONS = 4  # the data is tiny


class SparkClusterError(RuntimeError):
    """A process did not come up (the message ends with the tail of its log)."""


@dataclass(frozen=True)
class SparkCluster:
    connect_url: str  # sc://127.0.0.1:<port>, for SparkSession.builder.remote
    master_url: str  # spark://127.0.0.1:<port>
    master_webui_url: str  # serves the master's state as JSON at /json/
    driver_ui_url: str  # the Connect server's application UI; REST API at /api/v1/
    warehouse_dir: Path
    log_dir: Path
    pids: dict[str, int]  # master, worker, connect -> pid, also its process group id

    def master_state(self) -> dict:
        return _get_json(f"{self.master_webui_url}/json/")

    def driver_api(self, path: str) -> list | dict:
        """GET ``/api/v1/<path>`` of the Connect server's application (e.g. its executors)."""
        return _get_json(f"{self.driver_ui_url}/api/v1/{path.lstrip('/')}")


@contextmanager
def local_spark_cluster(
    work_dir: Path, *, hive_metastore: bool = True, timeout: float = 180.0
) -> Iterator[SparkCluster]:
    """Master, worker and Spark Connect server, each ready (the worker registered, the
    server's application holding the worker's core) before the block runs.

    ``hive_metastore``: keep the catalog in a Derby metastore under ``work_dir``, as a deployed
    server would (databases and tables outlive the server); its first use costs ~13 s here.
    Without it the catalog is in memory and forgets tables whose files stay in the warehouse.
    """
    work_dir = Path(work_dir).resolve()
    dirs = {
        name: work_dir / name
        for name in ("logs", "conf", "local", "tmp", "worker", "spark-warehouse", "derby", "ivy")
    }
    for folder in dirs.values():
        folder.mkdir(parents=True, exist_ok=True)
    master_port, master_ui, worker_ui, driver_ui, connect_port = _free_ports(5)
    tmp = f"-Djava.io.tmpdir={dirs['tmp']}"
    env = _spark_env(dirs, daemon_java_opts=tmp)
    cluster = SparkCluster(
        connect_url=f"sc://{HOST}:{connect_port}",
        master_url=f"spark://{HOST}:{master_port}",
        master_webui_url=f"http://{HOST}:{master_ui}",
        driver_ui_url=f"http://{HOST}:{driver_ui}",
        warehouse_dir=dirs["spark-warehouse"],
        log_dir=dirs["logs"],
        pids={},
    )
    server_conf = {
        "spark.driver.host": HOST,
        "spark.driver.bindAddress": HOST,
        "spark.ui.port": driver_ui,
        "spark.ui.showConsoleProgress": "false",
        "spark.connect.grpc.binding.address": HOST,
        "spark.connect.grpc.binding.port": connect_port,
        "spark.executor.memory": EXECUTOR_MEMORY,
        "spark.executor.cores": 1,
        "spark.cores.max": 1,
        "spark.sql.shuffle.partitions": SHUFFLE_PARTITIONS,
        "spark.sql.warehouse.dir": cluster.warehouse_dir.as_uri(),
        "spark.sql.catalogImplementation": "hive" if hive_metastore else "in-memory",
        "spark.hadoop.javax.jdo.option.ConnectionURL":
            f"jdbc:derby:;databaseName={work_dir / 'metastore_db'};create=true",
        "spark.hadoop.hive.exec.scratchdir": str(dirs["tmp"] / "hive"),
        "spark.driver.extraJavaOptions": f"{tmp} -Dderby.system.home={dirs['derby']}",
        "spark.executor.extraJavaOptions": tmp,
        "spark.jars.ivy": str(dirs["ivy"]),
        "spark.pyspark.python": sys.executable,  # for Python UDFs on the executor
    }  # fmt: skip
    spark_class = str(SPARK_HOME / "bin" / "spark-class")
    spark_submit = str(SPARK_HOME / "bin" / "spark-submit")
    with ExitStack() as stack:
        master = stack.enter_context(
            _process(
                "master",
                [spark_class, MASTER_CLASS,
                 "--host", HOST, "--port", str(master_port), "--webui-port", str(master_ui)],
                env, work_dir, cluster,
            )
        )  # fmt: skip
        _wait_until(
            lambda: _port_open(master_port) and _state(cluster).get("status") == "ALIVE",
            "the master",
            master,
            timeout,
        )
        # The worker and the server start together: the server's application waits at the
        # master for the worker's core.
        worker = stack.enter_context(
            _process(
                "worker",
                [spark_class, WORKER_CLASS, cluster.master_url,
                 "--host", HOST, "--cores", "1", "--memory", WORKER_MEMORY,
                 "--webui-port", str(worker_ui), "--work-dir", str(dirs["worker"])],
                env, work_dir, cluster,
            )
        )  # fmt: skip
        conf_args = [
            arg for key, value in server_conf.items() for arg in ("--conf", f"{key}={value}")
        ]
        server = stack.enter_context(
            _process(
                "connect",
                [spark_submit, "--class", CONNECT_SERVER_CLASS, "--name", "Spark Connect server",
                 "--master", cluster.master_url, "--driver-memory", DRIVER_MEMORY, *conf_args],
                env, work_dir, cluster,
            )
        )  # fmt: skip
        _wait_until(
            lambda: _state(cluster).get("aliveworkers", 0) >= 1,
            "the worker's registration with the master",
            worker,
            timeout,
        )
        _wait_until(
            lambda: (
                _port_open(connect_port)
                and any(app["cores"] > 0 for app in _state(cluster).get("activeapps", []))
            ),
            "the Spark Connect server (its port, its application's executor)",
            server,
            timeout,
        )
        yield cluster


def processes_in_group(pgid: int) -> list[int]:
    """Live (not zombie) processes of process group ``pgid``, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        state, _ppid, group = stat.rsplit(")", 1)[1].split()[:3]
        if int(group) == pgid and state != "Z":
            found.append(int(entry.name))
    return found


@dataclass
class _Started:
    name: str
    process: subprocess.Popen
    log: Path


@contextmanager
def _process(
    name: str, command: list[str], env: dict, cwd: Path, cluster: SparkCluster
) -> Iterator[_Started]:
    log = cluster.log_dir / f"{name}.log"
    with open(log, "w") as handle:
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    cluster.pids[name] = process.pid
    try:
        yield _Started(name, process, log)
    finally:
        _stop_group(process)


def _stop_group(process: subprocess.Popen, timeout: float = 30.0) -> None:
    """SIGTERM to the whole group (the worker's executors are in it), SIGKILL after
    ``timeout``: Spark's shutdown hooks get their chance, nothing outlives the block."""
    pgid = process.pid
    _signal_group(pgid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None and not processes_in_group(pgid):
            return
        time.sleep(0.2)
    _signal_group(pgid, signal.SIGKILL)
    process.wait()
    while processes_in_group(pgid):
        time.sleep(0.1)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with suppress(ProcessLookupError):  # the whole group is gone already
        os.killpg(pgid, sig)


def _spark_env(dirs: dict[str, Path], daemon_java_opts: str) -> dict[str, str]:
    """This process's environment without any SPARK_*/PYSPARK_* of the caller's (a
    SPARK_REMOTE would turn the server's own session into a client), plus the cluster's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPARK_", "PYSPARK_"))}
    env.update(
        SPARK_HOME=str(SPARK_HOME),
        SPARK_CONF_DIR=str(dirs["conf"]),  # empty: no spark-defaults.conf from elsewhere
        SPARK_LOCAL_IP=HOST,  # bind and advertise 127.0.0.1, not the machine's address
        SPARK_LOCAL_HOSTNAME=HOST,  # and never a hostname that may not resolve
        SPARK_LOCAL_DIRS=str(dirs["local"]),  # shuffle and block files (spark.local.dir)
        SPARK_DAEMON_MEMORY=DAEMON_MEMORY,
        SPARK_DAEMON_JAVA_OPTS=daemon_java_opts,
        SPARK_CONNECT_MODE="0",  # as sbin/start-connect-server.sh: the server runs classic
        PYSPARK_PYTHON=sys.executable,
    )
    return env


def _wait_until(ready: Callable[[], bool], what: str, started: _Started, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if started.process.poll() is not None:
            raise SparkClusterError(
                f"{what}: the {started.name} process exited with {started.process.returncode}"
                f"{_tail(started.log)}"
            )
        if time.monotonic() > deadline:
            raise SparkClusterError(f"{what}: not ready after {timeout:.0f} s{_tail(started.log)}")
        time.sleep(0.25)


def _tail(log: Path, lines: int = 40) -> str:
    text = log.read_text(errors="replace").splitlines()[-lines:]
    return f"; last lines of {log}:\n" + "\n".join(text)


def _state(cluster: SparkCluster) -> dict:
    try:
        return cluster.master_state()
    except (OSError, ValueError):  # not serving yet
        return {}


def _get_json(url: str) -> list | dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def _free_ports(count: int) -> list[int]:
    """``count`` distinct ports free now (each bound to port 0 at the same time)."""
    with ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind((HOST, 0))
        return [probe.getsockname()[1] for probe in probes]
