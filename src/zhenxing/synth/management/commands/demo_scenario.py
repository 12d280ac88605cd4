from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhenxing.synth.demo_projects import demo_projects_ensure
from zhenxing.synth.demo_scenario import demo_scenario_ensure
from zhenxing.synth.fund_demo import demo_funds_ensure


class Command(BaseCommand):
    help = (
        "演示场景：在西山村生成预警线索、各环节识别与风险消除案件、帮扶措施，以及南涧县各环节的项目库项目"
        "（需先创建演示用户；可重复执行）"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_scenario_ensure()
        if result is None:
            self.stdout.write("演示场景已存在，跳过")
        else:
            self.stdout.write(
                f"演示场景已生成：西山村 {result.households} 户、{result.cases} 个案件，用时 {result.seconds:.1f} 秒"
            )
        # the project library (P14) apart, so that a demo database made before it gets its projects too
        projects = demo_projects_ensure()
        if projects is None:
            self.stdout.write("演示项目库已存在，跳过")
        else:
            self.stdout.write(
                f"演示项目库已生成：南涧县 {projects.projects} 个项目，用时 {projects.seconds:.1f} 秒"
            )
        # its fund ledger (P14) right after it: documents, splits, payments and a reversal by the demo finance users
        funds = demo_funds_ensure()
        if funds is None:
            self.stdout.write("演示资金台账已存在（或缺少演示项目库），跳过")
        else:
            self.stdout.write(
                f"演示资金台账已生成：南涧县 {funds.documents} 份下达文件、{funds.splits} 笔分配、{funds.payments} 笔支付"
                f"（含冲销），用时 {funds.seconds:.1f} 秒"
            )
        # P15: the register in 西山村 right after the ledger (an asset due for inspection, an idle one with its
        # disposal waiting, one with income, a plan at 决议公开; the paid 入户路 project left to register from)
        from zhenxing.synth.asset_demo import demo_assets_ensure

        assets = demo_assets_ensure()
        self.stdout.write(
            "演示资产已存在（或缺少演示用户），跳过"
            if assets is None
            else f"演示资产已生成：西山村 {assets.assets} 项资产、{assets.plans} 个分配方案、{assets.disposals} 件待审处置，用时 {assets.seconds:.1f} 秒"
        )
        # P11/P12/P16 right after the assets: 西山村's short work team, two 南涧镇 values under review, 2025 frozen
        from zhenxing.synth.planning_demo import demo_planning_ensure

        planning = demo_planning_ensure()
        if planning is None:
            self.stdout.write("缺少演示用户，跳过演示规划数据")
        else:
            self.stdout.write(
                f"演示规划数据：西山村工作队 {planning.team_members} 人次登记、南涧镇填报 {planning.reports} 条、"
                f"冻结值 {planning.frozen_values} 条，用时 {planning.seconds:.1f} 秒"
            )
            if planning.freeze_note:
                self.stdout.write(planning.freeze_note)
