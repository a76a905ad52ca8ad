"""Enforcement documents as PDF: the first render in a process (fonts loaded), then each of the ten documents
rendered 20 times warm (median and p95, aim: well under a second each), and the memory after 500 renders of
the decision with a different party each time. No database."""

import io
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")

import django  # noqa: E402

django.setup()

import segno  # noqa: E402

from zhifa.core.document_samples import document_samples  # noqa: E402
from zhifa.core.pdf import render_pdf  # noqa: E402

ROUNDS = 20
MEMORY_ROUNDS = 500
AIM_MS = 1000


def _qr() -> bytes:
    out = io.BytesIO()
    segno.make("https://zhifa.invalid/c/bench.token.signature", error="m").save(out, kind="png", scale=5)
    return out.getvalue()


def _ms(seconds: float) -> float:
    return seconds * 1000


def main() -> None:
    samples = document_samples()
    qr = _qr()
    started = time.perf_counter()
    render_pdf("penalty_decision", {**samples["penalty_decision"], "qr_code": qr})
    print(f"first render in the process (loads the fonts): {_ms(time.perf_counter() - started):.0f} ms")

    worst = 0.0
    print(f"{'document':<24} {'median ms':>10} {'p95 ms':>8} {'PDF KB':>7}")
    for name, context in samples.items():
        times, size = [], 0
        for _ in range(ROUNDS):
            started = time.perf_counter()
            pdf = render_pdf(name, {**context, "qr_code": qr})
            times.append(time.perf_counter() - started)
            size = len(pdf)
        p95 = sorted(times)[int(0.95 * (len(times) - 1))]
        worst = max(worst, p95)
        print(f"{name:<24} {_ms(statistics.median(times)):>10.1f} {_ms(p95):>8.1f} {size / 1024:>7.0f}")

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    decision = samples["penalty_decision"]
    started = time.perf_counter()
    for i in range(MEMORY_ROUNDS):
        render_pdf(
            "penalty_decision", {**decision, "party": {**decision["party"], "name": f"示例第{i}号有限公司"}}
        )
    elapsed = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{MEMORY_ROUNDS} decisions with different parties: {elapsed:.1f} s "
        f"({MEMORY_ROUNDS / elapsed:.0f} per second on one core); "
        f"peak memory {rss_before / 1024:.0f} → {rss_after / 1024:.0f} MB"
    )
    verdict = "ok" if _ms(worst) < AIM_MS else "SLOW"
    print(f"worst p95 {_ms(worst):.0f} ms (aim < {AIM_MS} ms): {verdict}")


if __name__ == "__main__":
    main()
