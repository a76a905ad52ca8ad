"""行政行为码 for case actions: each document that addresses the party (告知书, 听证通知书, 决定书, 送达回证) gets a
signed code, printed on its first page as a QR with the party's rating secret; the public page names the
document; a person party is masked; an on-the-spot decision has one code for its one paper; scoped lists."""

import io
from datetime import date, timedelta

import pypdf
from django.test import Client

from tests.cases.conftest import PNG, clock, cw, notified_case, photo, printed  # noqa: F401 (fixtures)
from tests.conftest import client_for
from zhifa.cases import services as svc
from zhifa.cases.choices import DocumentKind
from zhifa.cases.documents import render
from zhifa.codes.models import ActionCode
from zhifa.codes.pdfsign import pdf_verify
from zhifa.codes.selectors import code_list_for_user, code_verify
from zhifa.codes.services import code_rate, code_secret
from zhifa.codes.tokens import token_verify
from zhifa.engine.idcard import id_make


def _page_one_images(pdf: bytes) -> int:
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    return len(page.images)


def test_the_notice_and_the_decision_carry_their_own_signed_codes(cw, clock):  # noqa: F811 (fixtures imported above)
    w = cw
    case = notified_case(w)
    notice = case.documents.get(kind=DocumentKind.NOTICE)
    code = ActionCode.objects.get(document=notice)
    assert (code.action, code.case_id, code.unit_id) == ("notice", case.pk, case.unit_id)
    claims = token_verify(code.token, now=code.issued_at.timestamp() + 1).claims
    assert claims["doc"] == ["行政处罚事先告知书", notice.number]
    assert claims["party"] == {"uscc": w.nanxing_shop.uscc}
    assert claims["items"] == ["ZH0101"] and claims["rec"] == f"case/{case.pk}/notice"
    assert sorted(c for _, c in claims["off"]) == ["ZJ-TEST-0001", "ZJ-TEST-0003"]
    # Valid for years: the party checks the paper long after it was served.
    assert code.expires_at - code.issued_at == timedelta(days=1825)

    assert f"评价码{code_secret(code)}" in printed(notice)
    assert _page_one_images(render(notice)) == 1  # the QR

    case = svc.case_respond(case=case, kind="waiver", by=w.alice)
    case = svc.case_decide(case=case, outcome="penalty", by=w.alice)
    decision = case.documents.get(kind=DocumentKind.DECISION)
    assert ActionCode.objects.get(document=decision).action == "decision"
    # The decision is signed (PAdES) in the name of the agency it is issued by, and verifies.
    check = pdf_verify(render(decision))
    assert check.valid, check.reasons
    assert "上城区南星街道办事处" in check.signer
    case = svc.case_serve(case=case, served_on=case.decided_on, method="direct", by=w.alice)
    receipt = case.documents.get(kind=DocumentKind.SERVICE_RECEIPT)
    assert ActionCode.objects.get(document=receipt).action == "service"
    assert ActionCode.objects.filter(case=case).count() == 3
    # The filing approval is an internal form: no code, no QR.
    filing = case.documents.get(kind=DocumentKind.FILING)
    assert not ActionCode.objects.filter(document=filing).exists()
    assert "评价码" not in printed(filing)


def test_the_public_page_names_the_document_and_the_party_rates_once(cw, clock):  # noqa: F811 (fixtures imported above)
    w = cw
    case = notified_case(w)
    notice = case.documents.get(kind=DocumentKind.NOTICE)
    code = ActionCode.objects.get(document=notice)
    v = code_verify(code.token)
    assert v.status == "valid" and v.can_rate
    res = Client().get(f"/c/{code.token}")
    body = res.content.decode()
    assert res.status_code == 200 and "《行政处罚事先告知书》" in body and notice.number in body
    assert "执法单位与人员" in body and "涉及的违法事项与依据" in body
    code_rate(code=code, secret=code_secret(code), score=4, problems=[], comment="告知清楚")
    assert code_verify(code.token).can_rate is False


def test_an_on_the_spot_decision_has_one_code_and_a_person_is_masked(cw):  # noqa: F811 (fixtures imported above)
    w = cw
    case = svc.case_decide_on_spot(
        party={"kind": "person", "name": "赵六", "id_number": id_make(born=date(1995, 5, 5), sequence=3)},
        item="ZH0018",
        circumstance="一般",
        penalty="fine",
        fine=100,
        facts="占道设摊",
        place="示例路口",
        officers=[w.nanxing_officer_record, w.partner],
        photo=photo(),
        signature=PNG,
        by=w.alice,
    )
    decision = case.documents.get(kind=DocumentKind.ON_SPOT_DECISION)
    code = ActionCode.objects.get(case=case)  # decided and served on the same paper: one code
    assert code.document_id == decision.pk and code.subject_id is None
    claims = token_verify(code.token, now=code.issued_at.timestamp() + 1).claims
    assert claims["party"] == {"name": "赵某"} and claims["doc"] == ["当场行政处罚决定书", decision.number]
    assert f"评价码{code_secret(code)}" in printed(decision)


def test_codes_of_cases_are_listed_only_in_their_jurisdiction(cw, clock):  # noqa: F811 (fixtures imported above)
    w = cw
    case = notified_case(w)
    assert code_list_for_user(user=w.alice).filter(case=case).count() == 1
    assert code_list_for_user(user=w.bob).filter(case=case).count() == 0
    code_id = case.action_codes.get().code_id
    assert client_for(w.bob).get(f"/codes/{code_id}/").status_code == 404
    page = client_for(w.alice).get(f"/codes/{code_id}/").content.decode()
    assert case.number in page and "行政处罚事先告知书" in page
