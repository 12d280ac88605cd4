from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from zhenxing.audit import services as audit
from zhenxing.common.calendar import calendar_load, work_calendar
from zhenxing.common.models import CalendarDay, CalendarYear


class Command(BaseCommand):
    help = "工作日日历：列出已知年度；--load 从 chinesecalendar 包补入数据库中尚无的年度"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--load", action="store_true", help="补入包中有而数据库中没有的年度")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["load"]:
            with transaction.atomic():
                years, days = calendar_load(CalendarDay, CalendarYear)
                if years:
                    audit.record(
                        actor=None, actor_label="system", action="calendar.load", target=("common.calendaryear", ""),
                        new={"years": years, "days": days},
                    )  # fmt: skip
            self.stdout.write(f"新增 {years} 个年度、{days} 个节假日或调休日")
        known = sorted(work_calendar().known_years)
        if known:
            self.stdout.write(
                f"已知年度：{known[0]}–{known[-1]}（共 {len(known)} 年）；此后的期限按周末推算并标为暂定"
            )
        else:
            self.stdout.write("尚无节假日数据：期限按周末推算并标为暂定")
