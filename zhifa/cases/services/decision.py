"""The decision (决定): a penalty, 公益抵罚, or a soft outcome (不予处罚, 首违不罚, 以学代罚), after every gate;
and the on-the-spot decision of the simple procedure (简易程序, 第五十一条)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import audit_record
from zhifa.cases.choices import (
    NO_PENALTY_OUTCOMES,
    Circumstance,
    DocumentKind,
    EvidenceKind,
    NoticeKind,
    OfficerRole,
    Outcome,
    PartyKind,
    PenaltyKind,
    Procedure,
    ResponseKind,
    ServiceMethod,
    Source,
    Stage,
)
from zhifa.cases.config import case_rules, district_calendar
from zhifa.cases.hooks import party_action
from zhifa.cases.models import Case, CaseCause, CaseOfficer, PublicService
from zhifa.cases.services import gates
from zhifa.cases.services.common import (
    add_document,
    add_step,
    case_number,
    changing,
    commit,
    day_given,
    fail,
    refresh_deadlines,
    refuse,
    text,
    today,
)
from zhifa.cases.services.evidence import store_upload
from zhifa.cases.services.opening import _case_domain, _handler_unit, causes_read, officers_read, parties_read
from zhifa.catalog.models import band_for
from zhifa.core.errors import ServiceError
from zhifa.dispatch.choices import ResolutionMode
from zhifa.dispatch.coordination.services import evidence_file_check, sniff_file_type
from zhifa.dispatch.events.resolution import event_resolution_mode_set
from zhifa.engine.deadlines import PAYMENT_DAYS, party_window_end, payment_due, remedies

DEFENCES = (ResponseKind.STATEMENT, ResponseKind.DEFENCE, ResponseKind.HEARING_REQUEST)
PAYMENT_TERMS = (
    f"自收到本决定书之日起{PAYMENT_DAYS}日内缴纳罚款；到期不缴纳的，每日按罚款数额的百分之三加处罚款，"
    "加处罚款的数额不超出罚款的数额（《中华人民共和国行政处罚法》第六十七条、第七十二条）"
)
REMEDIES = (
    "如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼"
)


def _as_notified(case: Case, soft: bool) -> list[dict]:
    return [
        {
            "cause": c.pk,
            "circumstance": c.circumstance,
            "kinds": [] if soft else list(c.proposed_kinds),
            "fine": 0 if soft else c.proposed_fine,
            "confiscation_value": 0 if soft else c.confiscation_value,
            "outside_band_reason": c.outside_band_reason,
        }
        for c in case.causes.order_by("id")
    ]


def _reviewed(case: Case) -> bool:
    latest = case.reviews.order_by("-created_at", "-id").first()
    return latest is not None and latest.passed and latest.reviewed_on >= case.notified_on


def _heavier_than_notified(case: Case, totals, defence: bool) -> list[dict]:
    """A decision heavier than the notice needs a new notice; after a defence it is refused outright (第四十五条)."""
    notified: dict[int, tuple[Decimal, set]] = {}
    for c in case.causes.all():
        fine, kinds = notified.get(c.party_id, (Decimal("0.00"), set()))
        fine += c.proposed_fine if PenaltyKind.FINE in c.proposed_kinds else 0
        notified[c.party_id] = (fine, kinds | set(c.proposed_kinds))
    errors = []
    for t in totals:
        fine, kinds = notified.get(t.party.pk, (Decimal("0.00"), set()))
        heavier_kinds = [
            PenaltyKind(k).label for k in t.kinds - kinds if k != PenaltyKind.WARNING or not kinds
        ]
        if t.fine <= fine and not heavier_kinds:
            continue
        what = f"罚款 {gates.yuan(t.fine)} 元" if t.fine > fine else "、".join(heavier_kinds)
        if defence:
            message = (
                f"当事人已陈述申辩，决定不得重于告知内容（{t.party.name}告知罚款 {gates.yuan(fine)} 元，现拟{what}）"
                "（《中华人民共和国行政处罚法》第四十五条）"
            )
        else:
            message = (
                f"{t.party.name}拟{what}，重于告知内容，须重新告知（《中华人民共和国行政处罚法》第四十四条）"
            )
        errors.append({"field": "penalties", "message": message})
    return errors


def _public_service(raw, fine_total: Decimal, decided_on: date, errors: list[dict]) -> dict | None:
    raw = dict(raw or {})
    hours = raw.get("hours")
    content = text(raw.get("content"), "public_service.content", "公益服务内容", errors, limit=200)
    due_on = raw.get("due_on")
    if not isinstance(hours, int) or not 1 <= hours <= 1000:
        errors.append({"field": "public_service.hours", "message": "公益服务时长应为 1 至 1000 小时"})
        return None
    if not isinstance(due_on, date) or due_on <= decided_on:
        errors.append({"field": "public_service.due_on", "message": "请填写晚于决定日期的公益服务完成期限"})
        return None
    rules = case_rules()
    cap = (fine_total * rules.service_offset_max_percent / 100).quantize(Decimal("0.01"))
    offset = min(Decimal(hours * rules.service_hour_yuan), cap)
    if offset <= 0:
        errors.append({"field": "public_service.hours", "message": "公益抵罚须有罚款可抵扣"})
        return None
    return {"hours": hours, "content": content, "due_on": due_on, "offset": offset}


def _decision_data(c: Case, proposals, outcome: str, extra: dict) -> dict:
    return {
        "outcome": Outcome(outcome).label,
        "unit": c.unit.name,
        "case_number": c.number,
        "parties": [
            {"name": p.name, "kind": p.get_kind_display(), "id": p.identifier, "address": p.address}
            for p in c.parties.all()
        ],
        "facts": c.facts,
        "evidence": [
            f"{e.get_kind_display()}：{e.description}" for e in c.evidence.filter(withdrawn_at__isnull=True)
        ],
        "causes": [
            {
                "party": p.cause.party.name,
                "item": p.cause.item.code,
                "name": p.cause.item.name,
                "legal_basis": p.cause.legal_basis,
                "penalty_basis": p.cause.penalty_basis,
                "circumstance": p.circumstance,
                "kinds": [PenaltyKind(k).label for k in p.kinds],
                "fine": p.fine,
            }
            for p in proposals
        ],
        "fine_total": sum((p.fine for p in proposals if PenaltyKind.FINE in p.kinds), start=Decimal("0.00")),
        "payment_terms": PAYMENT_TERMS if outcome not in NO_PENALTY_OUTCOMES else "",
        "remedies": REMEDIES,
        **extra,
    }


def _follow_event(c: Case, outcome: str, by) -> None:
    """721: the source event's mode follows the outcome — no penalty makes it management, not enforcement."""
    if c.event_id is None:
        return
    mode = ResolutionMode.MANAGEMENT if outcome in NO_PENALTY_OUTCOMES else ResolutionMode.ENFORCEMENT
    event_resolution_mode_set(
        event=c.event, mode=mode, reason=f"案件 {c.number}：{Outcome(outcome).label}", by=by
    )


