"""A case document as PDF: its recorded data (what it said when it was issued) and the case's parties,
officers and causes, put into the typed contract of zhifa.core.documents and rendered by zhifa.core.pdf.

Ten kinds have a layout of their own (立案审批表, 询问笔录, 责令改正通知书, 事先告知书, 听证通知书, the decisions,
送达回证, 结案报告); the others print as a record form — the document's heading, then its recorded fields in a table.
A 行政行为码 for the document, where an app above (codes) supplies one through cases.hooks, is printed top
right on the first page."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal, InvalidOperation

from zhifa.cases import hooks
from zhifa.cases.choices import DocumentKind, OfficerRole, PartyKind, PenaltyKind
from zhifa.cases.config import case_rules
from zhifa.core import documents as doc
from zhifa.core.documents import DocumentError
from zhifa.core.pdf import render_pdf
from zhifa.org.choices import RegionLevel, UnitKind

PENALTY_LAW = "《中华人民共和国行政处罚法》"
# 行政复议法（2023）第二十四条: the people's government at county level reviews its departments' and its
# subdistrict offices' decisions.
REVIEW_BODY = "{district}人民政府"
# 行政处罚法 第二十八条: an agency imposing a penalty orders the party to correct the conduct.
CORRECTION_BASIS = f"{PENALTY_LAW}第二十八条第一款"
NO_PENALTY_BASIS = f"{PENALTY_LAW}第三十三条"
FIRST_VIOLATION_BASIS = f"{PENALTY_LAW}第三十三条第一款"

# The recorded fields of the kinds printed as a record form, in the order printed, with their labels.
RECORD_ROWS: dict[str, list[tuple[str, str]]] = {
    DocumentKind.NOT_FILED: [("reason", "不予立案理由")],
    DocumentKind.HEARING_REPORT: [("held_on", "听证日期"), ("report", "听证报告")],
    DocumentKind.REVIEW: [
        ("reasons", "审核事由"),
        ("passed", "审核通过"),
        ("opinion", "审核意见"),
        ("reviewer", "审核人"),
    ],
    DocumentKind.DISCUSSION: [
        ("held_on", "讨论日期"),
        ("reasons", "讨论事由"),
        ("attendees", "参加人员"),
        ("conclusion", "讨论结论"),
    ],
    DocumentKind.EXTENSION: [("days", "延长天数"), ("reason", "延长理由"), ("approver", "批准人")],
    DocumentKind.PAYMENT: [
        ("amount", "缴纳罚款（元）"),
        ("late_fee", "加处罚款（元）"),
        ("paid_on", "缴纳日期"),
        ("receipt_no", "票据号"),
        ("remaining", "尚欠（元）"),
    ],
    DocumentKind.ENFORCEMENT: [
        ("applied_on", "申请日期"),
        ("fine_unpaid", "未缴罚款（元）"),
        ("late_fee", "加处罚款（元）"),
        ("note", "申请说明"),
    ],
    DocumentKind.PUBLIC_SERVICE: [
        ("hours", "服务时长（小时）"),
        ("content", "服务内容"),
        ("completed", "按要求完成"),
        ("completed_on", "完成日期"),
        ("note", "说明"),
    ],
    DocumentKind.PUBLICATION: [("decision", "决定书文号"), ("published_on", "公示日期")],
    DocumentKind.CREDIT_REPAIR: [("decision", "决定书文号"), ("guidance", "信用修复告知内容")],
    DocumentKind.TRANSFER: [("to", "移送至"), ("reason", "移送理由"), ("evidence", "随案移送证据（件）")],
    DocumentKind.WITHDRAWAL: [("reason", "撤销立案理由")],
}


def document_context(document) -> doc.DocumentContext:
    """The typed contract of one case document, filled from the case and the document's recorded data."""
    case = document.case
    build = _BUILDERS.get(document.kind, _record_form)
    context = build(case, document, document.data or {})
    qr = hooks.document_qr(document)
    if qr:
        image, caption = qr
        context = dataclasses.replace(context, qr_code=image, qr_caption=caption)
    return context


def site_record(case) -> doc.SiteInspectionRecord | None:
    """现场检查笔录 of the visit a case was opened from, as the inspection record has it (who, when, what was
    found); None for a case that did not come from a visit."""
    inspection = case.inspection
    if inspection is None:
        return None
    officers = [
        doc.Officer(name=o.name, certificate_number=o.certificate_no)
        for o in inspection.officers.order_by("pk")
    ]
    findings = [
        f"{conduct(f.item.name)}：{f.get_result_display()}" + (f"（{f.note}）" if f.note else "")
        for f in inspection.findings.select_related("item").order_by("pk")
    ]
    started = inspection.created_at
    subject = inspection.subject
    return doc.SiteInspectionRecord(
        agency=agency(case.unit),
        started_at=started,
        ended_at=inspection.finished_at or started,
        place=subject.address or case.place or "—",
        inspectors=officers,
        recorder=officers[0].name if officers else "—",
        party=_first_party(case),
        findings="；".join(findings) + "。" if findings else (inspection.summary or "—"),
        party_opinion=None,
    )


