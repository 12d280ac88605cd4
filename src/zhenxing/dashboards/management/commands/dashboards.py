"""`zhenxing dashboards refresh`: count every dashboard figure over the records and keep the counts (run daily,
after the night's screening round and the planning freeze)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from zhenxing.dashboards.refresh import aggregates_refresh


class Command(BaseCommand):
    help = "图表与地图：refresh 重新统计全部图表（每日运行）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["refresh"])

    def handle(self, *args: Any, **options: Any) -> None:
        run = aggregates_refresh(actor=None, progress=lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(f"已统计 {run.as_of:%Y-%m-%d}：{run.row_count} 个数，用时 {run.seconds:.1f} 秒")