def case_decide(
    *,
    case: Case,
    outcome: str,
    penalties: list[dict] | None = None,
    decided_on: date | None = None,
    publish_required: bool = False,
    public_service: dict | None = None,
    by,
) -> Case:
    """作出决定 — refused, naming what is missing, while any gate is shut: the party's window, the hearing, a
    decision heavier than the notice, the discretion band, legal review, collective discussion, and the
    conditions of the soft outcome chosen."""
    rules, cal = case_rules(), district_calendar()
    with changing(case, by=by, stages=(Stage.NOTIFIED, Stage.HEARING, Stage.REVIEW), verb="作出决定") as c:
        errors: list[dict] = []
        if outcome not in Outcome.values:
            refuse("outcome", "请选择处理结果")
        decided_on = day_given(decided_on, "decided_on", "决定日期", errors, default=today())
        fail(errors)
        if decided_on < c.notified_on:
            errors.append({"field": "decided_on", "message": "决定日期不能早于告知日期"})
        window = party_window_end(c.notified_on, rules, cal)
        if c.party_done_on is None and decided_on <= window:
            rights = "陈述、申辩和要求听证" if c.notice_kind == NoticeKind.HEARING else "陈述、申辩"
            message = f"当事人{rights}的期限至 {window:%Y-%m-%d} 届满，届满或当事人答复后方可作出决定（《中华人民共和国行政处罚法》第四十四条、第四十五条）"
            errors.append({"field": "decided_on", "message": message})
        hearing = getattr(c, "hearing", None)
        if c.responses.filter(kind=ResponseKind.HEARING_REQUEST).exists() and not (hearing and hearing.held):
            errors.append({"field": "hearing", "message": "当事人已要求听证，听证结束后方可作出决定"})
        soft = outcome in NO_PENALTY_OUTCOMES
        proposals = gates.read_proposals(
            c, penalties if penalties is not None else _as_notified(c, soft), errors, notice=True
        )
        fail(errors)
        totals = gates.party_totals(proposals)
        defence = c.responses.filter(kind__in=DEFENCES).exists()
        errors += _heavier_than_notified(c, totals, defence)
        reviewed = _reviewed(c)
        errors += gates.band_problems(proposals, reviewed=reviewed)
        reasons = list(dict.fromkeys([*c.review_reasons, *gates.review_reasons(totals, proposals, rules)]))
        if reasons and not reviewed and not any(e["field"] == "review" for e in errors):
            message = f"本案须经法制审核（{'；'.join(reasons)}），审核通过后方可作出决定（《中华人民共和国行政处罚法》第五十八条）"
            errors.append({"field": "review", "message": message})
        discuss = list(dict.fromkeys([*c.discussion_reasons, *gates.discussion_reasons(totals, rules)]))
        if discuss and not c.discussions.exists():
            message = f"本案须经负责人集体讨论（{'；'.join(discuss)}）后方可作出决定（《中华人民共和国行政处罚法》第五十七条）"
            errors.append({"field": "discussion", "message": message})
        if soft:
            errors += gates.soft_outcome_problems(c, outcome, proposals, decided_on)
        elif not any(p.kinds for p in proposals):
            errors.append({"field": "penalties", "message": "给予行政处罚须至少有一种处罚"})
        fine_total = sum((t.fine for t in totals), start=Decimal("0.00"))
        service = None
        if outcome == Outcome.PUBLIC_SERVICE:
            service = (
                _public_service(public_service, fine_total, decided_on, errors) if fine_total > 0 else None
            )
            if fine_total <= 0:
                errors.append({"field": "outcome", "message": "公益抵罚须有罚款可抵扣"})
        fail(errors)
        for p in proposals:
            p.cause.decided_kinds, p.cause.decided_fine = (
                p.kinds,
                p.fine if PenaltyKind.FINE in p.kinds else Decimal("0.00"),
            )
            p.cause.save(update_fields=["decided_kinds", "decided_fine"])
        extra = {}
        if service:
            PublicService.objects.create(
                case=c,
                hours=service["hours"],
                offset_amount=service["offset"],
                content=service["content"],
                due_on=service["due_on"],
            )
            extra["public_service"] = {**service, "payable": fine_total - service["offset"]}
        if outcome == Outcome.STUDY:
            extra["study"] = [
                {"topic": s.topic, "on": s.studied_on, "minutes": s.minutes} for s in c.studies.all()
            ]
        if soft:
            extra["corrected_on"] = c.corrected_on
        c.outcome, c.decided_on, c.fine_total = outcome, decided_on, fine_total
        c.offset_amount = service["offset"] if service else Decimal("0.00")
        c.publish_required = bool(publish_required)
        kind = DocumentKind.NO_PENALTY_DECISION if soft else DocumentKind.DECISION
        document = add_document(
            c, kind, by=by, data=_decision_data(c, proposals, outcome, extra), issued_on=decided_on
        )
        c.decision_number, frm, c.stage = document.number, c.stage, Stage.DECIDED
        commit(
            c,
            by=by,
            action="decide",
            frm=frm,
            document=document,
            party="decision",
            after={"outcome": outcome, "fine": fine_total},
        )
        _follow_event(c, outcome, by)
        return c


