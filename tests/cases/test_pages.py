"""Case pages: list with filters and a query budget, the case page with clocks and next actions, actions that
refuse with the service's message, 立案 from an inspection finding, the phone page, files and documents only
through jurisdiction-checked views; other subdistricts 404, read-only roles 403."""

import base64
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases.conftest import PNG, add_required_evidence, at, notified_case, open_case, photo, printed_pdf
from tests.conftest import client_for
from zhifa.cases import services as svc
from zhifa.cases.models import Case
from zhifa.engine.idcard import id_make


def test_list_shows_the_users_cases_with_filters_and_a_query_budget(cw, clock):
    w = cw
    for _ in range(5):
        open_case(w)
    alice = client_for(w.alice)
    with CaptureQueriesContext(connection) as queries:
        res = alice.get("/cases/")
    assert res.status_code == 200
    assert len(queries) <= 16, [q["sql"] for q in queries]
    html = res.content.decode()
    assert html.count('href="/cases/') >= 5 and "南星街道综合行政执法队立字〔2026〕第5号" in html
    assert client_for(w.bob).get("/cases/").content.decode().count("立字〔2026〕") == 0
    assert len(alice.get("/cases/", {"due_within": 7}).context["page"]) == 0
    assert len(alice.get("/cases/", {"due_within": 90}).context["page"]) == 5
    assert len(alice.get("/cases/", {"stage": "investigating"}).context["page"]) == 0
    assert len(alice.get("/cases/", {"item": "zh0101", "q": w.nanxing_shop.name[:4]}).context["page"]) == 5
    clock.move_to(at(2026, 6, 2))
    res = client_for(w.alice).get("/cases/", {"overdue": "1", "due_within": "bad"})
    assert len(res.context["page"]) == 5 and 'class="due overdue"' in res.content.decode()


def test_case_page_shows_clocks_parties_causes_and_only_the_next_actions(cw):
    w = cw
    case = open_case(w)
    alice = client_for(w.alice)
    for url, budget in ((f"/cases/{case.pk}/", 24), (f"/api/v1/cases/{case.pk}", 16)):
        with CaptureQueriesContext(connection) as queries:
            assert alice.get(url).status_code == 200
        assert len(queries) <= budget, (url, len(queries))
    html = alice.get(f"/cases/{case.pk}/").content.decode()
    assert "作出处罚决定" in html and "2026-05-31" in html and "剩 90 天" in html
    assert "追责时效至" in html and "2028-02-27" in html
    assert 'id="action-investigate"' in html and 'id="action-notify"' not in html
    assert "《中华人民共和国大气污染防治法》第八十一条" in html
    assert "✗ 缺 询问笔录（当事人的陈述）" in html
    olga = client_for(w.olga).get(f"/cases/{case.pk}/").content.decode()
    assert "您的角色为只读" in olga and 'id="action-investigate"' not in olga


def test_an_action_refused_shows_the_message_and_changes_nothing(cw):
    w = cw
    case = open_case(w)
    alice = client_for(w.alice)
    assert alice.post(f"/cases/{case.pk}/act/investigate/").status_code == 302
    res = alice.post(
        f"/cases/{case.pk}/act/notify/",
        {
            "penalties": "1",
            f"circumstance_{case.causes.get().pk}": "一般",
            f"kinds_{case.causes.get().pk}": "fine",
            f"fine_{case.causes.get().pk}": "2000",
        },
    )
    assert res.status_code == 400
    assert "告知前须补齐证据：询问笔录（当事人的陈述）、现场照片或视频（视听资料）" in res.content.decode()
    case.refresh_from_db()
    assert case.stage == "investigating"
    add_required_evidence(w, case)
    cause = case.causes.get().pk
    res = alice.post(
        f"/cases/{case.pk}/act/notify/",
        {
            "penalties": "1",
            f"circumstance_{cause}": "一般",
            f"kinds_{cause}": "fine",
            f"fine_{cause}": "2000",
        },
    )
    assert res.status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.notified_fine) == ("notified", 2000)


