"""JSON API of inspection demands (/api/v1/inspections/demands: one subdistrict's due checks for a period) and of
departments' inspection requests (/api/v1/inspections/requests: list, file, cancel) — all scoped."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhifa.core.pagination import ApiPagination, PageQuery, mapped, max_page_size, page_of
from zhifa.inspections.demands import selectors
from zhifa.inspections.demands import services as svc
from zhifa.inspections.demands.selectors import demand_overview, next_quarter

router = Router(tags=["检查需求"])


class DemandQuery(PageQuery):
    region: str
    start: date | None = None
    end: date | None = None
    # The page of `subjects` in the answer: a longer default than other lists, the same limit.
    page_size: int = Field(
        min(100, max_page_size()), ge=1, le=max_page_size(), description=f"每页对象数，1–{max_page_size()}"
    )


class DomainRow(Schema):
    code: str
    name: str
    policy: int
    scenario: int
    complaint: int
    request: int
    guidance: int
    total: int


class SubjectDemand(Schema):
    domain: str
    due_from: date
    due_to: date
    source: str


class DemandSubjectOut(Schema):
    id: int
    name: str
    colour: str  # a subject not yet coded counts as yellow here, so there is always a colour
    demands: list[SubjectDemand]


class DemandSubjectPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[DemandSubjectOut]


class DemandsOut(Schema):
    region_code: str
    region_name: str
    period_start: date
    period_end: date
    subjects_with_demands: int
    demands: int
    separate_visits: int  # (subject, domain) pairs: the visits if each department went alone
    by_domain: list[DomainRow]
    subjects: DemandSubjectPage  # red first, then yellow, green; by name


@router.get("", response=DemandsOut, summary="某街道某期间的检查需求（按领域、来源与对象）")
def demands(request, q: Query[DemandQuery]):
    start_default, end_default = next_quarter(timezone.localdate())
    o = demand_overview(
        user=request.user,
        region_code=q.region,
        period_start=q.start or start_default,
        period_end=q.end or end_default,
    )
    return {
        "region_code": o.region.code,
        "region_name": o.region.name,
        "period_start": o.period_start,
        "period_end": o.period_end,
        "subjects_with_demands": len(o.subjects),
        "demands": o.totals["total"],
        "separate_visits": o.pairs,
        "by_domain": o.rows,
        "subjects": page_of(mapped(o.subjects, _demand_subject), page=q.page, page_size=q.page_size),
    }


def _demand_subject(s: dict) -> dict:
    demands = [
        {"domain": name, "due_from": a, "due_to": b, "source": src} for name, a, b, src in s["demands"]
    ]
    return {**s, "demands": demands}


requests_router = Router(tags=["部门检查需求"])


class RequestOut(Schema):
    id: int
    unit: str
    domain: str
    subject_id: int
    subject_name: str
    due_from: date
    due_to: date
    reason: str
    items: list[str]
    status: str
    status_label: str
    created_at: datetime


class RequestQuery(Schema):
    q: str = ""
    status: str = ""


class RequestIn(Schema):
    subject_id: int
    domain: str
    due_from: str
    due_to: str
    reason: str
    items: list[str] = []


class CancelIn(Schema):
    reason: str


def _out(r) -> dict:
    return {
        "id": r.pk,
        "unit": r.unit.name,
        "domain": r.domain.code,
        "subject_id": r.subject_id,
        "subject_name": r.subject.name,
        "due_from": r.due_from,
        "due_to": r.due_to,
        "reason": r.reason,
        "items": sorted(i.code for i in r.items.all()),
        "status": r.status,
        "status_label": r.get_status_display(),
        "created_at": r.created_at,
    }


@requests_router.get("", response=list[RequestOut], summary="检查需求列表（部门看本单位，街道看辖区对象）")
@paginate(ApiPagination)
def request_list(request, q: Query[RequestQuery]):
    qs = selectors.request_list(user=request.user, status=q.status, q=q.q).prefetch_related("items")
    return mapped(qs, _out)


@requests_router.post("", response={201: RequestOut}, summary="提出检查需求")
def request_create(request, body: RequestIn):
    made = svc.inspection_request_create(
        subject=body.subject_id,
        domain=body.domain,
        due_from=body.due_from,
        due_to=body.due_to,
        reason=body.reason,
        items=body.items,
        by=request.user,
    )
    return Status(201, _out(made))


@requests_router.post("/{int:request_id}/cancel", response=RequestOut, summary="撤销检查需求")
def request_cancel(request, request_id: int, body: CancelIn):
    found = selectors.request_get(user=request.user, pk=request_id)
    return _out(svc.inspection_request_cancel(request=found, reason=body.reason, by=request.user))
