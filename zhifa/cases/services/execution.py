"""After the decision: service (送达), payment with the late fee, 公益抵罚 completion, an application for
enforcement, publication with 信用修复 guidance, and closing (结案) once everything is done."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from zhifa.cases.choices import DocumentKind, Outcome, ServiceMethod, Stage
from zhifa.cases.config import district_calendar
from zhifa.cases.models import Case, Payment
from zhifa.cases.services import gates
from zhifa.cases.services.common import (
    MAX_REASON,
    add_document,
    changing,
    commit,
    day_given,
    fail,
    refuse,
    text,
    today,
)
from zhifa.cases.services.decision import REMEDIES, _signature
from zhifa.core.errors import Conflict
from zhifa.engine.deadlines import late_fee, payment_due, remedies

AFTER_DECISION = (Stage.DECIDED, Stage.SERVED, Stage.EXECUTING, Stage.CLOSED)
EXECUTION = (Stage.SERVED, Stage.EXECUTING)


def case_serve(
    *,
    case: Case,
    served_on: date | None = None,
    method: str,
    recipient: str = "",
    signature=None,
    signature_refused: str = "",
    by,
) -> Case:
    """送达 — the decision reached the party on `served_on`, by `method` (送达回证, with the signature drawn on
    the phone when handed over in person); the payment period and the remedies run from that day."""
    errors: list[dict] = []
    served_on = day_given(served_on, "served_on", "送达日期", errors, default=today())
    if method not in ServiceMethod.values:
        errors.append({"field": "method", "message": "请选择送达方式"})
    recipient = text(recipient, "recipient", "受送达人", errors, required=False, limit=100)
    refused = text(signature_refused, "signature_refused", "拒签情况", errors, required=False, limit=200)
    in_person = method in (ServiceMethod.ON_SPOT, ServiceMethod.DIRECT)
    signed = _signature(signature, refused, errors) if in_person and (signature or refused) else None
    fail(errors)
    with changing(case, by=by, stages=(Stage.DECIDED,), verb="送达") as c:
        if served_on < c.decided_on:
            refuse("served_on", "送达日期不能早于决定日期")
        c.served_on, c.service_method = served_on, method
        data = {
            "decision": c.decision_number,
            "served_on": served_on,
            "method": ServiceMethod(method).label,
            "recipient": recipient or ", ".join(p.name for p in c.parties.all()),
            "signature_refused": refused,
            "remedies": REMEDIES,
            **remedies(served_on),
        }
        if c.fine_payable > 0:
            data["payment_due"] = payment_due(served_on, district_calendar())
        document = add_document(c, DocumentKind.SERVICE_RECEIPT, by=by, data=data, issued_on=served_on)
        if signed:
            name = f"cases/signatures/{served_on:%Y/%m}/{uuid.uuid4().hex}.png"
            document.signature.save(name, ContentFile(signed[0]), save=False)
            document.signature_sha256 = signed[1]
            document.save(update_fields=["signature", "signature_sha256"])
        c.stage = Stage.SERVED
        return commit(c, by=by, action="serve", frm=Stage.DECIDED, document=document, party="service")


def outstanding(case: Case, on: date) -> tuple[Decimal, Decimal]:
    """(fine still unpaid, late fee owed as of `on`) for a served case."""
    payable = case.fine_payable - case.paid_total
    if payable <= 0 or case.served_on is None:
        return max(payable, Decimal("0.00")), Decimal("0.00")
    paid_fees = sum((p.late_fee for p in case.payments.all()), start=Decimal("0.00"))
    owed = late_fee(case.fine_payable, payment_due(case.served_on, district_calendar()), on)
    return payable, max(owed - paid_fees, Decimal("0.00"))


def case_payment_record(*, case: Case, amount, paid_on: date, receipt_no: str, late_fee_paid=0, by) -> Case:
    """缴款 — a payment of the fine (and of the late fee owed on that day, 3 % a day capped at the fine)."""
    errors: list[dict] = []
    paid_on = day_given(paid_on, "paid_on", "缴款日期", errors)
    receipt_no = text(receipt_no, "receipt_no", "缴款凭证号", errors, limit=60)
    amount = gates.money(amount, "amount", "缴款金额", errors)
    fee = gates.money(late_fee_paid, "late_fee", "加处罚款", errors)
    if amount <= 0 and fee <= 0:
        errors.append({"field": "amount", "message": "请填写缴款金额"})
    fail(errors)
    with changing(case, by=by, stages=EXECUTION, verb="记录缴款") as c:
        if paid_on < c.served_on:
            refuse("paid_on", "缴款日期不能早于送达日期")
        if c.fine_payable <= 0:
            refuse("amount", "本案没有应缴罚款")
        payable, owed = outstanding(c, paid_on)
        if amount > payable:
            refuse("amount", f"缴款 {gates.yuan(amount)} 元超过未缴罚款 {gates.yuan(payable)} 元")
        if fee > owed:
            refuse(
                "late_fee",
                f"加处罚款 {gates.yuan(fee)} 元超过 {paid_on:%Y-%m-%d} 应加处的 {gates.yuan(owed)} 元",
            )
        Payment.objects.create(
            case=c,
            amount=amount,
            late_fee=fee,
            paid_on=paid_on,
            receipt_no=receipt_no,
            recorded_by=by,
            created_at=timezone.now(),
        )
        c.paid_total += amount
        if amount == payable and fee == owed:
            c.paid_on = paid_on
        data = {
            "amount": amount,
            "late_fee": fee,
            "paid_on": paid_on,
            "receipt_no": receipt_no,
            "remaining": payable - amount,
        }
        document = add_document(c, DocumentKind.PAYMENT, by=by, data=data, issued_on=paid_on)
        frm, c.stage = c.stage, Stage.EXECUTING
        return commit(
            c, by=by, action="payment", frm=frm, document=document, after={"amount": amount, "late_fee": fee}
        )


def case_public_service_confirm(
    *, case: Case, completed: bool, completed_on: date | None = None, note: str = "", by
) -> Case:
    """公益服务完成确认 — completed: the offset stands; not completed: the whole fine is payable again."""
    errors: list[dict] = []
    note = text(note, "note", "情况说明", errors, required=not completed, limit=MAX_REASON)
    completed_on = day_given(completed_on, "completed_on", "完成日期", errors) if completed else None
    fail(errors)
    with changing(case, by=by, stages=EXECUTION, verb="确认公益服务") as c:
        service = getattr(c, "public_service", None)
        if service is None or c.outcome != Outcome.PUBLIC_SERVICE:
            refuse("public_service", "本案不是公益抵罚案件")
        if service.completed_on or service.failed:
            refuse("public_service", "公益服务情况已确认", Conflict)
        if completed:
            service.completed_on, service.confirmed_by = completed_on, by
        else:
            service.failed, service.confirmed_by = True, by
            c.offset_amount = Decimal("0.00")  # the whole fine is payable
            c.paid_on = None
        service.save()
        data = {
            "hours": service.hours,
            "content": service.content,
            "completed": completed,
            "completed_on": completed_on,
            "note": note,
        }
        document = add_document(c, DocumentKind.PUBLIC_SERVICE, by=by, data=data)
        frm, c.stage = c.stage, Stage.EXECUTING
        return commit(
            c, by=by, action="public_service", frm=frm, document=document, after={"completed": completed}
        )


def case_enforcement_apply(*, case: Case, applied_on: date, note: str = "", by) -> Case:
    """申请人民法院强制执行 — when the fine is overdue and the party's review and litigation periods have passed
    without either (行政强制法 第五十三条)."""
    errors: list[dict] = []
    applied_on = day_given(applied_on, "applied_on", "申请日期", errors)
    note = text(note, "note", "申请说明", errors, required=False, limit=MAX_REASON)
    fail(errors)
    with changing(case, by=by, stages=EXECUTION, verb="申请强制执行") as c:
        if c.paid_on is not None or c.fine_payable <= 0:
            refuse("applied_on", "罚款已缴清，无需申请强制执行")
        if c.enforcement_applied_on:
            refuse("applied_on", "已申请强制执行", Conflict)
        until = remedies(c.served_on)["litigation_until"]
        if applied_on <= until:
            refuse(
                "applied_on",
                f"当事人提起行政诉讼的期限至 {until:%Y-%m-%d} 届满，届满后方可申请人民法院强制执行（行政强制法第五十三条）",
            )
        payable, owed = outstanding(c, applied_on)
        c.enforcement_applied_on = applied_on
        data = {"applied_on": applied_on, "fine_unpaid": payable, "late_fee": owed, "note": note}
        document = add_document(c, DocumentKind.ENFORCEMENT, by=by, data=data, issued_on=applied_on)
        frm, c.stage = c.stage, Stage.EXECUTING
        return commit(c, by=by, action="enforcement", frm=frm, document=document)


def case_publish(*, case: Case, published_on: date, by) -> Case:
    """公示 — a decision with social impact is published within seven working days (configurable)."""
    errors: list[dict] = []
    published_on = day_given(published_on, "published_on", "公示日期", errors)
    fail(errors)
    with changing(case, by=by, stages=AFTER_DECISION, verb="公示") as c:
        if not c.publish_required:
            refuse("published_on", "本案决定未标记为应公开")
        if c.published_on:
            refuse("published_on", "本案决定已公示", Conflict)
        if published_on < c.decided_on:
            refuse("published_on", "公示日期不能早于决定日期")
        c.published_on = published_on
        data = {
            "decision": c.decision_number,
            "published_on": published_on,
            "parties": [p.name for p in c.parties.all()],
        }
        document = add_document(c, DocumentKind.PUBLICATION, by=by, data=data, issued_on=published_on)
        return commit(c, by=by, action="publish", frm=c.stage, document=document)


def case_credit_guide(*, case: Case, guidance: str, by) -> Case:
    """信用修复告知 — after a published decision, the party is told how to repair its credit record."""
    errors: list[dict] = []
    guidance = text(guidance, "guidance", "信用修复指导内容", errors)
    fail(errors)
    with changing(case, by=by, stages=AFTER_DECISION, verb="信用修复告知") as c:
        if c.published_on is None:
            refuse("guidance", "决定公示后方可进行信用修复告知")
        if c.credit_guided_on:
            refuse("guidance", "已进行信用修复告知", Conflict)
        c.credit_guided_on = today()
        document = add_document(
            c, DocumentKind.CREDIT_REPAIR, by=by, data={"guidance": guidance, "decision": c.decision_number}
        )
        return commit(c, by=by, action="credit_guide", frm=c.stage, document=document)


def close_problems(c: Case) -> list[dict]:
    errors = []
    service = getattr(c, "public_service", None)
    if service is not None and not service.failed and service.completed_on is None:
        errors.append({"field": "public_service", "message": "公益服务尚未确认完成，不能结案"})
    if c.fine_payable > 0 and c.paid_on is None and c.enforcement_applied_on is None:
        errors.append(
            {"field": "payment", "message": "罚款（及加处罚款）尚未缴清，也未申请强制执行，不能结案"}
        )
    if c.publish_required and c.published_on is None:
        errors.append({"field": "publish", "message": "应公开的决定尚未公示，不能结案"})
    return errors


def case_close(*, case: Case, summary: str, by) -> Case:
    """结案 — once the decision is carried out: fine paid (or enforcement applied for), public service
    completed, the decision published where required."""
    errors: list[dict] = []
    summary = text(summary, "summary", "结案报告", errors)
    fail(errors)
    with changing(case, by=by, stages=EXECUTION, verb="结案") as c:
        fail(close_problems(c))
        c.closed_on = today()
        frm, c.stage = c.stage, Stage.CLOSED
        data = {
            "summary": summary,
            "outcome": c.get_outcome_display(),
            "fine_total": c.fine_total,
            "paid_total": c.paid_total,
        }
        document = add_document(c, DocumentKind.CLOSING, by=by, data=data)
        return commit(c, by=by, action="close", frm=frm, document=document)
