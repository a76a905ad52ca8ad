"""Predict labels for a CSV with a model from router_train: writes row,label,score."""

from django.core.management.base import BaseCommand, CommandError

from zhifa.core.tabular import SafeCsvWriter
from zhifa.dispatch.management.commands.router_train import read_columns
from zhifa.engine.textmodel import TextModel, document


class Command(BaseCommand):
    help = "用训练好的模型对 CSV 文本逐行预测，输出 row,label,score"

    def add_arguments(self, parser):
        parser.add_argument("--model", required=True)
        parser.add_argument("--csv", required=True)
        parser.add_argument("--text-col", required=True)
        parser.add_argument("--title-col", help="标题列（训练时用了标题时给出）")
        parser.add_argument("--output", required=True)

    def handle(self, *args, model: str, csv: str, text_col: str, title_col, output: str, **options):
        try:
            loaded = TextModel.load(model)
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取模型：{exc}") from None
        cols = (text_col,) + ((title_col,) if title_col else ())
        docs = [document(r[1] if title_col else "", r[0]) for r in read_columns(csv, *cols)]
        with open(output, "w", encoding="utf-8", newline="") as fh:
            writer = SafeCsvWriter(fh)  # a label or feature name is never run as a formula
            writer.writerow(["row", "label", "score"])
            for i, (label, score) in enumerate(loaded.predict(docs), start=1):
                writer.writerow([i, label, f"{score:.4f}"])
        self.stdout.write(f"已预测 {len(docs)} 行，结果写入 {output}")
