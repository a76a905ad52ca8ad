"""Classify + route throughput in-process on one core: the demo catalog, the engine, no database."""

import csv
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhifa.engine.classify import CatalogEntry, ItemClassifier  # noqa: E402
from zhifa.engine.routing import DEFAULT_RULES, ItemRef, Place, Router  # noqa: E402

CATALOG = ROOT / "zhifa" / "demo" / "data" / "catalog_items.csv"
LABELLED = ROOT / "tests" / "data" / "complaints.jsonl"
SUBDISTRICTS = [
    "330102001",
    "330102003",
    "330102004",
    "330102008",
    "330102009",
    "330102010",
    "330102011",
    "330102012",
    "330102013",
    "330102014",
    "330102015",
    "330102016",
    "330102017",
    "330102018",
]
N = 20000
BATCH = 500


def _history(n: int) -> list[tuple[str, str]]:
    rows = []
    if LABELLED.exists():
        for line in LABELLED.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else None
            if row and row["split"] == "train":
                rows.append((row["text"], row["item"]))
    rng = random.Random(2)
    return [
        (f"{rng.choice('东西南北')}{i}号，{text}", code)
        for i, (text, code) in enumerate(rng.choices(rows, k=n))
    ]


def measure(n: int = N) -> dict:
    """Build the classifier (catalog only, and with 6,000 history texts) and time classify + route of n events:
    the figures main prints, for benchmarks/bench_learning.py as well."""
    with open(CATALOG, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    entries = [
        CatalogEntry(
            r["code"],
            r["name"],
            r["domain"],
            tuple(k for k in r["keywords"].split("|") if k),
            f"{r['legal_basis']} {r['penalty_basis']}",
        )
        for r in rows
    ]
    delegated = {r["code"] for r in rows if r["delegated"] == "是"}
    started = time.perf_counter()
    clf = ItemClassifier(entries)
    clf.classify("路边烧烤油烟很大")  # first use loads the tokenizer for the explanations
    built = time.perf_counter() - started
    # Training time on a history of 6,000 confirmed texts (train lines of the labelled set, each with its own
    # address, so no text repeats), the size of the demo district's year.
    history = _history(6000)
    started, cpu = time.perf_counter(), time.process_time()
    trained = ItemClassifier(
        entries, history_texts=[t for t, _ in history], history_codes=[c for _, c in history]
    )
    trained_in, trained_cpu = time.perf_counter() - started, time.process_time() - cpu
    cpu = time.process_time()
    trained.classify("路边烧烤油烟很大")  # first use: the index of the items' words for the explanations
    first_use = time.process_time() - cpu
    router = Router(
        DEFAULT_RULES,
        subdistrict_teams={c: f"ST-{c}" for c in SUBDISTRICTS},
        domain_teams={d: f"DT-{d}" for d in {r["domain"] for r in rows}},
        layers={},
        district_command="DC",
    )
    if LABELLED.exists():
        texts = [
            json.loads(line)["text"] for line in LABELLED.read_text(encoding="utf-8").splitlines() if line
        ]
    else:
        texts = [f"{r['name']}，{r['keywords'].split('|')[0]}" for r in rows]
    rng = random.Random(1)
    # A unique address on every text, so no cache can serve a repeated text.
    streets = ["望江路", "秋涛路", "凯旋路", "天城路", "九堡大道", "德胜路", "新塘路", "江锦路"]
    sample = [f"{rng.choice(streets)}{i}号附近，{rng.choice(texts)}" for i in range(n)]
    places = [Place(rng.choice(SUBDISTRICTS)) for _ in range(n)]
    figures = {
        "items": len(entries),
        "build_s": built,
        "history_rows": trained.history_size,
        "train_s": trained_in,
        "train_cpu_s": trained_cpu,
        "first_use_s": first_use,
        "events": n,
    }
    for key, model in (("catalog", clf), ("history", trained)):
        figures[key] = _throughput(model, router, delegated, sample, places)
    return figures


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # one core, as the figures say
    f = measure()
    print(f"classify+route build: {f['build_s'] * 1000:.0f} ms ({f['items']} items)")
    print(
        f"classifier training on 6000 history texts: {f['train_s']:.2f} s"
        f" ({f['train_cpu_s']:.2f} s CPU; {f['history_rows']} used); its first classification"
        f" {f['first_use_s'] * 1000:.0f} ms CPU"
    )
    for key, label in (("catalog", "catalog only"), ("history", "with 6,000 history texts")):
        rate, cpu_rate = f[key]
        print(
            f"classify+route throughput, {label}: {rate:.0f} events/s on one core"
            f" ({cpu_rate:.0f} per CPU-second; {f['events']} events, batch {BATCH})"
        )


def _throughput(clf, router, delegated, sample, places) -> tuple[float, float]:
    """Events per wall-clock second, and per second of this process's CPU time (the figure that other load on
    the machine does not lower)."""
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(sample), BATCH):
        for matches, place in zip(
            clf.classify_many(sample[start : start + BATCH]), places[start : start + BATCH], strict=True
        ):
            refs = [ItemRef(m.code, m.domain, m.code in delegated, m.score) for m in matches[:3]]
            router.route(refs, place)
    return len(sample) / (time.perf_counter() - started), len(sample) / (time.process_time() - cpu)


if __name__ == "__main__":
    main()
