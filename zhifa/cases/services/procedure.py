"""From filing to the decision: investigation, correction, the notice (告知) with its gates, the party's answers,
the hearing, legal review, collective discussion, extensions, 以学代罚 study, withdrawal and transfer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from zhifa.cases.choices import (
    BEFORE_DECISION,
    DocumentKind,
    NoticeKind,
    PenaltyKind,
    Procedure,
    ResponseKind,
    Stage,
)
from zhifa.cases.config import case_rules, district_calendar
from zhifa.cases.models import (
    Case,
    CollectiveDiscussion,
    Extension,
    Hearing,
    LegalReview,
    PartyResponse,
    StudyRecord,
)
from zhifa.cases.services import gates
from zhifa.cases.services.common import (
    HANDLER_UNIT_KINDS,
    MAX_REASON,
    add_document,
    changing,
    commit,
    day_given,
    fail,
    on_case,
    refuse,
    require_reviewer,
    text,
    today,
)
from zhifa.core.errors import Conflict, ServiceError
from zhifa.engine.deadlines import earliest_hearing, party_window_end
from zhifa.org.models import Unit

ARTICLE_63 = "（《中华人民共和国行政处罚法》第六十三条）"


def case_investigate(*, case: Case, correction_due: date | None = None, correction: str = "", by) -> Case:
    """调查取证 — the investigation starts; with a deadline, the party is ordered to correct (责令改正通知书)."""
    errors: list[dict] = []
    correction = text(correction, "correction", "责令改正内容", errors, required=correction_due is not None)
    if correction_due is not None and correction_due < today():
        errors.append({"field": "correction_due", "message": "改正期限不能早于今天"})
    fail(errors)
    with changing(case, by=by, stages=(Stage.FILED,), verb="开始调查") as c:
        document = None
        if correction_due is not None:
            c.correction_due = correction_due
            data = {"order": correction, "due": correction_due, "parties": [p.name for p in c.parties.all()]}
            document = add_document(c, DocumentKind.CORRECTION, by=by, data=data)
        c.stage = Stage.INVESTIGATING
        return commit(c, by=by, action="investigate", frm=Stage.FILED, document=document)


def case_correction_record(*, case: Case, corrected_on: date, note: str = "", by) -> Case:
    """改正情况 — the party corrected the conduct (a condition of 不予处罚 and 首违不罚)."""
    errors: list[dict] = []
    corrected_on = day_given(corrected_on, "corrected_on", "改正日期", errors)
    note = text(note, "note", "改正情况", errors, required=False)
    fail(errors)
    with changing(case, by=by, stages=BEFORE_DECISION, verb="记录改正情况") as c:
        if corrected_on < c.discovered_on:
            refuse("corrected_on", "改正日期不能早于发现日期")
        c.corrected_on = corrected_on
        return commit(
            c, by=by, action="correction", frm=c.stage, note=note, after={"corrected_on": corrected_on}
        )


# --- 告知 -----------------------------------------------------------------------------------------------------


def case_notify(
    *,
    case: Case,
    penalties: list[dict],
    notice_kind: str | None = None,
    notified_on: date | None = None,
    by,
) -> Case:
    """告知 — the proposed penalty with its facts, reasons and basis, and the party's rights (第四十四条).

    Refused while evidence the causes require is missing, a fine outside the discretion band has no reason, or
    the notice would leave out a hearing right the law gives (第六十三条)."""
    rules, cal = case_rules(), district_calendar()
    with changing(case, by=by, stages=(Stage.INVESTIGATING,), verb="告知") as c:
        errors = gates.evidence_problems(c)
        notified_on = day_given(notified_on, "notified_on", "告知日期", errors, default=today())
        proposals = gates.read_proposals(c, penalties, errors, notice=True)
        fail(errors)
        errors += gates.band_problems(proposals, reviewed=True)  # at the notice: a reason is enough
        totals = gates.party_totals(proposals)
        hearing = gates.hearing_reasons(totals, rules)
        kind = notice_kind or (NoticeKind.HEARING if hearing else NoticeKind.STATEMENT)
        if kind not in NoticeKind.values:
            errors.append({"field": "notice_kind", "message": "请选择告知类型"})
        elif hearing and kind != NoticeKind.HEARING:
            message = f"{'；'.join(hearing)}，应告知当事人有要求听证的权利{ARTICLE_63}"
            errors.append({"field": "notice_kind", "message": message})
        if hearing and c.procedure == Procedure.FAST:
            errors.append(
                {
                    "field": "procedure",
                    "message": "拟作出的处罚应告知听证权利，不适用快速办理，请按普通程序办理",
                }
            )
        fail(errors)
        for p in proposals:
            cause = p.cause
            cause.circumstance, cause.proposed_kinds, cause.proposed_fine = p.circumstance, p.kinds, p.fine
            cause.confiscation_value, cause.outside_band_reason = p.confiscation, p.outside_reason
            cause.band_min, cause.band_max = p.band if p.band else (None, None)
            cause.save()
        c.notice_kind, c.notified_on, c.party_done_on = kind, notified_on, None
        c.notified_fine = sum((t.fine for t in totals), start=Decimal("0.00"))
        c.review_reasons = gates.review_reasons(totals, proposals, rules)
        c.discussion_reasons = gates.discussion_reasons(totals, rules)
        window = party_window_end(notified_on, rules, cal)
        data = {
            "kind": NoticeKind(kind).label,
            "facts": c.facts,
            "penalties": [
                {
                    "party": p.cause.party.name,
                    "item": p.cause.item.code,
                    "name": p.cause.item.name,
                    "legal_basis": p.cause.legal_basis,
                    "penalty_basis": p.cause.penalty_basis,
                    "circumstance": p.circumstance,
                    "kinds": [PenaltyKind(k).label for k in p.kinds],
                    "fine": p.fine,
                    "outside_band_reason": p.outside_reason,
                }
                for p in proposals
            ],
            "rights": ["陈述", "申辩"] + (["要求听证"] if kind == NoticeKind.HEARING else []),
            "hearing_reasons": hearing,
            "answer_by": window,
        }
        document = add_document(c, DocumentKind.NOTICE, by=by, data=data, issued_on=notified_on)
        c.stage = Stage.NOTIFIED
        return commit(c, by=by, action="notify", frm=Stage.INVESTIGATING, document=document, party="notice")


def case_respond(
    *, case: Case, kind: str, content: str = "", received_on: date | None = None, party=None, by
) -> Case:
    """陈述申辩 / 要求听证 / 放弃 — what the party answered to the notice, recorded the day it was received."""
    errors: list[dict] = []
    if kind not in (
        ResponseKind.STATEMENT,
        ResponseKind.DEFENCE,
        ResponseKind.HEARING_REQUEST,
        ResponseKind.WAIVER,
    ):
        errors.append({"field": "kind", "message": "请选择陈述、申辩、要求听证或放弃"})
    received_on = day_given(received_on, "received_on", "收到日期", errors, default=today())
    content = text(
        content,
        "content",
        "陈述申辩内容",
        errors,
        required=kind in (ResponseKind.STATEMENT, ResponseKind.DEFENCE),
    )
    fail(errors)
    with changing(case, by=by, stages=(Stage.NOTIFIED,), verb="记录当事人意见") as c:
        if received_on < c.notified_on:
            refuse("received_on", "收到日期不能早于告知日期")
        if kind == ResponseKind.HEARING_REQUEST:
            if c.notice_kind != NoticeKind.HEARING:
                refuse("kind", "本案告知未包含听证权利，不能申请听证")
            window = party_window_end(c.notified_on, case_rules(), district_calendar())
            if received_on > window:
                refuse(
                    "received_on",
                    f"听证申请应在告知后五个工作日内（{window:%Y-%m-%d} 前）提出（行政处罚法第六十四条）",
                )
        if party is not None and party.case_id != c.pk:
            refuse("party", "该当事人不属于本案")
        PartyResponse.objects.create(
            case=c,
            party=party,
            kind=kind,
            received_on=received_on,
            content=content,
            recorded_by=by,
            recorded_at=timezone.now(),
        )
        c.party_done_on = c.party_done_on or received_on
        return commit(
            c, by=by, action="respond", frm=c.stage, note=ResponseKind(kind).label, after={"kind": kind}
        )


# --- 听证 -----------------------------------------------------------------------------------------------------


def _not_on_case(user, case: Case, role: str, article: str) -> None:
    if on_case(user, case):
        refuse(
            "host" if role == "听证主持人" else "reviewer", f"{user}是本案调查人员，不能担任{role}{article}"
        )


def case_hearing_schedule(
    *, case: Case, held_on: date, place: str, host, notice_on: date | None = None, public: bool = True, by
) -> Case:
    """听证通知 — the hearing the party asked for, notified at least seven working days before (第六十四条),
    held by someone who did not investigate the case."""
    errors: list[dict] = []
    place = text(place, "place", "听证地点", errors, limit=200)
    notice_on = day_given(notice_on, "notice_on", "通知日期", errors, default=today())
    if not isinstance(held_on, date):
        errors.append({"field": "held_on", "message": "请填写听证日期"})
    if host is None:
        errors.append({"field": "host", "message": "请指定听证主持人"})
    fail(errors)
    with changing(case, by=by, stages=(Stage.NOTIFIED,), verb="通知听证") as c:
        request = c.responses.filter(kind=ResponseKind.HEARING_REQUEST).order_by("received_on").first()
        if request is None:
            refuse("hearing", "当事人未要求听证")
        _not_on_case(host, c, "听证主持人", "（行政处罚法第六十四条）")
        earliest = earliest_hearing(notice_on, case_rules(), district_calendar())
        if held_on < earliest:
            refuse(
                "held_on",
                f"听证应在举行七个工作日前通知当事人，{notice_on:%Y-%m-%d} 通知的听证最早于 {earliest:%Y-%m-%d} 举行（行政处罚法第六十四条）",
            )
        Hearing.objects.create(
            case=c,
            requested_on=request.received_on,
            notice_on=notice_on,
            held_on=held_on,
            place=place,
            host=host,
            public=public,
        )
        data = {
            "held_on": held_on,
            "place": place,
            "host": str(host),
            "public": public,
            "parties": [p.name for p in c.parties.all()],
        }
        document = add_document(c, DocumentKind.HEARING_NOTICE, by=by, data=data, issued_on=notice_on)
        c.stage = Stage.HEARING
        return commit(
            c, by=by, action="hearing_schedule", frm=Stage.NOTIFIED, document=document, party="hearing_notice"
        )


def case_hearing_record(*, case: Case, report: str, by) -> Case:
    """听证报告 — the hearing was held; a case heard goes to legal review before its decision (第五十八条)."""
    errors: list[dict] = []
    report = text(report, "report", "听证报告", errors)
    fail(errors)
    with changing(case, by=by, stages=(Stage.HEARING,), verb="记录听证") as c:
        hearing = c.hearing
        if hearing.held:
            refuse("report", "听证报告已记录", Conflict)
        if hearing.held_on > today():
            refuse("report", f"听证定于 {hearing.held_on:%Y-%m-%d} 举行，尚未举行")
        hearing.held, hearing.report = True, report
        hearing.save(update_fields=["held", "report"])
        c.review_reasons = [*c.review_reasons, "经过听证程序"]
        document = add_document(
            c, DocumentKind.HEARING_REPORT, by=by, data={"held_on": hearing.held_on, "report": report}
        )
        return commit(c, by=by, action="hearing_record", frm=c.stage, document=document)


# --- 法制审核 / 集体讨论 / 延期 -----------------------------------------------------------------------------------


def case_review_submit(*, case: Case, by) -> Case:
    """送法制审核 — after the party's window (and the hearing, if asked for)."""
    with changing(case, by=by, stages=(Stage.NOTIFIED, Stage.HEARING), verb="送法制审核") as c:
        if c.stage == Stage.HEARING and not c.hearing.held:
            refuse("hearing", "听证尚未举行，不能送法制审核")
        frm, c.stage = c.stage, Stage.REVIEW
        return commit(c, by=by, action="review_submit", frm=frm)


