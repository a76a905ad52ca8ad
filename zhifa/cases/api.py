"""Cases JSON API (/api/v1/cases): list, detail (with deadlines, documents and their URLs), 立案, and one POST per
transition (`/notify` for 告知, `/decide`, `/serve` …) — each a few lines over the selectors and services."""

from django.urls import reverse
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from zhifa.cases import selectors as sel
from zhifa.cases import services as svc
from zhifa.cases.actions import allowed_actions, perform
from zhifa.cases.files import evidence_response, pdf_response, site_record_response
from zhifa.cases.models import Case
from zhifa.cases.schemas import (
    CaseCloseIn,
    CaseCorrectionIn,
    CaseCreditIn,
    CaseDecideIn,
    CaseDeclineIn,
    CaseDetailOut,
    CaseDiscussionIn,
    CaseEnforcementIn,
    CaseEvidenceLinkIn,
    CaseEvidenceWithdrawIn,
    CaseExtendIn,
    CaseHearingIn,
    CaseHearingReportIn,
    CaseInquiryIn,
    CaseInvestigateIn,
    CaseNotifyIn,
    CaseOpenIn,
    CaseOutcomesOut,
    CasePaymentIn,
    CasePublicServiceConfirmIn,
    CasePublishIn,
    CaseQuery,
    CaseRespondIn,
    CaseReviewOpinionIn,
    CaseRowOut,
    CaseServeIn,
    CaseStudyIn,
    CaseTransferIn,
    CaseWithdrawIn,
)
from zhifa.cases.services.execution import outstanding
from zhifa.cases.sources import source_objects
from zhifa.core.pagination import ApiPagination, mapped

router = Router(tags=["案件"])


def _row(case: Case) -> dict:
    return {
        "id": case.pk,
        "number": case.number,
        "stage": case.stage,
        "stage_label": case.get_stage_display(),
        "procedure": case.procedure,
        "source": case.source,
        "unit": case.unit.name,
        "parties": [p.name for p in case.parties.all()],
        "items": [c.item.code for c in case.causes.all()],
        "filed_on": case.filed_on,
        "next_due": case.next_due,
        "next_clock": case.next_clock,
        "outcome": case.outcome,
    }


def _detail(request, case: Case) -> dict:
    clocks = sel.case_clocks_of(case)
    today = sel.today()
    return {
        **_row(case),
        "facts": case.facts,
        "place": case.place,
        "conduct_ended_on": case.conduct_ended_on,
        "discovered_on": case.discovered_on,
        "decision_number": case.decision_number,
        "fine_total": case.fine_total,
        "offset_amount": case.offset_amount,
        "paid_total": case.paid_total,
        "late_fee_owed": outstanding(case, today)[1],
        "deadlines": sel.case_deadlines(case, clocks),
        "clocks": [
            {"kind": c.kind, "label": c.label, "due": c.due, "state": c.state, "days_left": c.days_left}
            for c in clocks
        ],
        "parties_detail": [
            {
                "id": p.pk,
                "kind": p.kind,
                "name": p.name,
                "identifier": p.identifier,
                "subject_id": p.subject_id,
            }
            for p in case.parties.all()
        ],
        "causes": [
            {
                "id": c.pk,
                "party_id": c.party_id,
                "item_code": c.item.code,
                "item_name": c.item.name,
                "legal_basis": c.legal_basis,
                "penalty_basis": c.penalty_basis,
                "circumstance": c.circumstance,
                "proposed_kinds": c.proposed_kinds,
                "proposed_fine": c.proposed_fine,
                "decided_kinds": c.decided_kinds,
                "decided_fine": c.decided_fine,
            }
            for c in case.causes.all()
        ],
        "officers": [
            {"name": o.officer.name, "certificate_no": o.officer.certificate_no, "role": o.role}
            for o in case.case_officers.all()
        ],
        "documents": [
            {
                "id": d.pk,
                "kind": d.kind,
                "kind_label": d.get_kind_display(),
                "number": d.number,
                "issued_on": d.issued_on,
                "by": str(d.by or ""),
                "url": request.build_absolute_uri(
                    reverse("api:case_document_pdf", kwargs={"case_id": case.pk, "document_id": d.pk})
                ),
                "data": d.data,
            }
            for d in sel.case_documents(case)
        ],
        "evidence": [
            {
                "id": e.pk,
                "kind": e.kind,
                "kind_label": e.get_kind_display(),
                "requirement": e.requirement,
                "description": e.description,
                "origin": e.origin,
                "sha256": e.sha256,
                "size": e.size,
                "content_type": e.content_type,
                "collector_name": e.collector_name,
                "collected_at": e.collected_at,
                "device": e.device,
                "place": e.place,
                "source_unit": e.source_unit.name,
                "adopted_from_case": e.adopted_from.case.number if e.adopted_from_id else None,
                "withdrawn": e.withdrawn,
                "url": request.build_absolute_uri(
                    reverse("api:case_evidence_file", kwargs={"case_id": case.pk, "evidence_id": e.pk})
                ),
            }
            for e in sel.case_evidence(case)
        ],
        "timeline": [
            {
                "at": s.at,
                "action": s.action,
                "from_stage": s.from_stage,
                "to_stage": s.to_stage,
                "by": str(s.by or ""),
                "note": s.note,
                "document_id": s.document_id,
            }
            for s in sel.case_timeline(case)
        ],
        "actions": [a.name for a in allowed_actions(request.user, case)],
        "review_reasons": case.review_reasons,
        "discussion_reasons": case.discussion_reasons,
        "version": case.version,
    }


