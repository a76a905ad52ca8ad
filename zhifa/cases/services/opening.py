"""立案: a case from an inspection finding, a violation, an event resolved by enforcement, a transfer, or by hand;
with its parties (by credit code or ID number), causes (catalog items with their 违则 and 罚则) and officers.
Also 不予立案, the record that a source was looked at and no case was opened."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhifa.audit.services import audit_record
from zhifa.cases.choices import (
    DocumentKind,
    EvidenceOrigin,
    OfficerRole,
    PartyKind,
    Procedure,
    Source,
    Stage,
)
from zhifa.cases.models import Case, CaseCause, CaseEvidence, CaseOfficer, CaseParty
from zhifa.cases.services.common import (
    HANDLER_UNIT_KINDS,
    MAX_REASON,
    add_document,
    add_step,
    case_number,
    day_given,
    fail,
    refresh_deadlines,
    refuse,
    text,
    today,
)
from zhifa.catalog.choices import ItemKind, ItemStatus
from zhifa.catalog.models import EnforcementItem
from zhifa.core.errors import Conflict, PermissionError_, require_write
from zhifa.dispatch.choices import EventStatus, ResolutionMode
from zhifa.dispatch.events.selectors import event_get_for_user
from zhifa.dispatch.events.services import acting_unit
from zhifa.engine import idcard, uscc
from zhifa.engine.deadlines import limitation_end
from zhifa.inspections.choices import FindingResult
from zhifa.inspections.demands.selectors import DELEGATED_DOMAIN
from zhifa.inspections.records.selectors import inspection_get_for_user
from zhifa.org.choices import UnitKind
from zhifa.org.models import Domain, Officer
from zhifa.org.scope import scope_for
from zhifa.subjects.models import Subject
from zhifa.subjects.selectors import subject_get

MIN_OFFICERS = 2
ARTICLE_42 = "（《中华人民共和国行政处罚法》第四十二条）"
SUBDISTRICT_TEAMS = (UnitKind.SUBDISTRICT_TEAM, UnitKind.STATIONED_TEAM)
RESOLVED = (EventStatus.RESOLVED, EventStatus.ANSWERED, EventStatus.CLOSED)


def id_digest(number: str) -> str:
    """A keyed digest of an ID number: finds the same person again without keeping the number."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"idcard:" + idcard.normalise(number).encode(), hashlib.sha256).hexdigest()


# --- parties ------------------------------------------------------------------------------------------------


def _party(n: int, raw: dict, errors: list[dict]) -> CaseParty | None:
    f = f"parties.{n}"
    address = text(raw.get("address"), f"{f}.address", "地址", errors, required=False, limit=200)
    phone = text(raw.get("phone"), f"{f}.phone", "联系电话", errors, required=False, limit=20)
    subject_id = raw.get("subject")
    if subject_id:
        subject = Subject.objects.filter(pk=subject_id).first() if str(subject_id).isdigit() else None
        if subject is None:
            errors.append({"field": f"{f}.subject", "message": f"第 {n + 1} 个当事人：监管对象不存在"})
            return None
        if not subject.uscc:
            message = f"{subject.name}为场所类对象，没有统一社会信用代码，请按单位或个人填写当事人"
            errors.append({"field": f"{f}.subject", "message": message})
            return None
        given = {k: v for k, v in raw.items() if v not in (None, "")}
        raw = {"kind": PartyKind.ORGANISATION, "name": subject.name, "uscc": subject.uscc, **given}
        address = address or subject.address
    kind = raw.get("kind") or (PartyKind.PERSON if raw.get("id_number") else PartyKind.ORGANISATION)
    name = text(raw.get("name"), f"{f}.name", f"第 {n + 1} 个当事人的名称或姓名", errors, limit=200)
    if kind == PartyKind.ORGANISATION:
        code = uscc.normalise(raw.get("uscc") or "")
        problems = uscc.uscc_validate(code)
        if problems:
            message = f"第 {n + 1} 个当事人统一社会信用代码有误：{'；'.join(problems)}"
            errors.append({"field": f"{f}.uscc", "message": message})
            return None
        # 个体工商户 (9 2 …) answer as citizens for the law's amounts: the lower limits apply.
        legal = PartyKind.PERSON if code[:2] == "92" else PartyKind.ORGANISATION
        subject = Subject.objects.filter(uscc=code).first()
        return CaseParty(
            position=n, kind=legal, name=name, subject=subject, uscc=code, address=address, phone=phone
        )
    if kind == PartyKind.PERSON:
        number = idcard.normalise(raw.get("id_number") or "")
        problems = idcard.id_validate(number, today=today())
        if problems:
            message = f"第 {n + 1} 个当事人身份证号码有误：{'；'.join(problems)}"
            errors.append({"field": f"{f}.id_number", "message": message})
            return None
        return CaseParty(
            position=n,
            kind=PartyKind.PERSON,
            name=name,
            id_masked=idcard.id_mask(number),
            id_digest=id_digest(number),
            address=address,
            phone=phone,
        )
    errors.append({"field": f"{f}.kind", "message": f"第 {n + 1} 个当事人类型应为单位或个人"})
    return None