def case_review_record(*, case: Case, passed: bool, opinion: str, by) -> Case:
    """法制审核意见 — by a reviewer not on the case; a failed review sends the case back to investigation."""
    errors: list[dict] = []
    opinion = text(opinion, "opinion", "审核意见", errors)
    fail(errors)
    with changing(case, by=by, stages=(Stage.REVIEW,), verb="记录法制审核意见", reviewer=True) as c:
        _not_on_case(by, c, "法制审核人员", "（法制审核与调查分离，行政处罚法第五十八条）")
        now = timezone.now()
        LegalReview.objects.create(
            case=c,
            reviewer=by,
            reviewed_on=timezone.localdate(now),
            passed=bool(passed),
            opinion=opinion,
            created_at=now,
        )
        data = {"passed": bool(passed), "opinion": opinion, "reviewer": str(by), "reasons": c.review_reasons}
        document = add_document(c, DocumentKind.REVIEW, by=by, data=data)
        if not passed:
            c.stage = Stage.INVESTIGATING
        return commit(
            c,
            by=by,
            action="review_record",
            frm=Stage.REVIEW,
            document=document,
            after={"passed": bool(passed)},
        )


def case_discussion_record(*, case: Case, held_on: date, attendees: str, conclusion: str, by) -> Case:
    """集体讨论 — the heads' discussion of a complex or major case (第五十七条)."""
    errors: list[dict] = []
    held_on = day_given(held_on, "held_on", "讨论日期", errors)
    attendees = text(attendees, "attendees", "参加人员", errors, limit=MAX_REASON)
    conclusion = text(conclusion, "conclusion", "讨论结论", errors)
    fail(errors)
    with changing(
        case, by=by, stages=(Stage.NOTIFIED, Stage.HEARING, Stage.REVIEW), verb="记录集体讨论", reviewer=True
    ) as c:
        CollectiveDiscussion.objects.create(
            case=c,
            held_on=held_on,
            attendees=attendees,
            conclusion=conclusion,
            recorded_by=by,
            created_at=timezone.now(),
        )
        data = {
            "held_on": held_on,
            "attendees": attendees,
            "conclusion": conclusion,
            "reasons": c.discussion_reasons,
        }
        document = add_document(c, DocumentKind.DISCUSSION, by=by, data=data, issued_on=held_on)
        return commit(c, by=by, action="discussion", frm=c.stage, document=document)


