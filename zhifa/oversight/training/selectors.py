"""Reads of training and case reviews, scoped by who asks: district-wide readers (oversight, district command,
departments, administrators) read every record; a subdistrict's people read the records their subdistrict's
units organised and those their subdistrict's officers attended; grid workers and users without a unit none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404

from zhifa.accounts.choices import Role
from zhifa.org.models import Officer, Unit
from zhifa.org.scope import scope_for
from zhifa.oversight.choices import TrainingKind
from zhifa.oversight.training.models import Training

NOT_FOUND = "培训研讨记录不存在或不在您的辖区内"
Participation = Training.participants.through


def training_list_for_user(*, user) -> QuerySet[Training]:
    qs = Training.objects.select_related("organiser")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    scope = scope_for(user)
    if scope.district_wide:
        return qs
    if user.role == Role.GRID_WORKER or user.unit_id is None:
        return qs.none()
    attended = Participation.objects.filter(
        training_id=OuterRef("pk"), officer__team__region__path__startswith=scope.region_path
    )
    return qs.filter(scope.q("region_path") | Q(Exists(attended)))


def training_get_for_user(*, user, pk: int) -> Training:
    training = training_list_for_user(user=user).filter(pk=pk).first()
    if training is None:
        raise Http404(NOT_FOUND)
    return training


@dataclass(frozen=True)
class TrainingFilter:
    kind: str = ""
    unit: int | None = None  # the organiser
    since: date | None = None
    until: date | None = None
    q: str = ""


def training_filter(qs: QuerySet[Training], f: TrainingFilter) -> QuerySet[Training]:
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.unit:
        qs = qs.filter(organiser_id=f.unit)
    if f.since:
        qs = qs.filter(held_on__gte=f.since)
    if f.until:
        qs = qs.filter(held_on__lte=f.until)
    if f.q:
        qs = qs.filter(Q(topic__icontains=f.q) | Q(summary__icontains=f.q) | Q(cases__number__icontains=f.q))
        qs = qs.distinct()
    return qs


def training_counts_by_year(qs: QuerySet[Training]) -> list[dict]:
    """Sessions per year and kind (the reference district held 40 and more in a year)."""
    rows = qs.order_by().annotate(y=ExtractYear("held_on")).values("y", "kind").annotate(n=Count("id"))
    years: dict[int, dict] = {}
    for r in rows:
        row = years.setdefault(r["y"], {"year": r["y"], "total": 0, **{k.value: 0 for k in TrainingKind}})
        row[r["kind"]] += r["n"]
        row["total"] += r["n"]
    return [years[y] for y in sorted(years, reverse=True)]


def officers_for_user(*, user) -> QuerySet[Officer]:
    """The officers whose hours the user reads: all for district-wide readers, else those of the subdistrict."""
    qs = Officer.objects.filter(active=True).select_related("team")
    scope = scope_for(user)
    if scope.district_wide:
        return qs
    if user.role == Role.GRID_WORKER or user.unit_id is None:
        return qs.none()
    return qs.filter(team__region__path__startswith=scope.region_path)


def training_hours(*, user, since: date, until: date, unit: int | None = None) -> dict:
    """学时: each officer's sessions and hours between two days (both included), and the same per team, for the
    officers the user may read. An officer with no session counts with zero hours (who missed every one matters)."""
    officers = officers_for_user(user=user)
    if unit:
        officers = officers.filter(team_id=unit)
    attended = Q(trainings__held_on__gte=since, trainings__held_on__lte=until)
    rows = list(
        officers.annotate(
            sessions=Count("trainings", filter=attended), hours=Sum("trainings__hours", filter=attended)
        ).order_by("team__kind", "team__code", "-hours", "name")
    )
    per_team: dict[int, dict] = {}
    for o in rows:
        o.hours = o.hours or Decimal("0")
        t = per_team.setdefault(
            o.team_id,
            {"unit": o.team, "officers": 0, "trained": 0, "hours": Decimal("0"), "sessions": 0},
        )
        t["officers"] += 1
        t["trained"] += o.sessions > 0
        t["hours"] += o.hours
        t["sessions"] += o.sessions
    teams = list(per_team.values())
    for t in teams:
        t["average"] = (t["hours"] / t["officers"]).quantize(Decimal("0.1")) if t["officers"] else None
    total_hours = sum((o.hours for o in rows), Decimal("0"))
    return {
        "since": since,
        "until": until,
        "officers": rows,
        "units": teams,
        "total_officers": len(rows),
        "total_hours": total_hours,
        "average": (total_hours / len(rows)).quantize(Decimal("0.1")) if rows else None,
    }


def organiser_choices(*, user) -> QuerySet[Unit]:
    """The units a user may name as organiser: any active unit district-wide, else those of the subdistrict."""
    qs = Unit.objects.filter(active=True).order_by("kind", "code")
    scope = scope_for(user)
    return qs if scope.district_wide else qs.filter(region__path__startswith=scope.region_path or "/nowhere/")