def test_other_subdistrict_404_read_only_403_on_every_page(cw):
    w = cw
    case = open_case(w)
    svc.case_evidence_upload(case=case, file=photo(), kind="audiovisual", description="照片", by=w.alice)
    evidence = case.evidence.get()
    doc = case.documents.get()
    bob, olga, alice = client_for(w.bob), client_for(w.olga), client_for(w.alice)
    for url in (
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/evidence/{evidence.pk}/file/",
        f"/cases/{case.pk}/documents/{doc.pk}/pdf/",
    ):
        assert bob.get(url).status_code == 404, url
    assert bob.post(f"/cases/{case.pk}/act/investigate/").status_code == 404
    res = olga.post(f"/cases/{case.pk}/act/investigate/")
    assert res.status_code == 403 and "您的角色为只读，不能进行此操作" in res.content.decode()
    res = client_for(w.carol).post(f"/cases/{case.pk}/act/withdraw/", {"reason": "x"})
    assert res.status_code == 403 and "只有办案单位可以办理该案件" in res.content.decode()
    assert Case.objects.get().stage == "filed"
    res = alice.get(f"/cases/{case.pk}/evidence/{evidence.pk}/file/")
    assert res.status_code == 200 and res["X-Evidence-SHA256"] == evidence.sha256
    assert b"".join(res.streaming_content).startswith(b"\xff\xd8\xff")
    assert olga.get(f"/cases/{case.pk}/evidence/{evidence.pk}/file/").status_code == 200
    res = alice.get(f"/cases/{case.pk}/documents/{doc.pk}/pdf/")
    assert res.status_code == 200 and res["Content-Type"] == "application/pdf"
    assert res.content.startswith(b"%PDF-")
    assert client_for(w.otto).get(f"/cases/{case.pk}/").status_code == 404
    assert client_for(w.otto).get("/cases/").context["page"].paginator.count == 0


def _finished_inspection(w):
    from zhifa.catalog.models import EnforcementItem
    from zhifa.inspections.records.services import inspection_answer, inspection_finish, inspection_start

    w.scenario.items.set(EnforcementItem.objects.filter(code__in=["ZH0101"]))
    record = inspection_start(
        subject=w.nanxing_shop,
        kind="routine",
        visited_on=date(2026, 3, 2),
        officers=[w.nanxing_officer_record, w.partner],
        domains=["comprehensive"],
        by=w.alice,
    )
    record = inspection_answer(
        inspection=record,
        answers=[{"item": "ZH0101", "result": "violation", "severity": "ordinary", "note": "油烟直排"}],
        version=record.version,
        by=w.alice,
    )
    inspection_finish(inspection=record, summary="发现油烟直排", by=w.alice)
    return record


def test_open_a_case_from_an_inspection_finding_through_its_page(cw):
    w = cw
    record = _finished_inspection(w)
    finding = record.findings.get()
    alice = client_for(w.alice)
    page = alice.get(f"/inspections/records/{record.pk}/").content.decode()
    assert f"/cases/new/?finding={finding.pk}" in page
    form = alice.get(f"/cases/new/?finding={finding.pk}")
    assert form.context["form"].initial["items"] == "ZH0101" and form.context["source"] == "inspection"
    body = {
        "source": "inspection",
        "finding": finding.pk,
        "subject": w.nanxing_shop.pk,
        "items": "ZH0101",
        "facts": "油烟直排",
        "conduct_ended_on": "2026-03-02",
        "procedure": "ordinary",
        "lead": w.nanxing_officer_record.pk,
        "officers": [w.nanxing_officer_record.pk],
        "action": "open",
    }
    res = alice.post(f"/cases/new/?finding={finding.pk}", body)
    assert res.status_code == 400 and "办案执法人员不得少于两人" in res.content.decode()
    body["officers"] = [w.nanxing_officer_record.pk, w.partner.pk]
    res = alice.post(f"/cases/new/?finding={finding.pk}", body)
    case = Case.objects.get()
    assert res.status_code == 302 and res["Location"] == f"/cases/{case.pk}/"
    assert (case.source, case.finding, case.inspection) == ("inspection", finding, record)
    res = alice.post(f"/cases/new/?finding={finding.pk}", body)
    assert res.status_code == 409 and f"该违法行为已立案：{case.number}" in res.content.decode()
    assert client_for(w.bob).get(f"/cases/new/?finding={finding.pk}").status_code == 404
    # The visit's 现场检查笔录 prints from the record, on the page and through the API; not for other subdistricts.
    assert "/site-record/pdf/" in alice.get(f"/cases/{case.pk}/").content.decode()
    for url in (f"/cases/{case.pk}/site-record/pdf/", f"/api/v1/cases/{case.pk}/site-record/pdf"):
        res = alice.get(url)
        assert res.status_code == 200 and res["Content-Type"] == "application/pdf", url
        assert client_for(w.bob).get(url).status_code == 404, url
    text = printed_pdf(res.content)
    assert "现场检查笔录" in text and "南星街道办事处" in text
    assert "ZJ-TEST-0001" in text and "餐饮服务业经营者超过排放标准排放油烟：违法（油烟直排）" in text


def test_a_case_not_from_a_visit_has_no_site_record(cw):
    w = cw
    case = open_case(w)
    assert "/site-record/pdf/" not in client_for(w.alice).get(f"/cases/{case.pk}/").content.decode()
    assert client_for(w.alice).get(f"/cases/{case.pk}/site-record/pdf/").status_code == 404
    res = client_for(w.alice).get(f"/api/v1/cases/{case.pk}/site-record/pdf")
    assert res.status_code == 400 and res.json()["message"] == "本案不是由检查发现的，没有现场检查笔录"


