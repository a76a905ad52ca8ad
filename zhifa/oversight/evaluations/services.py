"""Writes of 五赋权一约束 evaluations: a district opens a period with its weighted criteria; the subdistricts
score the departments' legal support (反向评价) and the departments score the subdistricts' enforcement
(成效考核), one score per evaluating unit, unit and criterion (changeable while the period is open)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.org.choices import RegionLevel, UnitKind
from zhifa.org.models import Unit
from zhifa.oversight.choices import EvaluationKind, Metric, PeriodStatus
from zhifa.oversight.models import EvaluationCriterion, EvaluationPeriod, EvaluationScore

MANAGE_ROLES = (Role.ADMIN, Role.DISTRICT_COMMAND, Role.OVERSIGHT)
MAX_TEXT = 1000
# Who is evaluated in each kind, and who evaluates.
TARGET_KINDS = {
    EvaluationKind.REVERSE: (UnitKind.DEPARTMENT,),
    EvaluationKind.EFFECTIVENESS: (UnitKind.SUBDISTRICT_TEAM, UnitKind.STATIONED_TEAM),
}
SUBDISTRICT_LEVELS = (RegionLevel.SUBDISTRICT, RegionLevel.FUNCTIONAL_AREA)


def _fail(field: str, message: str, cls=ServiceError):
    raise cls(message, [{"field": field, "message": message}])


def may_manage(user) -> bool:
    return bool(user.is_superuser or user.role in MANAGE_ROLES)


def evaluator_unit(user, kind: str) -> Unit | None:
    """The unit a user scores for in a period of this kind: a subdistrict's command room in a reverse
    evaluation, a district department in an effectiveness assessment; None if they do not score."""
    unit = user.unit
    if unit is None:
        return None
    if kind == EvaluationKind.REVERSE:
        ok = user.role == Role.SUBDISTRICT_COMMAND and unit.region.level in SUBDISTRICT_LEVELS
    else:
        ok = user.role == Role.DEPARTMENT and unit.kind == UnitKind.DEPARTMENT
    return unit if ok else None


def targets_of(kind: str):
    return (
        Unit.objects.filter(kind__in=TARGET_KINDS[kind], active=True)
        .select_related("region")
        .order_by("code")
    )


def _criteria(criteria) -> list[dict]:
    errors, out, names = [], [], set()
    for i, c in enumerate(criteria or [], start=1):
        name = str(c.get("name", "")).strip()
        metric = str(c.get("metric", "") or "")
        try:
            weight = int(c.get("weight"))
        except (TypeError, ValueError):
            weight = 0
        if not name:
            errors.append({"field": f"criteria.{i}.name", "message": f"第 {i} 项指标请填写名称"})
        elif len(name) > 100 or name in names:
            errors.append({"field": f"criteria.{i}.name", "message": f"第 {i} 项指标名称重复或过长"})
        if not 1 <= weight <= 100:
            errors.append({"field": f"criteria.{i}.weight", "message": f"第 {i} 项指标权重应为 1–100 的整数"})
        if metric and metric not in Metric.values:
            errors.append({"field": f"criteria.{i}.metric", "message": f"第 {i} 项指标的自动计算方式无效"})
        names.add(name)
        out.append({"name": name, "weight": weight, "metric": metric, "order": i})
    if not out:
        errors.append({"field": "criteria", "message": "请至少设置一项评价指标"})
    elif not errors and sum(c["weight"] for c in out) != 100:
        errors.append(
            {"field": "criteria", "message": f"各项权重合计应为 100（现为 {sum(c['weight'] for c in out)}）"}
        )
    if errors:
        raise ServiceError("；".join(e["message"] for e in errors), errors)
    return out


def evaluation_period_create(
    *, name: str, kind: str, start: date, end: date, criteria: list[dict], by
) -> EvaluationPeriod:
    """开展评价 — the district opens a period with its criteria and weights (合计 100)."""
    if not may_manage(by):
        raise PermissionError_("只有区指挥中心、执法监督或管理员可以设置评价")
    name = (name or "").strip()
    errors = []
    if not name or len(name) > 100:
        errors.append({"field": "name", "message": "请填写评价名称（100 字以内）"})
    if kind not in EvaluationKind.values:
        errors.append({"field": "kind", "message": "请选择评价类型"})
    if not isinstance(start, date) or not isinstance(end, date):
        errors.append({"field": "start", "message": "请填写评价期间（年-月-日）"})
    elif start > end:
        errors.append({"field": "end", "message": "结束日期不能早于开始日期"})
    if errors:
        raise ServiceError("；".join(e["message"] for e in errors), errors)
    rows = _criteria(criteria)
    with transaction.atomic():
        period = EvaluationPeriod.objects.create(
            name=name, kind=kind, start=start, end=end, created_by=by, created_at=timezone.now()
        )
        EvaluationCriterion.objects.bulk_create([EvaluationCriterion(period=period, **c) for c in rows])
        audit_record(actor=by, action="oversight.evaluation_period_create", obj=period,
                     after={"kind": kind, "start": start, "end": end, "criteria": rows})  # fmt: skip
    return period


def evaluation_weights_set(*, period: EvaluationPeriod, weights: dict[int, int], by) -> EvaluationPeriod:
    """调整权重 — while the period is open; the weights still add up to 100."""
    if not may_manage(by):
        raise PermissionError_("只有区指挥中心、执法监督或管理员可以调整权重")
    with transaction.atomic():
        current = EvaluationPeriod.objects.select_for_update().get(pk=period.pk)
        if current.status != PeriodStatus.OPEN:
            _fail("period", "评价已结束，不能调整权重", Conflict)
        criteria = list(current.criteria.all())
        rows = _criteria(
            [{"name": c.name, "metric": c.metric, "weight": weights.get(c.pk, c.weight)} for c in criteria]
        )
        before = {c.name: c.weight for c in criteria}
        for c, row in zip(criteria, rows, strict=True):
            c.weight = row["weight"]
        EvaluationCriterion.objects.bulk_update(criteria, ["weight"])
        audit_record(actor=by, action="oversight.evaluation_weights_set", obj=current, before=before,
                     after={c.name: c.weight for c in criteria})  # fmt: skip
    return current


def evaluation_score_submit(
    *, criterion: EvaluationCriterion, target: Unit, score, comment: str = "", evidence: str = "", by
) -> EvaluationScore:
    """评分 — an evaluating unit scores one unit on one hand-scored criterion (0–100), with comment and evidence."""
    period = criterion.period
    unit = evaluator_unit(by, period.kind)
    if unit is None:
        who = "街道" if period.kind == EvaluationKind.REVERSE else "区级部门"
        raise PermissionError_(f"此项评价由{who}评分，您所在单位不参与")
    if target.kind not in TARGET_KINDS[period.kind]:
        _fail("target", "该单位不是本次评价的对象")
    if target.pk == unit.pk:
        _fail("target", "不能评价本单位")
    if criterion.metric:
        _fail("criterion", f"「{criterion.name}」由系统按记录计算，不能手工评分")
    try:
        value = Decimal(str(score)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        _fail("score", "得分应为 0–100 的数字")
    if not Decimal(0) <= value <= Decimal(100):
        _fail("score", "得分应为 0–100 的数字")
    comment, evidence = (comment or "").strip(), (evidence or "").strip()
    if len(comment) > MAX_TEXT or len(evidence) > MAX_TEXT:
        _fail("comment", f"评语和依据材料各不能超过 {MAX_TEXT} 字")
    if value < 60 and len(comment) < 4:
        _fail("comment", "低于 60 分须写明评语（扣分理由）")
    with transaction.atomic():
        current = EvaluationPeriod.objects.select_for_update().get(pk=period.pk)
        if current.status != PeriodStatus.OPEN:
            _fail("period", "评价已结束，不能再评分", Conflict)
        row, created = EvaluationScore.objects.update_or_create(
            criterion=criterion,
            evaluator=unit,
            target=target,
            defaults={
                "score": value,
                "comment": comment,
                "evidence": evidence,
                "by": by,
                "at": timezone.now(),
            },
        )
        audit_record(actor=by, action="oversight.evaluation_score_submit", obj=row,
                     object_repr=f"{unit.name} 评 {target.name}：{criterion.name}",
                     after={"score": value, "created": created})  # fmt: skip
    return row


def evaluation_period_close(*, period: EvaluationPeriod, by) -> EvaluationPeriod:
    if not may_manage(by):
        raise PermissionError_("只有区指挥中心、执法监督或管理员可以结束评价")
    with transaction.atomic():
        current = EvaluationPeriod.objects.select_for_update().get(pk=period.pk)
        if current.status != PeriodStatus.OPEN:
            _fail("period", "评价已结束", Conflict)
        current.status = PeriodStatus.CLOSED
        current.save(update_fields=["status"])
        audit_record(actor=by, action="oversight.evaluation_period_close", obj=current)
    return current