def render_site_record(case) -> bytes:
    context = site_record(case)
    if context is None:
        raise DocumentError("本案不是由检查发现的，没有现场检查笔录")
    return render_pdf(context.template, context)


def render(document) -> bytes:
    """The document as PDF bytes (DocumentError, a ServiceError, when its data cannot make the document)."""
    context = document_context(document)
    return render_pdf(context.template, context)


# --- parts ---------------------------------------------------------------------------------------------------


def agency(unit) -> doc.Agency:
    """The agency a document is issued in the name of: a subdistrict team's delegated powers are exercised by
    the subdistrict office (街道办事处); any other unit acts in its own name."""
    region = unit.region
    district = region
    while district.parent_id is not None and district.level != RegionLevel.DISTRICT:
        district = district.parent
    name = f"{district.name}{region.name}办事处" if unit.kind == UnitKind.SUBDISTRICT_TEAM else unit.name
    return doc.Agency(
        name=name,
        review_body=REVIEW_BODY.format(district=district.name),
        phone=unit.phone or None,
    )


def _party(p) -> doc.Party:
    # A 个体工商户 is a 公民 for the law's amounts but is named by its business and credit code on paper.
    organisation = p.kind == PartyKind.ORGANISATION or bool(p.uscc)
    return doc.Party(
        kind="organisation" if organisation else "person",
        name=p.name,
        uscc=(p.uscc or None) if organisation else None,
        id_number=None if organisation else (p.id_masked or None),
        address=p.address or None,
        phone=p.phone or None,
    )


def _parties(case) -> list[doc.Party]:
    return [_party(p) for p in case.parties.all()]


def _first_party(case) -> doc.Party:
    return _parties(case)[0]


def _officers(case) -> list[doc.Officer]:
    rows = sorted(
        case.case_officers.select_related("officer"), key=lambda r: (r.role != OfficerRole.LEAD, r.pk)
    )
    return [doc.Officer(name=r.officer.name, certificate_number=r.officer.certificate_no) for r in rows]


def _causes(case) -> list:
    return list(case.causes.select_related("item"))


def conduct(item_name: str) -> str:
    """The conduct an item punishes, as a document names the case: 对餐饮服务业经营者超过排放标准排放油烟的行政处罚
    → 餐饮服务业经营者超过排放标准排放油烟."""
    name = item_name.strip()
    if name.startswith("对") and name.endswith("的行政处罚"):
        name = name[1 : -len("的行政处罚")]
    return name or item_name


def _cause_text(case) -> str:
    return "、".join(dict.fromkeys(conduct(c.item.name) for c in _causes(case))) or "—"


def _joined(values) -> str:
    return "；".join(dict.fromkeys(v for v in values if v)) or "—"


def _evidence(case, recorded: list | None = None) -> list[str]:
    if recorded:
        return [str(e) for e in recorded]
    rows = case.evidence.filter(withdrawn_at__isnull=True).order_by("pk")
    return [f"{e.get_kind_display()}：{e.description}" for e in rows] or ["案卷所附证据材料"]


def _day(value, default: dt.date | None = None) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else default
    except ValueError:
        return default


def _money(value) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount.is_finite() and amount > 0 else None


def _kinds_without_fine(rows: list[dict]) -> list[str]:
    fine = PenaltyKind.FINE.label
    return list(dict.fromkeys(k for r in rows for k in r.get("kinds", []) if k != fine))


def _discretion(rows: list[dict]) -> str | None:
    parts = [f"{conduct(r.get('name', ''))}：情节{r['circumstance']}" for r in rows if r.get("circumstance")]
    parts += [f"超出裁量基准理由：{r['outside_band_reason']}" for r in rows if r.get("outside_band_reason")]
    return "；".join(parts) or None


# --- the documents with a layout of their own ------------------------------------------------------------------