def parties_read(raw_parties, errors: list[dict]) -> list[CaseParty]:
    if not isinstance(raw_parties, list | tuple) or not raw_parties:
        errors.append({"field": "parties", "message": "请填写至少一个当事人"})
        return []
    parties = [_party(n, dict(p), errors) for n, p in enumerate(raw_parties)]
    keys = [p.uscc or p.id_digest for p in parties if p is not None]
    if len(keys) != len(set(keys)):
        errors.append({"field": "parties", "message": "同一当事人填写了两次"})
    return [p for p in parties if p is not None]


# --- causes and competence --------------------------------------------------------------------------------------


def handled_domain(item: EnforcementItem) -> str:
    """The domain an item is handled under: a delegated item (赋权) under 综合执法 by the subdistrict team."""
    return DELEGATED_DOMAIN if item.delegated else item.domain.code


def causes_read(
    raw_causes, parties: int, unit, on: date, errors: list[dict]
) -> list[tuple[int, EnforcementItem]]:
    if not isinstance(raw_causes, list | tuple) or not raw_causes:
        errors.append({"field": "causes", "message": "请选择至少一个案由（执法事项）"})
        return []
    codes = [str((c or {}).get("item") or "").strip().upper() for c in raw_causes]
    items = {
        i.code: i
        for i in EnforcementItem.objects.filter(code__in=codes, status=ItemStatus.ACTIVE).select_related(
            "domain"
        )
    }
    out = []
    for n, (raw, code) in enumerate(zip(raw_causes, codes, strict=True)):
        f = f"causes.{n}"
        item = items.get(code)
        if item is None:
            errors.append({"field": f"{f}.item", "message": f"执法事项“{code}”不存在或已取消"})
            continue
        if item.kind != ItemKind.PENALTY:
            errors.append(
                {"field": f"{f}.item", "message": f"{item.code} 为{item.kind}事项，不能作为处罚案由"}
            )
            continue
        delegated = item.delegated and item.delegated_from is not None and item.delegated_from <= on
        if delegated and unit.kind not in SUBDISTRICT_TEAMS:
            message = f"{item.code} {item.name}已赋权街道，由属地街道综合行政执法队办理"
            errors.append({"field": f"{f}.item", "message": message})
            continue
        if not delegated and unit.domain_id != item.domain_id:
            message = f"{item.code} {item.name}属{item.domain.name}领域，不由{unit.name}办理，请移送主管部门"
            errors.append({"field": f"{f}.item", "message": message})
            continue
        index = raw.get("party")
        targets = range(parties) if index in (None, "") else [index]
        for p in targets:
            if not isinstance(p, int) or not 0 <= p < parties:
                errors.append({"field": f"{f}.party", "message": f"案由 {item.code} 指向的当事人不存在"})
                continue
            if (p, item) in out:
                errors.append({"field": f"{f}.item", "message": f"案由 {item.code} 填写了两次"})
                continue
            out.append((p, item))
    return out


