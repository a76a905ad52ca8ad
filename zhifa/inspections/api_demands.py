"""JSON API of inspection demands (/api/v1/inspections/demands): one subdistrict's due checks for a period."""

from datetime import date

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from zhifa.inspections.demands import demand_overview, next_quarter

router = Router(tags=["检查需求"])


class DemandQuery(Schema):
    region: str
    start: date | None = None
    end: date | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(100, ge=1, le=500)


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


class SubjectRow(Schema):
    id: int
    name: str
    colour: str
    demands: list[SubjectDemand]


class SubjectPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[SubjectRow]


class DemandsOut(Schema):
    region_code: str
    region_name: str
    period_start: date
    period_end: date
    subjects_with_demands: int
    demands: int
    separate_visits: int  # (subject, domain) pairs: the visits if each department went alone
    by_domain: list[DomainRow]
    subjects: SubjectPage  # red first, then yellow, green; by name


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
        "subjects": {
            "count": len(o.subjects),
            "page": q.page,
            "page_size": q.page_size,
            "results": [
                {
                    **s,
                    "demands": [
                        {"domain": name, "due_from": a, "due_to": b, "source": src}
                        for name, a, b, src in s["demands"]
                    ],
                }
                for s in o.subjects[(q.page - 1) * q.page_size : q.page * q.page_size]
            ],
        },
    }