def _filing(case, document, data) -> doc.CaseFilingApproval:
    causes = data.get("causes") or []
    return doc.CaseFilingApproval(
        agency=agency(case.unit),
        number=case.number,
        cause=_cause_text(case),
        source=case.get_source_display(),
        found_on=case.discovered_on,
        parties=_parties(case),
        facts=case.facts,
        legal_basis=_joined(c.get("legal_basis") for c in causes)
        if causes
        else _joined(c.legal_basis for c in _causes(case)),
        officers=_officers(case),
        proposal="经初步调查，当事人涉嫌上述违法行为，符合立案条件，建议立案调查。",
        proposed_on=document.issued_on,
    )


def _correction(case, document, data) -> doc.CorrectionOrder:
    return doc.CorrectionOrder(
        agency=agency(case.unit),
        number=document.number or case.number,
        party=_first_party(case),
        facts=case.facts,
        legal_basis=_joined(c.legal_basis for c in _causes(case)),
        order_basis=CORRECTION_BASIS,
        deadline=_day(data.get("due")),
        requirements=data.get("order") or "立即停止违法行为，按要求整改到位。",
        issued_on=document.issued_on,
    )


def _findings(case, document, data: dict, rows: list[dict]) -> dict:
    """What a notice and the decisions all state: the party, the case, the facts and their evidence, the law."""
    return {
        "agency": agency(case.unit),
        "number": document.number,
        "party": _first_party(case),
        "cause": _cause_text(case),
        "filed_on": case.filed_on or document.issued_on,
        "facts": data.get("facts") or case.facts,
        "evidence": _evidence(case, data.get("evidence")),
        "legal_basis": _joined(r.get("legal_basis") for r in rows),
        "issued_on": document.issued_on,
    }


def _notice(case, document, data) -> doc.PenaltyNotice:
    rows = data.get("penalties") or []
    fine = sum(
        (_money(r.get("fine")) or Decimal(0) for r in rows if PenaltyKind.FINE.label in r.get("kinds", [])),
        Decimal(0),
    )
    return doc.PenaltyNotice(
        **_findings(case, document, data, rows),
        penalty_basis=_joined(r.get("penalty_basis") for r in rows),
        discretion=_discretion(rows),
        penalties=_kinds_without_fine(rows),
        fine=fine or None,
        # 第八十五条: the law's "五日" are working days — the window the engine counts (answer_by) is printed
        # as the law states it.
        statement_days=case_rules().party_workdays,
        hearing_right="要求听证" in (data.get("rights") or []),
    )


def _hearing_notice(case, document, data) -> doc.HearingNotice:
    hearing = getattr(case, "hearing", None)
    held_on = _day(data.get("held_on")) or (hearing.held_on if hearing else document.issued_on)
    return doc.HearingNotice(
        agency=agency(case.unit),
        number=document.number,
        party=_first_party(case),
        cause=_cause_text(case),
        requested_on=hearing.requested_on if hearing else None,
        hearing_at=dt.datetime.combine(held_on, dt.time(9, 0)),
        place=data.get("place") or (hearing.place if hearing else "—"),
        host=data.get("host") or "—",
        clerk="由听证主持人指定",
        public=bool(data.get("public", True)),
        notified_on=document.issued_on,
    )


def _inquiry(case, document, data) -> doc.InquiryRecord:
    person = data.get("interviewee") or {}
    moment = dt.datetime.fromisoformat
    return doc.InquiryRecord(
        agency=agency(case.unit),
        number=case.number,
        cause=_cause_text(case),
        sequence=int(data.get("sequence") or 1),
        started_at=moment(data["started_at"]),
        ended_at=moment(data["ended_at"]),
        place=data.get("place") or "—",
        interviewers=_officers(case),
        recorder=data.get("recorder") or "—",
        interviewee=doc.Person(
            name=person.get("name") or "—",
            id_number=person.get("id_number") or None,
            phone=person.get("phone") or None,
            relation=person.get("relation") or None,
            position=person.get("position") or None,
        ),
        questions=[
            doc.QuestionAnswer(question=q["question"], answer=q["answer"]) for q in data.get("questions", [])
        ],
    )


def _notice_document(case):
    return case.documents.filter(kind=DocumentKind.NOTICE).order_by("-issued_on", "-pk").first()


def _statement(case) -> str | None:
    said = []
    for r in case.responses.all():
        if not r.content:
            said.append(f"当事人{r.get_kind_display()}")
            continue
        adopted = {True: "（已采纳）", False: "（未采纳）"}.get(r.adopted, "")
        said.append(f"当事人{r.get_kind_display()}：{r.content}{adopted}")
    return "；".join(said) + "。" if said else None