def case_extend(*, case: Case, days: int, reason: str, approver, by) -> Case:
    """延长办案期限 — approved by a head other than the one asking, with its reason (第六十条)."""
    errors: list[dict] = []
    reason = text(reason, "reason", "延期理由", errors, limit=MAX_REASON)
    limit = case_rules().extension_max_days
    if not isinstance(days, int) or not 1 <= days <= limit:
        errors.append({"field": "days", "message": f"延长天数应为 1 至 {limit} 天"})
    if approver is None:
        errors.append({"field": "approver", "message": "请指定批准人"})
    fail(errors)
    with changing(case, by=by, stages=BEFORE_DECISION, verb="延长办案期限") as c:
        if approver.pk == by.pk:
            refuse("approver", "延期须经负责人批准，批准人不能是申请人")
        try:
            require_reviewer(c, approver)
        except ServiceError:
            refuse("approver", f"{approver}无权批准本案延期")
        Extension.objects.create(
            case=c,
            days=days,
            reason=reason,
            approver=approver,
            approved_on=today(),
            recorded_by=by,
            created_at=timezone.now(),
        )
        c.extension_days += days
        document = add_document(
            c, DocumentKind.EXTENSION, by=by, data={"days": days, "reason": reason, "approver": str(approver)}
        )
        return commit(c, by=by, action="extend", frm=c.stage, document=document, after={"days": days})