def officers_read(raw_officers, unit, items: list[EnforcementItem], errors: list[dict]) -> list[Officer]:
    """The lead officer first, then the others: at least two, each in the handling unit, holding a
    certificate and qualified for every cause's domain (行政处罚法 第四十二条)."""
    values = [
        str(getattr(v, "pk", v)).strip() for v in (raw_officers or []) if str(getattr(v, "pk", v)).strip()
    ]
    values = list(dict.fromkeys(values))
    ids = [int(v) for v in values if v.isdigit()]
    certs = [v for v in values if not v.isdigit()]
    rows = Officer.objects.filter(pk__in=ids) | Officer.objects.filter(certificate_no__in=certs)
    found = {o.pk: o for o in rows.select_related("team").prefetch_related("qualified_domains")}
    by_cert = {o.certificate_no: o for o in found.values()}
    officers = []
    for v in values:
        o = found.get(int(v)) if v.isdigit() else by_cert.get(v)
        if o is None:
            errors.append({"field": "officers", "message": f"执法人员“{v}”不存在"})
        else:
            officers.append(o)
    if len(values) < MIN_OFFICERS:
        errors.append({"field": "officers", "message": f"办案执法人员不得少于两人{ARTICLE_42}"})
    domains = {handled_domain(i) for i in items}
    names = dict(Domain.objects.filter(code__in=domains).values_list("code", "name"))
    for o in officers:
        if not o.active:
            errors.append({"field": "officers", "message": f"{o.name}不在岗，不能办案"})
        if not (o.certificate_no or "").strip():
            errors.append({"field": "officers", "message": f"{o.name}没有执法证号，不能办案{ARTICLE_42}"})
        if o.team_id != unit.pk and o.team.parent_id != unit.pk:
            errors.append({"field": "officers", "message": f"{o.name}不是{unit.name}的执法人员"})
        held = {d.code for d in o.qualified_domains.all()}
        missing = [names.get(c, c) for c in sorted(domains) if c not in held]
        if missing:
            message = f"{o.name}（{o.certificate_no}）不具备{'、'.join(missing)}执法资格{ARTICLE_42}"
            errors.append({"field": "officers", "message": message})
    return officers


# --- sources --------------------------------------------------------------------------------------------------


def _source_errors(
    source: str, by, *, finding, violation, event, transfer_from, transfer_from_name
) -> list[dict]:
    """What is wrong with the case's source; a source the caller may not see is a 404, as everywhere."""
    errors = []
    if source not in Source.values:
        return [{"field": "source", "message": "请选择案件来源"}]
    given = {
        Source.INSPECTION: finding is not None or violation is not None,
        Source.EVENT: event is not None,
        Source.TRANSFER: transfer_from is not None,
    }
    if any(present for kind, present in given.items() if kind != source):
        return [{"field": "source", "message": f"案件来源为“{Source(source).label}”，与所附的案源不一致"}]
    if source == Source.INSPECTION:
        if finding is None and violation is None:
            errors.append({"field": "finding", "message": "请指定检查发现的违法行为"})
        if finding is not None:
            inspection_get_for_user(user=by, pk=finding.inspection_id)
            if finding.result != FindingResult.VIOLATION:
                errors.append({"field": "finding", "message": "该检查结果未认定违法，不能据此立案"})
        if violation is not None:
            subject_get(user=by, pk=violation.subject_id)
    elif source == Source.EVENT:
        if event is None:
            return [{"field": "event", "message": "请指定事件"}]
        event_get_for_user(user=by, pk=event.pk)
        if event.status not in RESOLVED or event.resolution_mode != ResolutionMode.ENFORCEMENT:
            errors.append(
                {"field": "event", "message": f"事件 {event.receipt_no} 尚未以“执法”方式处置，不能据此立案"}
            )
        else:
            acting_unit(event, by)  # the unit that worked the event opens its case
    elif source == Source.TRANSFER:
        if transfer_from is None and not (transfer_from_name or "").strip():
            errors.append({"field": "transfer_from", "message": "请指定移送来源（移送案件或移送单位）"})
        if transfer_from is not None and (
            transfer_from.stage != Stage.TRANSFERRED or transfer_from.transfer_to_unit_id != by.unit_id
        ):
            errors.append(
                {"field": "transfer_from", "message": f"案件 {transfer_from.number} 未移送至本单位"}
            )
    return errors


def _handler_unit(by):
    require_write(scope_for(by))
    unit = by.unit if by.unit_id else None
    if unit is None or unit.kind not in HANDLER_UNIT_KINDS or not unit.active:
        raise PermissionError_("只有执法队伍或区级部门可以立案")
    return unit


def _case_domain(unit) -> Domain:
    return unit.domain if unit.domain_id else Domain.objects.get(code=DELEGATED_DOMAIN)


def _live_case_of(finding) -> Case | None:
    if finding is None:
        return None
    return (
        Case.objects.filter(finding=finding)
        .exclude(stage__in=[Stage.NOT_FILED, Stage.WITHDRAWN, Stage.TRANSFERRED])
        .first()
    )


# --- 立案 -----------------------------------------------------------------------------------------------------