def test_subject_and_event_pages_link_to_open_a_case(cw):
    w = cw
    from tests.cases.conftest import enforcement_event

    alice = client_for(w.alice)
    assert (
        f"/cases/new/?subject={w.nanxing_shop.pk}"
        in alice.get(f"/subjects/{w.nanxing_shop.pk}/").content.decode()
    )
    event = enforcement_event(w)
    assert f"/cases/new/?event={event.pk}" in alice.get(f"/dispatch/events/{event.pk}/").content.decode()
    assert "?event=" not in client_for(w.olga).get(f"/dispatch/events/{event.pk}/").content.decode()


def test_the_phone_page_decides_on_the_spot_with_photo_and_signature(cw):
    w = cw
    alice = client_for(w.alice)
    page = alice.get("/cases/on-spot/")
    assert page.status_code == 200 and 'name="viewport"' in page.content.decode()
    # Per kind of party (a band for either applies to both), as the service holds the fine.
    assert page.context["bands"]["ZH0018"]["person"]["一般"] == ["50.00", "200.00"]
    assert page.context["bands"]["ZH0018"]["organisation"]["一般"] == ["50.00", "200.00"]
    body = {
        "party_kind": "person",
        "party_name": "赵六",
        "party_id_number": id_make(born=date(1995, 5, 5), sequence=3),
        "item": "ZH0018",
        "circumstance": "一般",
        "penalty": "fine",
        "fine": "300",
        "facts": "占道设摊",
        "place": "示例路口",
        "partner": str(w.partner.pk),
        "signature": "data:image/png;base64," + base64.b64encode(PNG).decode(),
        "photo": photo(),
    }
    res = alice.post("/cases/on-spot/", body)
    assert res.status_code == 400
    text = res.content.decode()
    assert "简易程序对公民罚款不得超过 200 元，300 元须按普通程序办理" in text
    body.update(fine="30", photo=photo())
    res = alice.post("/cases/on-spot/", body)
    assert res.status_code == 400
    assert "罚款 30 元超出裁量基准（一般：50–200 元），当场处罚须在裁量基准内" in res.content.decode()
    assert not Case.objects.exists()
    body.update(fine="150", photo=photo())
    assert alice.post("/cases/on-spot/", body).status_code == 302
    case = Case.objects.get()
    assert (case.procedure, case.stage, case.fine_total) == ("simple", "served", 150)
    doc = case.documents.get(kind="on_spot_decision")
    assert doc.signature and alice.get(f"/cases/{case.pk}/documents/{doc.pk}/signature/").status_code == 200
    assert client_for(w.bob).get(f"/cases/{case.pk}/documents/{doc.pk}/signature/").status_code == 404


def test_notify_form_on_the_page_lists_each_cause_with_its_band(cw):
    w = cw
    case = open_case(w)
    svc.case_investigate(case=case, by=w.alice)
    html = client_for(w.alice).get(f"/cases/{case.pk}/").content.decode()
    assert "裁量基准：轻微 0–500 元；一般 500–5000 元" in html
    notified = notified_case(w)
    html = client_for(w.alice).get(f"/cases/{notified.pk}/").content.decode()
    assert "陈述申辩 / 听证申请" in html and 'id="action-respond"' in html


def test_read_only_and_other_units_cannot_open_through_the_pages(cw):
    w = cw
    body = {
        "items": "ZH0101",
        "facts": "x",
        "conduct_ended_on": "2026-03-01",
        "lead": w.nanxing_officer_record.pk,
    }
    res = client_for(w.olga).post("/cases/new/", {**body, "action": "open"})
    assert res.status_code == 403 and "您的角色为只读" in res.content.decode()
    res = client_for(w.olga).post("/cases/on-spot/", {"party_name": "x"})
    assert res.status_code == 403
    res = client_for(w.carol).post("/cases/new/", {**body, "action": "decline", "reason": "x"})
    assert res.status_code == 403 and "只有执法队伍或区级部门可以立案" in res.content.decode()
    assert not Case.objects.exists()
    res = client_for(w.alice).post("/cases/new/", {**body, "action": "decline", "reason": "经核查不属实"})
    assert res.status_code == 302 and Case.objects.get().stage == "not_filed"


def test_the_legal_review_form_is_offered_to_reviewers_not_to_the_investigators(cw):
    w = cw
    case = notified_case(w, fine=12000, circumstance="较重")
    svc.case_respond(case=case, kind="waiver", by=w.alice)
    svc.case_review_submit(case=case, by=w.alice)
    assert 'id="action-review_opinion"' not in client_for(w.alice).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="action-review_opinion"' in client_for(w.rita).get(f"/cases/{case.pk}/").content.decode()
