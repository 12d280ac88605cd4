"""`zhenxing serve`: the site (gunicorn) and the job worker (`zhenxing db_worker`), supervised.

Both run as children of this process. The worker is started again whenever it exits, after a pause that
doubles while it keeps exiting quickly (1 s, 2 s, 4 s … 60 s) and is back to 1 s once it has run a minute;
the site ending ends serve. SIGTERM or SIGINT stops both — SIGTERM, then SIGKILL after --stop-timeout
seconds or at a second signal — and serve exits only when they are gone: no child outlives it. Should serve
itself be killed, on Linux the kernel sends its children SIGTERM (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand

PAUSE_FIRST, PAUSE_MAX, STEADY_SECONDS = 1.0, 60.0, 60.0
TICK = 0.2


def _end_with_parent(parent: int) -> Callable[[], None]:
    """Run in the child before exec: ask the kernel for SIGTERM when the parent dies (Linux only)."""

    def arrange() -> None:
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)

    return arrange


def _describe(code: int) -> str:
    if code < 0:
        try:
            return f"信号 {signal.Signals(-code).name}"
        except ValueError:
            return f"信号 {-code}"
    return f"退出码 {code}"


class Supervisor:
    def __init__(
        self, *, site: list[str], worker: list[str] | None, stop_timeout: float, say: Callable[[str], None]
    ) -> None:
        self.site_argv, self.worker_argv = site, worker
        self.stop_timeout = stop_timeout
        self.say = say
        self.signals: list[int] = []
        self.site: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.worker_started = 0.0
        self.pause = PAUSE_FIRST
        self.restart_at = 0.0

    def _spawn(self, argv: list[str]) -> subprocess.Popen[bytes]:
        # a session of its own: a Ctrl+C in the terminal reaches serve alone, which stops the children in order
        # (preexec_fn is safe here: serve runs no threads)
        return subprocess.Popen(argv, start_new_session=True, preexec_fn=_end_with_parent(os.getpid()))  # noqa: S603 - fixed argv

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.signals.append(signum)

    def run(self) -> int:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self._on_signal)
        self.site = self._spawn(self.site_argv)
        code = 0
        while not self.signals:
            site_code = self.site.poll()
            if site_code is not None:
                self.say(f"网站进程已退出（{_describe(site_code)}），停止服务")
                code = site_code or 1
                break
            self._keep_worker()
            time.sleep(TICK)
        else:
            self.say(f"收到 {signal.Signals(self.signals[0]).name}，正在停止网站和后台任务进程…")
        self._stop()
        return code

    def _keep_worker(self) -> None:
        if self.worker_argv is None:
            return
        now = time.monotonic()
        if self.worker is not None:
            worker_code = self.worker.poll()
            if worker_code is None:
                return
            ran = now - self.worker_started
            self.pause = PAUSE_FIRST if ran >= STEADY_SECONDS else self.pause
            self.say(f"后台任务进程已退出（{_describe(worker_code)}），{self.pause:.0f} 秒后重启")
            self.worker, self.restart_at = None, now + self.pause
            self.pause = min(self.pause * 2, PAUSE_MAX)
        if now >= self.restart_at:
            self.worker, self.worker_started = self._spawn(self.worker_argv), now

    def _stop(self) -> None:
        children = [child for child in (self.worker, self.site) if child is not None and child.poll() is None]
        for child in children:
            child.send_signal(signal.SIGTERM)
        handled = len(self.signals)
        deadline = time.monotonic() + self.stop_timeout
        while any(child.poll() is None for child in children):
            if time.monotonic() >= deadline or len(self.signals) > handled:
                for child in children:
                    if child.poll() is None:
                        child.kill()
                break
            time.sleep(TICK)
        for child in children:
            child.wait()


class Command(BaseCommand):
    help = "启动网站服务（gunicorn）和后台任务进程，默认 127.0.0.1:8000；后台任务进程退出后自动重启"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("ZHENXING_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("ZHENXING_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("ZHENXING_THREADS", "4")))
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="不在本进程旁启动后台任务进程（另行运行 zhenxing db_worker）",
        )
        parser.add_argument(
            "--stop-timeout",
            type=float,
            default=float(os.environ.get("ZHENXING_STOP_TIMEOUT", "30")),
            help="停止时等待子进程自行退出的秒数，超时则强制结束（默认 30）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"振兴平台已启动：http://{options['bind']}/ （Ctrl+C 停止）")
        self.stdout.flush()
        site = [
            sys.executable, "-m", "gunicorn", "zhenxing.wsgi:application",
            "--bind", options["bind"],
            "--workers", str(options["workers"]),
            "--threads", str(options["threads"]),
            "--access-logfile", "-",
        ]  # fmt: skip
        # the job worker (imports, screening rounds) runs beside the site, restarted if it exits
        worker = (
            None
            if options["no_worker"]
            else [sys.executable, "-m", "zhenxing.cli", "db_worker", "--no-reload"]
        )

        def say(message: str) -> None:
            self.stderr.write(message)
            self.stderr.flush()

        code = Supervisor(site=site, worker=worker, stop_timeout=options["stop_timeout"], say=say).run()
        if code:
            sys.exit(code)