# --- 简易程序 -------------------------------------------------------------------------------------------------


def _signature(signature, refused_note: str, errors: list[dict]) -> tuple[bytes, str] | None:
    """The party's signature as PNG bytes (from the phone's canvas), or the note that the party refused."""
    if signature in (None, b"", ""):
        if not refused_note:
            errors.append({"field": "signature", "message": "请当事人签名，或注明当事人拒绝签名的情况"})
        return None
    content = signature if isinstance(signature, bytes) else signature.read()
    kind = sniff_file_type(content[:16])
    if kind is None or kind[0] != "image/png" or len(content) > 2 * 1024 * 1024:
        errors.append({"field": "signature", "message": "签名图像有误，请重新签名"})
        return None
    return content, hashlib.sha256(content).hexdigest()


@dataclass
class _Spot:
    """An on-the-spot decision as read and checked, before anything is written."""

    unit: object
    day: date
    facts: str
    place: str
    party: object
    item: object
    officers: list
    penalty: str
    circumstance: str
    amount: Decimal
    band: object
    photo: object
    checked: tuple
    signed: tuple[bytes, str] | None
    refused: str


def case_decide_on_spot(
    *,
    party: dict,
    item: str,
    circumstance: str,
    penalty: str,
    fine=0,
    facts: str,
    place: str,
    officers: list,
    photo,
    signature=None,
    signature_refused: str = "",
    by,
) -> Case:
    """当场处罚 — the simple procedure: facts clear, a warning or a fine no higher than 200 yuan for a citizen /
    3,000 for an organisation (第五十一条) and inside the item's band, two officers, a photo, and the decision
    handed to the party on the spot with its signature (第五十二条)."""
    unit = _handler_unit(by)
    rules, day = case_rules(), today()
    errors: list[dict] = []
    facts = text(facts, "facts", "违法事实", errors)
    place = text(place, "place", "违法地点", errors, limit=200)
    refused = text(signature_refused, "signature_refused", "拒签情况", errors, required=False, limit=200)
    party_rows = parties_read([party], errors)
    cause_rows = causes_read([{"item": item}], len(party_rows), unit, day, errors) if party_rows else []
    officer_rows = officers_read(officers, unit, [i for _, i in cause_rows], errors)
    if penalty not in (PenaltyKind.WARNING, PenaltyKind.FINE):
        errors.append({"field": "penalty", "message": "简易程序只能给予警告或罚款"})
    if circumstance not in Circumstance.values:
        errors.append({"field": "circumstance", "message": "请选择情节"})
    amount = gates.money(fine, "fine", "罚款金额", errors) if penalty == PenaltyKind.FINE else Decimal("0.00")
    if penalty == PenaltyKind.FINE and amount <= 0:
        errors.append({"field": "fine", "message": "请填写罚款金额"})
    if party_rows and penalty == PenaltyKind.FINE:
        person = party_rows[0].kind == PartyKind.PERSON
        limit = rules.simple_max_person if person else rules.simple_max_org
        if amount > limit:
            who = "公民" if person else "法人或者其他组织"
            message = (
                f"简易程序对{who}罚款不得超过 {limit} 元，{gates.yuan(amount)} 元须按普通程序办理"
                "（《中华人民共和国行政处罚法》第五十一条）"
            )
            errors.append({"field": "fine", "message": message})
    band = None
    if cause_rows and circumstance in Circumstance.values:
        kind = party_rows[0].kind if party_rows else ""
        band = band_for(cause_rows[0][1].bands.all(), circumstance, kind)
        if band and penalty == PenaltyKind.FINE and not band.min_fine <= amount <= band.max_fine:
            message = (
                f"罚款 {gates.yuan(amount)} 元超出裁量基准（{circumstance}：{gates.yuan(band.min_fine)}–"
                f"{gates.yuan(band.max_fine)} 元），当场处罚须在裁量基准内"
            )
            errors.append({"field": "fine", "message": message})
    signed = _signature(signature, refused, errors)
    checked = None
    if photo is None:
        errors.append({"field": "photo", "message": "请拍摄现场照片"})
    else:
        try:
            checked = evidence_file_check(photo)
        except ServiceError as err:
            errors.append({"field": "photo", "message": err.message})
    fail(errors)
    spot = _Spot(
        unit, day, facts, place, party_rows[0], cause_rows[0][1], officer_rows, penalty, circumstance, amount,
        band, photo, checked, signed, refused,
    )  # fmt: skip
    stored: list = []
    try:
        return _on_spot_write(spot, stored, by)
    except BaseException:
        for f in stored:  # the rows were rolled back: their files go too
            f.storage.delete(f.name)
        raise


