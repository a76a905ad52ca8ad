"""JSON API of coordination: consultations and on-site joint meetings, evidence shared between units."""

from datetime import date, datetime

from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from zhifa.core.errors import ServiceError
from zhifa.core.pagination import ApiPagination, mapped
from zhifa.dispatch.coordination import selectors as sc
from zhifa.dispatch.coordination import services as coordination
from zhifa.dispatch.coordination.selectors import units_by_code
from zhifa.dispatch.events.api import RefOut, ref_out
from zhifa.dispatch.events.selectors import event_get_for_user
from zhifa.org.models import Unit

router = Router(tags=["dispatch"])


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
        "convened_by": ref_out(m.convened_by),
        "participants": [
            {"unit": ref_out(p.unit), "attended": p.attended, "person_name": p.person_name}
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
        "unit": ref_out(ev.unit),
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
        "shared_with": [ref_out(u) for u in ev.shared_with.all()],
        "created_by": str(ev.created_by),
        "created_at": ev.created_at,
        "withdrawn": ev.withdrawn,
        "withdrawn_at": ev.withdrawn_at,
        "withdraw_reason": ev.withdraw_reason,
        "uses": [
            {"unit": ref_out(u.unit), "by": str(u.by), "at": u.at, "purpose": u.purpose}
            for u in ev.uses.all()
        ],
    }


def _units(codes: list[str], field: str) -> list[Unit]:
    units, unknown = units_by_code(codes)
    if unknown:
        raise ServiceError(f"未知的单位：{'、'.join(unknown)}", [{"field": field, "message": "单位不存在"}])
    return units


@router.get("/consultations", response=list[ConsultationOut])
@paginate(ApiPagination)
def list_consultations(request, params: Query[MeetingListIn]):
    qs = sc.consultation_list_for_user(user=request.user, q=params.q, kind=params.kind, status=params.status)
    qs = sc.with_participants(qs.order_by("-held_at", "-id"))
    return mapped(qs, lambda m: _consultation_for(request.user, m))


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
