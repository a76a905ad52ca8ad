"""Classify and route JSON Lines: {"text", "subdistrict"?, "lng"?, "lat"?, "address"?} → items, region, unit."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from zhifa.dispatch.batch import route_rows

BATCH = 500


class Command(BaseCommand):
    help = "对 JSONL 文本逐行分类并派单（不创建事件），输出同顺序的 JSONL"

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="输入 JSONL 文件，'-' 为标准输入")
        parser.add_argument("--output", help="输出 JSONL 文件，默认标准输出")

    def handle(self, *args, input: str, output: str | None, **options):
        src = sys.stdin if input == "-" else open(input, encoding="utf-8")  # noqa: SIM115
        rows = []
        with src:
            for n, line in enumerate(src, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CommandError(f"第 {n} 行不是合法的 JSON：{exc.msg}") from None
                if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                    raise CommandError(f"第 {n} 行缺少文本字段 text")
                rows.append(row)
        dst = open(output, "w", encoding="utf-8") if output else self.stdout  # noqa: SIM115
        try:
            for start in range(0, len(rows), BATCH):
                for result in route_rows(rows[start : start + BATCH]):
                    dst.write(json.dumps(result, ensure_ascii=False) + "\n")
        finally:
            if output:
                dst.close()