def case_study_record(*, case: Case, topic: str, studied_on: date, minutes: int, by) -> Case:
    """以学代罚 — the party studied the rules it broke (topic, day, duration); the decision records it."""
    errors: list[dict] = []
    topic = text(topic, "topic", "学习内容", errors, limit=200)
    studied_on = day_given(studied_on, "studied_on", "学习日期", errors)
    if not isinstance(minutes, int) or not 1 <= minutes <= 24 * 60:
        errors.append({"field": "minutes", "message": "学习时长应为 1 至 1440 分钟"})
    fail(errors)
    with changing(case, by=by, stages=BEFORE_DECISION, verb="记录学习情况") as c:
        StudyRecord.objects.create(
            case=c,
            topic=topic,
            studied_on=studied_on,
            minutes=minutes,
            recorded_by=by,
            created_at=timezone.now(),
        )
        return commit(
            c, by=by, action="study", frm=c.stage, note=topic, after={"topic": topic, "minutes": minutes}
        )


# --- 撤销立案 / 移送 --------------------------------------------------------------------------------------------


def case_withdraw(*, case: Case, reason: str, by) -> Case:
    """撤销立案 — before the decision, for the reason given (e.g. 违法事实不能成立)."""
    errors: list[dict] = []
    reason = text(reason, "reason", "撤销理由", errors, limit=MAX_REASON)
    fail(errors)
    with changing(case, by=by, stages=BEFORE_DECISION, verb="撤销立案") as c:
        frm, c.stage, c.end_reason = c.stage, Stage.WITHDRAWN, reason
        document = add_document(c, DocumentKind.WITHDRAWAL, by=by, data={"reason": reason})
        return commit(c, by=by, action="withdraw", frm=frm, document=document, note=reason)


