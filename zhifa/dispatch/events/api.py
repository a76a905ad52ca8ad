"""JSON API of the command centre: intake, scoped lists and details, and the workflow actions."""

from datetime import datetime

from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from zhifa.core.pagination import ApiPagination, mapped
from zhifa.core.schemas import RefOut
from zhifa.dispatch.choices import Channel, Priority
from zhifa.dispatch.events import intake, services
from zhifa.dispatch.events.accuracy import routing_accuracy_for_user
from zhifa.dispatch.events.selectors import event_get_for_user, event_list_for_user
from zhifa.dispatch.places import address_geocode
from zhifa.dispatch.sla import event_clocks
from zhifa.org.models import Unit

router = Router(tags=["dispatch"])


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
    duplicate_of: str | None = None
    confirmed_items: list[str] = []


class ListIn(Schema):
    status: str | None = None
    q: str = ""


class ResolveIn(Schema):
    mode: str
    result: str


class TextIn(Schema):
    text: str = ""


class DispatchIn(Schema):
    unit: str


def ref_out(obj):
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def event_row(e) -> dict:
    return {
        "id": e.pk,
        "receipt_no": e.receipt_no,
        "channel": e.channel,
        "title": e.title,
        "status": e.status,
        "priority": e.priority,
        "subdistrict": ref_out(e.subdistrict),
        "lead_unit": ref_out(e.lead_unit),
        "received_at": e.received_at,
    }


def _detail(e, user) -> dict:
    # A merged report names the event it joined only when the caller may see that event.
    duplicate_of = None
    if e.duplicate_of_id and event_list_for_user(user=user).filter(pk=e.duplicate_of_id).exists():
        duplicate_of = e.duplicate_of.receipt_no
    handed = getattr(e, "_prefetched_objects_cache", {})  # rows intake just wrote: no need to read them back
    units = e.event_units.all() if "event_units" in handed else e.event_units.select_related("unit")
    assisting = [eu.unit for eu in units if eu.active and eu.role == "assist"]
    return {
        **event_row(e),
        "description": e.description,
        "address": e.address,
        "lng": e.lng,
        "lat": e.lat,
        "classification": e.classification,
        "assisting_units": [ref_out(u) for u in assisting],
        "route_explanation": e.route_explanation,
        "clocks": [{**c.__dict__, "label": c.label} for c in event_clocks(e)],
        "history": [
            {"from": h.from_status, "to": h.to_status, "at": h.at.isoformat(), "note": h.note}
            for h in e.history.all()
        ],
        "resolution_mode": e.resolution_mode,
        "result": e.result,
        "answer": e.answer,
        "duplicate_of": duplicate_of,
        "confirmed_items": sorted(
            [ei.item.code for ei in e.event_items.all() if ei.confirmed]
            if "event_items" in handed
            else e.event_items.filter(confirmed=True).values_list("item__code", flat=True)
        ),
    }


class GeocodeIn(Schema):
    address: str = Field(max_length=200)


class GeocodeOut(Schema):
    lng: float
    lat: float
    how: str
    subdistrict: RefOut | None
    grid: RefOut | None


@router.get("/geocode", response=GeocodeOut, summary="按地址定位（楼宇、社区、街道名称）")
def geocode(request, params: Query[GeocodeIn]):
    place = address_geocode(address=params.address)
    return {
        "lng": place.lng,
        "lat": place.lat,
        "how": place.how,
        "subdistrict": ref_out(place.subdistrict),
        "grid": ref_out(place.grid),
    }


@router.post("/events", response={201: EventDetailOut})
def create_event(request, payload: EventIn):
    user = request.user
    own = intake.intake_channels(user)
    channel = payload.channel or (own[0] if own else Channel.API)
    event = intake.event_intake(
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
        keep_rows=True,
    )
    return 201, _detail(event, user)


@router.get("/events", response=list[EventOut])
@paginate(ApiPagination)
def list_events(request, params: Query[ListIn]):
    qs = event_list_for_user(user=request.user, status=params.status, q=params.q)
    return mapped(qs, event_row)


@router.get("/events/{int:pk}", response=EventDetailOut)
def get_event(request, pk: int):
    return _detail(event_get_for_user(user=request.user, pk=pk), request.user)


def _act(request, pk: int, action, **kwargs):
    event = event_get_for_user(user=request.user, pk=pk)
    return _detail(action(event=event, by=request.user, **kwargs), request.user)


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
    unit = Unit.objects.select_related("region").filter(code=payload.unit).first()
    if unit is None:
        raise HttpError(400, f"未知的执法队伍：{payload.unit}")
    return _act(request, pk, services.event_dispatch, unit=unit)


class CorrectIn(Schema):
    item_codes: list[str] = []
    subdistrict: str = ""
    address: str = Field("", max_length=200)
    lng: float | None = None
    lat: float | None = None


class MergeIn(Schema):
    into: str = Field(..., max_length=24, description="并入事件的受理编号")


@router.post("/events/{int:pk}/correct", response=EventDetailOut)
def correct(request, pk: int, payload: CorrectIn):
    return _act(request, pk, services.event_correct, **payload.dict())


@router.post("/events/{int:pk}/merge", response=EventDetailOut)
def merge(request, pk: int, payload: MergeIn):
    into = event_list_for_user(user=request.user).filter(receipt_no=payload.into.strip().upper()).first()
    if into is None:
        raise HttpError(404, "未找到该受理编号的事件")
    return _act(request, pk, services.event_merge, into=into)


class AccuracyIn(Schema):
    year: int = Field(..., ge=2000, le=2100, description="年份")


class AccuracyCellOut(Schema):
    month: str
    events: int
    kept: int
    share: float


class AccuracyDomainOut(Schema):
    code: str
    name: str
    events: int
    kept: int
    share: float | None
    months: list[AccuracyCellOut]


class AccuracyOut(Schema):
    year: int
    events: int
    kept: int
    share: float | None
    unclassified: int
    domains: list[AccuracyDomainOut]


@router.get("/routing-accuracy", response=AccuracyOut)
def routing_accuracy(request, params: Query[AccuracyIn]):
    """智能分类准确率：第一条建议被保留的比例，按领域、按月（本辖区）。"""
    table = routing_accuracy_for_user(user=request.user, year=params.year)
    total = table.total()
    return {
        "year": params.year,
        "events": total.events,
        "kept": total.top1,
        "share": total.share("top1"),
        "unclassified": table.unclassified,
        "domains": [
            {
                "code": code,
                "name": name,
                "events": (t := table.total(domain=code)).events,
                "kept": t.top1,
                "share": t.share("top1"),
                "months": [
                    {"month": m, "events": c.events, "kept": c.top1, "share": c.top1 / c.events}
                    for m, c in zip(table.months, table.row(code), strict=True)
                    if c is not None and c.events
                ],
            }
            for code, name in table.domains
        ],
    }
