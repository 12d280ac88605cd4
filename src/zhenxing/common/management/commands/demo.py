from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from zhenxing.accounts.demo import demo_users_ensure


class Command(BaseCommand):
    help = (
        "演示环境：迁移数据库、导入区划、创建演示用户、生成合成数据和西山村演示场景，"
        "然后在 127.0.0.1:8000 提供服务（可重复执行）"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
        parser.add_argument("--bind", default="127.0.0.1:8000", help="监听地址（默认 127.0.0.1:8000）")
        parser.add_argument(
            "--scale", type=float, default=0.02, help="合成数据规模（默认 0.02，约4万人，1分钟内就绪）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("1/5 迁移数据库 …")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("2/5 导入行政区划 …")
        call_command("divisions", "load", stdout=self.stdout)
        self.stdout.write("3/5 演示用户 …")
        credentials = settings.ZHENXING_VAR_DIR / "demo_credentials.txt"
        created = demo_users_ensure(credentials_file=credentials)
        if created:
            self.stdout.write(
                self.style.SUCCESS(f"已创建演示用户（密码只在此显示一次，另存于 {credentials}）：")
            )
            for username, label, password in created:
                self.stdout.write(f"  {label:<6}  用户名 {username:<16} 密码 {password}")
        else:
            self.stdout.write(f"演示用户已存在，密码见 {credentials}")
        self.stdout.write(f"4/5 合成农户和项目库数据（规模 {options['scale']}）…")
        call_command(
            "generate", scale=options["scale"], seed=2025, year=2025, if_empty=True, stdout=self.stdout
        )
        # by name: the scenario lives in synth, above this shared kernel (pyproject: importlinter layers)
        self.stdout.write("5/5 演示场景（西山村：预警线索、各环节案件、帮扶措施；南涧县项目库各环节项目）…")
        call_command("demo_scenario", stdout=self.stdout)
        # the dashboards' kept counts over what was just generated (by name, as above; run daily in production)
        self.stdout.write("图表与地图：统计各图表 …")
        call_command("dashboards", "refresh", stdout=self.stdout)
        if not options["no_serve"]:
            call_command("serve", bind=options["bind"])
