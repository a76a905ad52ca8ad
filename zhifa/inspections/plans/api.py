"""JSON API of 综合查一次 plans (/api/v1/inspections/joint-plans): list, create, detail, publish — all scoped."""

from datetime import date, datetime

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from zhifa.core.pagination import ApiPagination, mapped
from zhifa.inspections import plans
from zhifa.inspections.plans.jobs import joint_plan_submit
from zhifa.jobs.api import JobQueuedOut, job_queued

router = Router(tags=["综合查一次"])


class PlanOut(Schema):
    id: int
    name: str
    region_code: str
    region_name: str
    period_start: date
    period_end: date
    status: str
    status_label: str
    seed: str
    limits: dict
    figures: dict
    unfitted_count: int
    created_at: datetime
    published_at: datetime | None


class VisitSourceOut(Schema):
    source: str
    request: int | None


class VisitOut(Schema):
    id: int
    order: int
    subject_id: int
    subject_name: str
    address: str
    building: str | None
    lng: float | None
    lat: float | None
    domains: list[str]
    items: list[str]
    sources: list[VisitSourceOut]
    status: str


class SquadDayOut(Schema):
    id: int
    day: date
    officers: list[dict]
    base_lng: float
    base_lat: float
    km: float
    km_unordered: float
    minutes: float
    visits: list[VisitOut]


class PlanDetailOut(PlanOut):
    squad_days: list[SquadDayOut]
    unfitted: list[dict]


class PlanQuery(Schema):
    q: str = ""
    status: str = ""


class PlanIn(Schema):
    region: str
    period_start: date
    period_end: date
    name: str = ""
    quiet_days: list[date] = []
    max_visits_per_year: int | None = None
    seed: str | None = None
    replaces_published: bool = False  # draft a replacement of an overlapping published plan on purpose


def _out(p) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "region_code": p.region.code,
        "region_name": p.region.name,
        "period_start": p.period_start,
        "period_end": p.period_end,
        "status": p.status,
        "status_label": p.get_status_display(),
        "seed": p.seed,
        "limits": p.limits,
        "figures": p.figures,
        "unfitted_count": len(p.unfitted or []),
        "created_at": p.created_at,
        "published_at": p.published_at,
    }


def _detail(p) -> dict:
    days = list(p.squad_days.prefetch_related("officers").order_by("day", "id"))
    visits: dict[int, list] = {}
    for v in p.visits.select_related("subject", "subject__building").order_by("squad_day_id", "order"):
        visits.setdefault(v.squad_day_id, []).append(
            {
                "id": v.pk,
                "order": v.order,
                "subject_id": v.subject_id,
                "subject_name": v.subject.name,
                "address": v.subject.address,
                "building": v.subject.building.code if v.subject.building_id else None,
                "lng": v.subject.lng,
                "lat": v.subject.lat,
                "domains": v.domains,
                "items": v.items,
                "sources": plans.sources_json(plans.visit_sources(v.sources)),
                "status": v.status,
            }
        )
    return {
        **_out(p),
        "unfitted": p.unfitted or [],
        "squad_days": [
            {
                "id": sd.pk,
                "day": sd.day,
                "officers": [{"id": o.pk, "name": o.name, "team_id": o.team_id} for o in sd.officers.all()],
                "base_lng": sd.base_lng,
                "base_lat": sd.base_lat,
                "km": sd.km,
                "km_unordered": sd.km_unordered,
                "minutes": sd.minutes,
                "visits": visits.get(sd.pk, []),
            }
            for sd in days
        ],
    }


@router.get("", response=list[PlanOut], summary="综合查一次计划列表（按名称、区域搜索，按状态筛选）")
@paginate(ApiPagination)
def joint_plans(request, params: Query[PlanQuery]):
    qs = plans.joint_plan_list(user=request.user, q=params.q, status=params.status)
    return mapped(qs, _out)


@router.post("", response={201: PlanDetailOut}, summary="编制综合查一次计划（草稿）")
def joint_plan_create(request, payload: PlanIn):
    made = plans.joint_plan_create(
        region=payload.region,
        period_start=payload.period_start,
        period_end=payload.period_end,
        name=payload.name,
        quiet_days=payload.quiet_days,
        max_visits_per_year=payload.max_visits_per_year,
        seed=payload.seed,
        replaces_published=payload.replaces_published,
        by=request.user,
    )
    return Status(201, _detail(made))


@router.post(
    "/jobs",
    response={202: JobQueuedOut},
    summary="后台编制综合查一次计划（整个街道或功能区；先校验，出错即时返回；返回 202 与任务地址）",
)
def joint_plan_create_in_background(request, payload: PlanIn):
    job = joint_plan_submit(
        region=payload.region,
        period_start=payload.period_start,
        period_end=payload.period_end,
        name=payload.name,
        quiet_days=payload.quiet_days,
        max_visits_per_year=payload.max_visits_per_year,
        seed=payload.seed,
        replaces_published=payload.replaces_published,
        by=request.user,
    )
    return Status(202, job_queued(job))


@router.get("/{plan_id}", response=PlanDetailOut, summary="计划详情：检查组日程与逐户检查顺序、未排入需求")
def joint_plan_detail(request, plan_id: int):
    return _detail(plans.joint_plan_get(user=request.user, pk=plan_id))


@router.post("/{plan_id}/publish", response=PlanOut, summary="发布计划（仅草稿）")
def joint_plan_publish(request, plan_id: int):
    plan = plans.joint_plan_get(user=request.user, pk=plan_id)
    return _out(plans.joint_plan_publish(plan=plan, by=request.user))
