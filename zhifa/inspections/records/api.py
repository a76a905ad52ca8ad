"""JSON API of inspection records (/api/v1/inspections/records): list, detail, start, answers, finish — scoped
and checked by the same services as the pages."""

from datetime import date, datetime

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from zhifa.core.pagination import ApiPagination, mapped
from zhifa.inspections.choices import InspectionKind, InspectionStatus
from zhifa.inspections.draws.selectors import draw_get
from zhifa.inspections.models import PlanVisit
from zhifa.inspections.records import selectors as sel
from zhifa.inspections.records import services as svc
from zhifa.inspections.records.checklist import inspection_checklist
from zhifa.subjects.selectors import subject_get

router = Router(tags=["检查记录"])


class FindingOut(Schema):
    item_code: str
    item_name: str
    domain: str
    result: str | None
    result_label: str | None
    severity: str
    note: str


class InspectionOut(Schema):
    id: int
    subject_id: int
    subject_name: str
    kind: str
    kind_label: str
    visited_on: date
    status: str
    status_label: str
    summary: str
    version: int
    created_at: datetime
    finished_at: datetime | None


class InspectionDetailOut(InspectionOut):
    officers: list[str]
    domains: list[str]
    plan_visit_id: int | None
    event_receipt_no: str | None
    checklist: list[FindingOut]
    photos: int


class InspectionQuery(Schema):
    kind: str = ""
    status: str = ""
    since: date | None = None
    until: date | None = None
    subject: int | None = None
    q: str = ""


class StartIn(Schema):
    subject: int | None = None
    plan_visit: int | None = None
    kind: str = InspectionKind.ROUTINE
    visited_on: date
    officers: list[str] = []  # officer ids or certificate numbers (执法证号)
    domains: list[str] = []


class AnswerIn(Schema):
    item: str
    result: str
    severity: str = ""
    note: str = ""


class AnswersIn(Schema):
    version: int
    answers: list[AnswerIn]


class FinishIn(Schema):
    summary: str = ""
    start_event: bool = False


class FinishOut(InspectionDetailOut):
    violations: int
    colour_before: str
    colour_after: str


def _out(i) -> dict:
    return {
        "id": i.pk,
        "subject_id": i.subject_id,
        "subject_name": i.subject.name,
        "kind": i.kind,
        "kind_label": i.get_kind_display(),
        "visited_on": i.visited_on,
        "status": i.status,
        "status_label": i.get_status_display(),
        "summary": i.summary,
        "version": i.version,
        "created_at": i.created_at,
        "finished_at": i.finished_at,
    }


def _detail(i) -> dict:
    findings = {f.item_id: f for f in i.findings.all()}
    checklist = []
    for item in inspection_checklist(i):
        f = findings.get(item.pk)
        checklist.append(
            {
                "item_code": item.code,
                "item_name": item.name,
                "domain": item.domain.code,
                "result": f.result if f else None,
                "result_label": f.get_result_display() if f else None,
                "severity": f.severity if f else "",
                "note": f.note if f else "",
            }
        )
    return {
        **_out(i),
        "officers": [o.certificate_no for o in i.officers.order_by("name")],
        "domains": [d.code for d in i.domains.order_by("sort", "code")],
        "plan_visit_id": i.plan_visit_id,
        "event_receipt_no": i.event.receipt_no if i.event_id else None,
        "checklist": checklist,
        "photos": i.photos.count(),
    }


@router.get("", response=list[InspectionOut], summary="检查记录列表（按类型、状态、日期、对象筛选）")
@paginate(ApiPagination)
def records(request, params: Query[InspectionQuery]):
    qs = sel.inspection_list_for_user(user=request.user)
    if params.kind in InspectionKind.values:
        qs = qs.filter(kind=params.kind)
    if params.status in InspectionStatus.values:
        qs = qs.filter(status=params.status)
    if params.since:
        qs = qs.filter(visited_on__gte=params.since)
    if params.until:
        qs = qs.filter(visited_on__lte=params.until)
    if params.subject:
        qs = qs.filter(subject_id=params.subject)
    if params.q.strip():
        qs = qs.filter(subject__name__icontains=params.q.strip()[:100])
    return mapped(qs.order_by("-visited_on", "-id"), _out)


class OfficerQuery(Schema):
    subject: int
    q: str = ""
    draw: int | None = None


class SquadOfficerOut(Schema):
    id: int
    name: str
    certificate_no: str
    team: str
    domains: list[str]


@router.get(
    "/officers", response=list[SquadOfficerOut], summary="可参加检查的执法人员（按姓名或执法证号查找）"
)
def officers(request, params: Query[OfficerQuery]):
    subject = subject_get(user=request.user, pk=params.subject)
    d = draw_get(user=request.user, pk=params.draw) if params.draw is not None else None
    found = sel.officers_for_visit(user=request.user, subject=subject, q=params.q, draw=d)
    return [
        {
            "id": o.pk,
            "name": o.name,
            "certificate_no": o.certificate_no,
            "team": o.team.name,
            "domains": [d.name for d in o.qualified_domains.all()],
        }
        for o in found
    ]


@router.get("/{int:record_id}", response=InspectionDetailOut, summary="检查记录详情（含检查清单）")
def record(request, record_id: int):
    return _detail(sel.inspection_get_for_user(user=request.user, pk=record_id))


@router.post("", response={201: InspectionDetailOut}, summary="开始检查（对象或计划检查）")
def start(request, payload: StartIn):
    from django.http import Http404

    visit = None
    if payload.plan_visit is not None:
        visit = PlanVisit.objects.select_related("subject").filter(pk=payload.plan_visit).first()
        if visit is None:
            raise Http404("计划检查不存在")
        subject = subject_get(user=request.user, pk=visit.subject_id)
    elif payload.subject is not None:
        subject = subject_get(user=request.user, pk=payload.subject)
    else:
        from zhifa.core.errors import ServiceError

        raise ServiceError("请指定监管对象或计划检查", [{"field": "subject", "message": "请指定监管对象"}])
    made = svc.inspection_start(
        subject=subject,
        kind=InspectionKind.JOINT if visit else payload.kind,
        visited_on=payload.visited_on,
        officers=payload.officers,
        domains=payload.domains or (visit.domains if visit else []),
        plan_visit=visit,
        by=request.user,
    )
    return Status(201, _detail(sel.inspection_get_for_user(user=request.user, pk=made.pk)))


@router.post("/{int:record_id}/answers", response=InspectionDetailOut, summary="填写检查结果")
def answers(request, record_id: int, payload: AnswersIn):
    found = sel.inspection_get_for_user(user=request.user, pk=record_id)
    svc.inspection_answer(
        inspection=found,
        answers=[a.dict() for a in payload.answers],
        version=payload.version,
        by=request.user,
    )
    return _detail(sel.inspection_get_for_user(user=request.user, pk=record_id))


@router.post("/{int:record_id}/finish", response=FinishOut, summary="完成检查")
def finish(request, record_id: int, payload: FinishIn):
    found = sel.inspection_get_for_user(user=request.user, pk=record_id)
    outcome = svc.inspection_finish(
        inspection=found, summary=payload.summary, start_event=payload.start_event, by=request.user
    )
    return {
        **_detail(sel.inspection_get_for_user(user=request.user, pk=record_id)),
        "violations": outcome.violations,
        "colour_before": outcome.colour_before,
        "colour_after": outcome.colour_after,
    }