def _on_spot_write(s: _Spot, stored: list, by) -> Case:
    now = timezone.now()
    kinds = [s.penalty]
    with transaction.atomic():
        number, serial = case_number(s.unit, s.day.year)
        c = Case.objects.create(
            number=number,
            year=s.day.year,
            serial=serial,
            unit=s.unit,
            domain=_case_domain(s.unit),
            region_path=s.unit.region.path,
            procedure=Procedure.SIMPLE,
            stage=Stage.SERVED,
            source=Source.MANUAL,
            facts=s.facts,
            place=s.place,
            conduct_ended_on=s.day,
            discovered_on=s.day,
            filed_on=s.day,
            outcome=Outcome.PENALTY,
            decided_on=s.day,
            served_on=s.day,
            service_method=ServiceMethod.ON_SPOT,
            fine_total=s.amount,
            created_by=by,
            created_at=now,
        )
        s.party.case = c
        s.party.save()
        cause = CaseCause.objects.create(
            case=c,
            party=s.party,
            item=s.item,
            legal_basis=s.item.legal_basis,
            penalty_basis=s.item.penalty_basis,
            circumstance=s.circumstance,
            band_min=s.band.min_fine if s.band else None,
            band_max=s.band.max_fine if s.band else None,
            proposed_kinds=kinds,
            proposed_fine=s.amount,
            decided_kinds=kinds,
            decided_fine=s.amount,
        )
        CaseOfficer.objects.bulk_create(
            [
                CaseOfficer(case=c, officer=o, role=OfficerRole.LEAD if n == 0 else OfficerRole.ASSIST)
                for n, o in enumerate(s.officers)
            ]
        )
        evidence = store_upload(
            case=c,
            file=s.photo,
            checked=s.checked,
            kind=EvidenceKind.AUDIOVISUAL,
            requirement="",
            description=f"现场照片：{s.place}",
            collector_name=s.officers[0].name,
            collected_at=now,
            device="",
            place=s.place,
            by=by,
            now=now,
        )
        stored.append(evidence.file)
        data = _decision_data(
            c, [gates.Proposal(cause, s.circumstance, kinds, s.amount)], Outcome.PENALTY, {}
        )
        data.update(
            procedure="简易程序（当场处罚）",
            officers=[{"name": o.name, "certificate_no": o.certificate_no} for o in s.officers],
            signature_refused=s.refused,
            payment_due=payment_due(s.day, district_calendar()) if s.amount else None,
            **remedies(s.day),
        )
        document = add_document(c, DocumentKind.ON_SPOT_DECISION, by=by, data=data, issued_on=s.day)
        if s.signed:
            name = f"cases/signatures/{s.day:%Y/%m}/{uuid.uuid4().hex}.png"
            document.signature.save(name, ContentFile(s.signed[0]), save=False)
            stored.append(document.signature)
            document.signature_sha256 = s.signed[1]
            document.save(update_fields=["signature", "signature_sha256"])
        c.decision_number = document.number
        refresh_deadlines(c)
        c.save(update_fields=["decision_number", "next_due", "next_clock"])
        add_step(c, action="decide_on_spot", by=by, to=Stage.SERVED, note="当场交付", document=document)
        audit_record(
            actor=by,
            action="cases.case_decide_on_spot",
            obj=c,
            after={"number": number, "decision": document.number, "penalty": s.penalty, "fine": s.amount},
        )
        party_action(c, "decision", document)
        party_action(c, "service", document)
    return c