def case_open(
    *,
    source: str,
    parties: list[dict],
    causes: list[dict],
    procedure: str = Procedure.ORDINARY,
    officers: list,
    facts: str,
    conduct_ended_on: date | None,
    discovered_on: date | None = None,
    harmed: bool = False,
    place: str = "",
    filed_on: date | None = None,
    fast_consent_on: date | None = None,
    inspection=None,
    finding=None,
    violation=None,
    event=None,
    transfer_from: Case | None = None,
    transfer_from_name: str = "",
    by,
) -> Case:
    """立案 — refused, naming what is missing, unless the source, parties, causes, officers and the limitation
    period all hold; the case number is allocated inside the transaction."""
    unit = _handler_unit(by)
    if finding is not None:
        inspection = finding.inspection
    errors = _source_errors(
        source,
        by,
        finding=finding,
        violation=violation,
        event=event,
        transfer_from=transfer_from,
        transfer_from_name=transfer_from_name,
    )
    if procedure == Procedure.SIMPLE:
        errors.append({"field": "procedure", "message": "简易程序当场作出处罚决定，请使用当场处罚"})
    elif procedure not in Procedure.values:
        errors.append({"field": "procedure", "message": "请选择普通程序或快速办理"})
    facts = text(facts, "facts", "违法事实", errors)
    place = text(place, "place", "违法地点", errors, required=False, limit=200)
    filed_on = day_given(filed_on, "filed_on", "立案日期", errors, default=today())
    default_found = (
        inspection.visited_on
        if inspection is not None
        else violation.found_on
        if violation is not None
        else timezone.localtime(event.received_at).date()
        if event is not None
        else None
    )
    discovered_on = day_given(
        discovered_on, "discovered_on", "发现日期", errors, default=default_found or filed_on
    )
    conduct_ended_on = day_given(conduct_ended_on, "conduct_ended_on", "违法行为终了日期", errors)
    if procedure == Procedure.FAST:
        fast_consent_on = day_given(fast_consent_on, "fast_consent_on", "当事人同意快速办理的日期", errors)
    if discovered_on and filed_on and filed_on < discovered_on:
        errors.append({"field": "filed_on", "message": "立案日期不能早于发现日期"})
    if conduct_ended_on and discovered_on:
        ends = limitation_end(conduct_ended_on, harmed)
        if discovered_on > ends:
            years = "五" if harmed else "二"
            message = (
                f"违法行为终了于 {conduct_ended_on:%Y-%m-%d}，至发现之日（{discovered_on:%Y-%m-%d}）已超过{years}年，"
                "依法不再给予行政处罚（《中华人民共和国行政处罚法》第三十六条）"
            )
            errors.append({"field": "conduct_ended_on", "message": message})
    party_rows = parties_read(parties, errors)
    cause_rows = causes_read(causes, len(party_rows), unit, filed_on or today(), errors)
    officer_rows = officers_read(officers, unit, [i for _, i in cause_rows], errors)
    fail(errors)
    existing = _live_case_of(finding)
    if existing is not None:
        refuse("finding", f"该违法行为已立案：{existing.number}", Conflict)
    accepted = Case.objects.filter(transferred_from=transfer_from).first() if transfer_from else None
    if accepted is not None:
        refuse("transfer_from", f"该移送案件已受理立案：{accepted.number or accepted}", Conflict)
    try:
        with transaction.atomic():
            number, serial = case_number(unit, filed_on.year)
            case = Case.objects.create(
                number=number,
                year=filed_on.year,
                serial=serial,
                unit=unit,
                domain=_case_domain(unit),
                region_path=unit.region.path,
                procedure=procedure,
                stage=Stage.FILED,
                source=source,
                inspection=inspection,
                finding=finding,
                violation=violation,
                event=event,
                transferred_from=transfer_from,
                transfer_from_name=(transfer_from.unit.name if transfer_from else transfer_from_name.strip())[
                    :100
                ],
                facts=facts,
                place=place,
                conduct_ended_on=conduct_ended_on,
                discovered_on=discovered_on,
                harmed=bool(harmed),
                filed_on=filed_on,
                fast_consent_on=fast_consent_on if procedure == Procedure.FAST else None,
                created_by=by,
                created_at=timezone.now(),
            )
            _write_parts(case, party_rows, cause_rows, officer_rows)
            adopted = _adopt_evidence(case, transfer_from, by) if transfer_from is not None else 0
            data = _filing_data(case, party_rows, cause_rows, officer_rows)
            document = add_document(case, DocumentKind.FILING, by=by, data=data, issued_on=filed_on)
            refresh_deadlines(case)
            case.save(update_fields=["next_due", "next_clock"])
            add_step(case, action="open", by=by, to=Stage.FILED, note=Source(source).label, document=document)
            audit_record(
                actor=by,
                action="cases.case_open",
                obj=case,
                after={**data, "adopted_evidence": adopted},
            )
    except IntegrityError:
        if finding is None and transfer_from is None:
            raise
        # Two people opened a case from the same finding (or transfer) at once: the database let one through.
        refuse("finding" if finding else "transfer_from", "该案源已立案，请刷新后查看", Conflict)
    return case


