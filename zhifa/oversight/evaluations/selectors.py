"""Reads of 五赋权一约束 evaluations: periods, each unit's result per criterion (hand scores averaged over the
evaluating units; computed criteria from the records), totals by weight and the ranking — each side sees what
it may: the district all of it; an evaluated unit its own result (not who gave which score); an evaluating
unit the scores it gave."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, F, Q
from django.http import Http404
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.cases.models import Case
from zhifa.codes.models import CodeRating
from zhifa.dispatch.models import Event, SlaPolicy
from zhifa.oversight.choices import Metric
from zhifa.oversight.evaluations.services import evaluator_unit, may_manage, targets_of
from zhifa.oversight.models import Alert, EvaluationPeriod, EvaluationScore

FULL_VIEW_ROLES = (Role.ADMIN, Role.DISTRICT_COMMAND, Role.OVERSIGHT)


def period_list_for_user(*, user):
    if not user.is_authenticated or user.role == Role.GRID_WORKER:
        return EvaluationPeriod.objects.none()
    return EvaluationPeriod.objects.all()


def period_get(*, user, pk: int) -> EvaluationPeriod:
    period = period_list_for_user(user=user).filter(pk=pk).first()
    if period is None:
        raise Http404("评价不存在")
    return period


def _bounds(period) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(period.start, time.min, tz),
        datetime.combine(period.end + timedelta(days=1), time.min, tz),
    )


def _percent(part: int, whole: int) -> Decimal | None:
    return (Decimal(100) * part / whole).quantize(Decimal("0.1")) if whole else None


def metric_values(metric: str, period, unit_ids: list[int]) -> dict[int, Decimal | None]:
    """A computed criterion (0–100) for each unit over the period; None where the records give no figure."""
    since, until = _bounds(period)
    out: dict[int, Decimal | None] = dict.fromkeys(unit_ids)
    if metric == Metric.EVENT_ON_TIME:
        events = Event.objects.filter(lead_unit_id__in=unit_ids, received_at__gte=since, received_at__lt=until,
                                      resolved_at__isnull=False)  # fmt: skip
        met = Q(pk__in=[])
        for p in SlaPolicy.objects.all():
            met |= Q(sla_id=p.pk, resolved_at__lte=F("received_at") + timedelta(minutes=p.resolve_minutes))
        for r in events.values("lead_unit_id").annotate(n=Count("id"), ok=Count("id", filter=met)).order_by():
            out[r["lead_unit_id"]] = _percent(r["ok"], r["n"])
    elif metric == Metric.WARNINGS:
        counts = dict(
            Alert.objects.filter(unit_id__in=unit_ids, opened_at__gte=since, opened_at__lt=until)
            .values_list("unit_id").annotate(n=Count("id")).order_by()
        )  # fmt: skip
        for uid in unit_ids:
            out[uid] = Decimal(max(0, 100 - 5 * counts.get(uid, 0)))
    elif metric == Metric.CODE_RATING:
        rows = (
            CodeRating.objects.filter(code__unit_id__in=unit_ids, rated_at__gte=since, rated_at__lt=until)
            .values("code__unit_id").annotate(avg=Avg("score")).order_by()
        )  # fmt: skip
        for r in rows:
            out[r["code__unit_id"]] = (Decimal(str(r["avg"])) * 20).quantize(Decimal("0.1"))
    elif metric == Metric.CASE_ON_TIME:
        decided = Case.objects.filter(unit_id__in=unit_ids, decided_on__gte=period.start, decided_on__lte=period.end,
                                      filed_on__isnull=False)  # fmt: skip
        rows = decided.values("unit_id", "filed_on", "decided_on", "extension_days")
        tally: dict[int, list[int]] = {}
        for r in rows:
            t = tally.setdefault(r["unit_id"], [0, 0])
            t[1] += 1
            t[0] += (r["decided_on"] - r["filed_on"]).days <= 90 + (r["extension_days"] or 0)
        for uid, (ok, n) in tally.items():
            out[uid] = _percent(ok, n)
    return out


@dataclass
class ResultRow:
    unit: object
    values: list  # per criterion: Decimal | None
    total: Decimal | None
    rank: int | None = None
    missing: list[str] = field(default_factory=list)


def period_results(period: EvaluationPeriod) -> tuple[list, list[ResultRow]]:
    """(criteria, rows ranked by total): hand scores averaged over evaluating units; a criterion without any
    figure leaves the total computed over the others' weights, named as missing, and the unit unranked."""
    criteria = list(period.criteria.all())
    targets = list(targets_of(period.kind))
    ids = [u.pk for u in targets]
    averages = {
        (r["criterion_id"], r["target_id"]): Decimal(str(r["avg"])).quantize(Decimal("0.1"))
        for r in EvaluationScore.objects.filter(criterion__period=period)
        .values("criterion_id", "target_id").annotate(avg=Avg("score")).order_by()
    }  # fmt: skip
    computed = {c.pk: metric_values(c.metric, period, ids) for c in criteria if c.metric}
    rows = []
    for u in targets:
        values, weighted, weight, missing = [], Decimal(0), 0, []
        for c in criteria:
            v = computed[c.pk].get(u.pk) if c.metric else averages.get((c.pk, u.pk))
            values.append(v)
            if v is None:
                missing.append(c.name)
            else:
                weighted += v * c.weight
                weight += c.weight
        total = (weighted / weight).quantize(Decimal("0.1")) if weight else None
        rows.append(ResultRow(u, values, total, missing=missing))
    # Only a unit with a figure on every criterion is ranked; the others follow, their gaps named.
    ranked = sorted(rows, key=lambda r: (bool(r.missing), r.total is None, -(r.total or 0), r.unit.code))
    rank = 0
    for i, r in enumerate(ranked):
        if not r.missing:
            rank = i + 1 if i == 0 or ranked[i - 1].total != r.total else rank
            r.rank = rank
    return criteria, ranked


def results_for_user(*, user, period: EvaluationPeriod) -> dict:
    """What the user may see of a period: the district everything; an evaluated unit its own row and rank;
    an evaluating unit the scores it gave (and nothing of the others')."""
    criteria, rows = period_results(period)
    full = may_manage(user)
    own = [r for r in rows if r.unit.pk == user.unit_id]
    scorer = evaluator_unit(user, period.kind)
    given = (
        list(
            EvaluationScore.objects.filter(criterion__period=period, evaluator=scorer).select_related(
                "criterion", "target"
            )
        )
        if scorer is not None
        else []
    )
    return {
        "criteria": criteria,
        "rows": rows if full else own,
        "full": full,
        "scorer": scorer,
        "given": given,
        "count": len(rows),
    }
