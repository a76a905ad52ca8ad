"""JSON API of the command centre: intake, scoped lists and details, and the workflow actions."""

from datetime import datetime

from django.conf import settings
from ninja import File, Query, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError
from pydantic import Field

from zhifa.accounts.choices import Role
from zhifa.core.pagination import api_page
from zhifa.dispatch import services
from zhifa.dispatch.choices import Channel, Priority
from zhifa.dispatch.importing import check_upload_size, hotline_import, require_hotline_importer
from zhifa.dispatch.selectors import event_get_for_user, event_list_for_user
from zhifa.dispatch.sla import event_clocks
from zhifa.org.models import Unit

router = Router(tags=["dispatch"])

# Which channel a signed-in person's report comes through follows from the role.
ROLE_CHANNEL = {
    Role.GRID_WORKER: Channel.GRID,
    Role.OFFICER: Channel.PATROL,
    Role.DEPARTMENT: Channel.DEPARTMENT,
    Role.DISTRICT_COMMAND: Channel.STAFF,
    Role.SUBDISTRICT_COMMAND: Channel.STAFF,
    Role.ADMIN: Channel.API,
}


class EventIn(Schema):
    description: str = Field(..., max_length=2000)
    title: str = ""
    address: str = ""
    subdistrict: str = ""
    lng: float | None = None
    lat: float | None = None
    priority: Priority = Priority.NORMAL
    reporter_name: str = ""
    reporter_phone: str = ""
    item_codes: list[str] = []
    channel: Channel | None = None


class RefOut(Schema):
    code: str
    name: str


class EventOut(Schema):
    id: int
    receipt_no: str
    channel: str
    title: str
    status: str
    priority: str
    subdistrict: RefOut | None
    lead_unit: RefOut | None
    received_at: datetime


class ClockOut(Schema):
    clock: str
    label: str
    due: datetime
    done_at: datetime | None
    state: str
    minutes_left: float


class EventDetailOut(EventOut):
    description: str
    address: str
    lng: float | None
    lat: float | None
    classification: list[dict]
    assisting_units: list[RefOut]
    route_explanation: str
    clocks: list[ClockOut]
    history: list[dict]
    resolution_mode: str
    result: str
    answer: str


class ListIn(Schema):
    status: str | None = None
    q: str = ""
    page: int = Field(1, ge=1)
    page_size: int = Field(settings.ZHIFA_PAGE_SIZE, ge=1, le=200)


class ResolveIn(Schema):
    mode: str
    result: str


class TextIn(Schema):
    text: str = ""


class DispatchIn(Schema):
    unit: str


def _ref(obj):
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def _event(e) -> dict:
    return {
        "id": e.pk,
        "receipt_no": e.receipt_no,
        "channel": e.channel,
        "title": e.title,
        "status": e.status,
        "priority": e.priority,
        "subdistrict": _ref(e.subdistrict),
        "lead_unit": _ref(e.lead_unit),
        "received_at": e.received_at,
    }


def _detail(e) -> dict:
    assisting = [eu.unit for eu in e.event_units.filter(active=True, role="assist").select_related("unit")]
    return {
        **_event(e),
        "description": e.description,
        "address": e.address,
        "lng": e.lng,
        "lat": e.lat,
        "classification": e.classification,
        "assisting_units": [_ref(u) for u in assisting],
        "route_explanation": e.route_explanation,
        "clocks": [{**c.__dict__, "label": c.label} for c in event_clocks(e)],
        "history": [
            {"from": h.from_status, "to": h.to_status, "at": h.at.isoformat(), "note": h.note}
            for h in e.history.all()
        ],
        "resolution_mode": e.resolution_mode,
        "result": e.result,
        "answer": e.answer,
    }


@router.post("/events", response={201: EventDetailOut})
def create_event(request, payload: EventIn):
    user = request.user
    channel = payload.channel or ROLE_CHANNEL.get(user.role, Channel.API)
    event = services.event_intake(
        channel=channel,
        description=payload.description,
        title=payload.title,
        address=payload.address,
        subdistrict=payload.subdistrict,
        lng=payload.lng,
        lat=payload.lat,
        priority=payload.priority,
        reporter_name=payload.reporter_name,
        reporter_phone=payload.reporter_phone,
        item_codes=payload.item_codes or None,
        by=user,
    )
    return 201, _detail(event)


@router.get("/events")
def list_events(request, params: Query[ListIn]):
    qs = event_list_for_user(user=request.user, status=params.status, q=params.q)
    return api_page(qs, page=params.page, page_size=params.page_size, convert=_event)


@router.get("/events/{int:pk}", response=EventDetailOut)
def get_event(request, pk: int):
    return _detail(event_get_for_user(user=request.user, pk=pk))


def _act(request, pk: int, action, **kwargs):
    event = event_get_for_user(user=request.user, pk=pk)
    return _detail(action(event=event, by=request.user, **kwargs))


@router.post("/events/{int:pk}/accept", response=EventDetailOut)
def accept(request, pk: int):
    return _act(request, pk, services.event_accept)


@router.post("/events/{int:pk}/arrive", response=EventDetailOut)
def arrive(request, pk: int):
    return _act(request, pk, services.event_arrive)


@router.post("/events/{int:pk}/resolve", response=EventDetailOut)
def resolve(request, pk: int, payload: ResolveIn):
    return _act(request, pk, services.event_resolve, mode=payload.mode, result=payload.result)


@router.post("/events/{int:pk}/answer", response=EventDetailOut)
def answer(request, pk: int, payload: TextIn):
    return _act(request, pk, services.event_answer, answer=payload.text)


@router.post("/events/{int:pk}/close", response=EventDetailOut)
def close(request, pk: int):
    return _act(request, pk, services.event_close)


@router.post("/events/{int:pk}/return", response=EventDetailOut)
def return_event(request, pk: int, payload: TextIn):
    return _act(request, pk, services.event_return, reason=payload.text)


@router.post("/events/{int:pk}/dispatch", response=EventDetailOut)
def dispatch(request, pk: int, payload: DispatchIn):
    unit = Unit.objects.filter(code=payload.unit, active=True).first()
    if unit is None or not unit.is_team:
        raise HttpError(400, f"未知的执法队伍：{payload.unit}")
    return _act(request, pk, services.event_dispatch, unit=unit)


class ImportedEventOut(EventOut):
    external_no: str


class HotlineImportOut(Schema):
    filename: str
    count: int
    dispatched: int
    awaiting_dispatch: int
    ignored_columns: list[str]
    events: list[ImportedEventOut]


@router.post(
    "/imports/hotline",
    response={201: HotlineImportOut},
    summary="导入 12345 工单（区协调指挥中心，multipart 上传 .xlsx / .csv；任何一行有错则全部不导入）",
)
def import_hotline(request, file: File[UploadedFile]):
    # Refuse before reading the upload: a file from someone who may not import is never parsed.
    require_hotline_importer(request.user)
    check_upload_size(file.size)
    report = hotline_import(data=file.read(), filename=file.name or "", by=request.user)
    return Status(
        201,
        {
            "filename": report.filename,
            "count": report.count,
            "dispatched": report.dispatched,
            "awaiting_dispatch": report.awaiting,
            "ignored_columns": report.ignored_columns,
            "events": [{**_event(e), "external_no": e.external_no} for e in report.events],
        },
    )
