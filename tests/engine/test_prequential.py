"""Prequential accuracy: each day is predicted by the model as it stood the day before, checked by hand."""

from dataclasses import dataclass
from datetime import date

import pytest

from zhifa.engine.classify import CatalogEntry, ItemClassifier
from zhifa.engine.prequential import Labelled, prequential, recency_weights, totals

D = {"A1": "环境", "A2": "环境", "B1": "市场"}


@dataclass(frozen=True)
class M:
    code: str
    domain: str


class Memory:
    """Predicts for a text the last final item seen for it in its history, else A1, then the others."""

    def __init__(self, history):
        self.last = {r.text: r.code for r in history}
        self.size = len(history)

    def classify_many(self, texts, k):
        out = []
        for t in texts:
            first = self.last.get(t, "A1")
            out.append([M(c, D[c]) for c in [first] + [c for c in ("A1", "A2", "B1") if c != first]][:k])
        return out


def test_each_day_is_predicted_by_the_model_of_the_day_before():
    rows = [
        Labelled(date(2026, 1, 30), "x", "B1", "市场"),  # model knows nothing: A1 — wrong, B1 in top 3
        Labelled(date(2026, 1, 30), "x", "B1", "市场"),  # same day: still not learnt — wrong
        Labelled(date(2026, 1, 31), "x", "B1", "市场"),  # learnt from the 30th: right
        Labelled(date(2026, 2, 1), "y", "A2", "环境"),  # unknown text: A1 — wrong item, right domain
        Labelled(date(2026, 2, 2), "x", "A1", "环境"),  # history says B1: wrong, wrong domain
        Labelled(date(2026, 2, 3), "x", "A1", "环境"),  # the correction of the 2nd is learnt: right
    ]
    sizes = []

    def build(history, today):
        assert all(r.day < today for r in history)
        sizes.append(len(history))
        return Memory(history)

    table = prequential(list(reversed(rows)), build)
    assert sizes == [0, 2, 3, 4, 5]
    jan, feb_env = table[("2026-01", "市场")], table[("2026-02", "环境")]
    assert (jan.events, jan.top1, jan.top3, jan.domain_top1) == (3, 1, 3, 1)
    assert (feb_env.events, feb_env.top1, feb_env.top3, feb_env.domain_top1) == (3, 1, 3, 2)
    assert set(table) == {("2026-01", "市场"), ("2026-02", "环境")}
    by_domain = totals(table, by="domain")
    assert by_domain["环境"].share("top1") == pytest.approx(1 / 3)
    assert totals(table, by="month")["2026-01"].share("top3") == 1.0


def test_weekly_rebuild_still_uses_only_earlier_days():
    rows = [Labelled(date(2026, 3, d), "x", "B1", "市场") for d in range(1, 10)]
    built = []

    def build(history, today):
        built.append(today.day)
        assert all(r.day < today for r in history)
        return Memory(history)

    table = prequential(rows, build, rebuild_every_days=7)
    assert built == [1, 8]
    # Days 2–7 still use the empty model of day 1; from day 8 the history answers B1.
    assert table[("2026-03", "市场")].top1 == 2


def test_corrections_teach_the_real_classifier_and_recent_ones_weigh_more():
    entries = [
        CatalogEntry(
            "ZH0101", "对餐饮服务业经营者超过排放标准排放油烟的行政处罚", "comprehensive", ("油烟",)
        ),
        CatalogEntry("ZH0061", "对露天烧烤食品的行政处罚", "comprehensive", ("露天烧烤",)),
    ]
    rows = [
        Labelled(date(2026, 5, 1), "夜宵摊烤串熏人", "ZH0061", "comprehensive"),
        Labelled(date(2026, 5, 2), "夜宵摊烤串熏人太厉害", "ZH0061", "comprehensive"),
    ]

    def build(history, today):
        return ItemClassifier(
            entries,
            history_texts=[r.text for r in history],
            history_codes=[r.code for r in history],
            history_weights=recency_weights([r.day for r in history], today, 90),
        )

    table = prequential(rows, build)
    assert table[("2026-05", "comprehensive")].top1 >= 1
    assert recency_weights([date(2026, 1, 1), date(2025, 10, 3)], date(2026, 1, 1), 90) == pytest.approx(
        [1.0, 0.5]
    )
    with pytest.raises(ValueError, match="weights and codes differ"):
        ItemClassifier(entries, history_texts=["a"], history_codes=["ZH0101"], history_weights=[])
