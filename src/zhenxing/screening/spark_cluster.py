"""A Spark standalone cluster on loopback (issue 22): one master and two workers as separate JVM processes,
started with the pip `pyspark`'s own `spark-class` (it ships no `start-master.sh`), for the cluster test and
the benchmark — and for a person who wants to try `zhenxing screen --engine spark --master spark://…`:

    python -m zhenxing.screening.spark_cluster [--workers 2] [--cores 1] [--memory 1g]

prints the master's URL and keeps the cluster until Ctrl+C.

Everything binds to 127.0.0.1 (SPARK_LOCAL_IP for the daemons and, while the cluster is up, for this process's
driver too), so that no executor ever talks to another address. Each daemon runs in a process group of its
own; the executors a worker starts are its children, so stopping the groups stops them as well. Logs, the
workers' folders and Spark's scratch space go into one temporary folder, removed afterwards unless `keep_logs`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

LOOPBACK = "127.0.0.1"
START_TIMEOUT = (
    90.0  # seconds for the master to bind and every worker to register, on a busy two-core machine
)
STOP_GRACE = 10.0  # seconds between SIGTERM and SIGKILL of a daemon's group
MASTER_URL = re.compile(r"Starting Spark master at (spark://[\w.:-]+)")
MASTER_UI = re.compile(r"MasterWebUI.*?(http://[\w.-]+:\d+)")


class SparkClusterError(RuntimeError):
    """The cluster could not be started: the message is for a person, the log folder for whoever looks."""


@dataclass
class SparkCluster:
    url: str  # spark://127.0.0.1:<port>, for `--master`
    web_ui: str  # http://127.0.0.1:<port>, the master's page (its /json lists the workers)
    logs: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def alive_workers(self) -> int:
        return _alive_workers(self.web_ui)


def spark_home() -> Path:
    """The Spark installation `pyspark` runs on: $SPARK_HOME, else the pip package's own folder."""
    if os.environ.get("SPARK_HOME"):
        return Path(os.environ["SPARK_HOME"])
    try:
        from pyspark.find_spark_home import _find_spark_home
    except ImportError as missing:
        raise SparkClusterError(
            "未安装 Spark：请安装 Spark 扩展（pip install 'zhenxing[spark]'）后再启动集群"
        ) from missing
    return Path(_find_spark_home())


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    found = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not found or not Path(found).exists():
        raise SparkClusterError(
            "未找到 Java：Spark 集群需要 Java 17 或更高版本（Debian：apt-get install default-jre-headless）"
            " — no `java` on PATH and no JAVA_HOME"
        )
    return found


def free_port() -> int:
    """A port free on loopback now (Spark moves to the next one should another process take it meanwhile;
    the URLs are read back from the master's log)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def _daemon_environment(home: Path, folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": LOOPBACK,
        "SPARK_LOCAL_HOSTNAME": LOOPBACK,
        "SPARK_LOCAL_DIRS": str(folder / "scratch"),
        "SPARK_LOG_DIR": str(folder),
        "SPARK_WORKER_DIR": str(folder / "work"),
        # no PySpark driver settings leak into the daemons
        "PYSPARK_SUBMIT_ARGS": "",
        # the daemons only keep the cluster's books: a small heap and the quick compiler start them sooner
        # on a busy machine (executors, which do the work, are started with the application's settings)
        "SPARK_DAEMON_MEMORY": os.environ.get("SPARK_DAEMON_MEMORY", "512m"),
        "SPARK_DAEMON_JAVA_OPTS": os.environ.get(
            "SPARK_DAEMON_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
        ),
    }


def _start(
    home: Path, arguments: list[str], log: Path, environment: dict[str, str]
) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(  # noqa: S603 - our own spark-class with arguments we built
            [str(home / "bin" / "spark-class"), *arguments],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=environment,
            start_new_session=True,  # its own process group: stopped as one, executors included
        )


def _tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _alive_workers(web_ui: str) -> int:
    with urllib.request.urlopen(f"{web_ui}/json/", timeout=5) as answer:  # noqa: S310 - loopback http
        state = json.load(answer)
    return sum(1 for worker in state.get("workers", []) if worker.get("state") == "ALIVE")


def _wait_for_master(process: subprocess.Popen[bytes], log: Path, deadline: float) -> tuple[str, str]:
    """The master's URL and web UI as it logged them once bound (a port may have moved if taken)."""
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace") if log.exists() else ""
        url, ui = MASTER_URL.search(text), MASTER_UI.search(text)
        if url and ui:
            return url.group(1), ui.group(1).replace("0.0.0.0", LOOPBACK)  # noqa: S104 - a log's wording
        if process.poll() is not None:
            raise SparkClusterError(
                f"Spark 主节点启动失败（退出码 {process.returncode}），日志：{log}\n{_tail(log)}"
            )
        time.sleep(0.3)
    raise SparkClusterError(f"Spark 主节点在 {START_TIMEOUT:.0f} 秒内未就绪，日志：{log}\n{_tail(log)}")


