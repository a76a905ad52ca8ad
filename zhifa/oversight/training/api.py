"""JSON API of training and case reviews (/api/v1/oversight/trainings): scoped like the pages; create and edit
through the same services (an edit names the version it read: a stale one answers 409)."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from zhifa.core.pagination import ApiPagination, mapped
from zhifa.oversight.training import selectors as sel
from zhifa.oversight.training import services as svc
from zhifa.oversight.training.models import Training

router = Router(tags=["执法监督"])


class TrainingCaseOut(Schema):
    id: int
    number: str


class TrainingOut(Schema):
    id: int
    kind: str
    kind_label: str
    topic: str
    held_on: date
    organiser: str
    organiser_id: int
    hours: Decimal
    place: str
    summary: str
    participants: list[int]
    cases: list[TrainingCaseOut]
    materials: int
    version: int


class TrainingIn(Schema):
    kind: str
    topic: str
    held_on: date
    organiser: int
    hours: Decimal
    participants: list[int]
    cases: list[str] = []
    place: str = ""
    summary: str = ""


class TrainingUpdateIn(TrainingIn):
    version: int


class TrainingQuery(Schema):
    kind: str = ""
    unit: int | None = None
    since: date | None = None
    until: date | None = None
    q: str = ""


def _out(t: Training) -> dict:
    return {
        "id": t.pk,
        "kind": t.kind,
        "kind_label": t.get_kind_display(),
        "topic": t.topic,
        "held_on": t.held_on,
        "organiser": t.organiser.name,
        "organiser_id": t.organiser_id,
        "hours": t.hours,
        "place": t.place,
        "summary": t.summary,
        "participants": sorted(o.pk for o in t.participants.all()),
        "cases": [{"id": c.pk, "number": c.number} for c in sorted(t.cases.all(), key=lambda c: c.number)],
        "materials": len(t.materials.all()),
        "version": t.version,
    }


@router.get(
    "", response=list[TrainingOut], summary="培训研讨记录（按辖区；按类型、组织单位、期间筛选，可搜索）"
)
@paginate(ApiPagination)
def training_list(request, filters: Query[TrainingQuery]):
    f = sel.TrainingFilter(kind=filters.kind, unit=filters.unit, since=filters.since, until=filters.until,
                           q=filters.q.strip()[:40])  # fmt: skip
    qs = sel.training_filter(sel.training_list_for_user(user=request.user), f)
    qs = qs.prefetch_related("participants", "cases", "materials").order_by("-held_on", "-id")
    return mapped(qs, _out)


@router.get("/years", response=list[dict], summary="每年培训研讨场次（按类型）")
def training_years(request):
    return sel.training_counts_by_year(sel.training_list_for_user(user=request.user))


@router.get("/hours", response=dict, summary="队员培训学时（按队伍和队员；期间默认今年）")
def training_hours(request, since: date | None = None, until: date | None = None, unit: int | None = None):
    today = timezone.localdate()
    h = sel.training_hours(user=request.user, since=since or today.replace(month=1, day=1),
                           until=until or today, unit=unit)  # fmt: skip
    return {
        "since": h["since"],
        "until": h["until"],
        "total_officers": h["total_officers"],
        "total_hours": float(h["total_hours"]),
        "units": [
            {
                "unit": t["unit"].name,
                "unit_id": t["unit"].pk,
                "officers": t["officers"],
                "trained": t["trained"],
                "sessions": t["sessions"],
                "hours": float(t["hours"]),
                "average": float(t["average"]) if t["average"] is not None else None,
            }
            for t in h["units"]
        ],  # fmt: skip
        "officers": [
            {"id": o.pk, "name": o.name, "team": o.team.name, "sessions": o.sessions, "hours": float(o.hours)}
            for o in h["officers"]
        ],
    }


@router.get("/{pk}", response=TrainingOut, summary="一条培训研讨记录")
def training_detail(request, pk: int):
    return _out(sel.training_get_for_user(user=request.user, pk=pk))


@router.post("", response={201: TrainingOut}, summary="登记培训研讨")
def training_create(request, payload: TrainingIn):
    t = svc.training_create(by=request.user, **payload.dict())
    return Status(201, _out(t))


@router.put("/{pk}", response=TrainingOut, summary="修改培训研讨记录（带版本号，过期返回 409）")
def training_update(request, pk: int, payload: TrainingUpdateIn):
    t = sel.training_get_for_user(user=request.user, pk=pk)
    return _out(svc.training_update(training=t, by=request.user, **payload.dict()))
