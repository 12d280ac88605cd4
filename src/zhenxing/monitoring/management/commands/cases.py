from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from zhenxing.monitoring.services import cases_escalate


class Command(BaseCommand):
    help = "识别案件：escalate 把超过10日未受理的自主申报上报乡镇和县（每日运行一次）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["escalate"])

    def handle(self, *args: Any, **options: Any) -> None:
        count = cases_escalate()
        self.stdout.write(f"上报 {count} 件超过时限未受理的申报")
