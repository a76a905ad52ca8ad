"""Soft outcomes: 不予处罚, 首违不罚 (the district's list and the party's history), 以学代罚, 公益抵罚, 信用修复;
the 721 mode of the source event follows; the counts the dashboard shows."""

from datetime import date
from decimal import Decimal

import pytest

from tests.cases.conftest import at, enforcement_event, notified_case, open_case, photo, printed
from zhifa.cases import services as svc
from zhifa.cases.choices import DocumentKind, EvidenceKind, Stage
from zhifa.cases.selectors import case_outcome_counts
from zhifa.core.errors import ServiceError
from zhifa.engine.idcard import id_make
from zhifa.subjects.models import Violation

MINOR = [{"cause": "ZH0101", "circumstance": "轻微", "kinds": [], "fine": 0}]


def _waived(w, **kw):
    case = notified_case(w, **kw)
    return svc.case_respond(case=case, kind="waiver", by=w.alice)


def test_no_penalty_for_minor_corrected_harmless_conduct(cw):
    w = cw
    case = _waived(w)
    with pytest.raises(ServiceError) as err:
        svc.case_decide(case=case, outcome="no_penalty", by=w.alice)
    assert [e["message"] for e in err.value.errors] == [
        "不予处罚（轻微免罚）须当事人及时改正，请先记录改正情况",
        "轻微免罚须情节轻微：ZH0101 的情节不是轻微",
    ]
    svc.case_correction_record(case=case, corrected_on=date(2026, 3, 2), note="已安装油烟净化器", by=w.alice)
    case = svc.case_decide(case=case, outcome="no_penalty", penalties=MINOR, by=w.alice)
    doc = case.documents.get(kind=DocumentKind.NO_PENALTY_DECISION)
    assert doc.number == "南星街道综合行政执法队不罚决字〔2026〕第1号" and doc.data["payment_terms"] == ""
    assert case.fine_total == 0
    text = printed(doc)
    assert "不予行政处罚决定书" in text and doc.number in text and "已于2026年3月2日改正" in text
    assert "《中华人民共和国行政处罚法》第三十三条" in text
    case = svc.case_serve(case=case, served_on=date(2026, 3, 2), method="direct", by=w.alice)
    assert svc.case_close(case=case, summary="教育后不予处罚", by=w.alice).stage == Stage.CLOSED


def test_harm_rules_out_the_minor_exemption(cw):
    w = cw
    case = _waived(w, harmed=True, conduct_ended_on=date(2026, 2, 1))
    svc.case_correction_record(case=case, corrected_on=date(2026, 3, 2), by=w.alice)
    with pytest.raises(ServiceError, match="违法行为造成了危害后果，不适用轻微免罚"):
        svc.case_decide(case=case, outcome="no_penalty", penalties=MINOR, by=w.alice)


def _first(w, parties=None):
    case = open_case(
        w, causes=[{"item": "ZH0018"}], facts="店外占道摆放货架", **({"parties": parties} if parties else {})
    )
    svc.case_investigate(case=case, by=w.alice)
    svc.case_evidence_upload(
        case=case,
        file=photo(),
        kind=EvidenceKind.AUDIOVISUAL,
        description="占道照片",
        by=w.alice,
    )
    svc.case_correction_record(case=case, corrected_on=date(2026, 3, 2), by=w.alice)
    case = svc.case_notify(
        case=case, penalties=[{"cause": "ZH0018", "circumstance": "轻微", "kinds": []}], by=w.alice
    )
    return svc.case_respond(case=case, kind="waiver", by=w.alice)


def test_first_violation_checks_the_list_and_the_partys_history(cw):
    w = cw
    Violation.objects.create(
        subject=w.nanxing_shop, item=w.zh0018, found_on=date(2025, 6, 1), severity="minor", source="日常巡查"
    )
    case = _first(w)
    with pytest.raises(ServiceError) as err:
        svc.case_decide(case=case, outcome="first_violation", by=w.alice)
    assert (
        err.value.message
        == f"{w.nanxing_shop.name}在 2 年内已有同类违法（2025-06-01 违法记录（日常巡查）），不属首次违法"
    )
    # A person with no history on the district's list: 首违不罚.
    number = id_make(born=date(1990, 1, 1), sequence=21)
    person = _first(w, parties=[{"kind": "person", "name": "王五", "id_number": number}])
    decided = svc.case_decide(case=person, outcome="first_violation", by=w.alice)
    assert decided.outcome == "first_violation"
    # The same person again within two years is no longer first.
    again = _first(w, parties=[{"kind": "person", "name": "王五", "id_number": number}])
    with pytest.raises(
        ServiceError,
        match=r"王五在 2 年内已有同类违法（案件 南星街道综合行政执法队立字〔2026〕第2号），不属首次违法",
    ):
        svc.case_decide(case=again, outcome="first_violation", by=w.alice)


def test_first_violation_only_for_items_on_the_list(cw):
    w = cw
    case = _waived(w)
    svc.case_correction_record(case=case, corrected_on=date(2026, 3, 2), by=w.alice)
    with pytest.raises(ServiceError, match="ZH0101 .*不在本区首违不罚清单内"):
        svc.case_decide(case=case, outcome="first_violation", penalties=MINOR, by=w.alice)


