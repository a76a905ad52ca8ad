"""risk_fit's model choice side by side: cross-validated and held-out AUC, top-10 % and top-50 % capture of each
candidate (regularised logistic regression, HistGradientBoosting), with and without the subject-history
features, against inspecting in date order — on the synthetic inspection history of zhifa.engine.risk_synthetic
(obviously synthetic; 2023–2025), or on any outcome table given with --csv.

    python benchmarks/bench_risk_select.py [--subjects 2000]
    python benchmarks/bench_risk_select.py --csv Food_Inspections.csv --target Results --positive Fail \\
        --date "Inspection Date" --subject "License #" --features "Facility Type,Risk,Inspection Type,Zip:cat"

The second form is for the City of Chicago "Food Inspections" export (data.cityofchicago.org, dataset
4ijn-s7e5), downloaded by you; this script downloads nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhifa.engine.risk_model import RiskModel, read_table  # noqa: E402
from zhifa.engine.risk_synthetic import synthetic_inspection_history  # noqa: E402


def show(title: str, model: RiskModel, took: float) -> None:
    print(
        f"\n{title}  ({model.n_rows} rows, {model.positive_rate:.1%} positive; {model.validation}; {took:.0f} s)"
    )
    print(f"  {'candidate':<36}{'CV AUC':>8}{'held-out AUC':>14}{'top 10%':>9}{'top 50%':>9}")
    for c in model.candidates:
        mark = "  <- chosen" if c["kind"] == model.kind else ""
        print(
            f"  {c['label']:<36}{c['cv_auc']:>8.3f}{c.get('holdout_auc', float('nan')):>14.3f}"
            f"{c.get('top10', float('nan')):>9.1%}{c.get('top50', float('nan')):>9.1%}{mark}"
        )
    if model.report:
        b10, b50 = model.report["baseline"]
        print(f"  {'inspect in date order (baseline)':<36}{'':>8}{'':>14}{b10:>9.1%}{b50:>9.1%}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=2000)
    parser.add_argument("--csv")
    parser.add_argument("--target", default="发现违法")
    parser.add_argument("--positive")
    parser.add_argument("--date")
    parser.add_argument("--subject")
    parser.add_argument("--features")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    if args.csv:
        _, rows = read_table(args.csv)
        feats = [f for f in args.features.split(",")] if args.features else None
        runs = [
            ("as given, time-aware", dict(date=args.date)),
            ("with subject history", dict(date=args.date, subject=args.subject)),
        ]
        target, positive = args.target, args.positive
    else:
        rows = synthetic_inspection_history(args.subjects, seed=1)
        feats = ["行业", "片区", "检查类型"]
        runs = [
            ("table columns only, time-aware", dict(date="检查日期")),
            (
                "+ subject history and licence age",
                dict(date="检查日期", subject="主体编号", licence="开业日期"),
            ),
        ]
        target, positive = "发现违法", None
    for title, kw in runs:
        started = time.process_time()
        model = RiskModel().fit(rows, target, feats, positive=positive, **kw)
        show(title, model, time.process_time() - started)


if __name__ == "__main__":
    main()
