"""JSON API of the command centre: intake, scoped lists and details, and the workflow actions."""

from datetime import date, datetime

from django.conf import settings
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError
from pydantic import Field

from zhifa.accounts.choices import Role
from zhifa.core.errors import ServiceError
from zhifa.core.pagination import api_page
from zhifa.dispatch import coordination, services
from zhifa.dispatch import selectors_coordination as sc
from zhifa.dispatch.choices import Channel, Priority
from zhifa.dispatch.importing import check_upload_size, hotline_import, require_hotline_importer
from zhifa.dispatch.selectors import event_get_for_user, event_list_for_user
from zhifa.dispatch.selectors_coordination import units_by_code
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
    duplicate_of: str | None = None
    confirmed_items: list[str] = []


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
        "duplicate_of": e.duplicate_of.receipt_no if e.duplicate_of_id else None,
        "confirmed_items": sorted(e.event_items.filter(confirmed=True).values_list("item__code", flat=True)),
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


# --- coordination: meetings and evidence ----------------------------------------------------------------


class ParticipantOut(Schema):
    unit: RefOut
    attended: bool | None
    person_name: str


class ConsultationOut(Schema):
    id: int
    kind: str
    kind_label: str
    topic: str
    held_at: datetime
    place: str
    status: str
    convened_by: RefOut
    participants: list[ParticipantOut]
    events: list[str]
    decisions: str
    follow_up_deadline: date | None
    recorded_at: datetime | None


class ConsultationIn(Schema):
    kind: str
    topic: str = Field(..., max_length=200)
    held_at: datetime
    place: str = Field(..., max_length=200)
    participants: list[str] = Field(..., description="参会单位代码；召集单位自动参加")
    events: list[int] = []
    follow_up_deadline: date | None = None


class AttendanceIn(Schema):
    unit: str
    attended: bool
    person_name: str = Field("", max_length=100)


class RecordIn(Schema):
    decisions: str
    attendance: list[AttendanceIn]
    follow_up_deadline: date | None = None


class MeetingListIn(Schema):
    q: str = ""
    kind: str = ""
    status: str = ""
    page: int = Field(1, ge=1)
    page_size: int = Field(settings.ZHIFA_PAGE_SIZE, ge=1, le=200)


class EvidenceUseOut(Schema):
    unit: RefOut
    by: str
    at: datetime
    purpose: str


class EvidenceOut(Schema):
    id: int
    event: str
    unit: RefOut
    collector_name: str
    collected_at: datetime
    method: str
    method_label: str
    description: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    provenance: str
    file_url: str
    shared_with: list[RefOut]
    created_by: str
    created_at: datetime
    withdrawn: bool
    withdrawn_at: datetime | None
    withdraw_reason: str
    uses: list[EvidenceUseOut]


class EvidenceIn(Schema):
    method: str
    description: str = Field(..., max_length=5000)
    collector_name: str = Field("", max_length=50)
    collected_at: datetime | None = None
    shared_with: list[str] = []


class ReasonIn(Schema):
    reason: str = ""


class AdoptIn(Schema):
    purpose: str = ""


def _consultation(m, events: list[str]) -> dict:
    return {
        "id": m.pk,
        "kind": m.kind,
        "kind_label": m.get_kind_display(),
        "topic": m.topic,
        "held_at": m.held_at,
        "place": m.place,
        "status": m.status,
        "convened_by": _ref(m.convened_by),
        "participants": [
            {"unit": _ref(p.unit), "attended": p.attended, "person_name": p.person_name}
            for p in m.participants.all()
        ],
        "events": events,
        "decisions": m.decisions,
        "follow_up_deadline": m.follow_up_deadline,
        "recorded_at": m.recorded_at,
    }


def _consultation_for(user, m) -> dict:
    # Only the receipt numbers of the events the caller may open.
    events = [e.receipt_no for e in sc.consultation_events_for_user(user=user, consultation=m)]
    return _consultation(m, events)


def _evidence(ev) -> dict:
    return {
        "id": ev.pk,
        "event": ev.event.receipt_no,
        "unit": _ref(ev.unit),
        "collector_name": ev.collector_name,
        "collected_at": ev.collected_at,
        "method": ev.method,
        "method_label": ev.get_method_display(),
        "description": ev.description,
        "original_name": ev.original_name,
        "content_type": ev.content_type,
        "size": ev.size,
        "sha256": ev.sha256,
        "provenance": ev.provenance,
        "file_url": reverse("dispatch:evidence_file", args=[ev.pk]),
        "shared_with": [_ref(u) for u in ev.shared_with.all()],
        "created_by": str(ev.created_by),
        "created_at": ev.created_at,
        "withdrawn": ev.withdrawn,
        "withdrawn_at": ev.withdrawn_at,
        "withdraw_reason": ev.withdraw_reason,
        "uses": [
            {"unit": _ref(u.unit), "by": str(u.by), "at": u.at, "purpose": u.purpose} for u in ev.uses.all()
        ],
    }