def _fresh(request, case_id: int) -> dict:
    return _detail(request, sel.case_get_for_user(user=request.user, pk=case_id))


def _act(request, case_id: int, name: str, values: dict) -> dict:
    perform(name, sel.case_get_for_user(user=request.user, pk=case_id), values, request.user)
    return _fresh(request, case_id)


# --- reads ------------------------------------------------------------------------------------------------------


@router.get("", response=list[CaseRowOut], summary="案件列表（阶段、单位、事项、程序、期限筛选，分页）")
@paginate(ApiPagination)
def cases(request, params: Query[CaseQuery]):
    filters = sel.CaseFilters(**params.dict())
    return mapped(sel.with_summary(sel.case_list_for_user(user=request.user, filters=filters)), _row)


@router.get("/outcomes", response=CaseOutcomesOut, summary="处理结果统计（含首违不罚、以学代罚等）")
def outcomes(request):
    counts = sel.case_outcome_counts(user=request.user)
    counts["outcomes"] = [{"outcome": v, "label": label, "count": n} for v, label, n in counts["outcomes"]]
    return counts


@router.get(
    "/{int:case_id}", response=CaseDetailOut, summary="案件详情（期限、文书、证据、办案记录、可办理的操作）"
)
def case(request, case_id: int):
    return _fresh(request, case_id)


@router.get(
    "/{int:case_id}/documents/{int:document_id}/pdf", url_name="case_document_pdf", summary="文书 PDF"
)
def document_pdf(request, case_id: int, document_id: int):
    document = sel.case_document_get_for_user(user=request.user, case_pk=case_id, pk=document_id)
    return pdf_response(document)


@router.get("/{int:case_id}/site-record/pdf", url_name="case_site_record_pdf", summary="现场检查笔录 PDF")
def site_record_pdf(request, case_id: int):
    return site_record_response(sel.case_get_for_user(user=request.user, pk=case_id))


@router.get(
    "/{int:case_id}/evidence/{int:evidence_id}/file", url_name="case_evidence_file", summary="证据文件"
)
def evidence_file(request, case_id: int, evidence_id: int):
    row = sel.case_evidence_get_for_user(user=request.user, case_pk=case_id, pk=evidence_id)
    return evidence_response(row)


# --- 立案 ---------------------------------------------------------------------------------------------------------


@router.post("", response={201: CaseDetailOut}, summary="立案（来源、当事人、案由、程序、办案人员）")
def case_open(request, payload: CaseOpenIn):
    data = payload.dict()
    made = svc.case_open(
        **{
            k: data[k]
            for k in ("source", "procedure", "officers", "facts", "place", "harmed", "transfer_from_name")
        },
        **{k: data[k] for k in ("conduct_ended_on", "discovered_on", "filed_on", "fast_consent_on")},
        parties=data["parties"],
        causes=data["causes"],
        **source_objects(request.user, data),
        by=request.user,
    )
    return Status(201, _fresh(request, made.pk))


