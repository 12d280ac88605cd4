from __future__ import annotations

import shutil
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from zhenxing.audit import services as audit
from zhenxing.common.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "从 zhenxing backup 的备份文件夹恢复：先核对每个文件的校验和，只写入空数据库和空的上传文件目录"
        "（--force-clean 先清空），恢复后核对各表行数和校验和；任何不符都以非零退出码报错。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("folder", type=Path, help="备份文件夹（含 manifest.json）")
        parser.add_argument(
            "--force-clean", action="store_true",
            help="目标数据库已有数据时先全部清除（PostgreSQL：删除并重建 schema；SQLite：覆盖文件）；原上传文件目录改名保留",
        )  # fmt: skip
        parser.add_argument("--jobs", type=int, default=2, help="pg_restore 的并行数（默认 2）")
        parser.add_argument("--verify-only", action="store_true", help="只核对备份文件与清单，不恢复")

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(line: str) -> None:
            self.stderr.write(line)

        try:
            if options["verify_only"]:
                manifest, warnings = backup_verify(options["folder"], progress=progress)
                for warning in warnings:
                    self.stderr.write(self.style.WARNING("警告：" + warning))
                self.stdout.write(
                    f"备份完好：{len(manifest['files'])} 个文件与清单一致（{manifest['created_at']}）"
                )
                return
            report = backup_restore(
                source=options["folder"],
                force_clean=options["force_clean"],
                jobs=options["jobs"],
                progress=progress,
            )
        except BackupError as error:
            raise CommandError(error.message) from None
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING("警告：" + warning))
        manifest = report.manifest
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"恢复完成并核对无误：{len(manifest['tables'])} 张表 {rows:,} 行，"
            f"{sum(1 for name in manifest['files'] if name.startswith('media/'))} 个上传文件"
            f"（备份于 {manifest['created_at']}）；用时 {report.seconds['total']} 秒"
            f"（数据库 {report.seconds['database']}，校验 {report.seconds['checksums']}）"
        )
        # screening snapshots of the database that was replaced must not be a delta's base (nor be reused)
        shutil.rmtree(Path(settings.ZHENXING_VAR_DIR) / "snapshots", ignore_errors=True)
        connection.close()
        executor = MigrationExecutor(connection)
        unknown = set(executor.loader.applied_migrations) - set(executor.loader.graph.nodes)
        if unknown:
            self.stderr.write(
                self.style.WARNING(
                    f"警告：备份比本程序新（有 {len(unknown)} 个本程序没有的迁移）：请用备份时的版本运行"
                )
            )
        elif pending := executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stderr.write(
                self.style.WARNING(
                    f"提示：本程序比备份新 {len(pending)} 个迁移，启动前请运行 zhenxing migrate"
                )
            )
        else:  # the restored log says it was restored (its schema is this program's: the event fits it)
            with transaction.atomic():
                audit.record(
                    actor=None, actor_label="system", action="system.restore",
                    target=("system.backup", Path(options["folder"]).name),
                    new={"tables": len(manifest["tables"]), "rows": rows, "backup_created_at": manifest["created_at"]},
                )  # fmt: skip
