"""Accuracy on held-out complaint texts (tests/data/complaints_holdout.jsonl), a regression guard at the level reached.

How the set was written: tests/data/complaints_holdout.jsonl, 290 texts, was written by hand on 3 December 2026
before any tuning and committed alone first ("Fresh held-out set, written before any tuning"), in the voices of
12345 calls, grid and patrol reports, online messages and department referrals, 13–105 characters, mostly in
everyday words rather than the catalog's, some with a second, lesser problem; all 104 items of complaints.jsonl,
each domain at least 11 texts; each labelled with the item a command-centre clerk would choose. No classifier ran
on it while it was written, and its lines were not read again until the single scoring.

Training: all 365 lines of tests/data/complaints.jsonl (the 93 former "test" lines, scored once in an earlier
round at 93.5% / 92.5% and spent as a test set, are "train" now) plus tests/data/complaints_train_extra.jsonl
(201 texts). 5-fold CV on those 365 texts (benchmarks/cv_classify.py, the extra texts always in training):
95.6% domain top-1 / 96.2% item top-3 (95.1% / 95.6% without the extra texts; catalog alone 92.3% / 91.2%).
CV found nothing better than the classifier's existing settings (zhifa/engine/classify.py's docstring lists what
was tried), so the classifier and the catalog keywords are unchanged; only the history grew.

Scored once, 3 December 2026 15:41 UTC, 290 texts: domain top-1 96.6% (280), right item in the top 3 97.9% (284)
with the extra texts in the history; 96.6% (280) / 97.2% (282) without them; the catalog alone 87.2% (253) /
85.5% (248). The 95% / 95% aim is met on this set. Caveats: the held-out figures are above the CV ones, and the
set was written by one author in one sitting, with clean phrasing and a clerk's obvious label —
real intake (typos, dialect, several problems of equal weight, mislabelled history) is likely harder; and the
keywords in the catalog were written by earlier rounds with knowledge of the same items. The guards below sit one
text under what was measured; nothing was tuned after the scoring.

The command-centre issue (16) aims at top-1 domain ≥ 95% and the right item in the top 3 ≥ 95%.
"""

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from zhifa.engine.classify import CatalogEntry, ItemClassifier

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
FIELDS = {"id", "text", "item", "domain", "subdistrict", "channel", "split"}


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
    train = _rows(DATA / "complaints.jsonl")
    extra = _rows(DATA / "complaints_train_extra.jsonl")
    holdout = _rows(DATA / "complaints_holdout.jsonl")
    assert {r["split"] for r in train} == {"train"}  # the 93 former test lines are training data now
    assert {r["split"] for r in extra} == {"train"}
    assert {r["split"] for r in holdout} == {"holdout"}
    return train, extra, holdout


def _scores(clf, test):
    results = clf.classify_many([r["text"] for r in test], k=3)
    domain_ok = [bool(m) and m[0].domain == r["domain"] for m, r in zip(results, test, strict=True)]
    item_ok = [r["item"] in [x.code for x in m] for m, r in zip(results, test, strict=True)]
    return domain_ok, item_ok


def _trained(history):
    return ItemClassifier(
        _catalog(), history_texts=[r["text"] for r in history], history_codes=[r["item"] for r in history]
    )


def test_the_held_out_set_is_apart_and_covers_every_domain(data):
    train, extra, holdout = data
    catalog = {e.code: e.domain for e in _catalog()}
    assert len(holdout) >= 240
    assert all(set(r) == FIELDS for r in holdout)
    assert len({r["id"] for r in holdout}) == len(holdout)
    # No held-out text is a training text, and every label is a catalog item of the domain it names.
    assert not {r["text"] for r in holdout} & {r["text"] for r in train + extra}
    assert all(catalog[r["item"]] == r["domain"] for r in holdout)
    # The items of the former set, in about its proportions; every domain at least 10 texts.
    assert {r["item"] for r in holdout} == {r["item"] for r in train}
    per_domain = Counter(r["domain"] for r in holdout)
    assert min(per_domain.values()) >= 10 and set(per_domain) == {r["domain"] for r in train}
    lengths = [len(r["text"]) for r in holdout]
    assert min(lengths) >= 10 and max(lengths) <= 120


def test_held_out_accuracy_with_history(data):
    train, extra, holdout = data
    domain_ok, item_ok = _scores(_trained(train + extra), holdout)
    n = len(holdout)
    print(f"held-out: domain top-1 {sum(domain_ok) / n:.1%}, item top-3 {sum(item_ok) / n:.1%} ({n} texts)")
    by_domain = Counter(r["domain"] for r in holdout)
    for domain in sorted(by_domain):
        ok = [(d, i) for d, i, r in zip(domain_ok, item_ok, holdout, strict=True) if r["domain"] == domain]
        print(
            f"  {domain:<18} {sum(d for d, _ in ok)}/{len(ok)} domain, {sum(i for _, i in ok)}/{len(ok)} item"
        )
    only_train = _scores(_trained(train), holdout)
    print(
        f"held-out, history without the extra texts: {sum(only_train[0]) / n:.1%}, {sum(only_train[1]) / n:.1%}"
    )
    assert sum(domain_ok) >= GUARD_DOMAIN
    assert sum(item_ok) >= GUARD_ITEM


def test_catalog_alone_is_useful_on_day_one(data):
    *_, holdout = data
    domain_ok, item_ok = _scores(ItemClassifier(_catalog()), holdout)
    n = len(holdout)
    print(f"catalog only: domain top-1 {sum(domain_ok) / n:.1%}, item top-3 {sum(item_ok) / n:.1%}")
    assert sum(domain_ok) >= GUARD_CATALOG_DOMAIN
    assert sum(item_ok) >= GUARD_CATALOG_ITEM


# Texts right at the single scoring, less one: a regression guard, not a target.
GUARD_DOMAIN = 279
GUARD_ITEM = 283
GUARD_CATALOG_DOMAIN = 252
GUARD_CATALOG_ITEM = 247


def test_held_out_explanations_cite_only_phrases_of_the_text(data):
    train, extra, holdout = data
    clf = _trained(train + extra)
    generic = clf.generic_words()
    keywords = {e.code: {k.lower() for k in e.keywords} for e in clf.entries}
    cited = 0
    for row, matches in zip(holdout, clf.classify_many([r["text"] for r in holdout], k=3), strict=True):
        for m in matches:
            # The rule of test_classify_explain: in the text, and a keyword of the item or a specific word.
            for p in m.matched:
                assert p in row["text"].lower() and (p in keywords[m.code] or p not in generic), (
                    row["id"],
                    m,
                )
            cited += bool(m.matched)
    assert cited >= len(holdout)  # on average at least one of the three suggestions explains itself
