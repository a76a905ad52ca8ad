"""The actions a case offers next, and one door to them for pages and the API: `perform(name, …)` turns the
values a form or a JSON body gave into the service's arguments and calls that one service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404

from zhifa.cases import services as svc
from zhifa.cases.choices import BEFORE_DECISION, NoticeKind, ResponseKind, Stage
from zhifa.cases.models import Case
from zhifa.cases.services.common import on_case, require_handler, require_reviewer
from zhifa.cases.services.procedure import user_by_name
from zhifa.core.errors import ServiceError
from zhifa.dispatch.coordination.selectors import evidence_get_for_user
from zhifa.inspections.records.selectors import inspection_photo_get_for_user
from zhifa.org.models import Unit


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    stages: tuple[str, ...]
    reviewer: bool = False  # the department of the case's domain may do it too
    primary: bool = False  # the step the case is waiting for


AFTER = (Stage.DECIDED, Stage.SERVED, Stage.EXECUTING, Stage.CLOSED)
EXECUTION = (Stage.SERVED, Stage.EXECUTING)
ACTIONS = {
    a.name: a
    for a in (
        Action("investigate", "开始调查", (Stage.FILED,), primary=True),
        Action("evidence", "添加证据（关联已有文件）", BEFORE_DECISION),
        Action("evidence_upload", "上传证据", BEFORE_DECISION),
        Action("inquiry", "制作询问笔录", BEFORE_DECISION),
        Action("correction", "记录改正情况", BEFORE_DECISION),
        Action("notify", "告知（陈述申辩 / 听证）", (Stage.INVESTIGATING,), primary=True),
        Action("respond", "记录当事人陈述申辩", (Stage.NOTIFIED,)),
        Action("study", "记录以学代罚学习", BEFORE_DECISION),
        Action("hearing", "通知听证", (Stage.NOTIFIED,)),
        Action("hearing_report", "记录听证报告", (Stage.HEARING,), primary=True),
        Action("review", "送法制审核", (Stage.NOTIFIED, Stage.HEARING)),
        Action("review_opinion", "法制审核意见", (Stage.REVIEW,), reviewer=True, primary=True),
        Action("discussion", "记录集体讨论", (Stage.NOTIFIED, Stage.HEARING, Stage.REVIEW), reviewer=True),
        Action("decide", "作出决定", (Stage.NOTIFIED, Stage.HEARING, Stage.REVIEW), primary=True),
        Action("serve", "送达", (Stage.DECIDED,), primary=True),
        Action("payment", "记录缴款", EXECUTION, primary=True),
        Action("public_service", "确认公益服务", EXECUTION),
        Action("enforcement", "申请强制执行", EXECUTION),
        Action("publish", "公示决定", AFTER),
        Action("credit_repair", "信用修复告知", AFTER),
        Action("close", "结案", EXECUTION, primary=True),
        Action("extend", "延长办案期限", BEFORE_DECISION),
        Action("transfer", "移送", (Stage.FILED, Stage.INVESTIGATING)),
        Action("withdraw", "撤销立案", BEFORE_DECISION),
    )
}


def _may(user, case: Case, action: Action) -> bool:
    try:
        (require_reviewer if action.reviewer else require_handler)(case, user)
    except ServiceError:
        return False
    return True


def _applies(case: Case, name: str) -> bool:
    """Whether the action makes sense for this case now (the service still checks everything)."""
    hearing = getattr(case, "hearing", None)
    service = getattr(case, "public_service", None)
    if name == "hearing":
        return (
            case.notice_kind == NoticeKind.HEARING
            and case.responses.filter(kind=ResponseKind.HEARING_REQUEST).exists()
        )
    if name == "hearing_report":
        return hearing is not None and not hearing.held
    if name == "review":
        return case.stage == Stage.NOTIFIED or (hearing is not None and hearing.held)
    if name == "decide" and case.stage == Stage.HEARING:
        return hearing is not None and hearing.held
    if name == "payment":
        return case.fine_payable > 0 and case.paid_on is None
    if name == "public_service":
        return service is not None and service.completed_on is None and not service.failed
    if name == "enforcement":
        return case.fine_payable > 0 and case.paid_on is None and case.enforcement_applied_on is None
    if name == "publish":
        return case.publish_required and case.published_on is None
    if name == "credit_repair":
        return case.published_on is not None and case.credit_guided_on is None
    if name == "study":
        return case.stage != Stage.FILED
    return True


# Only someone not investigating the case may give these (法制审核 by a reviewer not on the case).
NOT_FOR_INVESTIGATORS = ("review_opinion",)


def allowed_actions(user, case: Case) -> list[Action]:
    """The actions the user may take on the case now, the one it waits for first."""
    investigator = on_case(user, case)
    rows = [
        a
        for a in ACTIONS.values()
        if case.stage in a.stages
        and _applies(case, a.name)
        and _may(user, case, a)
        and not (investigator and a.name in NOT_FOR_INVESTIGATORS)
    ]
    return sorted(rows, key=lambda a: not a.primary)


# --- one door to the services ----------------------------------------------------------------------------------


def _user(values: dict, key: str):
    name = values.get(key)
    user = user_by_name(name) if name else None
    if name and user is None:
        raise ServiceError(f"用户“{name}”不存在", [{"field": key, "message": f"用户“{name}”不存在"}])
    return user


def _unit(code: str | None):
    if not code:
        return None
    unit = Unit.objects.filter(code=code, active=True).first()
    if unit is None:
        raise ServiceError(f"单位“{code}”不存在", [{"field": "to_unit", "message": f"单位“{code}”不存在"}])
    return unit


def _pick(values: dict, *keys: str) -> dict:
    return {k: values[k] for k in keys if k in values and values[k] is not None}


def _link(case, values, by):
    event_evidence = values.get("event_evidence")
    photo = values.get("inspection_photo")
    return svc.case_evidence_link(
        case=case,
        event_evidence=evidence_get_for_user(user=by, pk=event_evidence) if event_evidence else None,
        inspection_photo=inspection_photo_get_for_user(user=by, pk=photo) if photo else None,
        **_pick(values, "kind", "requirement", "description", "device", "place"),
        by=by,
    )


CALLS: dict[str, Callable] = {
    "investigate": lambda c, v, by: svc.case_investigate(
        case=c, **_pick(v, "correction_due", "correction"), by=by
    ),
    "evidence": _link,
    "evidence_upload": lambda c, v, by: svc.case_evidence_upload(
        case=c,
        **_pick(
            v,
            "file",
            "kind",
            "requirement",
            "description",
            "collector_name",
            "collected_at",
            "device",
            "place",
        ),
        by=by,
    ),
    "inquiry": lambda c, v, by: svc.case_inquiry_record(
        case=c,
        interviewee=v.get("interviewee") or {},
        started_at=v.get("started_at"),
        ended_at=v.get("ended_at"),
        place=v.get("place") or "",
        questions=v.get("questions") or [],
        by=by,
    ),
    "correction": lambda c, v, by: svc.case_correction_record(
        case=c, corrected_on=v.get("corrected_on"), note=v.get("note") or "", by=by
    ),
    "notify": lambda c, v, by: svc.case_notify(
        case=c, penalties=v.get("penalties") or [], **_pick(v, "notice_kind", "notified_on"), by=by
    ),
    "respond": lambda c, v, by: svc.case_respond(
        case=c, kind=v.get("kind") or "", **_pick(v, "content", "received_on"), by=by
    ),
    "study": lambda c, v, by: svc.case_study_record(
        case=c, topic=v.get("topic"), studied_on=v.get("studied_on"), minutes=v.get("minutes"), by=by
    ),
    "hearing": lambda c, v, by: svc.case_hearing_schedule(
        case=c,
        held_on=v.get("held_on"),
        place=v.get("place") or "",
        host=_user(v, "host"),
        **_pick(v, "notice_on", "public"),
        by=by,
    ),
    "hearing_report": lambda c, v, by: svc.case_hearing_record(case=c, report=v.get("report") or "", by=by),
    "review": lambda c, v, by: svc.case_review_submit(case=c, by=by),
    "review_opinion": lambda c, v, by: svc.case_review_record(
        case=c, passed=bool(v.get("passed")), opinion=v.get("opinion") or "", by=by
    ),
    "discussion": lambda c, v, by: svc.case_discussion_record(
        case=c,
        held_on=v.get("held_on"),
        attendees=v.get("attendees") or "",
        conclusion=v.get("conclusion") or "",
        by=by,
    ),
    "decide": lambda c, v, by: svc.case_decide(
        case=c,
        outcome=v.get("outcome") or "",
        **_pick(v, "penalties", "decided_on", "public_service"),
        publish_required=bool(v.get("publish_required")),
        by=by,
    ),
    "serve": lambda c, v, by: svc.case_serve(
        case=c,
        served_on=v.get("served_on"),
        method=v.get("method") or "",
        **_pick(v, "recipient", "signature", "signature_refused"),
        by=by,
    ),
    "payment": lambda c, v, by: svc.case_payment_record(
        case=c,
        amount=v.get("amount"),
        late_fee_paid=v.get("late_fee_paid") or 0,
        paid_on=v.get("paid_on"),
        receipt_no=v.get("receipt_no") or "",
        by=by,
    ),
    "public_service": lambda c, v, by: svc.case_public_service_confirm(
        case=c, completed=bool(v.get("completed")), **_pick(v, "completed_on", "note"), by=by
    ),
    "enforcement": lambda c, v, by: svc.case_enforcement_apply(
        case=c, applied_on=v.get("applied_on"), note=v.get("note") or "", by=by
    ),
    "publish": lambda c, v, by: svc.case_publish(case=c, published_on=v.get("published_on"), by=by),
    "credit_repair": lambda c, v, by: svc.case_credit_guide(case=c, guidance=v.get("guidance") or "", by=by),
    "close": lambda c, v, by: svc.case_close(case=c, summary=v.get("summary") or "", by=by),
    "extend": lambda c, v, by: svc.case_extend(
        case=c, days=v.get("days"), reason=v.get("reason") or "", approver=_user(v, "approver"), by=by
    ),
    "transfer": lambda c, v, by: svc.case_transfer(
        case=c,
        to_unit=_unit(v.get("to_unit")),
        to_name=v.get("to_name") or "",
        reason=v.get("reason") or "",
        by=by,
    ),
    "withdraw": lambda c, v, by: svc.case_withdraw(case=c, reason=v.get("reason") or "", by=by),
}
assert set(CALLS) == set(ACTIONS), "every action has exactly one call"


def perform(name: str, case: Case, values: dict, by):
    """Run one action on a case the caller already fetched through the selector."""
    call = CALLS.get(name)
    if call is None:
        raise Http404("没有这项操作")
    # Who may act is answered before anything the values name is looked up (a read-only role: 403 first).
    (require_reviewer if ACTIONS[name].reviewer else require_handler)(case, by)
    return call(case, values, by)
