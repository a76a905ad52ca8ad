"""Item search and the other catalog selectors: terms, codes, filters, ordering, and who may read."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from tests.catalog import apply_rows, base_bands, base_rows, item
from zhifa.catalog.models import EnforcementItem
from zhifa.catalog.selectors import (
    domain_summary,
    item_get,
    item_history,
    item_search,
    release_list,
    scenario_checklist,
    scenario_get,
    scenario_list,
)
from zhifa.catalog.services import scenario_create
from zhifa.core.errors import PermissionError_


@pytest.fixture
def catalog(world):
    rows = base_rows()
    rows.append(
        item(
            "ZH0010",
            "对未按规定设置油烟净化设施的行政处罚",
            legal_basis="《浙江省大气污染防治条例》第四十二条",
            keywords="净化设施",
        )
    )
    rows.append(
        item(
            "ZH0011",
            "对在居民住宅楼内新建产生油烟的餐饮项目的行政处罚",
            legal_basis="《中华人民共和国大气污染防治法》第八十一条第二款",
            keywords="餐饮选址",
        )
    )
    # Mentions 油烟 only in the keywords: found, but after the items whose name says 油烟.
    rows.append(
        item(
            "ZH0005",
            "对露天焚烧垃圾的行政处罚",
            keywords="露天焚烧|油烟",
            delegated="是",
            delegated_from="2023-01-01",
        )
    )
    return apply_rows(rows, version="v1", by=world.root, bands=base_bands())


def codes(qs) -> list[str]:
    return [i.code for i in qs]


def test_search_by_name_keyword_legal_basis_and_code(world, catalog):
    assert codes(item_search(user=world.alice, q="油烟")) == ["ZH0001", "ZH0010", "ZH0011", "ZH0005"]
    assert codes(item_search(user=world.alice, q="摆摊")) == ["ZH0002"]
    assert codes(item_search(user=world.alice, q="《中华人民共和国食品安全法》")) == ["SJ0001"]
    assert codes(item_search(user=world.alice, q="价格法 第四十二条")) == ["SJ0002"]
    assert codes(item_search(user=world.alice, q="sj0002")) == ["SJ0002"]
    assert codes(item_search(user=world.alice, q="  占道   经营 ")) == ["ZH0002"]
    assert codes(item_search(user=world.alice, q="油烟 无此词")) == []


def test_exact_code_ranks_first(world, catalog):
    assert codes(item_search(user=world.alice, q="ZH0005")) == ["ZH0005"]
    # Codes match whatever the letter case.
    assert codes(item_search(user=world.alice, q="zh0001")) == ["ZH0001"]


def test_filters(world, catalog):
    s = item_search
    assert codes(s(user=world.alice, domain="market")) == ["SJ0001", "SJ0002"]
    assert codes(s(user=world.alice, delegated=True)) == ["ZH0001", "ZH0002", "ZH0005"]
    assert codes(s(user=world.alice, q="油烟", delegated=False)) == ["ZH0010", "ZH0011"]
    assert codes(s(user=world.alice, high_frequency=True)) == ["ZH0001"]
    assert codes(s(user=world.alice, kind="行政强制")) == []
    assert codes(s(user=world.alice, scene="吃")) == ["SJ0001", "ZH0001"]
    assert codes(s(user=world.alice, scene="购", domain="comprehensive")) == ["ZH0002"]
    assert codes(s(user=world.alice, status="retired")) == []
    assert len(codes(s(user=world.alice, status=None))) == 8


def test_retired_items_leave_the_default_search(world, catalog):
    apply_rows([r for r in base_rows() if r["code"] != "ZH0003"], version="v2", by=world.root)
    assert "ZH0003" not in codes(item_search(user=world.alice))
    assert codes(item_search(user=world.alice, status="retired", q="建筑垃圾")) == ["ZH0003"]
    assert item_get(user=world.alice, code="ZH0003").status == "retired"


def test_anonymous_reads_nothing(world, catalog):
    with pytest.raises(PermissionError_):
        item_search(user=AnonymousUser(), q="油烟")
    with pytest.raises(PermissionError_):
        item_get(user=AnonymousUser(), code="ZH0001")
    world.alice.is_active = False
    with pytest.raises(PermissionError_):
        item_search(user=world.alice)


def test_every_role_reads_the_whole_catalog(world, catalog):
    for user in (world.alice, world.bob, world.carol, world.olga, world.otto, world.root):
        assert item_search(user=user).count() == 8


def test_item_get_history_and_404(world, catalog):
    rows = base_rows()
    rows[0]["delegated"] = "否"
    apply_rows(rows, version="v2", by=world.root, bands=base_bands())
    history = list(item_history(user=world.alice, code="ZH0001"))
    assert [(h.release.version, h.kind) for h in history] == [("v2", "changed"), ("v1", "added")]
    assert history[0].fields == ["delegated", "delegated_from"]
    oil = item_get(user=world.alice, code="ZH0001")
    assert [b.level for b in oil.bands.all()] == ["轻微", "一般", "严重"]
    with pytest.raises(Http404):
        item_get(user=world.alice, code="NOPE")


def test_domain_summary_counts(world, catalog):
    rows = {d.code: (d.item_count, d.delegated_count) for d in domain_summary(user=world.alice)}
    assert rows == {"comprehensive": (6, 3), "market": (2, 0)}


def test_scenarios_group_items_by_domain(world, catalog):
    items = list(EnforcementItem.objects.filter(code__in=["ZH0001", "SJ0001", "ZH0010"]))
    scenario_create(code="S01", name="小餐饮监管一件事", items=items, by=world.root)
    listed = list(scenario_list(user=world.alice))
    assert [(s.code, s.item_count, s.domain_count) for s in listed] == [("S01", 3, 2)]
    scenario = scenario_get(user=world.alice, code="S01")
    groups = [(d.code, [i.code for i in its]) for d, its in scenario_checklist(scenario=scenario)]
    assert groups == [("comprehensive", ["ZH0001", "ZH0010"]), ("market", ["SJ0001"])]
    assert [s.code for s in item_get(user=world.alice, code="ZH0001").scenarios.all()] == ["S01"]
    with pytest.raises(Http404):
        scenario_get(user=world.alice, code="S99")


def test_release_list_is_for_admins(world, catalog):
    assert [r.version for r in release_list(user=world.root)] == ["v1"]
    for user in (world.alice, world.olga, world.carol):
        with pytest.raises(PermissionError_):
            release_list(user=user)
