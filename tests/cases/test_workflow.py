"""From filing to closing: each transition, its document and timeline step, and each gate refusing with its
message and then passing once satisfied."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.cases.conftest import add_required_evidence, at, notified_case, open_case, pdf
from zhifa.cases import services as svc
from zhifa.cases.choices import DocumentKind, EvidenceKind, Stage
from zhifa.cases.hooks import register_party_action_listener, unregister_party_action_listener
from zhifa.cases.models import Case
from zhifa.core.errors import Conflict, PermissionError_, ServiceError


def test_notice_waits_for_the_required_evidence_then_passes(cw):
    w = cw
    case = open_case(w)
    penalties = [{"cause": "ZH0101", "circumstance": "一般", "kinds": ["fine"], "fine": 2000}]
    with pytest.raises(Conflict, match="案件当前为“已立案”，不能告知"):
        svc.case_notify(case=case, penalties=penalties, by=w.alice)
    svc.case_investigate(case=case, by=w.alice)
    with pytest.raises(ServiceError) as err:
        svc.case_notify(case=case, penalties=penalties, by=w.alice)
    assert err.value.message == "告知前须补齐证据：询问笔录（当事人的陈述）、现场照片或视频（视听资料）"
    svc.case_evidence_upload(
        case=case,
        file=pdf(),
        kind=EvidenceKind.PARTY,
        requirement="询问笔录",
        description="询问笔录",
        by=w.alice,
    )
    with pytest.raises(ServiceError, match="^告知前须补齐证据：现场照片或视频（视听资料）$"):
        svc.case_notify(case=case, penalties=penalties, by=w.alice)
    add = dict(kind=EvidenceKind.AUDIOVISUAL, requirement="现场照片或视频", description="照片", by=w.alice)
    from tests.cases.conftest import photo

    svc.case_evidence_upload(case=case, file=photo(), **add)
    case = svc.case_notify(case=case, penalties=penalties, by=w.alice)
    assert case.stage == Stage.NOTIFIED and case.notice_kind == "statement"
    doc = case.documents.get(kind=DocumentKind.NOTICE)
    assert doc.number == "南星街道综合行政执法队罚告字〔2026〕第1号"
    assert doc.data["answer_by"] == "2026-03-09" and doc.data["rights"] == ["陈述", "申辩"]


def test_a_fine_outside_the_band_needs_a_reason_and_then_a_review(cw, clock):
    w = cw
    case = open_case(w)
    svc.case_investigate(case=case, by=w.alice)
    add_required_evidence(w, case)
    penalties = [{"cause": "ZH0101", "circumstance": "一般", "kinds": ["fine"], "fine": 6000}]
    with pytest.raises(ServiceError) as err:
        svc.case_notify(case=case, penalties=penalties, by=w.alice)
    assert (
        err.value.message == "ZH0101 罚款 6,000 元超出裁量基准（一般：500–5,000 元），须说明理由并经法制审核"
    )
    penalties[0]["outside_band_reason"] = "拒不改正，多次投诉"
    case = svc.case_notify(case=case, penalties=penalties, by=w.alice)
    assert case.review_reasons == ["ZH0101 罚款超出裁量基准"]
    clock.move_to(at(2026, 3, 10))
    with pytest.raises(ServiceError) as err:
        svc.case_decide(case=case, outcome="penalty", by=w.alice)
    assert err.value.message == "ZH0101 罚款 6,000 元超出裁量基准（一般：500–5,000 元），须经法制审核通过"
    svc.case_review_submit(case=case, by=w.alice)
    with pytest.raises(ServiceError, match="南星队员是本案调查人员，不能担任法制审核人员"):
        svc.case_review_record(case=case, passed=True, opinion="同意", by=w.alice)
    with pytest.raises(PermissionError_):
        svc.case_review_record(case=case, passed=True, opinion="同意", by=w.bob)
    svc.case_review_record(case=case, passed=True, opinion="理由充分，同意", by=w.rita)
    case = svc.case_decide(case=case, outcome="penalty", by=w.alice)
    assert (case.stage, case.fine_total) == (Stage.DECIDED, Decimal("6000.00"))


def test_the_hearing_right_is_offered_when_the_law_gives_it(cw):
    w = cw
    case = open_case(w)
    svc.case_investigate(case=case, by=w.alice)
    add_required_evidence(w, case)
    penalties = [{"cause": "ZH0101", "circumstance": "较重", "kinds": ["fine"], "fine": 20000}]
    with pytest.raises(ServiceError) as err:
        svc.case_notify(case=case, penalties=penalties, notice_kind="statement", by=w.alice)
    assert err.value.message == (
        "示例0001小吃店拟罚款 20,000 元，达到较大数额（10,000 元），应告知当事人有要求听证的权利（《中华人民共和国行政处罚法》第六十三条）"
    ).replace("示例0001小吃店", w.nanxing_shop.name)
    case = svc.case_notify(case=case, penalties=penalties, notice_kind="hearing", by=w.alice)
    assert case.notice_kind == "hearing"
    assert case.documents.get(kind=DocumentKind.NOTICE).data["rights"] == ["陈述", "申辩", "要求听证"]
    # Without a notice kind the system offers the hearing itself.
    other = notified_case(w, fine=20000, circumstance="较重")
    assert other.notice_kind == "hearing"


def test_hearing_asked_within_five_working_days_notified_seven_before_held_by_someone_else(cw, clock):
    w = cw
    case = notified_case(w, fine=20000, circumstance="较重")  # notified Monday 2 March
    clock.move_to(at(2026, 3, 10))
    with pytest.raises(ServiceError, match=r"听证申请应在告知后五个工作日内（2026-03-09 前）提出"):
        svc.case_respond(case=case, kind="hearing_request", by=w.alice)
    svc.case_respond(
        case=case, kind="hearing_request", content="要求听证", received_on=date(2026, 3, 6), by=w.alice
    )
    schedule = dict(place="会议室", notice_on=date(2026, 3, 6), by=w.alice)
    with pytest.raises(ServiceError, match="南星队员是本案调查人员，不能担任听证主持人"):
        svc.case_hearing_schedule(case=case, held_on=date(2026, 3, 20), host=w.alice, **schedule)
    with pytest.raises(ServiceError) as err:
        svc.case_hearing_schedule(case=case, held_on=date(2026, 3, 16), host=w.hank, **schedule)
    assert err.value.message == (
        "听证应在举行七个工作日前通知当事人，2026-03-06 通知的听证最早于 2026-03-17 举行（《中华人民共和国行政处罚法》第六十四条）"
    ).replace("（《中华人民共和国行政处罚法》第六十四条）", "（行政处罚法第六十四条）")
    case = svc.case_hearing_schedule(case=case, held_on=date(2026, 3, 17), host=w.hank, **schedule)
    assert case.stage == Stage.HEARING
    with pytest.raises(ServiceError, match="听证定于 2026-03-17 举行，尚未举行"):
        svc.case_hearing_record(case=case, report="当事人到场陈述", by=w.alice)
    clock.move_to(at(2026, 3, 17, 15))
    with pytest.raises(ServiceError, match="当事人已要求听证，听证结束后方可作出决定"):
        svc.case_decide(case=case, outcome="penalty", by=w.alice)
    case = svc.case_hearing_record(case=case, report="当事人到场陈述", by=w.alice)
    # A case heard goes to legal review (第五十八条).
    with pytest.raises(ServiceError, match=r"本案须经法制审核（.*经过听证程序）"):
        svc.case_decide(case=case, outcome="penalty", by=w.alice)
    svc.case_review_submit(case=case, by=w.alice)
    svc.case_review_record(case=case, passed=True, opinion="程序合法", by=w.rita)
    case = svc.case_decide(case=case, outcome="penalty", by=w.alice)
    assert case.stage == Stage.DECIDED


def test_decision_waits_for_the_partys_window_unless_it_answered(cw, clock):
    w = cw
    case = notified_case(w)
    with pytest.raises(ServiceError) as err:
        svc.case_decide(case=case, outcome="penalty", by=w.alice)
    assert err.value.message.startswith(
        "当事人陈述、申辩的期限至 2026-03-09 届满，届满或当事人答复后方可作出决定"
    )
    clock.move_to(at(2026, 3, 10))
    assert svc.case_decide(case=case, outcome="penalty", by=w.alice).stage == Stage.DECIDED
    other = notified_case(w)
    svc.case_respond(case=other, kind="waiver", by=w.alice)
    assert svc.case_decide(case=other, outcome="penalty", by=w.alice).decided_on == date(2026, 3, 10)


def test_a_defence_never_increases_the_penalty(cw, clock):
    w = cw
    case = notified_case(w, fine=2000)
    svc.case_respond(case=case, kind="defence", content="已整改，请求从轻", by=w.alice)
    higher = [{"cause": "ZH0101", "circumstance": "一般", "kinds": ["fine"], "fine": 3000}]
    with pytest.raises(ServiceError) as err:
        svc.case_decide(case=case, outcome="penalty", penalties=higher, by=w.alice)
    assert err.value.message == (
        f"当事人已陈述申辩，决定不得重于告知内容（{w.nanxing_shop.name}告知罚款 2,000 元，现拟罚款 3,000 元）"
        "（《中华人民共和国行政处罚法》第四十五条）"
    )
    lower = [{"cause": "ZH0101", "circumstance": "一般", "kinds": ["fine"], "fine": 1500}]
    case = svc.case_decide(case=case, outcome="penalty", penalties=lower, by=w.alice)
    assert case.fine_total == Decimal("1500.00")
    # Without a defence a heavier decision needs a new notice.
    other = notified_case(w, fine=2000)
    clock.move_to(at(2026, 3, 10))
    with pytest.raises(ServiceError, match="重于告知内容，须重新告知"):
        svc.case_decide(case=other, outcome="penalty", penalties=higher, by=w.alice)


def test_major_case_needs_review_by_someone_not_on_it_and_the_gravest_a_collective_discussion(cw, clock):
    w = cw
    case = notified_case(w, fine=60000, circumstance="严重")
    svc.case_respond(case=case, kind="waiver", by=w.alice)
    with pytest.raises(ServiceError) as err:
        svc.case_decide(case=case, outcome="penalty", by=w.alice)
    messages = [e["message"] for e in err.value.errors]
    assert any(m.startswith("本案须经法制审核（") and "达到重大案件标准" in m for m in messages)
    assert any(
        m.startswith("本案须经负责人集体讨论（") and "达到集体讨论标准（50,000 元）" in m for m in messages
    )
    svc.case_review_submit(case=case, by=w.alice)
    svc.case_review_record(case=case, passed=False, opinion="证据不足，补充调查", by=w.rita)
    case.refresh_from_db()
    assert case.stage == Stage.INVESTIGATING  # back to investigation; a new notice follows
    case = svc.case_notify(
        case=case,
        penalties=[{"cause": "ZH0101", "circumstance": "严重", "kinds": ["fine"], "fine": 60000}],
        by=w.alice,
    )
    svc.case_respond(case=case, kind="waiver", by=w.alice)
    svc.case_review_submit(case=case, by=w.alice)
    svc.case_review_record(case=case, passed=True, opinion="同意", by=w.rita)
    with pytest.raises(ServiceError, match="^本案须经负责人集体讨论"):
        svc.case_decide(case=case, outcome="penalty", by=w.alice)
    svc.case_discussion_record(
        case=case,
        held_on=date(2026, 3, 2),
        attendees="队长、副队长、法制员",
        conclusion="同意处罚",
        by=w.alice,
    )
    case = svc.case_decide(case=case, outcome="penalty", by=w.alice, publish_required=True)
    assert case.decision_number == "南星街道综合行政执法队罚决字〔2026〕第1号"


def test_serve_pay_with_late_fee_publish_and_close(cw, clock):
    w = cw
    case = notified_case(w, fine=1000)
    svc.case_respond(case=case, kind="waiver", by=w.alice)
    case = svc.case_decide(case=case, outcome="penalty", by=w.alice, publish_required=True)
    with pytest.raises(Conflict, match="案件当前为“已决定”，不能结案"):
        svc.case_close(case=case, summary="x", by=w.alice)
    case = svc.case_serve(case=case, served_on=date(2026, 3, 2), method="direct", by=w.alice)
    with pytest.raises(ServiceError, match="^罚款（及加处罚款）尚未缴清，也未申请强制执行，不能结案"):
        svc.case_close(case=case, summary="x", by=w.alice)
    receipt = case.documents.get(kind=DocumentKind.SERVICE_RECEIPT)
    assert receipt.data["payment_due"] == "2026-03-17" and receipt.data["review_until"] == "2026-05-01"
    assert (case.next_clock, case.next_due) == ("publish", date(2026, 3, 11))
    clock.move_to(at(2026, 3, 20))  # three days late: 3 × 3 % of 1,000
    with pytest.raises(ServiceError, match="加处罚款 100 元超过 2026-03-20 应加处的 90 元"):
        svc.case_payment_record(
            case=case, amount=1000, late_fee_paid=100, paid_on=date(2026, 3, 20), receipt_no="R1", by=w.alice
        )
    case = svc.case_payment_record(
        case=case, amount=1000, late_fee_paid=90, paid_on=date(2026, 3, 20), receipt_no="R1", by=w.alice
    )
    assert (case.stage, case.paid_on) == (Stage.EXECUTING, date(2026, 3, 20))
    with pytest.raises(ServiceError, match="应公开的决定尚未公示，不能结案"):
        svc.case_close(case=case, summary="已缴清", by=w.alice)
    svc.case_publish(case=case, published_on=date(2026, 3, 10), by=w.alice)
    svc.case_credit_guide(case=case, guidance="可在信用中国（浙江）申请信用修复", by=w.alice)
    case = svc.case_close(case=case, summary="罚款及加处罚款已缴清", by=w.alice)
    assert case.stage == Stage.CLOSED and case.next_due is None
    kinds = list(case.documents.values_list("kind", flat=True))
    assert kinds[-4:] == ["payment", "publication", "credit_repair", "closing"]
    assert [s.action for s in case.steps.all()][-5:] == [
        "serve",
        "payment",
        "publish",
        "credit_guide",
        "close",
    ]


def test_withdraw_and_transfer_adopting_the_evidence_with_its_origin(cw, clock):
    w = cw
    case = open_case(w)
    svc.case_investigate(case=case, by=w.alice)
    add_required_evidence(w, case)
    with pytest.raises(ServiceError, match="请填写移送理由"):
        svc.case_transfer(case=case, to_unit=w.market_team, reason="", by=w.alice)
    case = svc.case_transfer(case=case, to_unit=w.market_team, reason="涉及无证经营，属市场监管", by=w.alice)
    assert case.stage == Stage.TRANSFERRED and case.documents.get(kind="transfer").number.endswith(
        "移字〔2026〕第1号"
    )
    received = open_case(
        w,
        source="transfer",
        transfer_from=case,
        causes=[{"item": "SJ0001"}],
        officers=[w.market_a, w.market_b],
        by=w.mia,
    )
    adopted = list(received.evidence.order_by("id"))
    assert [e.origin for e in adopted] == ["adopted", "adopted"]
    assert all(e.source_unit == w.nanxing_team and e.adopted_from.case == case for e in adopted)
    assert received.transfer_from_name == "南星街道综合行政执法队"
    with pytest.raises(Conflict):
        open_case(
            w,
            source="transfer",
            transfer_from=case,
            causes=[{"item": "SJ0001"}],
            officers=[w.market_a, w.market_b],
            by=w.mia,
        )
    other = open_case(w)
    other = svc.case_withdraw(case=other, reason="违法事实不能成立", by=w.alice)
    assert (other.stage, other.end_reason, other.next_due) == (Stage.WITHDRAWN, "违法事实不能成立", None)


def test_every_transition_that_addresses_the_party_tells_the_listeners(cw, clock):
    w = cw
    heard = []

    def listener(case, action, document):
        heard.append((action, document.kind))

    register_party_action_listener(listener)
    try:
        case = notified_case(w)
        svc.case_respond(case=case, kind="waiver", by=w.alice)
        case = svc.case_decide(case=case, outcome="penalty", by=w.alice)
        svc.case_serve(case=case, served_on=date(2026, 3, 2), method="direct", by=w.alice)
    finally:
        unregister_party_action_listener(listener)
    assert heard == [("notice", "notice"), ("decision", "decision"), ("service", "service_receipt")]


def test_a_failing_listener_undoes_the_transition(cw):
    w = cw

    def broken(case, action, document):
        raise ServiceError("行政行为码生成失败")

    case = open_case(w)
    svc.case_investigate(case=case, by=w.alice)
    add_required_evidence(w, case)
    register_party_action_listener(broken)
    try:
        with pytest.raises(ServiceError, match="行政行为码生成失败"):
            svc.case_notify(
                case=case,
                penalties=[{"cause": "ZH0101", "circumstance": "一般", "kinds": ["fine"], "fine": 800}],
                by=w.alice,
            )
    finally:
        unregister_party_action_listener(broken)
    case.refresh_from_db()
    assert case.stage == Stage.INVESTIGATING and not case.documents.filter(kind="notice").exists()


def test_only_the_handling_unit_writes(cw):
    w = cw
    case = open_case(w)
    with pytest.raises(PermissionError_, match="只读"):
        svc.case_investigate(case=case, by=w.olga)
    with pytest.raises(PermissionError_, match="只有办案单位可以办理该案件"):
        svc.case_investigate(case=case, by=w.carol)
    with pytest.raises(PermissionError_, match="只有办案单位可以办理该案件"):
        svc.case_investigate(case=case, by=w.bob)
    assert Case.objects.get().stage == Stage.FILED


def test_extension_approved_by_someone_else_moves_the_decision_clock(cw):
    w = cw
    case = open_case(w)
    with pytest.raises(ServiceError, match="批准人不能是申请人"):
        svc.case_extend(case=case, days=30, reason="案情复杂", approver=w.alice, by=w.alice)
    with pytest.raises(ServiceError, match="延长天数应为 1 至 30 天"):
        svc.case_extend(case=case, days=31, reason="案情复杂", approver=w.rita, by=w.alice)
    with pytest.raises(ServiceError, match="九堡队员无权批准本案延期"):
        svc.case_extend(case=case, days=30, reason="案情复杂", approver=w.bob, by=w.alice)
    case = svc.case_extend(case=case, days=30, reason="需鉴定油烟排放浓度", approver=w.rita, by=w.alice)
    assert case.next_due == date(2026, 5, 31) + timedelta(days=30)
    assert case.extensions.get().approver == w.rita
