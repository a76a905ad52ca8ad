"""Accuracy on held-out complaint texts (tests/data), a regression guard at the level reached so far.

The split is fixed in the data file (every third text of an item is "test"), decided when the texts were written;
the classifier learns only from the "train" lines, as confirmed history. The command-centre issue asks for top-1
domain ≥ 90% and the right item in the top 3 ≥ 85%; measured now: 79.6% and 78.5% (93 texts). The guard below
keeps what is reached; raising it to the target is open work.
"""

import csv
import json
from pathlib import Path

import pytest

from zhifa.engine.classify import CatalogEntry, ItemClassifier

ROOT = Path(__file__).resolve().parents[2]


def _catalog() -> list[CatalogEntry]:
    with open(ROOT / "zhifa" / "demo" / "data" / "catalog_items.csv", encoding="utf-8") as fh:
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


@pytest.fixture(scope="module")
def data():
    lines = (ROOT / "tests" / "data" / "complaints.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [r for r in rows if r["split"] == "train"], [r for r in rows if r["split"] == "test"]


def _scores(clf, test):
    results = clf.classify_many([r["text"] for r in test], k=3)
    domain_ok = sum(bool(m) and m[0].domain == r["domain"] for m, r in zip(results, test, strict=True))
    item_ok = sum(r["item"] in [x.code for x in m] for m, r in zip(results, test, strict=True))
    return domain_ok / len(test), item_ok / len(test)


def test_held_out_accuracy_with_history(data):
    train, test = data
    assert len(train) + len(test) >= 300 and len(test) >= 80
    assert {r["domain"] for r in test} == {r["domain"] for r in train}
    clf = ItemClassifier(
        _catalog(), history_texts=[r["text"] for r in train], history_codes=[r["item"] for r in train]
    )
    domain_top1, item_top3 = _scores(clf, test)
    print(f"held-out: domain top-1 {domain_top1:.1%}, item top-3 {item_top3:.1%} ({len(test)} texts)")
    assert domain_top1 >= 0.75
    assert item_top3 >= 0.75


def test_catalog_alone_is_useful_on_day_one(data):
    _, test = data
    domain_top1, item_top3 = _scores(ItemClassifier(_catalog()), test)
    print(f"catalog only: domain top-1 {domain_top1:.1%}, item top-3 {item_top3:.1%}")
    assert domain_top1 >= 0.70
