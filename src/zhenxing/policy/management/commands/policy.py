from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhenxing.policy.contract import evaluate_json


class Command(BaseCommand):
    help = (
        "政策规则：`policy evaluate FILE|-` 评估一户，输出 JSON（输入有误时退出码 2）；"
        "请求可含 decided_on（决定日期，按其选择政策阶段，P17），响应为接口版本 2"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        evaluate = sub.add_parser("evaluate", help="评估一户（JSON 文件，- 表示标准输入）")
        evaluate.add_argument("file", help="请求 JSON 文件路径，或 - 从标准输入读取")

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["file"]
        if source == "-":
            text = sys.stdin.buffer.read()
        else:
            path = Path(source)
            if not path.is_file():
                raise CommandError(f"找不到文件 {source}")
            text = path.read_bytes()
        status, body = evaluate_json(text)
        # stdout carries the JSON and nothing else; notices go to stderr.
        sys.stdout.write(body + "\n")
        sys.stdout.flush()
        if status != 200:
            self.stderr.write("输入有误，详见输出的 errors")
            sys.exit(2)
