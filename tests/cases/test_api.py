"""The cases JSON API: 立案, list, detail with deadlines and documents, one POST per transition; the same rules
and messages as the services; other subdistricts get 404, read-only roles 403; tokens from the command."""

import io
import json
import re
from io import StringIO

import pypdf
import pytest
from django.core.management import call_command
from django.test import Client

from tests.cases.conftest import add_required_evidence, at, notified_case, open_case
from tests.conftest import client_for
from zhifa.cases.models import Case


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def open_body(w, **kw):
    body = {
        "source": "manual",
        "parties": [{"subject": w.nanxing_shop.pk}],
        "causes": [{"item": "ZH0101"}],
        "officers": ["ZJ-TEST-0001", "ZJ-TEST-0003"],
        "facts": "油烟直排",
        "conduct_ended_on": "2026-02-27",
    }
    body.update(kw)
    return body


def test_open_list_and_detail(cw):
    w = cw
    alice = client_for(w.alice)
    res = post(alice, "/api/v1/cases", open_body(w))
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["number"] == "南星街道综合行政执法队立字〔2026〕第1号"
    assert (body["stage"], body["procedure"]) == ("filed", "ordinary")
    assert body["deadlines"]["decision_due"] == "2026-05-31"
    assert body["deadlines"]["limitation_end"] == "2028-02-27"
    doc = body["documents"][0]
    assert doc["kind"] == "filing" and doc["url"].endswith(
        f"/api/v1/cases/{body['id']}/documents/{doc['id']}/pdf"
    )
    assert body["actions"][0] == "investigate"
    listing = alice.get("/api/v1/cases", {"page_size": 10}).json()
    assert listing["count"] == 1 and listing["results"][0]["parties"] == [w.nanxing_shop.name]
    assert alice.get(f"/api/v1/cases/{body['id']}").json()["number"] == body["number"]


def test_bad_input_is_a_400_with_the_message_and_nothing_is_written(cw):
    w = cw
    res = post(client_for(w.alice), "/api/v1/cases", open_body(w, officers=["ZJ-TEST-0001"]))
    assert res.status_code == 400
    assert res.json() == {
        "message": "办案执法人员不得少于两人（《中华人民共和国行政处罚法》第四十二条）",
        "errors": [
            {
                "field": "officers",
                "message": "办案执法人员不得少于两人（《中华人民共和国行政处罚法》第四十二条）",
            }
        ],
    }
    res = post(client_for(w.alice), "/api/v1/cases", {"parties": []})
    assert res.status_code == 422 and res.json()["message"] == "请求参数有误"
    assert Case.objects.count() == 0


def test_each_transition_has_its_post_and_refuses_with_the_gate_message(cw, clock):
    w = cw
    alice = client_for(w.alice)
    case = open_case(w)
    url = f"/api/v1/cases/{case.pk}"
    assert post(alice, f"{url}/investigate").json()["stage"] == "investigating"
    notice = {"penalties": [{"cause": "ZH0101", "circumstance": "一般", "kinds": ["fine"], "fine": "2000"}]}
    res = post(alice, f"{url}/notify", notice)
    assert res.status_code == 400
    assert res.json()["message"] == "告知前须补齐证据：询问笔录（当事人的陈述）、现场照片或视频（视听资料）"
    assert res.json()["errors"][0]["field"] == "evidence"
    add_required_evidence(w, case)
    res = post(alice, f"{url}/notify", notice)
    assert res.status_code == 200 and res.json()["stage"] == "notified"
    assert res.json()["deadlines"]["party_window_end"] == "2026-03-09"
    assert post(alice, f"{url}/respond", {"kind": "waiver"}).status_code == 200
    res = post(alice, f"{url}/decide", {"outcome": "penalty", "publish_required": True})
    assert (
        res.status_code == 200
        and res.json()["decision_number"] == "南星街道综合行政执法队罚决字〔2026〕第1号"
    )
    res = post(alice, f"{url}/serve", {"served_on": "2026-03-02", "method": "direct"})
    assert res.json()["deadlines"]["payment_due"] == "2026-03-17"
    res = post(alice, f"{url}/close", {"summary": "x"})
    assert res.status_code == 400 and res.json()["message"].startswith("罚款（及加处罚款）尚未缴清")
    post(alice, f"{url}/payment", {"amount": "2000", "paid_on": "2026-03-02", "receipt_no": "R1"})
    post(alice, f"{url}/publish", {"published_on": "2026-03-02"})
    assert post(alice, f"{url}/credit-repair", {"guidance": "信用修复指引"}).status_code == 200
    res = post(alice, f"{url}/close", {"summary": "罚款缴清"})
    assert res.status_code == 200 and res.json()["stage"] == "closed"
    # Every document of the case prints, each with what it must say.
    printed = {d["kind"]: pdf_text(alice.get(d["url"])) for d in res.json()["documents"]}
    assert "行政处罚事先告知书" in printed["notice"] and "陈述" in printed["notice"]
    decision = printed["decision"]
    assert "行政处罚决定书" in decision and "罚决字〔2026〕第1号" in decision
    assert "人民币贰仟元整" in decision and "罚告字〔2026〕第1号" in decision  # the notice it follows
    assert "上城区人民政府" in decision  # where to ask for administrative review
    assert "送达回证" in printed["service_receipt"] and "直接送达" in printed["service_receipt"]
    assert "罚款缴纳记录" in printed["payment"] and "R1" in printed["payment"]
    assert "信用修复指引" in printed["credit_repair"]
    assert "结案报告" in printed["closing"] and "罚款缴清" in printed["closing"]
    kinds = [d["kind"] for d in res.json()["documents"]]
    assert kinds == [
        "filing", "notice", "decision", "service_receipt", "payment", "publication", "credit_repair", "closing"
    ]  # fmt: skip
    assert post(alice, f"{url}/close", {"summary": "again"}).status_code == 409