def _write_parts(case, party_rows, cause_rows, officer_rows) -> None:
    for p in party_rows:
        p.case = case
        p.save()
    CaseCause.objects.bulk_create(
        [
            CaseCause(
                case=case,
                party=party_rows[p],
                item=item,
                legal_basis=item.legal_basis,
                penalty_basis=item.penalty_basis,
            )
            for p, item in cause_rows
        ]
    )
    CaseOfficer.objects.bulk_create(
        [
            CaseOfficer(case=case, officer=o, role=OfficerRole.LEAD if n == 0 else OfficerRole.ASSIST)
            for n, o in enumerate(officer_rows)
        ]
    )


def _filing_data(case, party_rows, cause_rows, officer_rows) -> dict:
    return {
        "number": case.number,
        "unit": case.unit.name,
        "procedure": case.get_procedure_display(),
        "source": case.get_source_display(),
        "facts": case.facts,
        "place": case.place,
        "discovered_on": case.discovered_on,
        "conduct_ended_on": case.conduct_ended_on,
        "limitation_end": limitation_end(case.conduct_ended_on, case.harmed),
        "parties": [
            {"kind": p.get_kind_display(), "name": p.name, "id": p.identifier, "address": p.address}
            for p in party_rows
        ],
        "causes": [
            {
                "party": party_rows[p].name,
                "item": i.code,
                "name": i.name,
                "legal_basis": i.legal_basis,
                "penalty_basis": i.penalty_basis,
            }
            for p, i in cause_rows
        ],
        "officers": [{"name": o.name, "certificate_no": o.certificate_no} for o in officer_rows],
        "transfer_from": case.transfer_from_name,
    }


def _adopt_evidence(case: Case, sender: Case, by) -> int:
    """证据互通互认: the sending case's evidence, each row pointing at the sender's (no bytes copied)."""
    now = timezone.now()
    rows = [
        CaseEvidence(
            case=case,
            kind=e.kind,
            requirement=e.requirement,
            description=e.description,
            origin=EvidenceOrigin.ADOPTED,
            adopted_from=e,
            original_name=e.original_name,
            content_type=e.content_type,
            size=e.size,
            sha256=e.sha256,
            source_unit=e.source_unit,
            collector_name=e.collector_name,
            collected_at=e.collected_at,
            device=e.device,
            place=e.place,
            added_by=by,
            added_at=now,
        )
        for e in sender.evidence.filter(withdrawn_at__isnull=True).select_related("source_unit")
    ]
    CaseEvidence.objects.bulk_create(rows)
    return len(rows)


# --- 不予立案 -------------------------------------------------------------------------------------------------


def case_decline(
    *,
    source: str,
    facts: str,
    reason: str,
    parties: list[dict] | None = None,
    finding=None,
    violation=None,
    event=None,
    transfer_from: Case | None = None,
    transfer_from_name: str = "",
    by,
) -> Case:
    """不予立案 — the source was examined and no case is opened, for the reason given (no case number)."""
    unit = _handler_unit(by)
    errors = _source_errors(
        source,
        by,
        finding=finding,
        violation=violation,
        event=event,
        transfer_from=transfer_from,
        transfer_from_name=transfer_from_name,
    )
    facts = text(facts, "facts", "案源情况", errors)
    reason = text(reason, "reason", "不予立案理由", errors, limit=MAX_REASON)
    party_rows = parties_read(parties, errors) if parties else []
    fail(errors)
    now, day = timezone.now(), today()
    with transaction.atomic():
        case = Case.objects.create(
            unit=unit,
            domain=_case_domain(unit),
            region_path=unit.region.path,
            procedure=Procedure.ORDINARY,
            stage=Stage.NOT_FILED,
            source=source,
            inspection=finding.inspection if finding is not None else None,
            finding=finding,
            violation=violation,
            event=event,
            transferred_from=transfer_from,
            transfer_from_name=(transfer_from.unit.name if transfer_from else transfer_from_name.strip())[
                :100
            ],
            facts=facts,
            end_reason=reason,
            conduct_ended_on=day,
            discovered_on=day,
            created_by=by,
            created_at=now,
        )
        for p in party_rows:
            p.case = case
            p.save()
        data = {"source": case.get_source_display(), "facts": facts, "reason": reason}
        document = add_document(case, DocumentKind.NOT_FILED, by=by, data=data, issued_on=day)
        add_step(case, action="decline", by=by, to=Stage.NOT_FILED, note=reason, document=document)
        audit_record(actor=by, action="cases.case_decline", obj=case, after=data)
    return case
