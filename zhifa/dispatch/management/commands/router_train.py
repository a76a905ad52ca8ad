"""Train a text → label model on any labelled history (item, domain or department) from a CSV, by model selection:
scikit-learn candidates cross-validated on the file's own rows, the char-TF-IDF + linear SVM baseline among them."""

import csv
import time

from django.core.management.base import BaseCommand, CommandError

from zhifa.core.tabular import SafeCsvWriter
from zhifa.engine.textmodel import TextModel, document


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
    except UnicodeDecodeError:
        raise CommandError(f"{path} 不是 UTF-8 编码的 CSV，请另存为 UTF-8") from None


class Command(BaseCommand):
    help = "用带标签的历史数据训练文本分类模型：多个候选模型分层 k 折交叉验证，选最优（不低于字符 TF-IDF + 线性 SVM 基线）"

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True)
        parser.add_argument("--text-col", required=True, help="正文列")
        parser.add_argument("--title-col", help="标题列（可选；标题另行加权）")
        parser.add_argument("--label-col", required=True)
        parser.add_argument("--model", required=True, help="模型输出文件")
        parser.add_argument("--folds", type=int, default=5, help="交叉验证折数（默认 5）")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--report", help="把所选模型的各类别精确率、召回率和混淆矩阵写入此 CSV")

    def handle(self, *args, csv, text_col, title_col, label_col, model, folds, seed, report, **options):
        if folds < 2:
            raise CommandError("--folds 至少为 2")
        cols = (text_col, label_col) + ((title_col,) if title_col else ())
        rows = [
            r
            for r in read_columns(csv, *cols)
            if (r[0].strip() or (title_col and r[2].strip())) and r[1].strip()
        ]
        if not rows:
            raise CommandError(f"{csv} 没有同时有文本和标签的行")
        docs = [document(r[2] if title_col else "", r[0]) for r in rows]
        labels = [r[1].strip() for r in rows]
        started = time.perf_counter()
        try:
            trained = TextModel.train(docs, labels, folds=folds, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        try:
            trained.save(model)
        except OSError as exc:
            raise CommandError(f"无法写入模型文件 {model}：{exc.strerror}") from None
        sel = trained.selection
        out = self.stdout.write
        out(f"样本 {len(rows)} 条，{len(sel.labels)} 个标签；{sel.folds} 折分层交叉验证（{sel.cv_rows} 条）")
        if sel.large:
            out("数据量大：哈希特征 + SGD 候选，交叉验证用分层抽样，所选模型分块训练（内存有上限）")
        out("候选模型（交叉验证准确率 / 宏平均 F1）：")
        for r in sel.results:
            out(f"  {r.accuracy:.3f}  {r.macro_f1:.3f}  {r.candidate.label}")
        chosen, runner, base = sel.chosen, sel.runner_up, sel.baseline
        out(f"选用：{chosen.candidate.label}，准确率 {chosen.accuracy:.3f}，宏平均 F1 {chosen.macro_f1:.3f}")
        if runner is not None:
            out(
                f"次优：{runner.candidate.label}，准确率 {runner.accuracy:.3f}，宏平均 F1 {runner.macro_f1:.3f}"
            )
        out(
            f"基线：准确率 {base.accuracy:.3f}，宏平均 F1 {base.macro_f1:.3f}（所选模型高出 {chosen.accuracy - base.accuracy:+.3f}）"
        )
        if report:
            self._report(report, sel)
            out(f"各类别混淆矩阵已写入 {report}")
        out(f"模型保存到 {model}（用时 {time.perf_counter() - started:.1f} 秒）")

    def _report(self, path, sel) -> None:
        cm = sel.confusion()
        try:
            with open(path, "w", encoding="utf-8-sig", newline="") as fh:
                w = SafeCsvWriter(fh)  # labels come from the user's file: never run as formulas
                w.writerow(
                    ["真实标签", "样本数", "精确率", "召回率", "F1", *(f"预测为:{n}" for n in sel.labels)]
                )
                for i, name in enumerate(sel.labels):
                    support, hit, said = cm[i].sum(), cm[i, i], cm[:, i].sum()
                    p = hit / said if said else 0.0
                    r = hit / support if support else 0.0
                    f = 2 * p * r / (p + r) if p + r else 0.0
                    w.writerow([name, int(support), f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", *map(int, cm[i])])
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc.strerror}") from None
