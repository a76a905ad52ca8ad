"""JSON API of oversight (/api/v1/oversight): warnings scoped like the pages, their handling steps, the models
and their parameters, and a scan on request."""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from zhifa.core.errors import PermissionError_
from zhifa.core.pagination import ApiPagination, mapped
from zhifa.org.models import Unit
from zhifa.oversight import selectors as sel
from zhifa.oversight import services as svc
from zhifa.oversight.evaluations import selectors as ev_sel
from zhifa.oversight.evaluations import services as ev_svc
from zhifa.oversight.models import Alert, EvaluationCriterion
from zhifa.oversight.training.api import router as training_router

router = Router(tags=["执法监督"])
router.add_router("/trainings", training_router)


class WarningRecordOut(Schema):
    type: str
    id: int
    label: str
    url: str


class WarningOut(Schema):
    id: int
    model: str
    model_name: str
    model_version: int
    title: str
    detail: str
    severity: str
    unit: str | None
    unit_id: int | None
    state: str
    state_label: str
    opened_at: datetime
    due_on: date | None
    answer: str
    answered_at: datetime | None
    closed_at: datetime | None
    resolved_at: datetime | None
    resolution: str
    version: int
    records: list[WarningRecordOut]


class WarningQuery(Schema):
    model: str = ""
    unit: int | None = None
    state: str = ""
    month: str = ""
    since: date | None = None
    until: date | None = None
    overdue: bool = False


class WarningAssignIn(Schema):
    unit: int | None = None
    due_on: date
    note: str = ""
    version: int | None = None


class WarningAnswerIn(Schema):
    text: str
    version: int | None = None


class WarningVerifyIn(Schema):
    passed: bool
    note: str
    due_on: date | None = None
    version: int | None = None


class WarningCloseIn(Schema):
    note: str
    version: int | None = None


class OversightScanOut(Schema):
    created: int
    updated: int
    reopened: int
    resolved: int
    seconds: float
    per_rule: dict


def _out(alert: Alert, user=None) -> dict:
    return {
        "id": alert.pk,
        "model": alert.rule.code,
        "model_name": alert.rule.name,
        "model_version": alert.rule_version,
        "title": alert.title,
        "detail": alert.detail,
        "severity": alert.severity,
        "unit": alert.unit.name if alert.unit else None,
        "unit_id": alert.unit_id,
        "state": alert.state,
        "state_label": alert.get_state_display(),
        "opened_at": alert.opened_at,
        "due_on": alert.due_on,
        "answer": alert.answer,
        "answered_at": alert.answered_at,
        "closed_at": alert.closed_at,
        "resolved_at": alert.resolved_at,
        "resolution": alert.resolution,
        "version": alert.version,
        "records": sel.record_links(alert, user),
    }


@router.get(
    "/warnings", response=list[WarningOut], summary="监督预警列表（按辖区；按模型、单位、状态、期间筛选）"
)
@paginate(ApiPagination)
def warning_list(request, filters: Query[WarningQuery]):
    f = sel.AlertFilter(
        rule=filters.model,
        unit=filters.unit,
        state=filters.state,
        month=filters.month,
        since=filters.since,
        until=filters.until,
        overdue=filters.overdue,
    )
    qs = sel.alert_filter(sel.alert_list_for_user(user=request.user), f).order_by("-opened_at", "-id")
    return mapped(qs, lambda a: _out(a, request.user))


@router.get("/warnings/figures", response=dict, summary="预警统计（按模型、单位、月份、状态）")
def warning_figures(request):
    return sel.alert_figures(sel.alert_list_for_user(user=request.user))


@router.get("/warnings/{pk}", response=WarningOut, summary="一条预警及其关联记录")
def warning_detail(request, pk: int):
    return _out(sel.alert_get_for_user(user=request.user, pk=pk), request.user)


@router.post("/warnings/{pk}/assign", response=WarningOut, summary="下发责任单位（执法监督）")
def warning_assign(request, pk: int, payload: WarningAssignIn):
    alert = sel.alert_get_for_user(user=request.user, pk=pk)
    unit = svc.unit_for_assign(payload.unit) if payload.unit else None
    alert = svc.alert_assign(alert=alert, unit=unit, due_on=payload.due_on, note=payload.note, by=request.user,
                             version=payload.version)  # fmt: skip
    return _out(alert, request.user)


