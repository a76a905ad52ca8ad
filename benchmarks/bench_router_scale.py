"""router_train at scale: N obviously synthetic labelled messages (default 100,000) built from the demo catalog's
own phrases, labelled by the item's domain; model selection and the fit of the chosen model, timed, with the
peak memory and the CV accuracy of every candidate, then the accuracy of the fitted model on 5,000 fresh rows.

    python benchmarks/bench_router_scale.py [--rows 100000] [--tracemalloc]

Past textmodel.HASHING_ROWS rows this is the large-data path: hashed features, SGD beside the baseline,
cross-validation on a stratified sample, the chosen model fitted chunk by chunk.

Measured (2 cores shared with other work, load average 5–7; `nice`, one BLAS thread):
- 100,000 rows (measured before): 48 s CPU for select + fit, peak RSS 880 MB.
- 1,000,000 rows: select + fit 155 s CPU (864 s wall under that load); the whole run, generating the rows and
  predicting 5,000 fresh ones included, 173 s CPU (168 user + 5 system), peak RSS 1,490 MB (+745 MB over the
  loaded texts: one chunk's matrices, the hashed weights, the baseline's 100,000-row sample). CV on 5,000 rows,
  5 folds: char_svm 0.948 (macro-F1 0.937, chosen, the baseline), char_sgd 0.940, char_sgd_bal 0.938,
  title_union_sgd 0.934, union_sgd 0.931; the fitted model on 5,000 fresh rows: accuracy 0.970. Memory and CPU
  grow far less than the rows (ten times the rows: 3.2× the CPU, 1.7× the peak), so the chunked path needed
  no change.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhifa.engine.textmodel import BASELINE, HASHING_ROWS, TextModel, document  # noqa: E402

CATALOG = ROOT / "zhifa" / "demo" / "data" / "catalog_items.csv"
FILLER = (
    "我是附近的居民 这个问题已经持续很久了 多次反映没有结果 希望尽快处理 周边群众意见很大 "
    "给生活带来很大不便 打过电话没人管 恳请尽快解决 严重影响正常生活 去年就反映过 晚上尤其明显"
).split()
PLACES = "某某路 某某小区 某某街道 某某大道 某某广场 某某新村 某某商场 某某市场".split()


def catalog_phrases() -> dict[str, list[list[str]]]:
    """Domain → its items' keyword lists (the phrases citizens use for each item)."""
    with open(CATALOG, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_domain: dict[str, list[list[str]]] = {}
    for r in rows:
        kws = [k for k in r["keywords"].split("|") if k]
        if kws:
            by_domain.setdefault(r["domain"], []).append(kws)
    return by_domain


def synthetic_messages(n: int, seed: int, noise: float = 0.03) -> list[tuple[str, str, str]]:
    """(title, body, domain): one item's phrases in everyday filler, now and then another domain's phrase, a
    share of wrong labels; domains as frequent as their items in the catalog (unequal classes)."""
    rng = random.Random(seed)
    phrases = catalog_phrases()
    domains = list(phrases)
    weights = [len(phrases[d]) for d in domains]
    out = []
    for _ in range(n):
        domain = rng.choices(domains, weights)[0]
        kws = rng.choice(phrases[domain])
        place = f"{rng.choice(PLACES)}{rng.randint(1, 999)}号"
        title = f"关于{place}{rng.choice(kws)}的问题" if rng.random() < 0.7 else f"反映{rng.choice(kws)}"
        parts = rng.sample(FILLER, 3) + rng.sample(kws, min(len(kws), rng.choice((1, 2))))
        if rng.random() < 0.3:
            parts.append(rng.choice(rng.choice(phrases[rng.choice(domains)])))
        rng.shuffle(parts)
        label = rng.choice(domains) if rng.random() < noise else domain
        out.append((title, f"{place}，" + "，".join(parts) + "。", label))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    args = parser.parse_args()
    run(args.rows, args.folds, args.tracemalloc)


def run(n: int, folds: int = 5, trace: bool = False) -> None:
    """Generate n rows, select and fit, print the figures (benchmarks/bench_learning.py --router-rows too)."""
    rows = synthetic_messages(n, seed=11)
    docs, labels = [document(t, b) for t, b, _ in rows], [lb for *_, lb in rows]
    print(
        f"{len(docs):,} synthetic messages from the catalog's phrases, {len(set(labels))} domains "
        f"{dict(Counter(labels).most_common(3))} …; large-data path past {HASHING_ROWS:,} rows"
    )
    if trace:
        tracemalloc.start()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    model = TextModel.train(docs, labels, folds=folds)
    took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sel = model.selection
    print(
        f"select + fit: {took:.0f} s wall, {took_cpu:.0f} s CPU (one thread); peak RSS {peak / 1024:.0f} MB "
        f"(+{(peak - before) / 1024:.0f} MB over the loaded texts)"
        + (f"; Python peak {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MB" if trace else "")
    )
    print(
        f"path: {'large (hashed, SGD, chunked fit)' if model.large else 'ordinary'}; CV on {sel.cv_rows:,} rows, {sel.folds} folds"
    )
    print(f"  {'candidate':<18} {'CV acc':>7} {'macro-F1':>8}")
    for r in sel.results:
        mark = "  <- chosen" if r is sel.chosen else ("  (baseline)" if r.key == BASELINE else "")
        print(f"  {r.key:<18} {r.accuracy:7.3f} {r.macro_f1:8.3f}{mark}")
    fresh = synthetic_messages(5000, seed=12)
    started = time.perf_counter()
    got = model.predict([document(t, b) for t, b, _ in fresh])
    acc = sum(p == lb for (p, _), (*_, lb) in zip(got, fresh, strict=True)) / len(fresh)
    print(
        f"fitted model on 5,000 fresh rows: accuracy {acc:.3f} ({len(fresh) / (time.perf_counter() - started):,.0f} rows/s)"
    )


if __name__ == "__main__":
    main()