def pdf_text(res) -> str:
    assert res.status_code == 200 and res["Content-Type"] == "application/pdf", res.content[:300]
    reader = pypdf.PdfReader(io.BytesIO(res.content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_the_filing_approval_prints_with_the_case_parties_and_officers(cw):
    w = cw
    case = open_case(w)
    doc = case.documents.get()
    text = pdf_text(client_for(w.alice).get(f"/api/v1/cases/{case.pk}/documents/{doc.pk}/pdf"))
    # A subdistrict team's delegated powers are exercised in the subdistrict office's name.
    assert "立案审批表" in text and case.number in text and "南星街道办事处" in text
    assert w.nanxing_shop.name in text and "承办人：测试队员甲、测试队员丙" in text
    assert client_for(w.bob).get(f"/api/v1/cases/{case.pk}/documents/{doc.pk}/pdf").status_code == 404
    assert client_for(w.olga).get(f"/api/v1/cases/{case.pk}/documents/{doc.pk}/pdf").status_code == 200


def test_other_subdistrict_404_read_only_403_outsider_401(cw):
    w = cw
    case = open_case(w)
    url = f"/api/v1/cases/{case.pk}"
    bob, olga, carol = client_for(w.bob), client_for(w.olga), client_for(w.carol)
    assert bob.get(url).status_code == 404
    assert bob.get("/api/v1/cases").json()["count"] == 0
    assert post(bob, f"{url}/investigate").status_code == 404
    assert olga.get(url).status_code == 200 and carol.get(url).status_code == 200
    writes = {
        "investigate": {},
        "withdraw": {"reason": "x"},
        "transfer": {"reason": "x", "to_unit": "DT-market"},
        "extend": {"days": 10, "reason": "x", "approver": "rita"},
        "evidence": {"kind": "party", "description": "x", "event_evidence": 1},
    }
    for action, body in writes.items():
        res = post(olga, f"{url}/{action}", body)
        assert res.status_code == 403, action
        assert res.json()["message"] == "您的角色为只读，不能进行此操作"
    assert post(olga, "/api/v1/cases", open_body(w)).status_code == 403
    assert post(carol, f"{url}/investigate").json()["message"] == "只有办案单位可以办理该案件"
    assert Client().get(url).status_code == 401
    assert client_for(w.otto).get(url).status_code == 404
    case.refresh_from_db()
    assert case.stage == "filed"


def test_the_department_of_the_domain_reads_and_reviews(cw, clock):
    w = cw
    case = notified_case(w, fine=12000, circumstance="较重")  # a major case: legal review
    rita = client_for(w.rita)
    assert rita.get(f"/api/v1/cases/{case.pk}").status_code == 200
    post(client_for(w.alice), f"/api/v1/cases/{case.pk}/review")
    assert post(rita, f"/api/v1/cases/{case.pk}/investigate").status_code in (403, 409)
    res = post(rita, f"/api/v1/cases/{case.pk}/review-opinion", {"passed": True, "opinion": "同意"})
    assert res.status_code == 200 and res.json()["timeline"][-1]["action"] == "review_record"


def test_list_filters_due_within_and_overdue(cw, clock):
    w = cw
    first = open_case(w)  # decision due 31 May
    clock.move_to(at(2026, 3, 20))
    open_case(w)  # decision due 18 June
    alice = client_for(w.alice)
    assert alice.get("/api/v1/cases", {"due_within": 80}).json()["count"] == 1
    assert alice.get("/api/v1/cases", {"due_within": 100}).json()["count"] == 2
    clock.move_to(at(2026, 6, 1))
    alice = client_for(w.alice)  # the session of March has expired
    res = alice.get("/api/v1/cases", {"overdue": True}).json()
    assert [r["id"] for r in res["results"]] == [first.pk]
    assert alice.get("/api/v1/cases", {"page": 100000}).json()["results"] == []


def test_api_token_command_prints_a_working_token(cw):
    w = cw
    out = StringIO()
    call_command("api_token", "--user", "alice", stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("zf_")
    res = Client().post(
        "/api/v1/cases",
        json.dumps(open_body(w)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert res.status_code == 201
    with pytest.raises(Exception, match="用户“nobody”不存在或已停用"):
        call_command("api_token", "--user", "nobody")