@router.post("/decline", response={201: CaseDetailOut}, summary="不予立案")
def case_decline(request, payload: CaseDeclineIn):
    data = payload.dict()
    made = svc.case_decline(
        source=data["source"],
        facts=data["facts"],
        reason=data["reason"],
        parties=data["parties"],
        transfer_from_name=data["transfer_from_name"],
        **source_objects(request.user, data),
        by=request.user,
    )
    return Status(201, _fresh(request, made.pk))


@router.post(
    "/on-spot", response={201: CaseDetailOut}, summary="简易程序当场处罚（multipart：现场照片、当事人签名）"
)
def on_spot(
    request,
    item: Form[str],
    circumstance: Form[str],
    penalty: Form[str],
    facts: Form[str],
    place: Form[str],
    officers: Form[str],
    photo: File[UploadedFile],
    party_kind: Form[str] = "",
    party_name: Form[str] = "",
    party_uscc: Form[str] = "",
    party_id_number: Form[str] = "",
    fine: Form[str] = "0",
    signature: File[UploadedFile] = None,
    signature_refused: Form[str] = "",
):
    made = svc.case_decide_on_spot(
        party={"kind": party_kind, "name": party_name, "uscc": party_uscc, "id_number": party_id_number},
        item=item,
        circumstance=circumstance,
        penalty=penalty,
        fine=fine,
        facts=facts,
        place=place,
        officers=officers.replace("，", ",").replace(",", " ").split(),
        photo=photo,
        signature=signature,
        signature_refused=signature_refused,
        by=request.user,
    )
    return Status(201, _fresh(request, made.pk))


# --- one POST per transition --------------------------------------------------------------------------------------


@router.post("/{int:case_id}/investigate", response=CaseDetailOut, summary="开始调查（可同时责令改正）")
def investigate(request, case_id: int, payload: CaseInvestigateIn):
    return _act(request, case_id, "investigate", payload.dict())


@router.post("/{int:case_id}/correction", response=CaseDetailOut, summary="记录改正情况")
def correction(request, case_id: int, payload: CaseCorrectionIn):
    return _act(request, case_id, "correction", payload.dict())


@router.post("/{int:case_id}/notify", response=CaseDetailOut, summary="告知（行政处罚事先告知 / 听证告知）")
def notify(request, case_id: int, payload: CaseNotifyIn):
    return _act(request, case_id, "notify", payload.dict())


@router.post("/{int:case_id}/respond", response=CaseDetailOut, summary="记录当事人陈述、申辩、听证申请或放弃")
def respond(request, case_id: int, payload: CaseRespondIn):
    return _act(request, case_id, "respond", payload.dict())


@router.post(
    "/{int:case_id}/inquiry", response=CaseDetailOut, summary="制作询问笔录（打印后由被询问人逐页签名）"
)
def inquiry(request, case_id: int, payload: CaseInquiryIn):
    return _act(request, case_id, "inquiry", payload.dict())


@router.post("/{int:case_id}/study", response=CaseDetailOut, summary="记录以学代罚学习情况")
def study(request, case_id: int, payload: CaseStudyIn):
    return _act(request, case_id, "study", payload.dict())


@router.post("/{int:case_id}/hearing", response=CaseDetailOut, summary="通知听证")
def hearing(request, case_id: int, payload: CaseHearingIn):
    return _act(request, case_id, "hearing", payload.dict())


@router.post("/{int:case_id}/hearing-report", response=CaseDetailOut, summary="记录听证报告")
def hearing_report(request, case_id: int, payload: CaseHearingReportIn):
    return _act(request, case_id, "hearing_report", payload.dict())


@router.post("/{int:case_id}/review", response=CaseDetailOut, summary="送法制审核")
def review(request, case_id: int):
    return _act(request, case_id, "review", {})


@router.post(
    "/{int:case_id}/review-opinion",
    response=CaseDetailOut,
    summary="法制审核意见（审核人不得为本案调查人员）",
)
def review_opinion(request, case_id: int, payload: CaseReviewOpinionIn):
    return _act(request, case_id, "review_opinion", payload.dict())


