"""Routing explanations: an item is cited only with a phrase of its own found in the text, never for a generic word."""

import csv
import json
from pathlib import Path

import pytest

from zhifa.engine.classify import GENERIC_WORDS, CatalogEntry, ItemClassifier, Match, explained, plain_name

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo():
    with open(ROOT / "zhifa" / "demo" / "data" / "catalog_items.csv", encoding="utf-8") as fh:
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
    return ItemClassifier(entries), {e.code: e for e in entries}


def test_a_fumes_complaint_does_not_cite_the_construction_notice_item(demo):
    clf, _ = demo
    text = "饭店厨房油烟排放，附近居民意见很大，建设单位不管"
    matches = clf.classify(text)
    cited = explained(matches)
    assert cited[0].code == "ZH0101" and "油烟" in cited[0].matched
    # ZH0111 (连续施工未公告附近居民) ranks, but shares only 附近 / 居民 / 建设 with the text: not a basis.
    assert "ZH0111" in [m.code for m in matches]
    assert "ZH0111" not in [m.code for m in cited]
    assert next(m for m in matches if m.code == "ZH0111").matched == ()


def test_every_cited_phrase_is_in_the_text_and_not_generic(demo):
    clf, entries = demo
    generic = clf.generic_words()
    assert {"附近", "居民", "建设", "中华人民共和国"} <= generic
    lines = (ROOT / "tests" / "data" / "complaints.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines[:300] if line.strip()]
    cited = 0
    for text, matches in zip(texts, clf.classify_many(texts), strict=True):
        low = text.lower()
        for m in matches:
            keywords = {k.lower() for k in entries[m.code].keywords}
            for phrase in m.matched:
                assert phrase in low, (text, m.code, phrase)
                assert phrase not in GENERIC_WORDS
                # A curated keyword of the item counts; any other shared word must be specific.
                assert phrase in keywords or phrase not in generic, (text, m.code, phrase)
            cited += bool(m.matched)
    assert cited > 300  # most texts cite at least one item


def test_basis_names_phrases_and_the_plain_name():
    m = Match(
        "ZH0101",
        "对餐饮服务业经营者超过排放标准排放油烟的行政处罚",
        "comprehensive",
        0.3,
        ("油烟扰民", "油烟"),
    )
    assert m.plain_name == "餐饮服务业经营者超过排放标准排放油烟"
    assert m.basis == "“油烟扰民”“油烟” → 餐饮服务业经营者超过排放标准排放油烟"
    assert Match("X", "对某某的行政检查", "d", 0.1).basis == ""
    assert (
        plain_name("对未取得食品经营许可从事食品经营活动的行政处罚") == "未取得食品经营许可从事食品经营活动"
    )
    assert explained([Match("A", "a", "d", 0.2), m]) == [m]
