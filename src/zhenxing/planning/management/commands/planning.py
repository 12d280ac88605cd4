"""`zhenxing planning`: freeze the reporting periods past their deadline (run daily), or one period by hand;
compute the year's county assessments and print them (P16)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhenxing.common import clock
from zhenxing.common.errors import DomainError
from zhenxing.planning.assessment import assessment_compute_all
from zhenxing.planning.enums import PeriodKind, SupervisionKind
from zhenxing.planning.freeze import period_ensure, period_freeze, periods_due
from zhenxing.planning.models import Assessment, Supervision

KIND_LABELS = dict(PeriodKind.choices)
SUPERVISION_LABELS = dict(SupervisionKind.choices)


class Command(BaseCommand):
    help = (
        "规划指标与考核评估：freeze --due 冻结所有已过报送期限的统计期（每日运行）；"
        "freeze --kind year --year 2025 [--number N] 冻结指定统计期；assess --year 2025 计算12个县(市)的考核评估"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["freeze", "assess"])
        parser.add_argument("--due", action="store_true", help="冻结所有已过报送期限的统计期")
        parser.add_argument("--kind", choices=PeriodKind.values, help="统计周期：month / quarter / year")
        parser.add_argument("--year", type=int, help="年度")
        parser.add_argument("--number", type=int, help="月份 1-12 或季度 1-4（年度不填）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "freeze":
                self._freeze(options)
            else:
                self._assess(options)
        except DomainError as error:
            raise CommandError(str(error)) from error

    def _freeze(self, options: dict[str, Any]) -> None:
        if options["due"]:
            periods = periods_due(clock.today())
            if not periods:
                self.stdout.write("没有已过报送期限待冻结的统计期")
                return
        else:
            if not options["kind"] or not options["year"]:
                raise CommandError("请指定 --due，或同时指定 --kind 和 --year")
            number = 0 if options["kind"] == PeriodKind.YEAR else options["number"]
            if number is None:
                raise CommandError("月度、季度统计期请用 --number 指定月份或季度")
            periods = [period_ensure(kind=options["kind"], year=options["year"], number=number)]
        for period in periods:
            written = period_freeze(period=period, actor=None)
            self.stdout.write(f"已冻结 {period}（{KIND_LABELS[period.kind]}）：{written} 个数值")

    def _assess(self, options: dict[str, Any]) -> None:
        year = options["year"]
        if not year:
            raise CommandError("请用 --year 指定考核年度")
        self.stdout.write(f"正在计算 {year} 年度各县(市)考核评估……")

        def progress(assessment: Assessment) -> None:
            self.stdout.write(f"  已计算 {assessment.county.name}（第 {assessment.version} 版）")

        assessments = assessment_compute_all(year=year, actor=None, on_each=progress)
        supervised: dict[int, list[str]] = {}
        for supervision in Supervision.objects.filter(year=year).order_by("kind"):
            supervised.setdefault(supervision.county_id, []).append(SUPERVISION_LABELS[supervision.kind])
        self.stdout.write("")
        self.stdout.write(f"{'县(市)':<10}{'总分':>8}  {'等次':<4}  约谈督办")
        for assessment in assessments:
            marks = "、".join(supervised.get(assessment.county_id, [])) or "—"
            if assessment.large_scale_return:
                marks += "（规模性返贫风险）"
            self.stdout.write(
                f"{assessment.county.name:<10}{assessment.total:>8}  {assessment.grade:<4}  {marks}"
            )
        self.stdout.write(f"共 {len(assessments)} 个县(市)")
