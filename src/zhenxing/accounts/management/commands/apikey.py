from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhenxing.accounts import services
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import DepartmentApiKey, User
from zhenxing.common.enums import Department
from zhenxing.common.errors import DomainError


class Command(BaseCommand):
    help = "部门接口密钥：create / revoke / list"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="为部门创建密钥（密钥只显示一次）")
        create.add_argument("department", choices=Department.values)
        create.add_argument("--name", required=True, help="用途说明")
        create.add_argument("--by", required=True, help="登记人（系统管理员用户名）")
        revoke = sub.add_parser("revoke", help="吊销密钥")
        revoke.add_argument("prefix")
        revoke.add_argument("--by", required=True, help="操作人（系统管理员用户名）")
        revoke.add_argument("--reason", default="")
        sub.add_parser("list", help="列出密钥")

    def _admin(self, username: str) -> User:
        user = User.objects.filter(username=username, role=Role.ADMIN, is_active=True).first()
        if user is None:
            raise CommandError(f"找不到系统管理员 {username}")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                key, raw = services.api_key_create(
                    actor=self._admin(options["by"]),
                    department=Department(options["department"]),
                    name=options["name"],
                )
                self.stdout.write(f"已创建 {key}。密钥（只显示这一次，请妥善保存）：\n{raw}")
            elif options["action"] == "revoke":
                found = DepartmentApiKey.objects.filter(prefix=options["prefix"]).first()
                if found is None:
                    raise CommandError(f"找不到前缀为 {options['prefix']} 的密钥")
                services.api_key_revoke(actor=self._admin(options["by"]), key=found, reason=options["reason"])
                self.stdout.write(f"已吊销 {found}")
            else:
                for key in DepartmentApiKey.objects.order_by("department", "created_at"):
                    state = "已吊销" if key.revoked_at else "有效"
                    self.stdout.write(
                        f"{key.prefix}\t{key.department}\t{state}\t{key.name}\t最近使用 {key.last_used_at or '—'}"
                    )
        except DomainError as error:
            raise CommandError(error.message) from error
