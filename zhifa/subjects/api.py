"""JSON API of regulated subjects (/api/v1/subjects): list, detail, create, import — all scoped."""

from datetime import date, datetime

from django.core.exceptions import ObjectDoesNotExist
from ninja import File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from zhifa.catalog.importing import check_size
from zhifa.core.errors import require_write
from zhifa.core.pagination import ApiPagination, mapped
from zhifa.core.schemas import RefOut
from zhifa.org.scope import scope_for
from zhifa.subjects import selectors
from zhifa.subjects.services import subject_create, subject_import

router = Router(tags=["监管对象"])


class SubjectOut(Schema):
    id: int
    uscc: str
    name: str
    kind: str
    kind_label: str
    industry_code: str
    industry_name: str
    address: str
    lng: float | None
    lat: float | None
    subdistrict: RefOut
    grid: RefOut | None
    building: RefOut | None
    opened_on: date | None
    credit_class: str
    status: str
    status_label: str
    version: int
    colour: str | None
    colour_label: str


class ViolationOut(Schema):
    id: int
    item_code: str
    item_name: str
    found_on: date
    severity: str
    severity_label: str
    source: str
    event_receipt_no: str | None


class LinkedEventOut(Schema):
    receipt_no: str
    title: str
    status: str
    received_at: datetime


class SubjectDetailOut(SubjectOut):
    scenarios: list[RefOut]
    violations: list[ViolationOut]
    events: list[LinkedEventOut]


class SubjectQuery(Schema):
    q: str = ""
    subdistrict: str = ""
    industry: str = ""
    credit_class: str = ""
    status: str = ""
    kind: str = ""
    building: str = ""
    colour: str = ""


class SubjectIn(Schema):
    name: str
    kind: str
    industry: str
    uscc: str = ""
    address: str = ""
    lng: float | None = None
    lat: float | None = None
    subdistrict: str = ""
    building: str = ""
    opened_on: date | None = None
    credit_class: str = "B"
    status: str = "active"
    scenarios: list[str] = []


class ImportOut(Schema):
    created: int
    filename: str


def _ref(obj) -> dict | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def _colour(s) -> dict:
    try:
        risk = s.risk
    except ObjectDoesNotExist:
        return {"colour": None, "colour_label": "未赋码"}
    return {"colour": risk.colour, "colour_label": risk.get_colour_display()}


def _out(s) -> dict:
    return {
        "id": s.pk,
        "uscc": s.uscc,
        "name": s.name,
        "kind": s.kind,
        "kind_label": s.get_kind_display(),
        "industry_code": s.industry_code,
        "industry_name": s.industry_name,
        "address": s.address,
        "lng": s.lng,
        "lat": s.lat,
        "subdistrict": _ref(s.subdistrict),
        "grid": _ref(s.grid),
        "building": _ref(s.building),
        "opened_on": s.opened_on,
        "credit_class": s.credit_class,
        "status": s.status,
        "status_label": s.get_status_display(),
        "version": s.version,
        **_colour(s),
    }


def _detail(s) -> dict:
    return {
        **_out(s),
        "scenarios": [_ref(sc) for sc in s.scenarios.order_by("code")],
        "violations": [
            {
                "id": v.pk,
                "item_code": v.item.code,
                "item_name": v.item.name,
                "found_on": v.found_on,
                "severity": v.severity,
                "severity_label": v.get_severity_display(),
                "source": v.source,
                "event_receipt_no": v.event.receipt_no if v.event_id else None,
            }
            for v in selectors.subject_violations(subject=s)
        ],
        "events": [
            {
                "receipt_no": link.event.receipt_no,
                "title": link.event.title,
                "status": link.event.status,
                "received_at": link.event.received_at,
            }
            for link in selectors.subject_events(subject=s)
        ],
    }


@router.get(
    "",
    response=list[SubjectOut],
    summary="监管对象列表（搜索名称、代码、地址；按街道、行业、信用等级、状态、赋码筛选）",
)
@paginate(ApiPagination)
def subjects(request, params: Query[SubjectQuery]):
    filters = selectors.SubjectFilters(
        q=params.q,
        subdistrict=params.subdistrict,
        industry=params.industry,
        credit_class=params.credit_class,
        status=params.status,
        kind=params.kind,
        building=params.building,
        colour=params.colour,
    )
    return mapped(selectors.subject_list(user=request.user, filters=filters), _out)


@router.get("/{int:subject_id}", response=SubjectDetailOut, summary="监管对象详情（含违法记录、关联事件）")
def subject(request, subject_id: int):
    return _detail(selectors.subject_get(user=request.user, pk=subject_id))


@router.post("", response={201: SubjectDetailOut}, summary="登记监管对象")
def create(request, payload: SubjectIn):
    data = payload.dict()
    created = subject_create(by=request.user, **data)
    return Status(201, _detail(selectors.subject_get(user=request.user, pk=created.pk)))


@router.post("/import", response={201: ImportOut}, summary="批量导入监管对象（xlsx / csv，全部正确才导入）")
def import_file(request, file: File[UploadedFile]):
    # A read-only user's file is refused before it is read.
    require_write(scope_for(request.user))
    check_size(file.size, "file")
    result = subject_import(content=file.read(), filename=file.name or "", by=request.user)
    return Status(201, {"created": result.created, "filename": result.filename})
