"""Catalog API: items with pagination, details, domains, scenarios, and release actions for admins only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.catalog import apply_rows, base_bands, base_rows, csv_bytes, import_rows, item
from zhifa.accounts.services import api_token_create
from zhifa.catalog.models import CatalogRelease, EnforcementItem
from zhifa.catalog.services import scenario_create

API = "/api/v1/catalog"


@pytest.fixture
def v1(world):
    return apply_rows(base_rows(), version="v1", by=world.root, bands=base_bands())


def test_items_list_with_filters(clients, v1):
    res = clients["alice"].get(f"{API}/items", {"q": "油烟"})
    assert res.status_code == 200
    body = res.json()
    assert (body["count"], body["page"], body["page_size"]) == (1, 1, 50)
    oil = body["results"][0]
    assert oil["code"] == "ZH0001"
    assert oil["domain"] == {"code": "comprehensive", "name": "综合执法"}
    assert oil["delegated"] is True and oil["delegated_from"] == "2022-06-01"
    assert oil["keywords"] == ["油烟", "油烟扰民", "排烟"]
    assert oil["scenes"] == ["吃"] and oil["status"] == "active"
    res = clients["alice"].get(f"{API}/items", {"domain": "market", "delegated": "false"})
    assert [r["code"] for r in res.json()["results"]] == ["SJ0001", "SJ0002"]
    res = clients["alice"].get(f"{API}/items", {"high_frequency": "true", "kind": "行政处罚"})
    assert [r["code"] for r in res.json()["results"]] == ["ZH0001"]


def test_items_pagination(world, clients):
    rows = [item(f"ZH{n:04d}", f"对第{n}类违法行为的行政处罚") for n in range(1, 26)]
    apply_rows(rows, version="v1", by=world.root)
    body = clients["alice"].get(f"{API}/items", {"page": 3, "page_size": 10}).json()
    assert (body["count"], body["page"], body["page_size"]) == (25, 3, 10)
    assert [r["code"] for r in body["results"]] == [f"ZH{n:04d}" for n in range(21, 26)]
    body = clients["alice"].get(f"{API}/items", {"page": 4, "page_size": 10}).json()
    assert body["count"] == 25 and body["results"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": 201}, "page_size"),
        ({"page": 0}, "page"),
        ({"kind": "行政许可"}, "kind"),
        ({"delegated": "maybe"}, "delegated"),
        ({"status": "gone"}, "status"),
    ],
)
def test_items_bad_params_are_422(clients, v1, params, field):
    res = clients["alice"].get(f"{API}/items", params)
    assert res.status_code == 422
    body = res.json()
    assert body["message"] == "请求参数有误"
    assert [e["field"] for e in body["errors"]] == [field]


def test_item_detail_with_bands_and_scenarios(world, clients, v1):
    scenario_create(
        code="S01",
        name="小餐饮监管一件事",
        items=list(EnforcementItem.objects.filter(code="ZH0001")),
        by=world.root,
    )
    res = clients["olga"].get(f"{API}/items/ZH0001")
    assert res.status_code == 200
    body = res.json()
    assert body["legal_basis"] == "《中华人民共和国大气污染防治法》第八十一条第一款"
    assert body["release_version"] == "v1"
    assert body["scenarios"] == [{"code": "S01", "name": "小餐饮监管一件事"}]
    assert body["bands"][1] == {
        "level": "一般",
        "party": "",
        "condition": "超标排放油烟，经责令改正后仍未改正",
        "min_fine": "5000.00",
        "max_fine": "20000.00",
    }


def test_unknown_item_is_404_json(clients, v1):
    res = clients["alice"].get(f"{API}/items/NOPE")
    assert res.status_code == 404
    assert res.json() == {"message": "记录不存在或不在您的辖区内", "errors": []}


def test_anonymous_is_401(v1):
    res = Client().get(f"{API}/items")
    assert res.status_code == 401
    assert res.json()["message"] == "未登录或令牌无效"


def test_bearer_token_works(world, v1):
    _, raw = api_token_create(user=world.bob, name="对接", by=world.bob)
    res = Client().get(f"{API}/items", {"q": "sj0001"}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert res.status_code == 200 and [r["code"] for r in res.json()["results"]] == ["SJ0001"]


def test_domains_and_scenarios(world, clients, v1):
    res = clients["alice"].get(f"{API}/domains")
    assert res.json() == [
        {"code": "comprehensive", "name": "综合执法", "is_core": True, "item_count": 3, "delegated_count": 2},
        {"code": "market", "name": "市场监管", "is_core": True, "item_count": 2, "delegated_count": 0},
    ]
    items = list(EnforcementItem.objects.filter(code__in=["SJ0001", "ZH0001"]))
    scenario_create(code="S01", name="小餐饮监管一件事", description="一次查", items=items, by=world.root)
    assert clients["alice"].get(f"{API}/scenarios").json() == [
        {"code": "S01", "name": "小餐饮监管一件事", "description": "一次查", "item_count": 2}
    ]
    body = clients["alice"].get(f"{API}/scenarios/S01").json()
    assert [i["code"] for i in body["items"]] == ["ZH0001", "SJ0001"]  # by domain order, then code
    assert clients["alice"].get(f"{API}/scenarios/S99").status_code == 404


def test_release_reads_are_for_admins(clients, v1):
    res = clients["root"].get(f"{API}/releases")
    assert res.status_code == 200
    assert [(r["version"], r["status"], r["applied_by"]) for r in res.json()] == [("v1", "applied", "管理员")]
    detail = clients["root"].get(f"{API}/releases/{v1.pk}").json()
    assert len(detail["changes"]) == 5 and detail["summary"]["added"] == 5
    for who in ("alice", "olga"):
        res = clients[who].get(f"{API}/releases")
        assert res.status_code == 403
        assert res.json()["message"] == "只有系统管理员可以查看和管理清单版本"
        assert clients[who].get(f"{API}/releases/{v1.pk}").status_code == 403
    assert clients["root"].get(f"{API}/releases/999999").status_code == 404


def _post_release(client, rows, version="v2"):
    return client.post(
        f"{API}/releases",
        {"version": version, "title": "调整", "file": SimpleUploadedFile("v2.csv", csv_bytes(rows))},
    )


def test_upload_and_apply_through_the_api(clients, v1):
    rows = [r for r in base_rows() if r["code"] != "ZH0003"]
    res = _post_release(clients["olga"], rows)
    assert res.status_code == 403
    assert not CatalogRelease.objects.filter(version="v2").exists()
    res = _post_release(clients["root"], rows)
    assert res.status_code == 201
    body = res.json()
    assert body["status"] == "draft"
    assert body["summary"] == {"added": 0, "changed": 0, "retired": 1, "unchanged": 4, "total": 4}
    assert clients["olga"].post(f"{API}/releases/{body['id']}/apply").status_code == 403
    res = clients["root"].post(f"{API}/releases/{body['id']}/apply")
    assert res.status_code == 200 and res.json()["status"] == "applied"
    assert EnforcementItem.objects.get(code="ZH0003").status == "retired"


def test_upload_errors_are_400_with_rows(clients, v1):
    rows = base_rows()
    rows[1]["domain"] = "城管"
    res = _post_release(clients["root"], rows)
    assert res.status_code == 400
    body = res.json()
    assert body["message"] == "导入失败：共 1 处错误，未导入任何内容"
    assert body["errors"][0]["field"] == "第3行·domain"
    assert body["errors"][0]["row"] == 3
    res = clients["root"].post(f"{API}/releases", {"version": "v9"})
    assert res.status_code == 422


def test_stale_apply_is_409(world, clients, v1):
    first = import_rows(base_rows()[:4], version="v2", by=world.root)
    second = import_rows(base_rows()[:3], version="v3", by=world.root)
    assert clients["root"].post(f"{API}/releases/{first.pk}/apply").status_code == 200
    res = clients["root"].post(f"{API}/releases/{second.pk}/apply")
    assert res.status_code == 409
    assert res.json() == {"message": "清单已被其他版本更新，请重新导入后再发布", "errors": []}
    res = clients["root"].post(f"{API}/releases/{second.pk}/discard")
    assert res.status_code == 200 and res.json()["status"] == "discarded"
