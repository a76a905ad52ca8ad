"""Reads of oversight, scoped by who asks: oversight, the district command and administrators read every
warning; a department reads its own unit's; a subdistrict's people read the warnings of their subdistrict
and of their own unit; grid workers and users without a unit read none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.org.models import Unit
from zhifa.org.scope import scope_for
from zhifa.oversight.choices import AlertState
from zhifa.oversight.models import Alert, AlertRule, ScanRun
from zhifa.oversight.rules import MODELS_BY_CODE, merged_params

NOT_FOUND = "预警不存在或不在您的辖区内"
ALL_ALERTS_ROLES = (Role.OVERSIGHT, Role.ADMIN, Role.DISTRICT_COMMAND)
# Where each kind of record behind a warning opens.
RECORD_URLS = {
    "case": "cases:case_detail",
    "event": "dispatch:event_detail",
    "inspection": "inspections:record_detail",
    "subject": "subjects:subject_detail",
}


def alert_list_for_user(*, user) -> QuerySet[Alert]:
    qs = Alert.objects.select_related("rule", "unit")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser or user.role in ALL_ALERTS_ROLES:
        return qs
    if user.role == Role.GRID_WORKER or user.unit_id is None:
        return qs.none()
    scope = scope_for(user)
    own = Q(unit_id=user.unit_id)
    if user.role == Role.DEPARTMENT or scope.district_wide:
        return qs.filter(own)
    return qs.filter(own | scope.q("region_path"))


def alert_get_for_user(*, user, pk: int) -> Alert:
    alert = alert_list_for_user(user=user).filter(pk=pk).first()
    if alert is None:
        raise Http404(NOT_FOUND)
    return alert


@dataclass(frozen=True)
class AlertFilter:
    rule: str = ""
    unit: int | None = None
    state: str = ""
    month: str = ""  # "2026-03": opened in that month
    since: date | None = None
    until: date | None = None
    overdue: bool = False
    q: str = ""


def _month_bounds(month: str) -> tuple[date, date] | None:
    try:
        year, mon = (int(x) for x in month.split("-"))
        start = date(year, mon, 1)
    except (ValueError, TypeError):
        return None
    end = date(year + (mon == 12), mon % 12 + 1, 1)
    return start, end


def alert_filter(qs: QuerySet[Alert], f: AlertFilter) -> QuerySet[Alert]:
    if f.rule:
        qs = qs.filter(rule__code=f.rule)
    if f.unit:
        qs = qs.filter(unit_id=f.unit)
    if f.state == "open":
        qs = qs.filter(state__in=(AlertState.NEW, AlertState.ASSIGNED, AlertState.ANSWERED))
    elif f.state:
        qs = qs.filter(state=f.state)
    bounds = _month_bounds(f.month) if f.month else None
    if bounds:
        qs = qs.filter(opened_at__date__gte=bounds[0], opened_at__date__lt=bounds[1])
    if f.since:
        qs = qs.filter(opened_at__date__gte=f.since)
    if f.until:
        qs = qs.filter(opened_at__date__lte=f.until)
    if f.overdue:
        qs = qs.filter(state=AlertState.ASSIGNED, due_on__lt=timezone.localdate())
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(detail__icontains=f.q))
    return qs


def alert_figures(qs: QuerySet[Alert]) -> dict:
    """Counts of the (already scoped and filtered) warnings by model, unit, month and state."""
    today = timezone.localdate()
    states = dict(qs.values_list("state").annotate(n=Count("id")).order_by())
    by_rule = list(
        qs.values("rule__code", "rule__name")
        .annotate(
            n=Count("id"),
            open=Count("id", filter=Q(state__in=(AlertState.NEW, AlertState.ASSIGNED, AlertState.ANSWERED))),
        )
        .order_by("-n", "rule__code")
    )
    by_unit = list(
        qs.values("unit_id", "unit__name")
        .annotate(
            n=Count("id"),
            open=Count("id", filter=Q(state__in=(AlertState.NEW, AlertState.ASSIGNED, AlertState.ANSWERED))),
            overdue=Count("id", filter=Q(state=AlertState.ASSIGNED, due_on__lt=today)),
        )
        .order_by("-n", "unit__name")[:30]
    )
    by_month = [
        {"month": r["m"].strftime("%Y-%m"), "n": r["n"]}
        for r in qs.annotate(m=TruncMonth("opened_at")).values("m").annotate(n=Count("id")).order_by("m")
        if r["m"] is not None
    ]
    return {
        "total": sum(states.values()),
        "states": [{"state": s.value, "label": s.label, "n": states.get(s.value, 0)} for s in AlertState],
        "overdue": qs.filter(state=AlertState.ASSIGNED, due_on__lt=today).count(),
        "by_rule": by_rule,
        "by_unit": by_unit,
        "by_month": by_month,
    }


def record_links(alert: Alert, user) -> list[dict]:
    """The records behind a warning, each with the address that opens it (where the reader may follow)."""
    out = []
    for r in alert.records or []:
        name = RECORD_URLS.get(r.get("type"))
        url = ""
        if name:
            try:
                url = reverse(name, args=[r["id"]])
            except NoReverseMatch:
                url = ""
        out.append({**r, "url": url})
    return out


def rule_rows() -> list[dict]:
    """Every model with its parameters as in force, for the models page and the API."""
    rows = []
    for rule in AlertRule.objects.select_related("updated_by").order_by("id"):
        model = MODELS_BY_CODE.get(rule.code)
        if model is None:
            continue
        params = merged_params(model, rule.params)
        rows.append(
            {
                "rule": rule,
                "code": rule.code,
                "name": model.name,
                "basis": model.basis,
                "description": model.description,
                "params": [
                    {"name": k, "label": p.label, "value": params[k], "min": p.minimum, "max": p.maximum}
                    for k, p in model.params.items()
                ],
                "active": rule.active,
                "version": rule.version,
            }
        )
    return rows


def last_scan() -> ScanRun | None:
    return ScanRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()


def units_for_assign() -> QuerySet[Unit]:
    return Unit.objects.filter(active=True).order_by("kind", "code")