@router.post("/{int:case_id}/discussion", response=CaseDetailOut, summary="记录集体讨论")
def discussion(request, case_id: int, payload: CaseDiscussionIn):
    return _act(request, case_id, "discussion", payload.dict())


@router.post(
    "/{int:case_id}/decide",
    response=CaseDetailOut,
    summary="作出决定（处罚、公益抵罚、不予处罚、首违不罚、以学代罚）",
)
def decide(request, case_id: int, payload: CaseDecideIn):
    return _act(request, case_id, "decide", payload.dict(exclude_none=True))


@router.post("/{int:case_id}/serve", response=CaseDetailOut, summary="送达决定书")
def serve(request, case_id: int, payload: CaseServeIn):
    return _act(request, case_id, "serve", payload.dict())


@router.post("/{int:case_id}/payment", response=CaseDetailOut, summary="记录缴款（含加处罚款）")
def payment(request, case_id: int, payload: CasePaymentIn):
    return _act(request, case_id, "payment", payload.dict())


@router.post("/{int:case_id}/public-service", response=CaseDetailOut, summary="确认公益服务完成情况")
def public_service(request, case_id: int, payload: CasePublicServiceConfirmIn):
    return _act(request, case_id, "public_service", payload.dict())


@router.post("/{int:case_id}/enforcement", response=CaseDetailOut, summary="申请人民法院强制执行")
def enforcement(request, case_id: int, payload: CaseEnforcementIn):
    return _act(request, case_id, "enforcement", payload.dict())


@router.post("/{int:case_id}/publish", response=CaseDetailOut, summary="公示决定")
def publish(request, case_id: int, payload: CasePublishIn):
    return _act(request, case_id, "publish", payload.dict())


@router.post("/{int:case_id}/credit-repair", response=CaseDetailOut, summary="信用修复告知")
def credit_repair(request, case_id: int, payload: CaseCreditIn):
    return _act(request, case_id, "credit_repair", payload.dict())


@router.post("/{int:case_id}/close", response=CaseDetailOut, summary="结案")
def close(request, case_id: int, payload: CaseCloseIn):
    return _act(request, case_id, "close", payload.dict())


@router.post("/{int:case_id}/extend", response=CaseDetailOut, summary="延长办案期限（经批准）")
def extend(request, case_id: int, payload: CaseExtendIn):
    return _act(request, case_id, "extend", payload.dict())


@router.post("/{int:case_id}/transfer", response=CaseDetailOut, summary="移送")
def transfer(request, case_id: int, payload: CaseTransferIn):
    return _act(request, case_id, "transfer", payload.dict())


@router.post("/{int:case_id}/withdraw", response=CaseDetailOut, summary="撤销立案")
def withdraw(request, case_id: int, payload: CaseWithdrawIn):
    return _act(request, case_id, "withdraw", payload.dict())


@router.post(
    "/{int:case_id}/evidence",
    response=CaseDetailOut,
    summary="添加证据：关联事件证据或检查照片（不复制文件）",
)
def evidence_link(request, case_id: int, payload: CaseEvidenceLinkIn):
    return _act(request, case_id, "evidence", payload.dict())


@router.post(
    "/{int:case_id}/evidence/upload", response=CaseDetailOut, summary="上传证据（multipart，按内容校验）"
)
def evidence_upload(
    request,
    case_id: int,
    file: File[UploadedFile],
    kind: Form[str],
    description: Form[str],
    requirement: Form[str] = "",
    device: Form[str] = "",
    place: Form[str] = "",
):
    values = {"file": file, "kind": kind, "description": description, "requirement": requirement}
    return _act(request, case_id, "evidence_upload", {**values, "device": device, "place": place})


@router.post("/{int:case_id}/evidence/{int:evidence_id}/withdraw", response=CaseDetailOut, summary="撤回证据")
def evidence_withdraw(request, case_id: int, evidence_id: int, payload: CaseEvidenceWithdrawIn):
    row = sel.case_evidence_get_for_user(user=request.user, case_pk=case_id, pk=evidence_id)
    svc.case_evidence_withdraw(evidence=row, reason=payload.reason, by=request.user)
    return _fresh(request, case_id)
