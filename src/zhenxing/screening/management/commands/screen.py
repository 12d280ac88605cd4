from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhenxing.common.errors import DomainError
from zhenxing.screening.services import ENGINES, screening_run


class Command(BaseCommand):
    help = "筛查预警：按规则集筛查一轮，生成或合并预警线索（一户至多一条未办结线索）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="收入与部门数据的年度")
        parser.add_argument("--engine", choices=sorted(ENGINES), default="db")
        parser.add_argument(
            "--background", action="store_true", help="作为后台任务排队（由 zhenxing db_worker 执行）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(done: int, total: int) -> None:
            filled = int(30 * done / max(total, 1))
            sys.stderr.write(f"\r规则 [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
            sys.stderr.flush()

        if options["background"]:
            from zhenxing.screening.tasks import screening_task

            result = screening_task.enqueue(options["year"], options["engine"])
            self.stdout.write(f"已排队：后台任务 {result.id}（由 zhenxing db_worker 执行）")
            return
        try:
            run = screening_run(year=options["year"], engine=options["engine"], progress=progress)
        except DomainError as error:
            raise CommandError(error.message) from error
        sys.stderr.write("\n")
        s = run.summary
        grades = "，".join(f"{grade} {count}" for grade, count in sorted(s["by_grade"].items()))
        self.stdout.write(
            f"筛查完成（{run.year}年，{run.engine} 引擎）：新增 {s['new']}，合并 {s['merged']}，未变 {s['unchanged']}，"
            f"因核实不纳入而暂停 {s['suppressed']}；按等级：{grades or '无'}"
        )
