"""Register and edit pages of subjects: fields, errors by field in Chinese, stale edits, jurisdiction, roles."""

import re

from tests.subjects.conftest import code
from zhifa.audit.models import AuditRecord
from zhifa.subjects.models import Subject


def _form(**over) -> dict:
    data = {
        "name": "示例页面登记服饰店",
        "kind": "individual",
        "uscc": code(500, "2"),
        "industry": "F52",
        "address": "",
        "lng": "",
        "lat": "",
        "subdistrict": "",
        "building": "NX-B001",
        "opened_on": "2026-03-01",
        "credit_class": "B",
        "status": "active",
        "scenarios": ["SC03"],
    }
    data.update(over)
    return data


def test_new_page_registers_in_the_building_grid(subjects, clients):
    w = subjects
    page = clients["alice"].get("/subjects/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "统一社会信用代码" in html and "H62 餐饮业" in html and "小餐饮" in html
    res = clients["alice"].post("/subjects/new/", _form())
    assert res.status_code == 302
    s = Subject.objects.get(name="示例页面登记服饰店")
    assert res["Location"] == f"/subjects/{s.pk}/"
    assert (s.grid, s.subdistrict, s.building) == (w.nanxing_grid, w.nanxing, w.building)
    assert (s.lng, s.lat, str(s.opened_on)) == (120.17, 30.22, "2026-03-01")
    assert list(s.scenarios.values_list("code", flat=True)) == ["SC03"]
    assert AuditRecord.objects.filter(action="subject.create", object_id=str(s.pk)).exists()


def test_new_page_shows_errors_by_field(subjects, clients):
    good = code(501)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    res = clients["alice"].post("/subjects/new/", _form(uscc=bad, opened_on="2026-13-40"))
    assert res.status_code == 400
    html = res.content.decode()
    assert f"校验位错误，应为 {good[17]}" in html and 'id="id_uscc_error"' in html
    assert "成立日期“2026-13-40”无法识别，格式应为 YYYY-MM-DD" in html
    assert 'id="id_opened_on_error"' in html
    # Each input names its error list (and help text) for screen readers.
    assert re.search(r'<input[^>]*name="uscc"[^>]*aria-describedby="[^"]*id_uscc_error', html)
    assert re.search(r'<input[^>]*name="opened_on"[^>]*aria-invalid="true"', html)
    res = clients["alice"].post("/subjects/new/", _form(uscc="", kind="enterprise"))
    assert "统一社会信用代码不能为空（只有“场所”类对象可以不填）" in res.content.decode()
    assert not Subject.objects.filter(name="示例页面登记服饰店").exists()


def test_new_page_jurisdiction_and_roles(subjects, clients):
    # 南星's officer cannot register a subject placed in 九堡 (the select only offers 南星 either).
    res = clients["alice"].post("/subjects/new/", _form(building="", subdistrict="330102018"))
    assert res.status_code == 400
    assert "九堡街道" not in res.content.decode().split('id="id_subdistrict"')[1].split("</select>")[0]
    res = clients["alice"].post("/subjects/new/", _form(building="", address="九堡街道示例路9号"))
    assert res.status_code == 400 and "九堡街道不在您的辖区内" in res.content.decode()
    assert clients["olga"].get("/subjects/new/").status_code == 403
    assert clients["olga"].post("/subjects/new/", _form()).status_code == 403
    assert not Subject.objects.filter(name="示例页面登记服饰店").exists()
    list_html = clients["alice"].get("/subjects/").content.decode()
    assert "登记监管对象" in list_html
    assert "登记监管对象" not in clients["olga"].get("/subjects/").content.decode()


def _edit_data(client, pk: int, **over) -> dict:
    form = client.get(f"/subjects/{pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(over)
    return data


def test_edit_saves_only_changes_and_bumps_the_version(subjects, clients):
    shop = subjects.nanxing_shop
    detail = clients["alice"].get(f"/subjects/{shop.pk}/").content.decode()
    assert f"/subjects/{shop.pk}/edit/" in detail
    page = clients["alice"].get(f"/subjects/{shop.pk}/edit/")
    assert page.status_code == 200 and f'name="version" value="{shop.version}"' in page.content.decode()
    res = clients["alice"].post(
        f"/subjects/{shop.pk}/edit/", _edit_data(clients["alice"], shop.pk, credit_class="C")
    )
    assert res.status_code == 302
    shop.refresh_from_db()
    assert (shop.credit_class, shop.version, shop.subdistrict.code) == ("C", 2, "330102008")
    audit = AuditRecord.objects.filter(action="subject.update", object_id=str(shop.pk)).get()
    assert audit.before["credit_class"] == "A" and audit.after["credit_class"] == "C"


def test_stale_edit_is_a_conflict(subjects, clients):
    shop = subjects.nanxing_shop
    stale = _edit_data(clients["alice"], shop.pk, name="改名后的小吃店")
    # Someone else saves in between.
    clients["carol"].post(
        f"/subjects/{shop.pk}/edit/", _edit_data(clients["carol"], shop.pk, credit_class="D")
    )
    res = clients["alice"].post(f"/subjects/{shop.pk}/edit/", stale)
    assert res.status_code == 409
    html = res.content.decode()
    assert 'id="conflict"' in html and "该对象在您编辑期间已被他人修改" in html and "您的修改未保存" in html
    shop.refresh_from_db()
    assert (shop.name, shop.credit_class, shop.version) == ("杭州示例0001小吃店", "D", 2)


def test_edit_errors_scope_and_roles(subjects, clients):
    shop = subjects.nanxing_shop
    res = clients["alice"].post(
        f"/subjects/{shop.pk}/edit/", _edit_data(clients["alice"], shop.pk, uscc=subjects.jiubao_firm.uscc)
    )
    assert (
        res.status_code == 409
        and f"统一社会信用代码“{subjects.jiubao_firm.uscc}”已登记" in res.content.decode()
    )
    res = clients["alice"].post(f"/subjects/{shop.pk}/edit/", _edit_data(clients["alice"], shop.pk, name=""))
    assert res.status_code == 400 and 'id="id_name_error"' in res.content.decode()
    assert clients["bob"].get(f"/subjects/{shop.pk}/edit/").status_code == 404
    assert clients["olga"].get(f"/subjects/{shop.pk}/edit/").status_code == 403
    assert "编辑</a>" not in clients["olga"].get(f"/subjects/{shop.pk}/").content.decode()
    shop.refresh_from_db()
    assert shop.version == 1


def test_moving_by_address_recomputes_the_subdistrict(subjects, clients):
    firm = subjects.jiubao_firm
    data = _edit_data(clients["carol"], firm.pk, address="南星街道示例路20号")
    res = clients["carol"].post(f"/subjects/{firm.pk}/edit/", data)
    assert res.status_code == 302
    firm.refresh_from_db()
    assert firm.subdistrict == subjects.nanxing and firm.region_path == "/330102/330102008/"


def test_every_problem_in_one_submit_in_chinese_whatever_the_browser_language(subjects, clients):
    good = code(502)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    res = clients["alice"].post(
        "/subjects/new/", _form(name="", industry="", uscc=bad, kind="nonsense"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert res.status_code == 400
    assert "类型“nonsense”不是可选的值" in res.content.decode()
    res = clients["alice"].post(
        "/subjects/new/", _form(name="", industry="", uscc=bad), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = res.content.decode()
    assert res.status_code == 400 and "This field" not in html
    for message in ("名称不能为空", "行业不能为空", f"校验位错误，应为 {good[17]}"):
        assert message in html
