"""The batch fast paths of classify + route give exactly what the plain per-text definitions give.

Features as integer keys (textfeatures.item_feature_keys), the vocabulary as a numpy hash table (KeyTable),
phrases found over a whole batch (PhraseFinder) and the router's memo are checked against the definitions they
replace: item_features + the dictionary vocabulary, `phrase in text`, and the rule table evaluated afresh.
"""

import csv
import random
from pathlib import Path

import numpy as np

from zhifa.engine import textfeatures
from zhifa.engine.classify import CatalogEntry, ItemClassifier, _Tfidf
from zhifa.engine.routing import DEFAULT_RULES, ItemRef, Place, Router

CATALOG = Path(__file__).resolve().parents[2] / "zhifa" / "demo" / "data" / "catalog_items.csv"
# Odd inputs: channel phrases, full-width and Latin letters that lower to two characters (İ), a character
# beyond the basic plane, NUL, tabs and newlines, a lone surrogate, empty and None.
ODD = [
    "",
    None,
    "   ",
    "！！",
    "市民来电反映：某小区门口油烟扰民，要求查处。",
    "ＡＢＣ abc İstanbul ΣΑΣ 12号 Ⅻ",
    "𠀀𠀁油烟𠀀扰民",
    "油\x00烟\t扰\n民",
    "\ud800油烟扰民",
    "噪音扰民噪音扰民噪音扰民",
    "占道经营_摆摊",
    "Σ。油烟ΣΣ，",
]
# The batch separator of item_feature_keys inside a text: that batch takes the per-text path.
SEPARATOR = "油烟\U0002a6d6扰民"


def _texts(n: int, seed: int = 3) -> list[str | None]:
    rng = random.Random(seed)
    with open(CATALOG, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    words = [k for r in rows for k in r["keywords"].split("|") if k] + [
        "附近",
        "居民",
        "每天",
        "，",
        "。",
        " ",
    ]
    return ODD + ["".join(rng.choices(words, k=rng.randint(1, 12))) for _ in range(n)]


def test_feature_keys_count_what_item_features_counts():
    for texts in (_texts(300), [*_texts(50), SEPARATOR]):
        rows, keys = textfeatures.item_feature_keys(texts)
        for i, text in enumerate(texts):
            expected = sorted(textfeatures.feature_key(f) for f in textfeatures.item_features(text))
            assert sorted(keys[rows == i].tolist()) == expected, text


def test_transform_by_keys_equals_transform_bit_for_bit():
    texts = _texts(300)
    tfidf = _Tfidf([textfeatures.item_features(t) for t in texts[150:]])
    wanted = tfidf.transform([textfeatures.item_features(t) for t in texts])
    got = tfidf.transform_keys(*textfeatures.item_feature_keys(texts), len(texts))
    assert got.shape == wanted.shape
    assert np.array_equal(got.indptr, wanted.indptr) and np.array_equal(got.indices, wanted.indices)
    assert np.array_equal(got.data, wanted.data)  # same values in the same order: exact, not approximate
    assert [len(a) for a in textfeatures.item_feature_keys([])] == [0, 0]


def test_key_table_answers_like_a_dictionary():
    rng = random.Random(5)
    columns = {rng.randrange(1 << 60): i for i in range(5000)}
    table = textfeatures.KeyTable(columns)
    probe = list(columns)[:2000] + [rng.randrange(1 << 60) for _ in range(2000)]
    got = table.lookup(np.array(probe, dtype=np.int64)).tolist()
    assert got == [columns.get(k, -1) for k in probe]
    assert textfeatures.KeyTable({}).lookup(np.array([1, 2], dtype=np.int64)).tolist() == [-1, -1]


def test_phrase_finder_finds_exactly_the_phrases_in_each_text():
    texts = [(t or "").lower() for t in _texts(400)]
    phrases = {
        "油烟",
        "油烟扰民",
        "扰民",
        "噪音扰民",
        "占道经营",
        "𠀀𠀁",
        "烟\x00扰",
        "istanbul",
        "a",
        "民噪音",
    }
    with open(CATALOG, encoding="utf-8") as fh:
        phrases |= {k.lower() for r in csv.DictReader(fh) for k in r["keywords"].split("|") if k}
    found = textfeatures.PhraseFinder(phrases).find(texts)
    for text, got in zip(texts, found, strict=True):
        # One-character phrases and phrases holding NUL are never sought; no phrase spans two texts.
        assert got == {p for p in phrases if len(p) >= 2 and "\x00" not in p and p in text}, text
    assert textfeatures.PhraseFinder([]).find(["油烟"]) == [set()]
    assert textfeatures.PhraseFinder(["油烟"]).find([]) == []


def _catalog() -> list[CatalogEntry]:
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


def test_keyword_hits_and_explanations_follow_their_definitions():
    clf = ItemClassifier(_catalog())
    texts = _texts(200, seed=9)
    hits, _ = clf._keyword_hits(texts, clf._keyword_finder)
    for text, got in zip(texts, hits, strict=True):
        low = (text or "").lower()
        wanted: dict[int, set[str]] = {}
        for kw, cols in clf._keyword_items.items():
            if kw in low:
                for col in cols:
                    wanted.setdefault(col, set()).add(kw)
        assert got == wanted, text
    # Every phrase shown is the item's keyword or own word, and occurs in the text.
    for text, matches in zip(texts, clf.classify_many(texts), strict=True):
        for m in matches:
            col = clf.codes.index(m.code)
            own = set(clf._keywords[col]) | clf._item_words[col]
            assert all(p in (text or "").lower() and p in own for p in m.matched), (text, m)


def test_batches_of_any_size_rank_alike():
    clf = ItemClassifier(_catalog())
    texts = [t for t in _texts(120, seed=11) if t is not None]
    whole = clf.classify_many(texts)
    assert [clf.classify(t) for t in texts[:30]] == whole[:30]
    assert sum((clf.classify_many(texts[i : i + 7]) for i in range(0, len(texts), 7)), []) == whole


def test_router_memo_answers_as_the_rule_table():
    router = Router(
        DEFAULT_RULES,
        subdistrict_teams={"S1": "ST-1", "S2": "ST-2"},
        domain_teams={"comprehensive": "DT-comprehensive", "market": "DT-market"},
        layers={("HUB", "A"): "HUB-A"},
        district_command="DC",
    )
    items = [ItemRef("A", "comprehensive", True), ItemRef("B", "market", False), ItemRef("C", "market", True)]
    places = [Place("S1"), Place("S2"), Place(), Place("S1", ("HUB",)), Place("S2", ("OTHER",))]
    for _ in range(2):  # the second round is served by the memo
        for item in items:
            for place in places:
                assert router.route_item(item, place) == router._route_item(item, place)
    assert router.route_item(items[0], places[3]).unit == "HUB-A"
    assert router.route_item(items[0], places[0]).unit == "ST-1"
    assert router.route_item(items[0], places[2]).unit == "DC"
