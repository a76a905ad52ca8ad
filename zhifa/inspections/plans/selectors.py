"""Scoped reads of joint plans: list, one plan, a visit, the calendar's months, an officer's days."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zhifa.inspections.choices import PlanStatus
from zhifa.inspections.models import JointPlan, PlanVisit, SquadDay
from zhifa.org.models import Domain
from zhifa.org.scope import scope_for


def joint_plan_list(*, user, q: str = "", status: str = "") -> QuerySet[JointPlan]:
    scope = scope_for(user)
    qs = scope.filter(
        JointPlan.objects.select_related("region", "created_by").defer("region__geometry"), "region_path"
    )
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(region__name__icontains=q))
    if status in PlanStatus.values:
        qs = qs.filter(status=status)
    return qs


def joint_plan_get(*, user, pk: int) -> JointPlan:
    found = joint_plan_list(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404("计划不存在或不在您的辖区内")
    return found


def plan_visit_get(*, user, pk: int) -> PlanVisit:
    scope = scope_for(user)
    found = (
        scope.filter(
            PlanVisit.objects.select_related("plan", "plan__region", "squad_day"), "plan__region_path"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("计划检查不存在或不在您的辖区内")
    return found


def domain_names() -> dict[str, str]:
    return dict(Domain.objects.values_list("code", "name"))


def weekday_label(day: date) -> str:
    return "星期" + "一二三四五六日"[day.weekday()]


@dataclass
class DayCell:
    day: date
    in_period: bool
    squads: list = field(default_factory=list)
    quiet: bool = False

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5

    @property
    def weekday_label(self) -> str:
        return weekday_label(self.day)


@dataclass
class Month:
    year: int
    month: int
    weeks: list[list[DayCell]]

    @property
    def label(self) -> str:
        return f"{self.year} 年 {self.month} 月"

    @property
    def squad_count(self) -> int:
        return sum(len(c.squads) for week in self.weeks for c in week)


def plan_squad_days(plan: JointPlan) -> list[SquadDay]:
    """The plan's squad days with officers and visit counts, in day order (three queries)."""
    days = list(
        plan.squad_days.annotate(visit_count=Count("visits"))
        .prefetch_related("officers")
        .order_by("day", "id")
    )
    for n, sd in enumerate(days, start=1):
        sd.number = n
    return days


def plan_calendar(plan: JointPlan, squad_days: Sequence[SquadDay]) -> list[Month]:
    """Month grids (Monday first) covering the plan's period, each day with its squad days."""
    by_day: dict[date, list[SquadDay]] = defaultdict(list)
    for sd in squad_days:
        by_day[sd.day].append(sd)
    quiet = set((plan.limits or {}).get("quiet_days", []))
    months, y, m = [], plan.period_start.year, plan.period_start.month
    while (y, m) <= (plan.period_end.year, plan.period_end.month):
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(y, m):
            weeks.append(
                [
                    DayCell(
                        day=d,
                        in_period=d.month == m and plan.period_start <= d <= plan.period_end,
                        squads=by_day.get(d, []) if d.month == m else [],
                        quiet=d.isoformat() in quiet,
                    )
                    for d in week
                ]
            )
        months.append(Month(y, m, weeks))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def squad_day_visits(squad_day: SquadDay) -> list[PlanVisit]:
    return list(
        squad_day.visits.select_related("subject", "subject__building", "subject__grid")
        .defer("subject__grid__geometry")
        .order_by("order")
    )


def my_squad_days(*, user, today: date | None = None) -> list[SquadDay]:
    """The logged-in officer's squad days in published plans, today and later, with their visits."""
    if getattr(user, "officer_id", None) is None:
        return []
    today = today or timezone.localdate()
    days = list(
        SquadDay.objects.filter(
            officers__pk=user.officer_id, plan__status=PlanStatus.PUBLISHED, day__gte=today
        )
        .select_related("plan")
        .prefetch_related("officers")
        .order_by("day", "id")[:60]
    )
    visits = defaultdict(list)
    for v in (
        PlanVisit.objects.filter(squad_day__in=days)
        .select_related("subject", "subject__building")
        .order_by("squad_day_id", "order")
    ):
        visits[v.squad_day_id].append(v)
    for sd in days:
        sd.ordered_visits = visits[sd.pk]
        sd.weekday_label = weekday_label(sd.day)
    return days
