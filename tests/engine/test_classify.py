"""Classification engine: catalog-only ranking with explanations, history learning, the generic text model."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from zhifa.engine import textfeatures
from zhifa.engine.classify import CatalogEntry, ItemClassifier, _Tfidf

ENTRIES = [
    CatalogEntry(
        "ZH0001",
        "对餐饮服务业经营者超标排放油烟的行政处罚",
        "comprehensive",
        ("油烟", "油烟扰民", "排烟"),
        "《中华人民共和国大气污染防治法》",
    ),
    CatalogEntry(
        "ZH0002",
        "对擅自占用城市道路从事经营活动的行政处罚",
        "comprehensive",
        ("占道经营", "摆摊", "流动摊贩"),
        "《城市道路管理条例》",
    ),
    CatalogEntry(
        "SJ0001",
        "对未取得食品经营许可从事食品经营活动的行政处罚",
        "market",
        ("无证经营", "没有营业执照", "无证小吃"),
        "《中华人民共和国食品安全法》",
    ),
    CatalogEntry(
        "XF0001",
        "对占用、堵塞、封闭消防通道的行政处罚",
        "fire",
        ("消防通道", "堵塞通道", "楼道堆物"),
        "《中华人民共和国消防法》",
    ),
]


@pytest.fixture(scope="module")
def clf():
    return ItemClassifier(ENTRIES)


def test_catalog_only_ranking_with_matched_words(clf):
    top = clf.classify("楼下饭店油烟扰民，每天晚上排烟熏到我家")
    assert top[0].code == "ZH0001"
    assert top[0].domain == "comprehensive"
    assert "油烟扰民" in top[0].matched
    assert all(m.score < top[0].score for m in top[1:])


def test_each_item_is_found_by_its_own_words(clf):
    assert clf.classify("小区门口有人摆摊占道经营")[0].code == "ZH0002"
    assert clf.classify("这家小吃店没有营业执照，无证经营")[0].code == "SJ0001"
    assert clf.classify("楼道堆物把消防通道堵住了")[0].code == "XF0001"


def test_unrelated_text_scores_low_and_empty_text_is_safe(clf):
    assert clf.classify("") == []
    res = clf.classify("今天天气很好")
    assert all(m.score < 0.2 for m in res)


def test_batch_equals_single(clf):
    texts = ["油烟扰民", "占道经营", "消防通道被堵"]
    assert clf.classify_many(texts) == [clf.classify(t) for t in texts]


def test_history_teaches_words_the_catalog_lacks():
    history = ["烧烤摊烟雾大熏人", "烧烤烟雾熏得睡不着", "夜宵烧烤冒烟", "路边卖菜占道", "早餐车占用人行道"]
    codes = ["ZH0001", "ZH0001", "ZH0001", "ZH0002", "ZH0002"]
    after = ItemClassifier(ENTRIES, history_texts=history, history_codes=codes)
    assert after.classify("晚上烧烤烟雾很大")[0].code == "ZH0001"
    assert after.classify("早上有早餐车占用人行道")[0].code == "ZH0002"


def test_history_must_pair_texts_with_codes():
    with pytest.raises(ValueError, match="differ in length"):
        ItemClassifier(ENTRIES, history_texts=["油烟扰民"], history_codes=[])


def test_history_of_unknown_items_is_ignored():
    clf = ItemClassifier(ENTRIES, history_texts=["油烟扰民", "某事"], history_codes=["ZH0001", "XX9999"])
    assert clf.history_size == 1
    assert clf.classify("饭店油烟扰民")[0].code == "ZH0001"


def test_channel_phrases_are_not_features():
    feats = textfeatures.item_features("市民来电反映：某小区门口油烟扰民，要求查处。")
    assert "油烟" in feats and "烟" in feats
    assert not {"来电", "反映", "查处", "某"} & set(feats)


def test_tfidf_is_sklearns_sublinear_l2_tfidf():
    analysed = [
        textfeatures.item_features(t) for t in ["油烟扰民油烟", "占道经营摆摊", "消防通道被堵", "油烟"]
    ]
    ours = _Tfidf(analysed)
    ref = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True)
    expected = ref.fit_transform(analysed)
    order = [ours.vocabulary[f] for f in ref.get_feature_names_out()]
    assert np.allclose(ours.fitted.toarray()[:, order], expected.toarray())
    query = [textfeatures.item_features("楼下油烟很大，还有人摆摊")]
    assert np.allclose(ours.transform(query).toarray()[:, order], ref.transform(query).toarray())


def test_explanations_leave_out_generic_legal_words():
    # No keyword occurs, so the explanation is the item's own words found in the text.
    top = ItemClassifier(ENTRIES).classify("有人未经批准擅自占用城市道路卖水果")
    assert top[0].code == "ZH0002"
    assert "城市道路" in top[0].matched or "道路" in top[0].matched
    assert not set(top[0].matched) & {"未经", "批准", "擅自"}
