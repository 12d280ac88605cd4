from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhenxing.synth.demo_scenario import demo_scenario_ensure


class Command(BaseCommand):
    help = (
        "演示场景：在西山村生成预警线索、各环节识别与风险消除案件、帮扶措施（需先创建演示用户；可重复执行）"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_scenario_ensure()
        if result is None:
            self.stdout.write("演示场景已存在，跳过")
            return
        self.stdout.write(
            f"演示场景已生成：西山村 {result.households} 户、{result.cases} 个案件，用时 {result.seconds:.1f} 秒"
        )
