from __future__ import annotations

import datetime
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zhenxing.audit import services as audit
from zhenxing.common.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "备份数据库（PostgreSQL：pg_dump 自定义格式；SQLite：在线备份接口）和上传文件，并写出清单 manifest.json"
        "（各表行数和校验和、各文件的 SHA-256、数据密钥的指纹）。数据密钥本身不在备份中，须另行保管。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "folder", nargs="?", type=Path,
            help="新建的备份文件夹（默认 ZHENXING_VAR_DIR/backups/zhenxing-<时间>）；已存在则拒绝",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"] or (
            Path(settings.ZHENXING_VAR_DIR) / "backups" / f"zhenxing-{datetime.datetime.now():%Y%m%d-%H%M%S}"
        )
        try:
            report = backup_create(destination=folder, progress=lambda line: self.stderr.write(line))
        except BackupError as error:
            raise CommandError(error.message) from None
        manifest = report.manifest
        rows = sum(table["rows"] for table in manifest["tables"].values())
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        # a backup reads every row, ciphertexts included: recorded like any export (after the dump: not in it)
        with transaction.atomic():
            audit.record(
                actor=None, actor_label="system", action="system.backup", target=("system.backup", report.folder.name),
                new={"tables": len(manifest["tables"]), "rows": rows, "files": media,
                     "data_key": manifest["data_key"]["fingerprint"]},
            )  # fmt: skip
        seconds = report.seconds
        self.stdout.write(
            f"备份完成：{report.folder}\n"
            f"  数据库 {manifest['database']['vendor']}：{len(manifest['tables'])} 张表，{rows:,} 行；上传文件 {media} 个\n"
            f"  用时 {seconds['total']} 秒（导出 {seconds['dump']}，校验和 {seconds['checksums']}，文件 {seconds['media']}）\n"
            f"  数据密钥指纹 {manifest['data_key']['fingerprint']}：密钥不在备份中，恢复时须使用同一密钥"
        )
