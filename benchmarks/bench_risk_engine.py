"""Risk scoring in the engine on one core: 1,000,000 synthetic subjects through score_many (aim ≤ 10 s), beside
the per-record score_one loop as the baseline, plus the colour mix and a learned-model fit on a synthetic table."""

import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from zhifa.engine.risk import COLOUR_LABELS, COLOURS, RiskRecord, score_many, score_one  # noqa: E402
from zhifa.engine.risk_model import RiskModel  # noqa: E402
from zhifa.engine.risk_synthetic import synthetic_outcome_table, synthetic_population  # noqa: E402

N = 1_000_000
LOOP = 20_000
AIM = 10.0


def _record(c, i) -> RiskRecord:
    # The columns hold the violations already folded into violation_load; k serious violations of equal age
    # with the same total load give score_one the same points.
    since, opened, load = (
        float(c.months_since_inspection[i]),
        float(c.months_open[i]),
        float(c.violation_load[i]),
    )
    k = math.ceil(load / 4)
    return RiskRecord(
        credit=str(c.credit[i]),
        complaints_12m=int(c.complaints_12m[i]),
        violations=[("严重", -12 * math.log2(load / (4 * k)))] * k if k else [],
        months_since_inspection=None if math.isnan(since) else since,
        industry=str(c.industry[i]),
        months_open=None if math.isnan(opened) else opened,
        scenarios=int(c.scenarios[i]),
    )


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    started = time.perf_counter()
    columns = synthetic_population(N, seed=42)
    generated = time.perf_counter() - started

    started = time.perf_counter()
    result = score_many(columns)
    vectorised = time.perf_counter() - started

    records = [_record(columns, i) for i in range(LOOP)]
    started = time.perf_counter()
    loop_results = [score_one(r) for r in records]
    loop = time.perf_counter() - started
    agree = sum(one.colour == COLOURS[result.colour[i]] for i, one in enumerate(loop_results))

    counts = result.counts()
    print(f"risk scoring, {N:,} synthetic subjects, one core (generation {generated:.1f} s, not counted)")
    print(
        f"  score_many (vectorised)   {vectorised:6.2f} s   aim ≤ {AIM:.0f} s   {'OK' if vectorised <= AIM else 'MISSED'}"
    )
    print(f"  score_one loop (baseline) {loop / LOOP * N:6.1f} s   (measured on {LOOP:,}, extrapolated)")
    print(
        f"  speed-up                  {loop / LOOP * N / vectorised:6.0f} ×   per-record agrees on {agree}/{LOOP}"
    )
    print(
        "  colour mix: "
        + "  ".join(f"{COLOUR_LABELS[c]} {counts[c]:,} ({counts[c] / N:.1%})" for c in COLOURS)
    )
    print(
        f"  score percentiles 50/90/99: {' / '.join(f'{p:.1f}' for p in np.percentile(result.score, [50, 90, 99]))}"
    )

    rows = synthetic_outcome_table(20_000, seed=7)
    started = time.perf_counter()
    model = RiskModel().fit(rows, "发现违法")
    fitted = time.perf_counter() - started
    auc, sd = model.cv_auc
    print(
        f"learned model on 20,000 synthetic outcomes: fit + 5-fold CV {fitted:.1f} s, AUC {auc:.3f} ± {sd:.3f}"
    )
    print(f"  top columns: {', '.join(f'{name} {spread:.2f}' for name, spread in model.importance[:3])}")


if __name__ == "__main__":
    main()
