"""Train a text → label model on any labelled history (item, domain or department) from a CSV."""

import csv

from django.core.management.base import BaseCommand, CommandError

from zhifa.engine.classify import TextModel


def read_columns(path: str, *cols: str) -> list[list[str]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in cols if c not in (reader.fieldnames or [])]
            if missing:
                raise CommandError(f"{path} 缺少列：{'、'.join(missing)}")
            return [[row[c] or "" for c in cols] for row in reader]
    except FileNotFoundError:
        raise CommandError(f"找不到文件 {path}") from None


class Command(BaseCommand):
    help = "用带标签的历史数据训练文本分类模型"

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True)
        parser.add_argument("--text-col", required=True)
        parser.add_argument("--label-col", required=True)
        parser.add_argument("--model", required=True, help="模型输出文件")

    def handle(self, *args, csv: str, text_col: str, label_col: str, model: str, **options):
        rows = [r for r in read_columns(csv, text_col, label_col) if r[0].strip() and r[1].strip()]
        try:
            trained = TextModel().fit([r[0] for r in rows], [r[1] for r in rows])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        trained.save(model)
        labels = len(set(r[1] for r in rows))
        self.stdout.write(f"已训练：{len(rows)} 条样本，{labels} 个标签，模型保存到 {model}")
