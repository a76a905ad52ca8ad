"""JSON API of 双随机 draws (/api/v1/inspections/draws): list, draw, detail, verify, publish — the same
services and scope as the pages."""

from datetime import datetime

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from zhifa.core.pagination import ApiPagination, mapped
from zhifa.engine.draw import draw_verify
from zhifa.inspections.draws import selectors as selectors_draws
from zhifa.inspections.draws.picks import draw_outcome
from zhifa.inspections.draws.services import draw_create, draw_publish

router = Router(tags=["双随机抽查"])


class DrawOut(Schema):
    id: int
    name: str
    domain: str
    domain_name: str
    pool_filter: dict
    pool_text: str
    pool_size: int
    ratio: str | None
    count: int | None
    drawn: int
    seed: str
    pool_digest: str
    algorithm: str
    created_at: datetime
    published_at: datetime | None


class PickOut(Schema):
    subject_id: int
    subject_name: str
    inspector_ids: list[int]
    inspectors: list[str]


class InfeasibleOut(Schema):
    subject_id: int
    subject_name: str
    reason: str


class DrawDetailOut(DrawOut):
    seed_inputs: dict
    picks: list[PickOut]
    infeasible: list[InfeasibleOut]


class DrawQuery(Schema):
    q: str = ""


class DrawIn(Schema):
    name: str
    domain: str
    ratio: str | None = None
    count: int | None = None
    subdistrict: str = ""
    industry: str = ""
    scenario: str = ""
    item: str = ""
    public_value: str = ""


class VerifyOut(Schema):
    ok: bool
    problems: list[str]


def _out(d) -> dict:
    return {
        "id": d.pk,
        "name": d.name,
        "domain": d.domain.code,
        "domain_name": d.domain.name,
        "pool_filter": d.pool_filter or {},
        "pool_text": selectors_draws.draw_filter_text(d),
        "pool_size": d.pool_size,
        "ratio": None if d.ratio is None else str(d.ratio),
        "count": d.count,
        "drawn": draw_outcome(d.record).drawn,
        "seed": d.seed,
        "pool_digest": d.pool_digest,
        "algorithm": d.algorithm,
        "created_at": d.created_at,
        "published_at": d.published_at,
    }


def _detail(d) -> dict:
    picks, infeasible = selectors_draws.draw_picks(d, mask=False)
    return {
        **_out(d),
        "seed_inputs": (d.record or {}).get("seed_inputs", {}),
        "picks": [
            {
                "subject_id": p["subject"].pk,
                "subject_name": p["subject"].name,
                "inspector_ids": p["inspector_ids"],
                "inspectors": p["inspectors"],
            }
            for p in picks
            if p["subject"] is not None
        ],
        "infeasible": [
            {"subject_id": x["subject"].pk, "subject_name": x["subject"].name, "reason": x["reason"]}
            for x in infeasible
            if x["subject"] is not None
        ],
    }


@router.get("", response=list[DrawOut], summary="双随机抽查列表（辖区内；按名称、种子、领域搜索）")
@paginate(ApiPagination)
def draws(request, params: Query[DrawQuery]):
    return mapped(selectors_draws.draw_list(user=request.user, q=params.q), _out)


@router.post(
    "", response={201: DrawDetailOut}, summary="抽取（按街道、行业、场景或执法事项组成对象库，按比例或数量）"
)
def create(request, payload: DrawIn):
    made = draw_create(by=request.user, **payload.dict())
    return Status(201, _detail(selectors_draws.draw_get(user=request.user, pk=made.pk)))


@router.get("/{int:draw_id}", response=DrawDetailOut, summary="抽查详情：种子、摘要、抽中对象及检查人员")
def detail(request, draw_id: int):
    return _detail(selectors_draws.draw_get(user=request.user, pk=draw_id))


@router.get("/{int:draw_id}/verify", response=VerifyOut, summary="复核：按记录重新抽取并比对")
def verify(request, draw_id: int):
    result = draw_verify(selectors_draws.draw_get(user=request.user, pk=draw_id).record)
    return {"ok": result.ok, "problems": list(result.problems)}


@router.post("/{int:draw_id}/publish", response=DrawDetailOut, summary="公开抽查结果")
def publish(request, draw_id: int):
    d = draw_publish(draw_obj=selectors_draws.draw_get(user=request.user, pk=draw_id), by=request.user)
    return _detail(d)
