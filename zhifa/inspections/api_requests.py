"""JSON API of departments' inspection requests (/api/v1/inspections/requests): list, file, cancel — scoped."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema, Status

from zhifa.core.pagination import api_page
from zhifa.inspections import requests as svc

router = Router(tags=["部门检查需求"])


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


class RequestPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[RequestOut]


class RequestQuery(Schema):
    q: str = ""
    status: str = ""
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


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


@router.get("", response=RequestPage, summary="检查需求列表（部门看本单位，街道看辖区对象）")
def request_list(request, q: Query[RequestQuery]):
    qs = svc.request_list(user=request.user, status=q.status, q=q.q).prefetch_related("items")
    return api_page(qs, page=q.page, page_size=q.page_size, convert=_out)


@router.post("", response={201: RequestOut}, summary="提出检查需求")
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


@router.post("/{int:request_id}/cancel", response=RequestOut, summary="撤销检查需求")
def request_cancel(request, request_id: int, body: CancelIn):
    found = svc.request_get(user=request.user, pk=request_id)
    return _out(svc.inspection_request_cancel(request=found, reason=body.reason, by=request.user))
