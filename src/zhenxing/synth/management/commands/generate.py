from __future__ import annotations

import datetime
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhenxing.registry.models import Household
from zhenxing.synth import rates
from zhenxing.synth.generator import Settings
from zhenxing.synth.report import generation_report
from zhenxing.synth.services import synthetic_registry_generate


class Command(BaseCommand):
    help = "生成合成的大理州农户数据（确定性：同一 --seed 得到同样的数据）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "what",
            nargs="?",
            choices=("registry", "feeds", "projects"),
            default="registry",
            help="registry（默认：农户，随后是项目库）、feeds（部门数据文件）或 projects（只生成项目库）",
        )
        parser.add_argument("--out", default="", help="feeds：输出目录（默认 var/feeds/年度）")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="规模（1 = 全州：脱贫户10.95万户，农村人口约200万）"
        )
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--year", type=int, default=2025, help="收支数据的年度")
        parser.add_argument(
            "--rural-population",
            type=int,
            default=rates.RURAL_POPULATION,
            help="规模为1时的农村人口（估计值）",
        )
        parser.add_argument("--growth", type=float, default=rates.INCOME_GROWTH, help="2020年后收入年增长率")
        parser.add_argument("--append", action="store_true", help="已有农户时仍然追加")
        parser.add_argument("--if-empty", action="store_true", help="已有农户时什么也不做（演示环境用）")
        parser.add_argument("--report", action="store_true", help="只打印已生成数据与规划数的对照")
        parser.add_argument("--no-projects", action="store_true", help="不生成项目库（只生成农户）")
        parser.add_argument(
            "--projects-per-year",
            type=int,
            default=None,
            help=f"每年项目数（默认 {rates.PROJECTS_PER_YEAR} × 规模；共 {rates.PROJECT_YEARS} 年，含今年）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "feeds":
            from pathlib import Path

            from django.conf import settings as django_settings

            from zhenxing.synth.feeds import generate_feeds, generate_rosters

            folder = Path(options["out"] or django_settings.ZHENXING_VAR_DIR / "feeds" / str(options["year"]))
            counts, planted = generate_feeds(year=options["year"], seed=options["seed"], folder=folder)
            self.stdout.write(
                f"已写入 {folder}：" + "，".join(f"{name} {count}" for name, count in counts.items())
            )
            self.stdout.write(f"植入案例 {len(planted)} 个，见 {folder / 'expected_leads.csv'}")
            # 民政's year-end roster of each county (P17), beside the event files
            rosters = generate_rosters(
                snapshot_on=datetime.date(options["year"], 12, 31),
                seed=options["seed"],
                folder=folder / "rosters",
            )
            self.stdout.write(
                f"民政名册（每县一份）已写入 {folder / 'rosters'}："
                + "，".join(f"{county} {count}" for county, count in rosters.items())
            )
            return
        if options["report"]:
            self.stdout.write(generation_report(year=options["year"], scale=options["scale"]))
            return
        if not 0 < options["scale"] <= 20:
            raise CommandError("--scale 应在 0 到 20 之间")
        if options["what"] == "projects":
            self._projects(options)
            return
        if Household.objects.exists():
            if options["if_empty"]:
                self.stdout.write("已有农户数据，跳过生成")
                if not options["no_projects"]:
                    self._projects(options)
                return
            if not options["append"]:
                raise CommandError("数据库中已有农户数据；确需追加请加 --append")
        settings = Settings(
            scale=options["scale"], seed=options["seed"], year=options["year"],
            rural_population=options["rural_population"], growth=options["growth"],
        )  # fmt: skip

        def progress(done: int, total: int) -> None:
            width = 30
            filled = min(width, int(width * done / max(total, 1)))
            sys.stderr.write(f"\r生成中 [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} 人")
            sys.stderr.flush()

        result = synthetic_registry_generate(settings=settings, progress=progress)
        sys.stderr.write("\n")
        self.stdout.write(
            f"已生成 {result.households:,} 户、{result.people:,} 人，用时 {result.seconds:.1f} 秒"
        )
        self.stdout.write(generation_report(year=options["year"], scale=options["scale"]))
        if not options["no_projects"]:
            self._projects(options)

    def _projects(self, options: dict[str, Any]) -> None:
        """Five years of the project library (synth/projects.py), after the registry (到户 households)."""
        from zhenxing.projects.models import Project
        from zhenxing.synth.projects import projects_per_year, synthetic_projects_generate

        if Project.objects.exists():
            if options["if_empty"]:
                self.stdout.write("已有项目数据，跳过生成项目库")
                self._funds(options)
                return
            if not options["append"]:
                raise CommandError("数据库中已有项目；确需追加请加 --append（或用 --no-projects 只生成农户）")
        per_year = options["projects_per_year"] or projects_per_year(options["scale"])
        if per_year < 1:
            raise CommandError("--projects-per-year 应大于0")
        result = synthetic_projects_generate(seed=options["seed"], per_year=per_year)
        self.stdout.write(
            f"已生成项目库：{rates.PROJECT_YEARS} 年、每年 {per_year:,} 个项目（含调整版本共 {result.projects:,} 条），"
            f"用时 {result.seconds:.1f} 秒"
        )
        self._funds(options)

    def _funds(self, options: dict[str, Any]) -> None:
        """The fund ledger of the library's years (synth/funds.py), right after the projects; a year that has
        its synthetic documents already is skipped."""
        from zhenxing.synth.funds import synthetic_funds_generate

        funds = synthetic_funds_generate(seed=options["seed"])
        self._assets(
            options
        )  # P15 assets and P11 collective incomes, valued from the ledger (synth/assets.py)
        if not funds.years:
            self.stdout.write("合成资金台账已存在，跳过")
            return
        self.stdout.write(
            f"已生成资金台账：{funds.years[0]}—{funds.years[-1]}年 {funds.documents} 份下达文件、{funds.lines:,} 条指标、"
            f"{funds.splits:,} 笔分配、{funds.payments:,} 笔支付、{funds.reversals:,} 笔冲销，出库 {funds.withdrawn} 个、"
            f"终止 {funds.terminated} 个项目；支出偏慢的县：{'、'.join(funds.late_counties)}；用时 {funds.seconds:.1f} 秒"
        )

    def _assets(self, options: dict[str, Any]) -> None:
        from zhenxing.synth.assets import synthetic_assets_generate

        assets = synthetic_assets_generate(seed=options["seed"])
        self.stdout.write(
            f"已生成项目资产 {assets.assets:,} 项（移交 {assets.handed_over:,}）、巡查 {assets.inspections:,} 次、"
            f"收益 {assets.incomes:,} 条、处置 {assets.disposals} 件、分配方案 {assets.plans} 个、"
            f"村集体经济收入 {assets.collective_incomes:,} 条，用时 {assets.seconds:.1f} 秒"
        )
        self._planning(options)

    def _planning(self, options: dict[str, Any]) -> None:
        """P12/P16/P11 after the assets: the monitoring history (synth/planning_history.py), then village flags,
        work teams, county targets, reported values and field findings (synth/planning_data.py)."""
        from zhenxing.synth.planning_data import synthetic_planning_generate
        from zhenxing.synth.planning_history import synthetic_history_generate

        history = synthetic_history_generate(seed=options["seed"], year=options["year"])
        if history.cases:
            self.stdout.write(
                f"已生成监测帮扶历史：{history.confirmed:,} 户次纳入监测（风险消除 {history.eliminated:,}、"
                f"重新纳入 {history.reopened}）、技能培训 {history.training_items:,} 人次、就业 {history.job_items:,} 人次、"
                f"人社登记 {history.feed_records:,} 条、住房安全台账 {history.housing_entries:,} 户、"
                f"逾期线索 {history.overdue_leads}、逾期案件 {history.overdue_cases}，用时 {history.seconds:.1f} 秒"
            )
        else:
            self.stdout.write("合成监测帮扶历史已存在，跳过")
        planning = synthetic_planning_generate(seed=options["seed"], year=options["year"])
        if not planning.profiles:
            self.stdout.write("合成规划数据已存在，跳过")
            return
        self.stdout.write(
            f"已生成规划数据：{planning.profiles:,} 个村有分类标识（脱贫村 {planning.tuopin_villages}）、"
            f"驻村工作队员 {planning.team_members:,} 人（配备不足 {len(planning.shortfalls)} 个村）、"
            f"县级目标 {planning.targets:,} 条、填报值 {planning.reports:,} 条（未填报 {planning.unreported}）、"
            f"实地抽查发现 {planning.findings} 条，用时 {planning.seconds:.1f} 秒"
        )