def _decision(case, document, data) -> doc.PenaltyDecision:
    rows = data.get("causes") or []
    notice = _notice_document(case)
    return doc.PenaltyDecision(
        **_findings(case, document, data, rows),
        penalty_basis=_joined(r.get("penalty_basis") for r in rows),
        discretion=_discretion(rows),
        penalties=_kinds_without_fine(rows),
        fine=_money(data.get("fine_total")),
        notice_number=notice.number if notice else None,
        notice_served_on=case.notified_on,
        statement=_statement(case),
    )


def _no_penalty(case, document, data) -> doc.NoPenaltyDecision:
    rows = data.get("causes") or []
    outcome = data.get("outcome") or "不予处罚"
    corrected = _day(data.get("corrected_on"))
    reasons = (
        "当事人违法行为轻微"
        + (f"，已于{doc.date_text(corrected)}改正" if corrected else "")
        + "，没有造成危害后果。"
    )
    study = data.get("study") or []
    education = "本机关已对当事人进行批评教育。"
    if study:
        education = (
            "当事人已参加以学代罚学习："
            + "；".join(f"{s.get('topic', '')}（{s.get('minutes', '')}分钟）" for s in study)
            + "。"
        )
    return doc.NoPenaltyDecision(
        **_findings(case, document, data, rows),
        reasons=f"{outcome}：{reasons}",
        no_penalty_basis=FIRST_VIOLATION_BASIS if "首违" in outcome else NO_PENALTY_BASIS,
        education=education,
    )


def _service_receipt(case, document, data) -> doc.ServiceReceipt:
    decision = data.get("decision") or case.decision_number or None
    party = _first_party(case)
    return doc.ServiceReceipt(
        agency=agency(case.unit),
        case_number=case.number,
        documents=[doc.ServedDocument(title="行政处罚决定书" if decision else "案件文书", number=decision)],
        recipient=data.get("recipient") or party.name,
        address=party.address or case.place or "—",
        method=data.get("method") or case.get_service_method_display() or "直接送达",
        servers=[o.name for o in _officers(case)] or ["—"],
        served_at=None,
        remarks="受送达人拒绝签收，已留置送达。" if data.get("signature_refused") else None,
    )


def _closing(case, document, data) -> doc.CaseClosingReport:
    summary = data.get("summary") or "—"
    return doc.CaseClosingReport(
        agency=agency(case.unit),
        case_number=case.number,
        cause=_cause_text(case),
        parties=_parties(case),
        filed_on=case.filed_on or document.issued_on,
        decision_number=case.decision_number or None,
        decided_on=case.decided_on,
        outcome=data.get("outcome") or case.get_outcome_display() or "—",
        fine=_money(data.get("fine_total")),
        paid=_money(data.get("paid_total")),
        execution=_execution(case),
        closing_reason=summary,
        officers=_officers(case),
        proposed_on=document.issued_on,
        closed_on=case.closed_on,
    )


def _execution(case) -> str:
    if case.paid_on and case.paid_total > 0:
        return f"当事人已于{doc.date_text(case.paid_on)}缴清罚没款人民币{case.paid_total:,.2f}元。"
    if case.enforcement_applied_on:
        return f"当事人逾期未缴纳罚款，本机关已于{doc.date_text(case.enforcement_applied_on)}申请人民法院强制执行。"
    if case.fine_total <= 0:
        return f"{case.get_outcome_display() or '本案'}，无罚没款需执行。"
    return "—"


def _record_form(case, document, data) -> doc.RecordForm:
    rows = [
        doc.Row(label="案件编号", text=case.number or "—"),
        doc.Row(label="当事人", text="、".join(p.name for p in _parties(case))),
    ]
    rows.append(doc.Row(label="案由", text=_cause_text(case)))
    for key, label in RECORD_ROWS.get(document.kind, []):
        if key in data and data[key] not in (None, "", []):
            rows.append(doc.Row(label=label, text=_text(data[key])))
    return doc.RecordForm(
        agency=agency(case.unit),
        heading=document.get_kind_display(),
        number=document.number or None,
        rows=rows,
        issued_on=document.issued_on,
    )


def _text(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "；".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}：{_text(v)}" for k, v in value.items())
    return str(value)


_BUILDERS = {
    DocumentKind.FILING: _filing,
    DocumentKind.CORRECTION: _correction,
    DocumentKind.INQUIRY: _inquiry,
    DocumentKind.NOTICE: _notice,
    DocumentKind.HEARING_NOTICE: _hearing_notice,
    DocumentKind.DECISION: _decision,
    DocumentKind.ON_SPOT_DECISION: _decision,
    DocumentKind.NO_PENALTY_DECISION: _no_penalty,
    DocumentKind.SERVICE_RECEIPT: _service_receipt,
    DocumentKind.CLOSING: _closing,
}