def _wait_for_workers(cluster: SparkCluster, count: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            if cluster.alive_workers() >= count:
                return
        for process in cluster.processes:
            if process.poll() is not None:
                raise SparkClusterError(
                    f"Spark 进程意外退出（退出码 {process.returncode}），日志目录：{cluster.logs}"
                )
        time.sleep(0.5)
    logs = "\n".join(_tail(path, 5) for path in sorted(cluster.logs.glob("worker-*.log")))
    raise SparkClusterError(
        f"{count} 个 Spark 工作节点未能在 {START_TIMEOUT:.0f} 秒内注册到主节点，日志目录：{cluster.logs}\n{logs}"
    )


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to each group (workers first, then the master), SIGKILL to what is left after the grace."""
    for process in reversed(processes):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE
    for process in reversed(processes):
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # the group's executors, should any outlive their worker
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)


@contextlib.contextmanager
def _driver_on_loopback() -> Iterator[None]:
    """This process's Spark driver (started by the first session made here) binds to loopback as well."""
    saved = {name: os.environ.get(name) for name in ("SPARK_LOCAL_IP", "SPARK_LOCAL_HOSTNAME")}
    os.environ["SPARK_LOCAL_IP"] = os.environ["SPARK_LOCAL_HOSTNAME"] = LOOPBACK
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def spark_cluster(
    *, workers: int = 2, cores: int = 1, memory: str = "1g", keep_logs: bool = False
) -> Iterator[SparkCluster]:
    """A master and `workers` workers (`cores` cores and `memory` each) on 127.0.0.1, ready — every worker
    registered — when this yields; stopped, their process groups and executors with them, on leaving. The
    daemons are in sessions of their own, so a caller that may be killed by SIGTERM should turn it into an
    exception (as `main` does), or they outlive it."""
    java = _java()
    home = spark_home()
    if not (home / "bin" / "spark-class").exists():
        raise SparkClusterError(f"Spark 安装不完整：找不到 {home / 'bin' / 'spark-class'}")
    folder = Path(tempfile.mkdtemp(prefix="zhenxing-spark-"))
    for name in ("scratch", "work"):
        (folder / name).mkdir()
    environment = _daemon_environment(home, folder)
    environment.setdefault("JAVA_HOME", str(Path(os.path.realpath(java)).parents[1]))
    processes: list[subprocess.Popen[bytes]] = []
    deadline = time.monotonic() + START_TIMEOUT
    try:
        master_log = folder / "master.log"
        processes.append(
            _start(
                home,
                ["org.apache.spark.deploy.master.Master", "--host", LOOPBACK, "--port", str(free_port()),
                 "--webui-port", str(free_port())],
                master_log,
                environment,
            )
        )  # fmt: skip
        url, web_ui = _wait_for_master(processes[0], master_log, deadline)
        for index in range(1, workers + 1):
            processes.append(
                _start(
                    home,
                    ["org.apache.spark.deploy.worker.Worker", url, "--host", LOOPBACK, "--cores", str(cores),
                     "--memory", memory, "--webui-port", str(free_port()), "--work-dir", str(folder / "work")],
                    folder / f"worker-{index}.log",
                    environment,
                )
            )  # fmt: skip
        cluster = SparkCluster(url=url, web_ui=web_ui, logs=folder, processes=processes)
        _wait_for_workers(cluster, workers, deadline)
        with _driver_on_loopback():
            yield cluster
    finally:
        _stop(processes)
        if not keep_logs:
            shutil.rmtree(folder, ignore_errors=True)


def stop_active_session() -> None:
    """Stop this process's Spark session if there is one: the engine asks for the process's one session
    (`getOrCreate`), which keeps the master it was made with — a `local[2]` session made earlier would be
    reused instead of the cluster, and a cluster's session must not outlive its cluster."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return
    session = SparkSession.getActiveSession()
    if session is not None:
        session.stop()


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Start a Spark standalone cluster on 127.0.0.1 until Ctrl+C."
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cores", type=int, default=1, help="cores per worker")
    parser.add_argument("--memory", default="1g", help="memory per worker (executors get at most this)")
    options = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` or `timeout` stops the cluster as Ctrl+C does
    try:
        with spark_cluster(
            workers=options.workers, cores=options.cores, memory=options.memory, keep_logs=True
        ) as cluster:
            print(
                f"Spark 集群已就绪：{cluster.url}（主节点页面 {cluster.web_ui}，日志 {cluster.logs}）",
                flush=True,
            )
            print(f"zhenxing screen --year YYYY --engine spark --master {cluster.url}", flush=True)
            print("按 Ctrl+C 停止集群", flush=True)
            try:
                while all(process.poll() is None for process in cluster.processes):
                    time.sleep(1)
            except KeyboardInterrupt:
                print("正在停止 Spark 集群", flush=True)
                return 0
            print("Spark 进程意外退出，正在停止集群", file=sys.stderr)
            return 1
    except SparkClusterError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
