"""The visit start page shows the squad already planned and adds officers by search (page and API, only officers
the start service accepts); the checklist reads as questions with the legal basis one tap away; a visit's
checklist holds only items of the ticked domains."""

import csv
from datetime import date
from pathlib import Path

from django.urls import reverse

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.inspections.test_records import _plan_visit, rec, start  # noqa: F401 (fixture)
from tests.subjects.conftest import subjects  # noqa: F401 (fixture)
from zhifa.inspections.models import Inspection
from zhifa.inspections.records.checklist import inspection_checklist
from zhifa.inspections.records.questions import item_question
from zhifa.inspections.records.selectors import officers_for_visit
from zhifa.org.services import officer_create

SEARCH = "/api/v1/inspections/records/officers"


def _others(w):
    """A 九堡 officer (not for a 南星 shop) and a district team officer (anywhere)."""
    far = officer_create(
        name="测试九堡队员丁",
        birth_date=date(1990, 1, 1),
        certificate_no="ZJ-TEST-0004",
        home_department=w.bureau,
        team=w.jiubao_team,
        seconded=True,
        domains=[w.comprehensive],
    )
    district_officer = officer_create(
        name="测试区队队员戊",
        birth_date=date(1986, 1, 1),
        certificate_no="ZJ-TEST-0005",
        home_department=w.bureau,
        team=w.district_team,
        domains=[w.comprehensive],
    )
    return far, district_officer


def test_search_finds_only_officers_the_service_accepts(rec):  # noqa: F811
    w = rec
    far, district_officer = _others(w)
    found = officers_for_visit(user=w.alice, subject=w.nanxing_shop, q="测试")
    names = [o.name for o in found]
    assert "测试队员丙" in names and "测试区队队员戊" in names and far.name not in names
    assert names.index("测试队员丙") < names.index("测试区队队员戊")  # the subdistrict's own team first
    assert [o.name for o in officers_for_visit(user=w.alice, subject=w.nanxing_shop, q="ZJ-TEST-0003")] == [
        "测试队员丙"
    ]
    assert officers_for_visit(user=w.alice, subject=w.nanxing_shop, q="  ") == []
    # Everyone found can be named on a record: the start service accepts them.
    made = start(w, officers=[w.nanxing_officer_record, district_officer], domains=["comprehensive"])
    assert set(made.officers.all()) == {w.nanxing_officer_record, district_officer}


def test_search_api_and_its_refusals(rec, clients):  # noqa: F811
    w = rec
    far, _ = _others(w)
    res = clients["alice"].get(SEARCH, {"subject": w.nanxing_shop.pk, "q": "丙"})
    assert res.status_code == 200
    assert res.json() == [
        {
            "id": w.partner.pk,
            "name": "测试队员丙",
            "certificate_no": "ZJ-TEST-0003",
            "team": "南星街道综合行政执法队",
            "domains": ["综合执法", "市场监管"],
        }
    ]
    assert clients["alice"].get(SEARCH, {"subject": w.nanxing_shop.pk, "q": "丁"}).json() == []
    # 九堡's officer cannot look into a 南星 subject; a missing subject parameter is a 422 in Chinese.
    assert clients["bob"].get(SEARCH, {"subject": w.nanxing_shop.pk, "q": "丙"}).status_code == 404
    res = clients["alice"].get(SEARCH, {"q": "丙"})
    assert res.status_code == 422 and res.json()["message"] == "请求参数有误"


