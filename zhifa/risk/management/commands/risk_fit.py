"""Learn a risk model from any outcome table (CSV), saved for risk_score: regularised logistic regression and
gradient boosting compared by cross-validated AUC (in time order with --date), calibrated probabilities, the
subject's earlier inspections as features with --subject, and the capture of violations against inspecting in
date order.

The table can be a city's own inspection history as exported, e.g. Chicago's food inspections:
  risk_fit --csv food.csv --target Results --positive Fail --features "Facility Type,Risk,Inspection Type,Zip:cat"
"""

from django.core.management.base import BaseCommand, CommandError

from zhifa.engine.risk_model import KINDS, RiskModel, TableError, read_table


def parse_mix(text: str) -> tuple[float, float, float]:
    try:
        parts = [float(p) for p in text.replace("/", ",").split(",")]
    except ValueError:
        raise CommandError(f"--mix 应为三个数，如 70,20,10，实际为 {text}") from None
    total = sum(parts)
    if len(parts) != 3 or total <= 0 or min(parts) < 0:
        raise CommandError(f"--mix 应为三个非负数，如 70,20,10，实际为 {text}")
    return tuple(p / total for p in parts)


class Command(BaseCommand):
    help = "用检查结果表训练风险模型（逻辑回归与梯度提升树按交叉验证 AUC 择优，概率经校准），打印 AUC、查中率和主要因素"

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True, help="结果表（UTF-8 或 GB18030 编码的 CSV）")
        parser.add_argument("--target", required=True, help="结果列：二值，如 0/1、是/否")
        parser.add_argument("--positive", help="结果列中算“发现问题”的取值（结果列多于两种取值时必填）")
        parser.add_argument(
            "--features", help="特征列，逗号分隔；列名后加 :num 或 :cat 指定类型；默认除结果列外全部"
        )
        parser.add_argument("--model", required=True, help="模型输出文件")
        parser.add_argument("--mix", default="70,20,10", help="训练数据上的绿/黄/红比例，决定颜色阈值")
        parser.add_argument("--C", type=float, default=1.0, help="正则化强度的倒数（越小越保守）")
        parser.add_argument("--top", type=int, default=10, help="打印系数的个数")
        parser.add_argument(
            "--kind",
            default="auto",
            choices=["auto", "lr", "hgb"],
            help="auto：交叉验证择优；lr：逻辑回归；hgb：梯度提升树",
        )
        parser.add_argument("--date", help="检查日期列：按时间顺序验证（先训练较早的、检验较晚的）")
        parser.add_argument(
            "--subject",
            help="主体编号列（需 --date）：加入该主体此前的检查次数、发现问题次数、距上次检查天数",
        )
        parser.add_argument("--licence-date", help="开业（发证）日期列（需 --date）：加入开业天数")

    def handle(
        self,
        *args,
        csv,
        target,
        positive,
        features,
        model,
        mix,
        C,
        top,
        kind,
        date,
        subject,
        licence_date,
        **options,
    ):
        if C <= 0:
            raise CommandError("--C 必须为正数")
        requested = [f for f in features.split(",") if f.strip()] if features else None
        try:
            _, rows = read_table(csv)
            trained = RiskModel(C=C, mix=parse_mix(mix)).fit(
                rows,
                target,
                requested,
                positive=positive,
                kind=kind,
                date=date,
                subject=subject,
                licence=licence_date,
            )
        except TableError as exc:
            raise CommandError(str(exc)) from None
        try:
            trained.save(model)
        except OSError as exc:
            raise CommandError(f"无法写入模型文件 {model}：{exc.strerror}") from None
        out = self.stdout.write
        out(f"样本 {trained.n_rows} 行，“{trained.positive}”占 {trained.positive_rate:.1%}")
        out(
            "特征："
            + "、".join(f"{f.name}（{'数值' if f.kind == 'num' else '类别'}）" for f in trained.features)
        )
        for note in trained.notes:
            out(f"提示：{note}")
        out(f"验证方式：{trained.validation}")
        for c in trained.candidates:
            cv = f"{c['cv_auc']:.3f} ± {c['cv_sd']:.3f}" if c["cv_auc"] == c["cv_auc"] else "无"
            mark = "（选用）" if c["kind"] == trained.kind else ""
            out(f"  候选 {c['label']}：交叉验证 AUC {cv}{mark}")
        auc, sd = trained.cv_auc
        out(f"交叉验证 AUC：{auc:.3f} ± {sd:.3f}" if auc == auc else "交叉验证 AUC：无（样本太少）")
        out(f"选用模型：{KINDS[trained.kind]}；概率校准：{trained.calibration}")
        rep = trained.report
        if rep:
            where = "最晚" if trained.date_col else "随机留出"
            out(
                f"留出检验（{where} {rep['rows']} 行，其中发现问题 {rep['positives']} 行）：AUC / 前 10% 查中率 / 前 50% 查中率"
            )
            for c in trained.candidates:
                out(f"  {c['label']}\t{c['holdout_auc']:.3f}\t{c['top10']:.1%}\t{c['top50']:.1%}")
            b10, b50 = rep["baseline"]
            out(f"  按日期顺序检查（基线）\t—\t{b10:.1%}\t{b50:.1%}")
        t1, t2 = trained.thresholds
        shares = "/".join(f"{m:.0%}" for m in trained.mix)
        out(f"颜色阈值（发现问题的概率）：黄 ≥ {t1:.3f}，红 ≥ {t2:.3f}（训练数据上绿/黄/红 ≈ {shares}）")
        out("各列影响（对数几率贡献的标准差，从大到小）：")
        for name, spread in trained.importance:
            out(f"  {name}\t{spread:.3f}")
        coefficients = trained.coefficients()
        if coefficients:
            out(f"主要系数（前 {top} 个）：")
            for name, coef in coefficients[:top]:
                out(f"  {name}\t{coef:+.3f}")
        out(f"模型已保存到 {model}")
