"""监管一件事 pages and the JSON API: start from a subject, fill the checklist with a photo, finish; jurisdiction
on every page and endpoint; errors in Chinese; stale versions 409."""

import hashlib
import json

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.dispatch.test_coordination import png_bytes
from tests.inspections.test_records import rec, start  # noqa: F401 (fixture)
from tests.subjects.conftest import subjects  # noqa: F401 (fixture)
from zhifa.inspections.models import Finding, Inspection, InspectionPhoto
from zhifa.inspections.records.services import inspection_answer
from zhifa.subjects.models import Violation


def test_start_page_from_the_subject_and_the_checklist(rec, clients, settings, tmp_path):  # noqa: F811
    w = rec
    settings.MEDIA_ROOT = tmp_path / "media"
    alice = clients["alice"]
    html = alice.get(f"/subjects/{w.nanxing_shop.pk}/").content.decode()
    assert f"/inspections/records/new/?subject={w.nanxing_shop.pk}" in html and "开始检查" in html
    html = alice.get(f"/inspections/records/new/?subject={w.nanxing_shop.pk}").content.decode()
    # The squad (alice herself) is listed; other officers are found by the 添加检查人员 search.
    assert (
        "测试队员丙" not in html and f'name="officers" value="{w.nanxing_officer_record.pk}" checked' in html
    )
    r = alice.post(
        "/inspections/records/new/",
        {
            "subject": w.nanxing_shop.pk,
            "officers": [w.nanxing_officer_record.pk],
            "officer_q": "丙",
            "action": "find",
        },
    )
    assert (
        r.status_code == 200 and "测试队员丙" in r.content.decode() and "ZJ-TEST-0003" in r.content.decode()
    )
    assert not Inspection.objects.exists()
    # One officer: refused in Chinese, nothing written.
    r = alice.post(
        "/inspections/records/new/",
        {
            "subject": w.nanxing_shop.pk,
            "kind": "routine",
            "visited_on": w.today.isoformat(),
            "officers": [w.nanxing_officer_record.pk],
            "domains": ["comprehensive"],
        },
    )
    assert r.status_code == 400 and "执法人员不得少于两人" in r.content.decode()
    assert not Inspection.objects.exists()
    r = alice.post(
        "/inspections/records/new/",
        {
            "subject": w.nanxing_shop.pk,
            "kind": "routine",
            "visited_on": w.today.isoformat(),
            "officers": [w.nanxing_officer_record.pk],
            "certificates": "ZJ-TEST-0003",
            "domains": ["comprehensive", "market"],
        },
    )
    i = Inspection.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/inspections/records/{i.pk}/"
    html = alice.get(f"/inspections/records/{i.pk}/").content.decode()
    assert 'name="result_ZH0101"' in html and 'name="result_SJ0001"' in html
    assert 'accept="image/*" capture="environment"' in html and "发现问题时生成事件" in html
    assert html.index("综合执法") < html.index("市场监管")  # grouped by domain

    # Save: a violation without a severity is refused, nothing written (not even the photo).
    photo = png_bytes(8, 6)
    bad = {
        "version": 1,
        "result_ZH0101": "violation",
        "result_SJ0001": "compliant",
        "photo_ZH0101": SimpleUploadedFile("油烟.png", photo, content_type="image/png"),
        "action": "save",
    }
    r = alice.post(f"/inspections/records/{i.pk}/", bad)
    assert r.status_code == 400 and "请选择情节" in r.content.decode()
    assert not Finding.objects.exists() and not InspectionPhoto.objects.exists()
    good = {
        "version": 1,
        "result_ZH0101": "violation",
        "severity_ZH0101": "serious",
        "note_ZH0101": "油烟直排",
        "result_SJ0001": "compliant",
        "photo_ZH0101": SimpleUploadedFile("油烟.png", photo, content_type="image/png"),
        "lng": "120.171234",
        "lat": "30.221234",
        "action": "save",
    }
    r = alice.post(f"/inspections/records/{i.pk}/", good)
    assert r.status_code == 302
    p = InspectionPhoto.objects.get()
    assert p.finding.item.code == "ZH0101" and p.sha256 == hashlib.sha256(photo).hexdigest()
    assert (p.lng, p.lat, p.content_type) == (120.171234, 30.221234, "image/png")
    got = alice.get(f"/inspections/records/photos/{p.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == photo
    assert clients["bob"].get(f"/inspections/records/photos/{p.pk}/").status_code == 404
    # The same form again (version 1 on screen): the record moved on meanwhile → 409.
    r = alice.post(f"/inspections/records/{i.pk}/", {**good, "photo_ZH0101": "", "version": 1})
    assert r.status_code == 409 and "已被他人更新" in r.content.decode()

    # Finish with an event.
    r = alice.post(
        f"/inspections/records/{i.pk}/", {"version": 2, "action": "finish", "summary": "", "start_event": "1"}
    )
    assert r.status_code == 302
    i.refresh_from_db()
    assert i.status == "finished" and i.event is not None
    html = alice.get(f"/inspections/records/{i.pk}/").content.decode()
    assert i.event.receipt_no in html and "risk-red" in html and "油烟直排" in html
    assert 'name="result_ZH0101"' not in html  # read-only
    assert Violation.objects.get().source == "例行检查"
    html = alice.get(f"/subjects/{w.nanxing_shop.pk}/").content.decode()
    assert f"/inspections/records/{i.pk}/" in html


def test_finish_page_names_missing_items_and_keeps_answers(rec, clients):  # noqa: F811
    w = rec
    i = start(w)
    r = clients["alice"].post(
        f"/inspections/records/{i.pk}/", {"version": 1, "result_SJ0001": "compliant", "action": "finish"}
    )
    html = r.content.decode()
    assert r.status_code == 400 and "还有 1 项未填写检查结果：ZH0101" in html
    assert Finding.objects.get().item.code == "SJ0001"  # what was filled is kept


def test_pages_and_api_are_scoped(rec, clients):  # noqa: F811
    w = rec
    i = start(w)
    for name in ("bob", "otto"):
        assert clients[name].get(f"/inspections/records/{i.pk}/").status_code == 404
        assert clients[name].get(f"/api/v1/inspections/records/{i.pk}").status_code == 404
    r = clients["bob"].post(f"/inspections/records/{i.pk}/", {"version": 1, "result_SJ0001": "compliant"})
    assert r.status_code == 404
    assert clients["bob"].get(f"/inspections/records/new/?subject={w.nanxing_shop.pk}").status_code == 404
    assert w.nanxing_shop.name not in clients["bob"].get("/inspections/records/").content.decode()
    assert w.nanxing_shop.name in clients["alice"].get("/inspections/records/").content.decode()
    assert w.nanxing_shop.name in clients["olga"].get("/inspections/records/").content.decode()
    assert clients["bob"].get("/api/v1/inspections/records").json()["count"] == 0
    assert clients["carol"].get("/api/v1/inspections/records").json()["count"] == 1
    r = clients["bob"].post(
        "/api/v1/inspections/records",
        data=json.dumps(
            {
                "subject": w.nanxing_shop.pk,
                "visited_on": w.today.isoformat(),
                "officers": ["ZJ-TEST-0002", "ZJ-TEST-0003"],
                "domains": ["market"],
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 404 and r.json()["message"] == "记录不存在或不在您的辖区内"
    # Oversight reads, never writes.
    r = clients["olga"].post(
        f"/api/v1/inspections/records/{i.pk}/answers",
        data=json.dumps({"version": 1, "answers": [{"item": "SJ0001", "result": "compliant"}]}),
        content_type="application/json",
    )
    assert r.status_code == 403


def test_list_filters(rec, clients):  # noqa: F811
    w = rec
    start(w)
    start(w, kind="guidance", officers=[w.partner])
    html = clients["alice"].get("/inspections/records/?kind=guidance").content.decode()
    assert (
        "执法体检（指导）" in html.split('id="records"')[1]
        and "例行检查" not in html.split('id="records"')[1]
    )
    html = clients["alice"].get("/inspections/records/?q=不存在的店").content.decode()
    assert "没有检查记录" in html
    html = (
        clients["alice"]
        .get(f"/inspections/records/?since={w.today.isoformat()}&status=open")
        .content.decode()
    )
    assert html.count(f"{w.nanxing_shop.name}</a>") == 2


def test_api_start_answer_finish(rec, clients):  # noqa: F811
    w = rec
    api = clients["alice"]

    def post(url, body):
        return api.post(url, data=json.dumps(body), content_type="application/json")

    r = post(
        "/api/v1/inspections/records",
        {
            "subject": w.nanxing_shop.pk,
            "visited_on": w.today.isoformat(),
            "officers": ["ZJ-TEST-0001"],
            "domains": ["comprehensive"],
        },
    )
    assert r.status_code == 400
    assert r.json()["message"] == "执法检查的执法人员不得少于两人（《中华人民共和国行政处罚法》第四十二条）"
    r = post(
        "/api/v1/inspections/records",
        {
            "subject": w.nanxing_shop.pk,
            "visited_on": w.today.isoformat(),
            "officers": ["ZJ-TEST-0001", "ZJ-TEST-0003"],
            "domains": ["comprehensive", "market"],
        },
    )
    assert r.status_code == 201
    body = r.json()
    rid = body["id"]
    assert [c["item_code"] for c in body["checklist"]] == ["ZH0101", "SJ0001"] and body["version"] == 1
    r = post(
        f"/api/v1/inspections/records/{rid}/answers",
        {"version": 1, "answers": [{"item": "SJ0005", "result": "na"}]},
    )
    assert r.status_code == 400 and "不在本次检查清单中" in r.json()["message"]
    r = post(
        f"/api/v1/inspections/records/{rid}/answers",
        {"version": 1, "answers": [{"item": "ZH0101", "result": "violation", "severity": "minor"}]},
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    r = post(
        f"/api/v1/inspections/records/{rid}/answers",
        {"version": 1, "answers": [{"item": "SJ0001", "result": "na"}]},
    )
    assert r.status_code == 409
    r = post(f"/api/v1/inspections/records/{rid}/finish", {"summary": ""})
    assert r.status_code == 400 and r.json()["errors"][0]["item"] == "SJ0001"
    inspection_answer(
        inspection=Inspection.objects.get(pk=rid),
        answers=[{"item": "SJ0001", "result": "compliant"}],
        version=2,
        by=w.alice,
    )
    r = post(f"/api/v1/inspections/records/{rid}/finish", {"summary": "责令改正"})
    body = r.json()
    assert r.status_code == 200 and body["status"] == "finished" and body["violations"] == 1
    assert body["summary"] == "责令改正" and body["colour_after"] in ("green", "yellow", "red")
    assert api.get(f"/api/v1/inspections/records?subject={w.nanxing_shop.pk}").json()["count"] == 1


def test_photo_must_be_an_image(rec, clients, settings, tmp_path):  # noqa: F811
    w = rec
    settings.MEDIA_ROOT = tmp_path / "media"
    i = start(w)
    pdf = SimpleUploadedFile("a.png", b"%PDF-1.4 fake", content_type="image/png")
    r = clients["alice"].post(f"/inspections/records/{i.pk}/", {"version": 1, "photo_general": pdf})
    assert r.status_code == 400 and "现场照片只接受" in r.content.decode()
    assert not InspectionPhoto.objects.exists()
    assert not [f for f in (tmp_path / "media").rglob("*") if f.is_file()]


def test_guidance_page(rec, clients, settings):  # noqa: F811
    from datetime import timedelta

    from tests.subjects.conftest import code
    from zhifa.subjects.services import subject_create

    w = rec
    settings.ZHIFA_GUIDANCE_VISIT_DAYS = 15
    new = subject_create(
        by=w.carol,
        name="杭州示例0031新开奶茶店",
        kind="individual",
        industry="H62",
        uscc=code(31, "2"),
        address="南星街道示例路31号",
        subdistrict="南星街道",
        opened_on=w.today - timedelta(days=20),
    )
    html = clients["alice"].get("/inspections/guidance/").content.decode()
    assert "成立后 15 天内" in html and new.name in html and "逾期" in html
    assert f"/inspections/records/new/?subject={new.pk}&amp;kind=guidance" in html
    assert new.name not in clients["bob"].get("/inspections/guidance/").content.decode()
    html = clients["alice"].get(f"/inspections/records/new/?subject={new.pk}&kind=guidance").content.decode()
    assert '<option value="guidance" selected>' in html


def test_start_from_a_plan_visit_is_prefilled(rec, clients):  # noqa: F811
    from tests.inspections.test_records import _plan_visit

    w = rec
    visit = _plan_visit(w, ["SJ0005", "SJ0001"])
    alice = clients["alice"]
    html = alice.get(f"/inspections/records/new/?plan_visit={visit.pk}").content.decode()
    assert (
        f'value="{w.partner.pk}" checked' in html and f'value="{w.nanxing_officer_record.pk}" checked' in html
    )
    assert 'value="market" checked' in html and 'value="comprehensive" checked' not in html
    assert (
        "检查清单（2 项）" in html and "店内食品是否都在保质期内、生产日期标注真实？" in html
    )  # as questions
    assert clients["bob"].get(f"/inspections/records/new/?plan_visit={visit.pk}").status_code == 404
    r = alice.post(
        "/inspections/records/new/",
        {
            "plan_visit": visit.pk,
            "visited_on": w.today.isoformat(),
            "officers": [w.partner.pk],
            "certificates": "ZJ-TEST-0009",
            "domains": ["market"],
        },
    )
    i = Inspection.objects.get()
    assert r.status_code == 302 and i.kind == "joint" and i.plan_visit == visit
    # Opening the visit again goes to its record.
    r = alice.get(f"/inspections/records/new/?plan_visit={visit.pk}")
    assert r.status_code == 302 and r["Location"] == f"/inspections/records/{i.pk}/"


def test_list_page_query_count(rec, clients, django_assert_max_num_queries):  # noqa: F811
    w = rec
    for _ in range(5):
        start(w)
    with django_assert_max_num_queries(12):
        r = clients["alice"].get("/inspections/records/")
    assert r.content.decode().count(f"{w.nanxing_shop.name}</a>") == 5
