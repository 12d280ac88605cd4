from __future__ import annotations

import os
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动网站服务（gunicorn），默认 127.0.0.1:8000"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("ZHENXING_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("ZHENXING_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("ZHENXING_THREADS", "4")))
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="不在本进程旁启动后台任务进程（另行运行 zhenxing db_worker）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"振兴平台已启动：http://{options['bind']}/ （Ctrl+C 停止）")
        self.stdout.flush()
        if not options["no_worker"]:
            # The job worker (imports and other background jobs) runs beside the site and ends with it.
            subprocess.Popen([sys.executable, "-m", "zhenxing.cli", "db_worker"])
        command = [
            sys.executable, "-m", "gunicorn", "zhenxing.wsgi:application",
            "--bind", options["bind"],
            "--workers", str(options["workers"]),
            "--threads", str(options["threads"]),
            "--access-logfile", "-",
        ]  # fmt: skip
        os.execv(sys.executable, command)  # noqa: S606 - fixed argv, replaces this process with the server
