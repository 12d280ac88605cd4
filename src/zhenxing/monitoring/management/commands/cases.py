from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from zhenxing.monitoring.elimination.services import evaluations_run_due
from zhenxing.monitoring.identification.services import cases_escalate


class Command(BaseCommand):
    help = (
        "识别案件与监测对象（每日运行一次）：escalate 把超过受理时限（参数 step_deadlines.application_settle_days）未受理的自主申报上报乡镇和县；"
        "evaluate 对到期的监测对象做定期帮扶成效评估（默认每季度）"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["escalate", "evaluate"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "evaluate":
            count = evaluations_run_due()
            self.stdout.write(f"完成 {count} 户定期评估")
            return
        count = cases_escalate()
        self.stdout.write(f"上报 {count} 件超过时限未受理的申报")
