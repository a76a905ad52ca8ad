"""Draws by catalog item, and the draws JSON API with the same checks as the pages."""

import pytest

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.inspections.test_draws import pool  # noqa: F401 (fixture)
from zhifa.catalog.models import EnforcementItem, Scenario
from zhifa.core.errors import ServiceError
from zhifa.engine.draw import draw_verify
from zhifa.inspections.draws.services import draw_create
from zhifa.inspections.models import RandomDraw
from zhifa.subjects.models import Subject
from zhifa.subjects.services import subject_update


@pytest.fixture
def item_pool(pool):  # noqa: F811
    """Three 南星 eateries in a scenario that checks SJ0001 (食品经营许可, 市场监管)."""
    w = pool
    w.scenario = Scenario.objects.create(code="SC09", name="小餐饮一件事", description="证照、油烟一次查")
    w.scenario.items.set(w.scenario.items.model.objects.filter(code__in=["SJ0001", "ZH0101"]))
    w.item_subjects = []
    for name in ("示例南星小吃店01", "示例南星小吃店04", "示例南星小吃店07"):
        s = Subject.objects.get(name=name)
        w.item_subjects.append(subject_update(subject=s, by=w.carol, scenarios=["SC09"]))
    return w


def test_pool_by_item_and_the_item_domain_in_every_team(item_pool):
    w = item_pool
    d = draw_create(name="食品经营许可抽查", domain="comprehensive", count=3, item="sj0001", by=w.carol)
    assert d.pool_size == 3 and d.pool_filter["item"] == "SJ0001"
    assert sorted(int(s) for s in d.record["pool"]) == sorted(s.pk for s in w.item_subjects)
    assert list(d.record["domains_needed"].values()) == [["comprehensive", "market"]] * 3
    qualified = d.record["qualified"]
    # Only officers with either domain are candidates; each team covers both domains.
    assert set(qualified) == {str(o.pk) for o in w.inspectors} | {
        str(w.nanxing_officer_record.pk),
        str(w.jiubao_officer_record.pk),
    }
    assert len(d.record["assignments"]) == 3
    for _, team in d.record["assignments"]:
        covered = set().union(*(qualified[i] for i in team))
        assert covered == {"comprehensive", "market"}
    assert draw_verify(d.record).ok


def test_item_pool_errors(item_pool):
    w = item_pool
    with pytest.raises(ServiceError) as exc:
        draw_create(name="x", domain="market", count=1, item="XX9999", by=w.carol)
    assert exc.value.errors == [{"field": "item", "message": "执法事项“XX9999”不存在或已取消"}]
    with pytest.raises(ServiceError, match="抽查范围内没有存续的监管对象"):
        draw_create(name="x", domain="market", count=1, item="SJ0005", by=w.carol)  # in no scenario
    assert not RandomDraw.objects.exists()


def test_draw_page_takes_an_item(item_pool, clients):
    page = clients["carol"].get("/inspections/draws/new/").content.decode()
    assert 'name="item"' in page and '<option value="SJ0001">' in page
    res = clients["carol"].post(
        "/inspections/draws/new/",
        {"name": "页面按事项抽查", "domain": "market", "count": "2", "item": "SJ0001"},
    )
    d = RandomDraw.objects.get(name="页面按事项抽查")
    assert res.status_code == 302 and d.pool_size == 3
    page = clients["carol"].get(f"/inspections/draws/{d.pk}/").content.decode()
    item = EnforcementItem.objects.get(code="SJ0001")
    assert f"执法事项 {item.name}（SJ0001）" in page  # the item by its name, the code for the record
    res = clients["carol"].post(
        "/inspections/draws/new/", {"name": "坏事项", "domain": "market", "count": "2", "item": "NOPE"}
    )
    assert res.status_code == 400 and "执法事项“NOPE”不存在或已取消" in res.content.decode()


