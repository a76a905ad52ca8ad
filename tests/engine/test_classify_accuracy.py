"""Accuracy on held-out complaint texts (tests/data), a regression guard at the level reached.

How the split was kept: the split is fixed in tests/data/complaints.jsonl (every third text of an item is "test"),
decided when the texts were written. The classifier learns only from "train" lines, as confirmed history: the
train lines of complaints.jsonl plus tests/data/complaints_train_extra.jsonl (201 texts written later for the
training side, all "train"). Everything that was tuned — the features, the blend of catalog and history, the
domain re-weighting, the catalog keywords and the extra texts — was chosen by 5-fold cross-validation inside
the train lines (benchmarks/cv_classify.py, which never loads a test line). The test lines were not read or
printed during that work, nor were their failures looked at; they were scored once, at the end.

The command-centre issue asks for top-1 domain ≥ 90% and the right item in the top 3 ≥ 85% (93 texts).
5-fold CV inside the train split: 96.3% / 97.1%. Held-out, measured once at the end (93 texts): 93.5% / 92.5%
with the extra texts in the history, 92.5% / 91.4% without them, 86.0% / 82.8% from the catalog alone. CV was
the more optimistic (some keywords were written after reading CV misses). The guards sit one text under.
"""

import csv
import json
from pathlib import Path

import pytest

from zhifa.engine.classify import CatalogEntry, ItemClassifier

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


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


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def data():
    rows = _rows(DATA / "complaints.jsonl")
    extra = _rows(DATA / "complaints_train_extra.jsonl")
    assert {r["split"] for r in extra} == {"train"}
    assert not {r["text"] for r in extra} & {r["text"] for r in rows}
    return [r for r in rows if r["split"] == "train"], [r for r in rows if r["split"] == "test"], extra


def _scores(clf, test):
    results = clf.classify_many([r["text"] for r in test], k=3)
    domain_ok = sum(bool(m) and m[0].domain == r["domain"] for m, r in zip(results, test, strict=True))
    item_ok = sum(r["item"] in [x.code for x in m] for m, r in zip(results, test, strict=True))
    return domain_ok / len(test), item_ok / len(test)


def _trained(history):
    return ItemClassifier(
        _catalog(), history_texts=[r["text"] for r in history], history_codes=[r["item"] for r in history]
    )


def test_held_out_accuracy_with_history(data):
    train, test, extra = data
    assert len(train) + len(test) >= 300 and len(test) >= 80
    assert {r["domain"] for r in test} == {r["domain"] for r in train}
    domain_top1, item_top3 = _scores(_trained(train + extra), test)
    print(f"held-out: domain top-1 {domain_top1:.1%}, item top-3 {item_top3:.1%} ({len(test)} texts)")
    only_train = _scores(_trained(train), test)
    print(f"held-out, history without the extra texts: {only_train[0]:.1%}, {only_train[1]:.1%}")
    assert domain_top1 >= 0.92
    assert item_top3 >= 0.91


def test_catalog_alone_is_useful_on_day_one(data):
    _, test, _ = data
    domain_top1, item_top3 = _scores(ItemClassifier(_catalog()), test)
    print(f"catalog only: domain top-1 {domain_top1:.1%}, item top-3 {item_top3:.1%}")
    assert domain_top1 >= 0.84
    assert item_top3 >= 0.80
