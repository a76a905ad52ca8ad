"""Score a CSV with a model from risk_fit: writes row,score,colour — score is the probability of finding a violation
in percent, colour from the thresholds stored in the model; --explain adds the columns that raised it most (log-odds)."""

from django.core.management.base import BaseCommand, CommandError

from zhifa.core.tabular import SafeCsvWriter
from zhifa.engine.risk import COLOUR_LABELS, COLOURS
from zhifa.engine.risk_model import RiskModel, TableError, read_table


class Command(BaseCommand):
    help = "用 risk_fit 训练的模型给 CSV 逐行评分，输出 row,score,colour"

    def add_arguments(self, parser):
        parser.add_argument("--model", required=True)
        parser.add_argument("--csv", required=True)
        parser.add_argument("--output", required=True)
        parser.add_argument(
            "--explain", action="store_true", help="增加 reasons 列：抬高风险最多的三列及其对数几率贡献"
        )

    def handle(self, *args, model, csv, output, explain, **options):
        try:
            loaded = RiskModel.load(model)
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取模型：{exc}") from None
        try:
            _, rows = read_table(csv)
            result = loaded.predict(rows)
        except TableError as exc:
            raise CommandError(str(exc)) from None
        colours = result.colours()
        try:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                writer = SafeCsvWriter(fh)  # a label or feature name is never run as a formula
                writer.writerow(["row", "score", "colour"] + (["reasons"] if explain else []))
                for i, score in enumerate(result.score):
                    line = [i + 1, f"{score:.2f}", colours[i]]
                    if explain:
                        line.append("；".join(f"{name} {points:+.2f}" for name, points in result.reasons(i)))
                    writer.writerow(line)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror}") from None
        mix = "，".join(f"{COLOUR_LABELS[c]} {colours.count(c)}" for c in COLOURS)
        self.stdout.write(f"已评分 {len(rows)} 行（{mix}），结果写入 {output}")