def test_start_page_lists_the_planned_squad_and_adds_by_search_without_js(rec, clients):  # noqa: F811
    w = rec
    far, district_officer = _others(w)
    visit = _plan_visit(w, ["SJ0001"])
    page = clients["alice"].get(reverse("inspections:record_new"), {"plan_visit": visit.pk}).content.decode()
    squad = page[page.index('id="squad"') : page.index('id="squad-rule"')]
    assert "测试队员甲" in squad and "测试队员丙" in squad and squad.count("checked") == 2
    assert "计划编组" in page and "js/squad.js" in page and "<script>" not in page
    assert 'type="checkbox" name="officers"' not in page[page.index('id="squad-rule"') :]  # no long list
    # 查找 (no JS): the page comes back with the matches to tick, the squad kept, nothing started.
    posted = {
        "plan_visit": visit.pk,
        "officers": [w.nanxing_officer_record.pk, w.partner.pk],
        "action": "find",
    }
    res = clients["alice"].post(reverse("inspections:record_new"), {**posted, "officer_q": "测试"})
    html = res.content.decode()
    results = html[html.index('id="officer-results"') :]
    assert res.status_code == 200 and district_officer.name in results and far.name not in results
    assert "测试队员丙" not in results  # already in the squad
    res = clients["alice"].post(reverse("inspections:record_new"), {**posted, "officer_q": "丁"})
    assert "未找到“丁”：只能添加负责该对象所在区域的执法队员" in res.content.decode()
    assert not Inspection.objects.exists()
    # 开始检查 with the added officer.
    res = clients["alice"].post(
        reverse("inspections:record_new"),
        {
            "plan_visit": visit.pk,
            "officers": [w.nanxing_officer_record.pk, w.partner.pk, district_officer.pk],
            "domains": ["comprehensive", "market"],
            "visited_on": w.today.isoformat(),
            "action": "start",
        },
    )
    assert res.status_code == 302, res.content.decode()[res.content.decode().find('role="alert"') :][:400]
    i = Inspection.objects.get()
    assert set(i.officers.all()) == {w.nanxing_officer_record, w.partner, district_officer}


def test_checklist_reads_as_questions_with_the_basis_one_tap_away(rec, clients):  # noqa: F811
    w = rec
    i = start(w)
    html = clients["alice"].get(f"/inspections/records/{i.pk}/").content.decode()
    assert "是否取得食品经营许可并在有效期内？" in html  # SJ0001: the reviewed wording
    assert "是否安装油烟净化设施并正常使用、油烟达标排放？" in html
    assert '<details class="basis"><summary>法律依据</summary>' in html
    assert "对未取得食品经营许可从事食品经营活动的行政处罚" in html  # the title, inside the details
    assert html.index("法律依据") < html.index('name="result_SJ0001"')
    assert 'id="progress-answered">0</strong> / <span id="progress-total">2</span>' in html
    assert "js/checklist.js" in html and "<script nonce" not in html
    for label in ("合规", "违法", "不适用"):
        assert f"> {label}</label>" in html


def test_the_override_table_names_real_items(rec):  # noqa: F811
    from zhifa.catalog.models import EnforcementItem
    from zhifa.inspections.records.questions import _overrides

    catalog = Path(__file__).resolve().parents[2] / "zhifa" / "demo" / "data" / "catalog_items.csv"
    real = {row["code"] for row in csv.DictReader(catalog.open(encoding="utf-8"))}
    assert set(_overrides()) and set(_overrides()) <= real  # every override names a real catalog item
    item = EnforcementItem.objects.get(code="SJ0005")
    assert item_question(item).source == "override" and item_question(item).kind == "requirement"
    item = EnforcementItem.objects.get(code="ZH0018")  # 擅自占用城市道路: the reviewed wording
    assert item_question(item).text == "是否擅自占用城市道路摆摊、堆物？"
    item = EnforcementItem(code="ZH0017", name="对擅自设置招牌或者招牌设置不符合规范的行政处罚")
    assert item_question(item).source == "rule" and item_question(item).kind == "prohibition"


def test_a_visit_checklist_holds_only_items_of_the_ticked_domains(rec):  # noqa: F811
    w = rec
    visit = _plan_visit(w, ["ZH0101", "SJ0001"])  # planned for 市场监管 only, with a 综合执法 item in it
    market = officer_create(
        name="测试南星市场队员",
        birth_date=date(1991, 1, 1),
        certificate_no="ZJ-TEST-0006",
        home_department=w.market_dept,
        team=w.nanxing_team,
        seconded=True,
        domains=[w.market],
    )
    i = start(w, plan_visit=visit, kind="joint", domains=["market"], officers=[w.partner, market])
    assert [x.code for x in inspection_checklist(i)] == ["SJ0001"]
