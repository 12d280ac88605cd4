from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhenxing.divisions.loading import DivisionFileError
from zhenxing.divisions.services import default_divisions_csv, divisions_load


class Command(BaseCommand):
    help = "行政区划: `divisions load [--file CSV]` 导入或更新大理州区划（可重复执行）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="导入或更新区划（可重复执行，结果相同）")
        load.add_argument("--file", type=Path, default=None, help="区划 CSV（默认 data/dali_divisions.csv）")

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["file"] or default_divisions_csv()
        try:
            result = divisions_load(actor=None, path=source)
        except DivisionFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"区划已就绪（{source.name}）：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}"
        )
