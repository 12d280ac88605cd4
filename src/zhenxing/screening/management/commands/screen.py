from __future__ import annotations

import datetime
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhenxing.common.errors import DomainError
from zhenxing.common.jobs import job_in_foreground
from zhenxing.screening.services import ENGINES, screening_run

STEP_NAMES = {"snapshot": "快照", "evaluation": "规则计算", "merge": "合并线索"}


class Command(BaseCommand):
    help = "筛查预警：按规则集筛查一轮，生成或合并预警线索（一户至多一条未办结线索）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="收入与部门数据的年度")
        parser.add_argument("--engine", choices=ENGINES, default="db")
        parser.add_argument(
            "--reuse-snapshot",
            type=int,
            metavar="分钟",
            help="duckdb/spark：若最近的数据快照不超过这么多分钟且其后数据未变，直接复用（默认每轮新建快照）",
        )
        parser.add_argument(
            "--master",
            help="spark：集群地址，如 spark://host:7077 或 yarn（默认 local[2]；快照目录须在集群可读的存储上）",
        )
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

            result = screening_task.enqueue(
                options["year"], options["engine"], options["reuse_snapshot"], options["master"]
            )
            self.stdout.write(f"已排队：后台任务 {result.id}（由 zhenxing db_worker 执行）")
            return
        from zhenxing.screening.tasks import screening_task

        minutes = options["reuse_snapshot"]
        try:
            # recorded as a job under this process's lease: if this command is killed, the next sweep (any
            # worker's, or the next `zhenxing screen`) fails the run instead of leaving it running
            with job_in_foreground(
                screening_task, options["year"], options["engine"], minutes, options["master"]
            ) as job_id:
                run = screening_run(
                    year=options["year"],
                    engine=options["engine"],
                    progress=progress,
                    snapshot_max_age=datetime.timedelta(minutes=minutes) if minutes is not None else None,
                    master=options["master"],
                    job_id=job_id,
                )
        except DomainError as error:
            raise CommandError(error.message) from error
        sys.stderr.write("\n")
        s = run.summary
        grades = "，".join(f"{grade} {count}" for grade, count in sorted(s["by_grade"].items()))
        timing = "，".join(
            f"{STEP_NAMES[step]} {value:.1f} 秒" for step, value in s["seconds"].items() if step in STEP_NAMES
        )
        snapshot = run.parameters.get("snapshot")
        if snapshot:
            how = "复用" if snapshot["reused"] else "新建"
            timing += f"（{how}快照 {snapshot['taken_at'][:19]}）"
        self.stdout.write(
            f"筛查完成（{run.year}年，{run.engine} 引擎）：新增 {s['new']}，合并 {s['merged']}，未变 {s['unchanged']}，"
            f"因核实不纳入而暂停 {s['suppressed']}；按等级：{grades or '无'}；用时：{timing}"
        )
