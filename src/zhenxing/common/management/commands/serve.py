from __future__ import annotations

import os
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

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"振兴平台已启动：http://{options['bind']}/ （Ctrl+C 停止）")
        self.stdout.flush()
        command = [
            sys.executable, "-m", "gunicorn", "zhenxing.wsgi:application",
            "--bind", options["bind"],
            "--workers", str(options["workers"]),
            "--threads", str(options["threads"]),
            "--access-logfile", "-",
        ]  # fmt: skip
        os.execv(sys.executable, command)  # noqa: S606 - fixed argv, replaces this process with the server