def test_study_instead_of_a_fine_is_recorded_on_the_decision(cw):
    w = cw
    case = _waived(w)
    svc.case_correction_record(case=case, corrected_on=date(2026, 3, 2), by=w.alice)
    with pytest.raises(ServiceError, match="以学代罚须先记录当事人的学习情况（内容、日期、时长）"):
        svc.case_decide(case=case, outcome="study", penalties=MINOR, by=w.alice)
    svc.case_study_record(
        case=case, topic="大气污染防治法油烟排放规定", studied_on=date(2026, 3, 2), minutes=90, by=w.alice
    )
    case = svc.case_decide(case=case, outcome="study", penalties=MINOR, by=w.alice)
    study = case.documents.get(kind=DocumentKind.NO_PENALTY_DECISION).data["study"]
    assert study == [{"topic": "大气污染防治法油烟排放规定", "on": "2026-03-02", "minutes": 90}]
    text = printed(case.documents.get(kind=DocumentKind.NO_PENALTY_DECISION))
    assert "以学代罚" in text and "大气污染防治法油烟排放规定（90分钟）" in text


def test_public_service_offsets_part_of_the_fine_once_confirmed(cw, clock):
    w = cw
    case = _waived(w, fine=2000)
    with pytest.raises(ServiceError, match="请填写晚于决定日期的公益服务完成期限"):
        svc.case_decide(
            case=case,
            outcome="public_service",
            public_service={"hours": 12, "content": "社区保洁"},
            by=w.alice,
        )
    service = {"hours": 12, "content": "社区垃圾分类劝导", "due_on": date(2026, 4, 30)}
    case = svc.case_decide(case=case, outcome="public_service", public_service=service, by=w.alice)
    # 12 h × 100 yuan = 1,200, capped at 50 % of the fine.
    assert (case.offset_amount, case.fine_payable) == (Decimal("1000.00"), Decimal("1000.00"))
    case = svc.case_serve(case=case, served_on=date(2026, 3, 2), method="direct", by=w.alice)
    case = svc.case_payment_record(
        case=case, amount=1000, paid_on=date(2026, 3, 2), receipt_no="R9", by=w.alice
    )
    with pytest.raises(ServiceError, match="公益服务尚未确认完成，不能结案"):
        svc.case_close(case=case, summary="x", by=w.alice)
    clock.move_to(at(2026, 4, 20))
    svc.case_public_service_confirm(case=case, completed=True, completed_on=date(2026, 4, 18), by=w.alice)
    assert svc.case_close(case=case, summary="公益服务完成，余款缴清", by=w.alice).stage == Stage.CLOSED


def test_public_service_not_done_makes_the_whole_fine_payable(cw, clock):
    w = cw
    case = _waived(w, fine=2000)
    service = {"hours": 4, "content": "社区保洁", "due_on": date(2026, 3, 31)}
    case = svc.case_decide(case=case, outcome="public_service", public_service=service, by=w.alice)
    case = svc.case_serve(case=case, served_on=date(2026, 3, 2), method="direct", by=w.alice)
    assert case.fine_payable == Decimal("1600.00")
    clock.move_to(at(2026, 4, 2))
    case = svc.case_public_service_confirm(case=case, completed=False, note="未按期参加", by=w.alice)
    assert case.fine_payable == Decimal("2000.00")


def test_the_source_events_721_mode_follows_the_outcome(cw):
    w = cw
    event = enforcement_event(w)
    case = _waived(w, source="event", event=event)
    svc.case_correction_record(case=case, corrected_on=date(2026, 3, 2), by=w.alice)
    svc.case_decide(case=case, outcome="no_penalty", penalties=MINOR, by=w.alice)
    event.refresh_from_db()
    assert event.resolution_mode == "management"
    penalised = _waived(w, source="event", event=enforcement_event(w))
    svc.case_decide(case=penalised, outcome="penalty", by=w.alice)
    assert penalised.event.resolution_mode == "enforcement"


def test_a_case_from_an_event_needs_it_resolved_by_enforcement(cw):
    w = cw
    from zhifa.dispatch.events.intake import event_intake

    event = event_intake(channel="12345", description="南星街道某饭店油烟扰民", by=w.carol)
    with pytest.raises(ServiceError, match=f"事件 {event.receipt_no} 尚未以“执法”方式处置，不能据此立案"):
        open_case(w, source="event", event=event)


def test_outcome_counts_for_the_dashboard(cw):
    w = cw
    case = _waived(w)
    svc.case_decide(case=case, outcome="penalty", by=w.alice, publish_required=True)
    other = _waived(w)
    svc.case_correction_record(case=other, corrected_on=date(2026, 3, 2), by=w.alice)
    svc.case_decide(case=other, outcome="no_penalty", penalties=MINOR, by=w.alice)
    counts = case_outcome_counts(user=w.carol)
    assert dict((v, n) for v, _, n in counts["outcomes"]) == {
        "penalty": 1,
        "public_service": 0,
        "no_penalty": 1,
        "first_violation": 0,
        "study": 0,
    }
    assert (counts["decided"], counts["no_penalty"], counts["credit_guided"]) == (2, 1, 0)
    assert case_outcome_counts(user=w.bob)["decided"] == 0  # 九堡 sees none of 南星's


def test_the_dashboard_shows_the_outcome_counts(cw):
    w = cw
    case = _waived(w)
    svc.case_correction_record(case=case, corrected_on=date(2026, 3, 2), by=w.alice)
    svc.case_decide(case=case, outcome="no_penalty", penalties=MINOR, by=w.alice)
    from tests.conftest import client_for

    html = client_for(w.carol).get("/").content.decode()
    assert 'id="case-outcomes"' in html and "不予处罚（轻微免罚） <strong>1</strong>" in html
    assert 'id="case-outcomes"' not in client_for(w.bob).get("/").content.decode()
