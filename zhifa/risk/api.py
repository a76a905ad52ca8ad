"""JSON API of 三色赋码 (/api/v1/risk): a subject's colour with reasons and history, the policy in force."""

from datetime import datetime

from ninja import Router, Schema, Status

from zhifa.engine.risk import COLOUR_LABELS
from zhifa.jobs.api import JobQueuedOut, job_queued
from zhifa.risk.models import RiskPolicyVersion
from zhifa.risk.policy import risk_policy_current
from zhifa.risk.selectors import subject_risk_get
from zhifa.risk.services import risk_assess, risk_policy_publish, risk_recompute_submit

router = Router(tags=["三色赋码"])


class ReasonOut(Schema):
    factor: str
    factor_label: str
    label: str
    points: float


class ColourChangeOut(Schema):
    at: datetime
    from_colour: str
    to_colour: str
    score: float
    reason: str


class SubjectRiskOut(Schema):
    subject_id: int
    subject_name: str
    colour: str | None
    colour_label: str
    score: float | None
    reasons: list[ReasonOut]
    computed_at: datetime | None
    history: list[ColourChangeOut]


class PolicyOut(Schema):
    version: int | None
    note: str
    created_at: datetime | None
    created_by: str | None
    policy: dict


class PolicyIn(Schema):
    policy: dict
    note: str


def _subject_risk(subject, risk, history) -> dict:
    return {
        "subject_id": subject.pk,
        "subject_name": subject.name,
        "colour": risk.colour if risk else None,
        "colour_label": COLOUR_LABELS[risk.colour] if risk else "未赋码",
        "score": risk.score if risk else None,
        "reasons": [
            {
                "factor": r["factor"],
                "factor_label": r.get("factor_label", r["factor"]),
                "label": r["label"],
                "points": r["points"],
            }
            for r in (risk.reasons if risk else [])
        ],
        "computed_at": risk.computed_at if risk else None,
        "history": [
            {
                "at": c.at,
                "from_colour": c.from_colour,
                "to_colour": c.to_colour,
                "score": c.score,
                "reason": c.reason,
            }
            for c in history
        ],
    }


def _policy_out() -> dict:
    version = RiskPolicyVersion.objects.filter(active=True).select_related("created_by").first()
    return {
        "version": version.pk if version else None,
        "note": version.note if version else "默认策略",
        "created_at": version.created_at if version else None,
        "created_by": str(version.created_by) if version and version.created_by else None,
        "policy": risk_policy_current().to_dict(),
    }


@router.get(
    "/subjects/{int:subject_id}", response=SubjectRiskOut, summary="监管对象的赋码、风险分、理由和变化记录"
)
def subject_risk(request, subject_id: int):
    return _subject_risk(*subject_risk_get(user=request.user, pk=subject_id))


@router.post(
    "/subjects/{int:subject_id}/assess", response=SubjectRiskOut, summary="重新评定（按现行策略立即计算）"
)
def subject_assess(request, subject_id: int):
    subject, _, _ = subject_risk_get(user=request.user, pk=subject_id)
    risk_assess(subject=subject, by=request.user)
    return _subject_risk(*subject_risk_get(user=request.user, pk=subject_id))


@router.get("/policy", response=PolicyOut, summary="现行风险赋码策略（阈值、权重、各颜色检查频次等）")
def policy(request):
    return _policy_out()


@router.post(
    "/policy", response={201: PolicyOut}, summary="发布新的风险赋码策略（区协调指挥中心、系统管理员）"
)
def policy_publish(request, payload: PolicyIn):
    risk_policy_publish(data=payload.policy, note=payload.note, by=request.user)
    return Status(201, _policy_out())


@router.post(
    "/recompute",
    response={202: JobQueuedOut},
    summary="全部重新计算（区协调指挥中心、系统管理员；后台进行，返回 202 与任务地址）",
)
def recompute(request):
    return Status(202, job_queued(risk_recompute_submit(by=request.user)))
