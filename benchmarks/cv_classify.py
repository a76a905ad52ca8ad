"""Cross-validation of the item classifier on the training lines: tests/data/complaints.jsonl (all 365 lines are
"train" now — the 93 former "test" lines were scored once, spent as a test set, and moved to training) and
tests/data/complaints_train_extra.jsonl.

The held-out set is tests/data/complaints_holdout.jsonl (split "holdout"): it is never loaded here, and a line
whose split is not "train" is parsed just far enough to be dropped. The complaints.jsonl texts are cut into k
folds stratified by item (the i-th text of an item goes to fold (i + offset) mod k, the offset rotating over
items, so every fold holds about one in k texts of each item). For each fold the classifier learns from the other
folds (plus the extra texts, which are always training data and never scored) and ranks the fold's texts.
Printed: top-1 domain accuracy and right item in the top 3, over all scored texts and over those whose item
still has training texts in the other folds (the situation of the held-out set, where every item has some).

    python benchmarks/cv_classify.py [--folds 5] [--no-extra] [--catalog-only]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhifa.engine.classify import CatalogEntry, ItemClassifier  # noqa: E402

CATALOG = ROOT / "zhifa" / "demo" / "data" / "catalog_items.csv"
LABELLED = ROOT / "tests" / "data" / "complaints.jsonl"
EXTRA = ROOT / "tests" / "data" / "complaints_train_extra.jsonl"


def catalog() -> list[CatalogEntry]:
    with open(CATALOG, encoding="utf-8") as fh:
        return [
            CatalogEntry(
                r["code"],
                r["name"],
                r["domain"],
                tuple(k for k in r["keywords"].split("|") if k),
                f"{r['legal_basis']} {r['penalty_basis']}",
            )
            for r in csv.DictReader(fh)
        ]


def train_rows(path: Path = LABELLED) -> list[dict]:
    """The train lines only: any other line is parsed just far enough to be dropped."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row["split"] == "train":
                rows.append(row)
    return rows


def folds(rows: list[dict], k: int) -> list[int]:
    seen: dict[str, int] = defaultdict(int)
    offsets: dict[str, int] = {}
    out = []
    for row in rows:
        item = row["item"]
        offsets.setdefault(item, len(offsets) % k)
        out.append((seen[item] + offsets[item]) % k)
        seen[item] += 1
    return out


def cross_validate(rows, extra, entries, k=5, catalog_only=False, make=ItemClassifier) -> dict:
    assignment = folds(rows, k)
    domain_ok = item_ok = n = 0
    seen_domain_ok = seen_item_ok = seen_n = 0
    for fold in range(k):
        train = [r for r, f in zip(rows, assignment, strict=True) if f != fold] + list(extra)
        held = [r for r, f in zip(rows, assignment, strict=True) if f == fold]
        if catalog_only:
            clf = make(entries)
        else:
            clf = make(
                entries, history_texts=[r["text"] for r in train], history_codes=[r["item"] for r in train]
            )
        known = {r["item"] for r in train}
        results = clf.classify_many([r["text"] for r in held], k=3)
        for matches, row in zip(results, held, strict=True):
            d = bool(matches) and matches[0].domain == row["domain"]
            i = row["item"] in [m.code for m in matches]
            domain_ok += d
            item_ok += i
            n += 1
            if row["item"] in known:
                seen_domain_ok += d
                seen_item_ok += i
                seen_n += 1
    return {
        "n": n,
        "domain_top1": domain_ok / n,
        "item_top3": item_ok / n,
        "seen_n": seen_n,
        "seen_domain_top1": seen_domain_ok / max(seen_n, 1),
        "seen_item_top3": seen_item_ok / max(seen_n, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-extra", action="store_true", help="leave out complaints_train_extra.jsonl")
    parser.add_argument("--catalog-only", action="store_true", help="no history model: the catalog alone")
    args = parser.parse_args()
    rows = train_rows()
    extra = [] if args.no_extra or not EXTRA.exists() else train_rows(EXTRA)
    started = time.perf_counter()
    res = cross_validate(rows, extra, catalog(), k=args.folds, catalog_only=args.catalog_only)
    print(
        f"{args.folds}-fold CV on {len(rows)} train texts (+{len(extra)} extra training texts, never scored)"
        f"{', catalog only' if args.catalog_only else ''}:"
    )
    print(
        f"  all held-out:        domain top-1 {res['domain_top1']:.1%}, item top-3 {res['item_top3']:.1%}"
        f" ({res['n']} texts)"
    )
    print(
        f"  item seen in train:  domain top-1 {res['seen_domain_top1']:.1%}, item top-3"
        f" {res['seen_item_top3']:.1%} ({res['seen_n']} texts)"
    )
    print(f"  ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