@router.post("/warnings/{pk}/answer", response=WarningOut, summary="说明或整改（责任单位）")
def warning_answer(request, pk: int, payload: WarningAnswerIn):
    alert = sel.alert_get_for_user(user=request.user, pk=pk)
    alert = svc.alert_answer(alert=alert, text=payload.text, by=request.user, version=payload.version)
    return _out(alert, request.user)


@router.post("/warnings/{pk}/verify", response=WarningOut, summary="核查答复（执法监督）")
def warning_verify(request, pk: int, payload: WarningVerifyIn):
    alert = sel.alert_get_for_user(user=request.user, pk=pk)
    alert = svc.alert_verify(alert=alert, passed=payload.passed, note=payload.note, due_on=payload.due_on,
                             by=request.user, version=payload.version)  # fmt: skip
    return _out(alert, request.user)


@router.post("/warnings/{pk}/close", response=WarningOut, summary="直接办结（执法监督）")
def warning_close(request, pk: int, payload: WarningCloseIn):
    alert = sel.alert_get_for_user(user=request.user, pk=pk)
    return _out(
        svc.alert_close(alert=alert, note=payload.note, by=request.user, version=payload.version),
        request.user,
    )


@router.get("/models", response=dict, summary="预警模型及参数（全部，约 15 个）")
def model_list(request):
    svc.rules_sync()
    return {"models": [{k: v for k, v in row.items() if k != "rule"} for row in sel.rule_rows()]}


@router.post("/scan", response=OversightScanOut, summary="立即扫描（执法监督）")
def scan(request):
    if not svc.is_oversight(request.user):
        raise PermissionError_("只有执法监督人员可以发起扫描")
    return svc.oversight_scan(by=request.user)


# --- 五赋权一约束 evaluations ---------------------------------------------------------------------------------


class EvaluationPeriodOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    start: date
    end: date
    status: str


class EvaluationScoreIn(Schema):
    criterion: int
    target: int
    score: float
    comment: str = ""
    evidence: str = ""


@router.get("/evaluations", response=list[EvaluationPeriodOut], summary="五赋权一约束评价周期")
@paginate(ApiPagination)
def evaluation_list(request):
    qs = ev_sel.period_list_for_user(user=request.user)
    return mapped(qs, lambda p: {"id": p.pk, "name": p.name, "kind": p.kind, "kind_label": p.get_kind_display(),
                                 "start": p.start, "end": p.end, "status": p.status})  # fmt: skip


@router.get("/evaluations/{pk}/results", response=dict, summary="评价结果（区级看全部，被评价单位看本单位）")
def evaluation_results(request, pk: int):
    period = ev_sel.period_get(user=request.user, pk=pk)
    seen = ev_sel.results_for_user(user=request.user, period=period)
    return {
        "criteria": [
            {"id": c.pk, "name": c.name, "weight": c.weight, "metric": c.metric} for c in seen["criteria"]
        ],
        "rows": [
            {
                "unit": r.unit.name,
                "unit_id": r.unit.pk,
                "rank": r.rank,
                "total": r.total,
                "values": r.values,
                "missing": r.missing,
            }  # fmt: skip
            for r in seen["rows"]
        ],
        "given": [
            {"criterion": s.criterion.name, "target": s.target.name, "score": s.score, "comment": s.comment}
            for s in seen["given"]
        ],
    }


@router.post("/evaluations/{pk}/scores", response={201: dict}, summary="评分（评价单位）")
def evaluation_score(request, pk: int, payload: EvaluationScoreIn):
    period = ev_sel.period_get(user=request.user, pk=pk)
    criterion = get_object_or_404(EvaluationCriterion, period=period, pk=payload.criterion)
    target = get_object_or_404(Unit, pk=payload.target)
    row = ev_svc.evaluation_score_submit(criterion=criterion, target=target, score=payload.score,
                                         comment=payload.comment, evidence=payload.evidence, by=request.user)  # fmt: skip
    return Status(201, {"id": row.pk, "score": row.score})