def test_api_create_list_detail_verify_publish(item_pool, clients):
    payload = {"name": "接口抽查", "domain": "market", "ratio": "0.25", "subdistrict": "330102008"}
    res = clients["carol"].post("/api/v1/inspections/draws", payload, content_type="application/json")
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["pool_size"] == 12 and body["drawn"] == 3 and body["pool_text"] == "街道 南星街道"
    assert body["ratio"] == "0.2500" and body["count"] is None and body["published_at"] is None
    assert len(body["picks"]) + len(body["infeasible"]) == 3
    assert all(len(p["inspectors"]) == 2 for p in body["picks"])
    draw_id = body["id"]
    listed = clients["alice"].get("/api/v1/inspections/draws").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == draw_id
    assert clients["bob"].get("/api/v1/inspections/draws").json()["count"] == 0
    res = clients["bob"].get(f"/api/v1/inspections/draws/{draw_id}")
    assert res.status_code == 404 and res.json()["message"] == "记录不存在或不在您的辖区内"
    assert clients["alice"].get(f"/api/v1/inspections/draws/{draw_id}").json()["seed"] == body["seed"]
    assert clients["olga"].get(f"/api/v1/inspections/draws/{draw_id}/verify").json() == {
        "ok": True,
        "problems": [],
    }
    res = clients["alice"].post(f"/api/v1/inspections/draws/{draw_id}/publish")
    assert res.status_code == 403 and res.json()["message"] == "只有组织抽查的单位可以公开结果"
    res = clients["carol"].post(f"/api/v1/inspections/draws/{draw_id}/publish")
    assert res.status_code == 200 and res.json()["published_at"] is not None
    res = clients["carol"].post(f"/api/v1/inspections/draws/{draw_id}/publish")
    assert res.status_code == 409 and res.json()["message"] == "该抽查结果已公开"
    by_item = {"name": "接口按事项", "domain": "comprehensive", "count": 2, "item": "SJ0001"}
    res = clients["carol"].post("/api/v1/inspections/draws", by_item, content_type="application/json")
    assert res.status_code == 201 and res.json()["pool_filter"]["item"] == "SJ0001"


def test_api_refusals(item_pool, clients):
    payload = {"name": "接口抽查", "domain": "market", "count": 2}
    res = clients["alice"].post("/api/v1/inspections/draws", payload, content_type="application/json")
    assert res.status_code == 403
    assert res.json()["message"] == "只有指挥中心、街道指挥室和区级部门可以组织双随机抽查"
    res = clients["olga"].post("/api/v1/inspections/draws", payload, content_type="application/json")
    assert res.status_code == 403 and res.json()["message"] == "您的角色为只读，不能进行此操作"
    bad = {**payload, "ratio": "2"}
    res = clients["carol"].post("/api/v1/inspections/draws", bad, content_type="application/json")
    assert res.status_code == 400
    assert res.json()["errors"] == [{"field": "ratio", "message": "抽取比例与抽取数量须且只能填写一项"}]
    res = clients["carol"].post(
        "/api/v1/inspections/draws", {**payload, "count": "很多"}, content_type="application/json"
    )
    assert res.status_code == 422 and res.json()["message"] == "请求参数有误"
    res = clients["carol"].post(
        "/api/v1/inspections/draws", {**payload, "subdistrict": "330102999"}, content_type="application/json"
    )
    assert res.status_code == 400 and res.json()["errors"][0]["message"] == "街道不存在或不在您的辖区内"
    assert clients["carol"].get("/api/v1/inspections/draws/424242").status_code == 404
    assert not RandomDraw.objects.exists()


def test_the_form_offers_names_and_the_service_checks_the_codes(item_pool, clients):
    """Pickers by name (餐饮业（H62）, 小餐饮一件事（SC09）); both doors still take codes, and refuse unknown ones."""
    page = clients["carol"].get("/inspections/draws/new/").content.decode()
    assert '<select id="id_industry" name="industry" data-picker=' in page
    assert '<option value="H62">餐饮业（H62）</option>' in page
    assert '<option value="SC09">小餐饮一件事（SC09）</option>' in page
    assert "js/picker.js" in page and "<script>" not in page
    res = clients["carol"].post(
        "/inspections/draws/new/",
        {"name": "页面按场景", "domain": "market", "count": "1", "industry": "H62", "scenario": "SC09"},
    )
    d = RandomDraw.objects.get(name="页面按场景")
    assert res.status_code == 302 and d.pool_size == 3
    detail = clients["carol"].get(f"/inspections/draws/{d.pk}/").content.decode()
    assert "行业 餐饮业（H62）" in detail and "监管场景 小餐饮一件事（SC09）" in detail
    bad = {"name": "坏行业", "domain": "market", "count": "1", "industry": "Z99"}
    res = clients["carol"].post("/inspections/draws/new/", bad)
    message = "行业“Z99”不在行业分类（国民经济行业分类大类）中，请从列表中选择"
    assert res.status_code == 400 and message in res.content.decode()
    res = clients["carol"].post("/api/v1/inspections/draws", bad, content_type="application/json")
    assert res.status_code == 400 and res.json()["errors"] == [{"field": "industry", "message": message}]
    bad = {"name": "坏场景", "domain": "market", "count": 1, "scenario": "SC99"}
    res = clients["carol"].post("/api/v1/inspections/draws", bad, content_type="application/json")
    assert res.json()["errors"] == [{"field": "scenario", "message": "监管场景“SC99”不存在，请从列表中选择"}]
    ok = {"name": "接口按场景", "domain": "market", "count": 1, "industry": "h62", "scenario": "SC09"}
    res = clients["carol"].post("/api/v1/inspections/draws", ok, content_type="application/json")
    assert res.status_code == 201 and res.json()["pool_filter"]["industry"] == "H62"
    assert RandomDraw.objects.count() == 2
