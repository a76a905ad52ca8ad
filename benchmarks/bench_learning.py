"""Issue 16's figures side by side in one run: the learned parts against the standard methods.

1. router_train: stratified-CV accuracy and macro-F1 of every candidate, the char-TF-IDF + linear SVM baseline
   marked, on the labelled complaints (train split, by domain) and on synthetic 留言 with title and body;
2. risk_fit: CV and held-out AUC, top-10 % and top-50 % capture of each candidate against inspecting in date
   order, on the synthetic inspection history;
3. classify + route: events per second on one core, catalog only and with 6,000 history texts;
4. joint plan vs each department alone on the synthetic 四季青 (benchmarks/bench_joint_plan.py).

Each part calls the benchmark script that owns it, so the figures are the ones those scripts print alone.

    python benchmarks/bench_learning.py [--quick]      # --quick: smaller sets, about a minute on a quiet core
    python benchmarks/bench_learning.py --router-rows 100000   # + router_train's large-data path (minutes)

Everything runs on one core (sched_setaffinity); the whole run takes a few minutes on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import bench_classify_route  # noqa: E402
import bench_joint_plan  # noqa: E402
import bench_risk_select  # noqa: E402
import bench_router_scale  # noqa: E402
import bench_router_select  # noqa: E402

from zhifa.engine.risk_model import RiskModel  # noqa: E402
from zhifa.engine.risk_synthetic import synthetic_inspection_history  # noqa: E402
from zhifa.engine.text_synthetic import messages  # noqa: E402
from zhifa.engine.textmodel import document  # noqa: E402


def routing(folds: int, scale_rows: int) -> None:
    if bench_router_select.LABELLED.exists():
        lines = bench_router_select.LABELLED.read_text(encoding="utf-8").splitlines()
        rows = [r for r in (json.loads(line) for line in lines if line.strip()) if r["split"] == "train"]
        bench_router_select.show(
            "complaints.jsonl (train split) → domain",
            [r["text"] for r in rows],
            [r["domain"] for r in rows],
            folds,
        )
    synth = messages(seed=7)
    bench_router_select.show(
        "synthetic 留言 (7 categories), title + body",
        [document(t, b) for t, b, _ in synth],
        [lb for *_, lb in synth],
        folds,
    )
    if scale_rows:
        print(f"\nrouter_train at scale ({scale_rows:,} synthetic rows from the catalog's phrases):")
        bench_router_scale.run(scale_rows, folds)


def risk(subjects: int) -> None:
    rows = synthetic_inspection_history(subjects, seed=1)
    started = time.process_time()
    model = RiskModel().fit(
        rows,
        "发现违法",
        ["行业", "片区", "检查类型"],
        date="检查日期",
        subject="主体编号",
        licence="开业日期",
    )
    bench_risk_select.show(
        f"synthetic inspection history ({subjects} subjects), with subject history and licence age",
        model,
        time.process_time() - started,
    )


def classify_route(n: int) -> None:
    f = bench_classify_route.measure(n)
    print(f"\n{f['items']} catalog items; {n:,} events in batches of {bench_classify_route.BATCH}")
    print(f"  {'':28}{'events/s (wall)':>16}{'per CPU-second':>16}")
    for key, label in (("catalog", "catalog only"), ("history", f"with {f['history_rows']:,} history texts")):
        rate, cpu_rate = f[key]
        print(f"  {label:<28}{rate:>16,.0f}{cpu_rate:>16,.0f}")
    print("  aim: ≥ 10,000 events/s on one core with history")


def planning(quick: bool) -> None:
    """Joint plan vs departments alone (each with its own optimised routes), at the synthetic 四季青's own overlap
    and at one where a 50 % saving is possible: bench_joint_plan's own comparison and printout."""
    size = {"subjects": 1500, "officers": 20} if quick else {}
    for align in (0.0, 0.6):
        bench_joint_plan.report(bench_joint_plan.compare(align=align, **size))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sets: a quick look, not the figures")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--router-rows",
        type=int,
        default=0,
        help="also router_train on this many synthetic rows (100000: minutes)",
    )
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    print(
        f"bench_learning on {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} cores "
        f"(this run pinned to one), Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"
    )
    parts = [
        ("1. router_train: model selection by stratified CV", lambda: routing(args.folds, args.router_rows)),
        (
            "2. risk_fit: candidates against inspecting in date order",
            lambda: risk(600 if args.quick else 2000),
        ),
        ("3. classify + route throughput", lambda: classify_route(5000 if args.quick else 20000)),
        (
            "4. joint plan vs departments alone (synthetic 四季青)",
            lambda: planning(args.quick),
        ),
    ]
    for title, run in parts:
        print(f"\n{'=' * 8} {title}")
        started, cpu = time.perf_counter(), time.process_time()
        run()
        print(f"  ({time.perf_counter() - started:.0f} s wall, {time.process_time() - cpu:.0f} s CPU)")


if __name__ == "__main__":
    main()
