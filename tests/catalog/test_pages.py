"""Catalog pages: search list (full and htmx fragment), item and scenario pages, export, release pages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tests.catalog import apply_rows, base_bands, base_rows, csv_bytes, import_rows, item
from zhifa.catalog.models import CatalogRelease, EnforcementItem
from zhifa.catalog.services import scenario_create


@pytest.fixture
def v1(world):
    return apply_rows(base_rows(), version="v1", by=world.root, bands=base_bands())


def test_item_list_page_and_search(clients, v1):
    res = clients["alice"].get("/catalog/")
    assert res.status_code == 200
    html = res.content.decode()
    assert "<html" in html and 'name="q"' in html
    assert res.context["active_nav"] == "catalog"
    assert res.context["page"].paginator.count == 5
    res = clients["alice"].get("/catalog/", {"q": "油烟"})
    assert [i.code for i in res.context["page"].object_list] == ["ZH0001"]
    html = res.content.decode()
    assert "对餐饮服务业经营者超过排放标准排放油烟的行政处罚" in html
    assert "赋权街道 2022-06-01" in html and "高频" in html
    assert "占道" not in html.split('id="results"')[1]


def test_item_list_htmx_returns_the_fragment(clients, v1):
    res = clients["alice"].get("/catalog/", {"q": "食品安全法", "delegated": "no"}, HTTP_HX_REQUEST="true")
    html = res.content.decode()
    assert res.status_code == 200
    assert "<html" not in html
    assert 'id="result-count"' in html and "<strong>1</strong>" in html
    assert "/catalog/export.xlsx?q=" in html


def test_item_list_filters_from_query_string(clients, v1):
    get = clients["alice"].get
    assert get("/catalog/", {"domain": "market"}).context["page"].paginator.count == 2
    assert get("/catalog/", {"delegated": "yes"}).context["page"].paginator.count == 2
    assert get("/catalog/", {"high_frequency": "yes"}).context["page"].paginator.count == 1
    assert get("/catalog/", {"kind": "行政检查"}).context["page"].paginator.count == 0
    assert get("/catalog/", {"scene": "购"}).context["page"].paginator.count == 2
    assert get("/catalog/", {"status": "retired"}).context["page"].paginator.count == 0
    # A bad value is ignored, the rest of the query still applies.
    assert get("/catalog/", {"domain": "market", "delegated": "maybe"}).context["page"].paginator.count == 2


def test_item_list_query_count_is_constant(world, clients, django_assert_max_num_queries):
    # session, user, the nav's unit and region, domain choices, count, one page of items with their domains
    rows = [item(f"ZH{n:04d}", f"对第{n}类违法行为的行政处罚", keywords="测试") for n in range(120)]
    apply_rows(rows, version="big", by=world.root)
    client = clients["alice"]
    with django_assert_max_num_queries(7):
        res = client.get("/catalog/", {"q": "行政处罚"})
    assert len(res.context["page"].object_list) == 50
    with django_assert_max_num_queries(7):
        res = client.get("/catalog/", {"q": "测试", "page": "3"}, HTTP_HX_REQUEST="true")
    assert len(res.context["page"].object_list) == 20


def test_anonymous_is_sent_to_login(client, v1):
    res = client.get("/catalog/")
    assert res.status_code == 302 and "/accounts/login/" in res["Location"]


def test_item_detail_page(world, clients, v1):
    scenario_create(
        code="S01", name="小餐饮监管一件事", items=list(EnforcementItem.objects.all()[:3]), by=world.root
    )
    res = clients["olga"].get("/catalog/items/ZH0001/")
    assert res.status_code == 200
    html = res.content.decode()
    for text in (
        "《中华人民共和国大气污染防治法》第八十一条第一款",
        "《中华人民共和国大气污染防治法》第一百一十八条第一款",
        "现场检查笔录",
        "超标排放油烟，经责令改正后仍未改正",
        "5000.00 – 20000.00",
        "自 2022年6月1日 起由街道综合行政执法队办理",
        "小餐饮监管一件事",
        "v1",
    ):
        assert text in html, text


def test_item_detail_history_shows_changed_fields(world, clients, v1):
    rows = base_rows()
    rows[0]["delegated"] = "否"
    apply_rows(rows, version="v2", by=world.root, bands=base_bands())
    html = clients["alice"].get("/catalog/items/ZH0001/").content.decode()
    assert "<strong>赋权街道</strong>：是 → 否" in html
    assert "<strong>赋权生效日期</strong>：2022-06-01 → —" in html


def test_unknown_item_and_scenario_are_404(clients, v1):
    assert clients["alice"].get("/catalog/items/NOPE/").status_code == 404
    assert clients["alice"].get("/catalog/scenarios/NOPE/").status_code == 404


def test_scenario_pages(world, clients, v1):
    items = list(EnforcementItem.objects.filter(code__in=["ZH0001", "SJ0001"]))
    scenario_create(
        code="S01", name="小餐饮监管一件事", description="小餐饮一次查", items=items, by=world.root
    )
    res = clients["bob"].get("/catalog/scenarios/")
    assert res.status_code == 200 and "小餐饮监管一件事" in res.content.decode()
    assert res.context["active_nav"] == "scenarios"
    res = clients["bob"].get("/catalog/scenarios/S01/")
    html = res.content.decode()
    assert res.status_code == 200
    assert "<h2>综合执法（1 项）</h2>" in html and "<h2>市场监管（1 项）</h2>" in html


def test_export_of_the_current_filter(clients, v1):
    res = clients["alice"].get("/catalog/export.xlsx", {"domain": "market"})
    assert res.status_code == 200
    assert res["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert res["Content-Disposition"].startswith('attachment; filename="catalog-')
    wb = load_workbook(io.BytesIO(res.content))
    assert [r[0] for r in wb["事项"].iter_rows(min_row=2, values_only=True)] == ["SJ0001", "SJ0002"]
    assert [r[0] for r in wb["裁量基准"].iter_rows(min_row=2, values_only=True)] == ["SJ0002"]


@pytest.mark.parametrize(("who", "status"), [("root", 200), ("alice", 403), ("olga", 403), ("carol", 403)])
def test_release_pages_are_for_admins(clients, v1, who, status):
    for url in ("/catalog/releases/", "/catalog/releases/new/", f"/catalog/releases/{v1.pk}/"):
        assert clients[who].get(url).status_code == status, url


def test_release_nav_only_for_admins(clients, v1):
    assert "清单版本" in clients["root"].get("/catalog/").content.decode()
    assert "清单版本" not in clients["alice"].get("/catalog/").content.decode()


def _upload(client, rows, version="v2", **extra):
    data = {"version": version, "title": "调整", "file": SimpleUploadedFile("v2.csv", csv_bytes(rows))}
    data.update(extra)
    return client.post("/catalog/releases/new/", data)


def test_upload_with_errors_shows_the_table_and_saves_nothing(clients, v1):
    rows = base_rows()
    rows[1]["domain"] = "城管"
    rows[3]["delegated_from"] = "2022/02/30"
    res = _upload(clients["root"], rows)
    assert res.status_code == 400
    html = res.content.decode()
    assert "导入失败：共 2 处错误，未导入任何内容" in html
    assert '<td style="white-space:nowrap">第3行</td><td>domain</td><td>未知领域“城管”' in html
    assert (
        '<td style="white-space:nowrap">第5行</td><td>delegated_from</td><td>日期“2022/02/30”无效，格式应为 YYYY-MM-DD</td>'
        in html
    )
    assert CatalogRelease.objects.count() == 1


def test_upload_duplicate_version_is_a_field_error(clients, v1):
    res = _upload(clients["root"], base_rows(), version="v1")
    assert res.status_code == 400
    assert res.context["form"].errors["version"] == ["版本号“v1”已存在，请换一个版本号"]


def test_upload_review_and_apply(clients, v1):
    rows = [r for r in base_rows() if r["code"] != "ZH0003"]
    rows[0]["name"] = "对餐饮服务业经营者超标排放油烟的行政处罚"
    res = _upload(clients["root"], rows, discretion_file=SimpleUploadedFile("b.csv", csv_bytes(base_bands())))
    draft = CatalogRelease.objects.get(version="v2")
    assert res.status_code == 302 and res["Location"] == f"/catalog/releases/{draft.pk}/"
    page = clients["root"].get(res["Location"])
    html = page.content.decode()
    assert page.context["kind"] == "changed"
    assert (
        "<del>对餐饮服务业经营者超过排放标准排放油烟的行政处罚</del> → <ins>对餐饮服务业经营者超标排放油烟的行政处罚</ins>"
        in html
    )
    assert "发布</button>" in html and "作废</button>" in html
    retired = clients["root"].get(res["Location"], {"kind": "retired"}).content.decode()
    assert "ZH0003" in retired and "对随意倾倒、抛撒、堆放建筑垃圾的行政处罚" in retired

    assert clients["olga"].post(f"/catalog/releases/{draft.pk}/apply/").status_code == 403
    assert clients["alice"].post(f"/catalog/releases/{draft.pk}/apply/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"

    res = clients["root"].post(f"/catalog/releases/{draft.pk}/apply/", follow=True)
    assert "版本“v2”已发布：新增 0 项，变更 1 项，取消 1 项" in res.content.decode()
    assert EnforcementItem.objects.get(code="ZH0003").status == "retired"
    assert clients["root"].get(f"/catalog/releases/{draft.pk}/apply/").status_code == 405


def test_stale_apply_from_the_page_shows_the_conflict(world, clients, v1):
    first = import_rows(base_rows()[:4], version="v2", by=world.root)
    second = import_rows(base_rows()[:3], version="v3", by=world.root)
    clients["root"].post(f"/catalog/releases/{first.pk}/apply/")
    res = clients["root"].post(f"/catalog/releases/{second.pk}/apply/", follow=True)
    assert "清单已被其他版本更新，请重新导入后再发布" in res.content.decode()
    res = clients["root"].post(f"/catalog/releases/{second.pk}/discard/", follow=True)
    assert "版本“v3”已作废" in res.content.decode()
    second.refresh_from_db()
    assert second.status == "discarded"


def test_release_list_page(clients, v1):
    res = clients["root"].get("/catalog/releases/")
    assert res.context["active_nav"] == "releases"
    assert "5 / 0 / 0" in res.content.decode()