def _units(codes: list[str], field: str) -> list[Unit]:
    units, unknown = units_by_code(codes)
    if unknown:
        raise ServiceError(f"未知的单位：{'、'.join(unknown)}", [{"field": field, "message": "单位不存在"}])
    return units


@router.get("/consultations")
def list_consultations(request, params: Query[MeetingListIn]):
    qs = sc.consultation_list_for_user(user=request.user, q=params.q, kind=params.kind, status=params.status)
    qs = sc.with_participants(qs.order_by("-held_at", "-id"))
    return api_page(
        qs, page=params.page, page_size=params.page_size, convert=lambda m: _consultation_for(request.user, m)
    )


@router.post("/consultations", response={201: ConsultationOut})
def create_consultation(request, payload: ConsultationIn):
    user = request.user
    events = [event_get_for_user(user=user, pk=pk) for pk in dict.fromkeys(payload.events)]
    meeting = coordination.consultation_create(
        kind=payload.kind,
        topic=payload.topic,
        held_at=payload.held_at,
        place=payload.place,
        participants=_units(payload.participants, "participants"),
        events=events,
        follow_up_deadline=payload.follow_up_deadline,
        by=user,
    )
    return 201, _consultation_for(user, sc.consultation_get_for_user(user=user, pk=meeting.pk))


@router.get("/consultations/{int:pk}", response=ConsultationOut)
def get_consultation(request, pk: int):
    return _consultation_for(request.user, sc.consultation_get_for_user(user=request.user, pk=pk))


@router.post("/consultations/{int:pk}/record", response=ConsultationOut)
def record_consultation(request, pk: int, payload: RecordIn):
    user = request.user
    meeting = sc.consultation_get_for_user(user=user, pk=pk)
    coordination.consultation_record(
        consultation=meeting,
        decisions=payload.decisions,
        attendance={a.unit: (a.attended, a.person_name) for a in payload.attendance},
        follow_up_deadline=payload.follow_up_deadline,
        by=user,
    )
    return _consultation_for(user, sc.consultation_get_for_user(user=user, pk=pk))


@router.get("/events/{int:pk}/evidence", response=list[EvidenceOut])
def list_evidence(request, pk: int):
    event = event_get_for_user(user=request.user, pk=pk)
    return [_evidence(ev) for ev in sc.evidence_for_event(user=request.user, event=event)]


@router.post("/events/{int:pk}/evidence", response={201: EvidenceOut})
def attach_evidence(request, pk: int, payload: Form[EvidenceIn], file: File[UploadedFile]):
    """Multipart form: the file plus method, description, collector_name, collected_at, shared_with."""
    user = request.user
    event = event_get_for_user(user=user, pk=pk)
    evidence = coordination.evidence_attach(
        event=event,
        file=file,
        method=payload.method,
        description=payload.description,
        collector_name=payload.collector_name,
        collected_at=payload.collected_at,
        shared_with=_units(payload.shared_with, "shared_with"),
        by=user,
    )
    return 201, _evidence(sc.evidence_get_for_user(user=user, pk=evidence.pk))


@router.get("/evidence/{int:pk}", response=EvidenceOut)
def get_evidence(request, pk: int):
    return _evidence(sc.evidence_get_for_user(user=request.user, pk=pk))


@router.post("/evidence/{int:pk}/withdraw", response=EvidenceOut)
def withdraw_evidence(request, pk: int, payload: ReasonIn):
    user = request.user
    coordination.evidence_withdraw(
        evidence=sc.evidence_get_for_user(user=user, pk=pk), reason=payload.reason, by=user
    )
    return _evidence(sc.evidence_get_for_user(user=user, pk=pk))


@router.post("/evidence/{int:pk}/adopt", response=EvidenceOut)
def adopt_evidence(request, pk: int, payload: AdoptIn):
    user = request.user
    coordination.evidence_adopt(
        evidence=sc.evidence_get_for_user(user=user, pk=pk), purpose=payload.purpose, by=user
    )
    return _evidence(sc.evidence_get_for_user(user=user, pk=pk))


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
