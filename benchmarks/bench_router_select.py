"""router_train's model selection side by side: CV accuracy and macro-F1 of every candidate (the char-TF-IDF +
linear SVM baseline among them), on (a) the labelled complaints of tests/data/complaints.jsonl by domain, train
split only, and (b) synthetic 留言 with title and body (zhifa.engine.text_synthetic, 7 categories); then the time
to select and fit on N synthetic rows (default 20,000; --rows 100000 for the issue's figure, a few minutes).

    python benchmarks/bench_router_select.py [--rows 20000] [--folds 5]

No data is downloaded. For a public set (e.g. a 留言 table with 一级分类), run router_train on it directly.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhifa.engine.text_synthetic import messages  # noqa: E402
from zhifa.engine.textmodel import BASELINE, TextModel, document, select  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "complaints.jsonl"


def show(title: str, docs, labels, folds: int) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    sel = select(docs, labels, folds=folds)
    took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"\n{title}: {len(docs)} rows, {len(sel.labels)} labels, {sel.folds}-fold CV ({took:.1f} s, {took_cpu:.1f} s CPU)"
    )
    print(f"  {'candidate':<18} {'accuracy':>8} {'macro-F1':>8}")
    for r in sel.results:
        mark = "  <- chosen" if r is sel.chosen else ("  (baseline)" if r.key == BASELINE else "")
        print(f"  {r.key:<18} {r.accuracy:8.3f} {r.macro_f1:8.3f}{mark}")
    print(f"  chosen − baseline: {sel.chosen.accuracy - sel.baseline.accuracy:+.3f} accuracy")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # one core, as the figures say
    if LABELLED.exists():
        rows = [
            json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
        rows = [r for r in rows if r["split"] == "train"]
        show(
            "complaints.jsonl (train split) → domain",
            [r["text"] for r in rows],
            [r["domain"] for r in rows],
            args.folds,
        )
    synth = messages(seed=7)
    show(
        "synthetic 留言, title + body",
        [document(t, b) for t, b, _ in synth],
        [lb for *_, lb in synth],
        args.folds,
    )
    show("synthetic 留言, body only", [b for _, b, _ in synth], [lb for *_, lb in synth], args.folds)
    big = messages(seed=11, scale=args.rows / 230)
    docs, labels = [document(t, b) for t, b, _ in big], [lb for *_, lb in big]
    started, cpu = time.perf_counter(), time.process_time()
    model = TextModel.train(docs, labels, folds=args.folds)
    took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
    sel = model.selection
    print(
        f"\nselect + fit on {len(docs)} synthetic rows (CV on {sel.cv_rows}): {took:.0f} s ({took_cpu:.0f} s CPU, one core);"
        f" chosen {sel.chosen.key} {sel.chosen.accuracy:.3f}, baseline {sel.baseline.accuracy:.3f}"
    )


if __name__ == "__main__":
    main()