def case_transfer(*, case: Case, reason: str, to_unit: Unit | None = None, to_name: str = "", by) -> Case:
    """移送 — to the competent unit in the district (which opens its own case and adopts the evidence), or to a
    body outside the system (e.g. 公安机关 for a suspected crime)."""
    errors: list[dict] = []
    reason = text(reason, "reason", "移送理由", errors, limit=MAX_REASON)
    to_name = text(to_name, "to_name", "移送单位", errors, required=to_unit is None, limit=100)
    if to_unit is not None and (not to_unit.active or to_unit.kind not in HANDLER_UNIT_KINDS):
        errors.append({"field": "to_unit", "message": f"{to_unit.name}不是办案单位"})
    fail(errors)
    with changing(case, by=by, stages=(Stage.FILED, Stage.INVESTIGATING), verb="移送") as c:
        if to_unit is not None and to_unit.pk == c.unit_id:
            refuse("to_unit", "不能移送给本单位")
        frm, c.stage, c.end_reason = c.stage, Stage.TRANSFERRED, reason
        c.transfer_to_unit, c.transfer_to_name = to_unit, (to_unit.name if to_unit else to_name)
        data = {
            "to": c.transfer_to_name,
            "reason": reason,
            "evidence": c.evidence.filter(withdrawn_at__isnull=True).count(),
        }
        document = add_document(c, DocumentKind.TRANSFER, by=by, data=data)
        return commit(
            c, by=by, action="transfer", frm=frm, document=document, note=f"移送{c.transfer_to_name}"
        )


def user_by_name(username: str):
    """A user named in a form or the API (听证主持人, 批准人)."""
    return get_user_model().objects.filter(username=(username or "").strip(), is_active=True).first()
