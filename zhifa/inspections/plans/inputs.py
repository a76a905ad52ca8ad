"""What a plan is made from: the officer pool (rule in the package docstring), subjects, limits, dates."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from zhifa.core.errors import ServiceError
from zhifa.engine.planning import Limits
from zhifa.engine.planning import Officer as EngineOfficer
from zhifa.engine.planning import Subject as EngineSubject
from zhifa.inspections.choices import PlanStatus
from zhifa.inspections.demands.selectors import visits_this_year  # noqa: F401 (part of this module's API)
from zhifa.inspections.models import SquadDay
from zhifa.org.choices import RegionLevel, UnitKind
from zhifa.org.models import Officer, Region, Unit
from zhifa.subjects.models import Subject

MAX_PERIOD_DAYS = 92  # a quarter
MIN_LOCAL_OFFICERS = 2  # below this many qualified local officers, the district team of the domain helps
PLAN_REGION_LEVELS = (RegionLevel.SUBDISTRICT, RegionLevel.FUNCTIONAL_AREA)
LOCAL_TEAM_KINDS = (UnitKind.SUBDISTRICT_TEAM, UnitKind.STATIONED_TEAM)
REASON_NO_PLACE = "检查对象无坐标，无法排线路"
REASON_OUTSIDE = "检查对象不在本计划区域内"
DEFAULT_LIMITS = Limits()


def fail(field_name: str, message: str):
    raise ServiceError(message, [{"field": field_name, "message": message}])


# --- officers, bases, subjects, limits ----------------------------------------------------------------------


@dataclass
class OfficerPool:
    officers: list[EngineOfficer]
    bases: dict[str, tuple[float, float]]
    local_teams: list[str]
    helping_domains: list[str]  # domains for which district team officers joined


def _centroid(region: Region | None) -> tuple[float, float] | None:
    if region is None or region.centroid_lng is None or region.centroid_lat is None:
        return None
    return (region.centroid_lng, region.centroid_lat)


def officer_pool(*, region: Region, domains_needed: Iterable[str], period: tuple[date, date]) -> OfficerPool:
    """The officers a plan of ``region`` draws on (rule in the module docstring), as engine Officers."""
    local_units = list(
        Unit.objects.filter(kind__in=LOCAL_TEAM_KINDS, region=region, active=True).select_related("region")
    )
    active = Officer.objects.filter(active=True).select_related("team", "team__region").order_by("pk")
    local = list(active.filter(team__in=local_units).prefetch_related("qualified_domains"))
    qualified_count: Counter[str] = Counter()
    for o in local:
        qualified_count.update(d.code for d in o.qualified_domains.all())
    helping = sorted(d for d in set(domains_needed) if qualified_count[d] < MIN_LOCAL_OFFICERS)
    helpers = []
    if helping:
        helpers = list(
            active.filter(
                team__kind=UnitKind.DISTRICT_TEAM,
                team__domain__code__in=helping,
                qualified_domains__code__in=helping,
            )
            .distinct()
            .prefetch_related("qualified_domains")
        )
    chosen = local + helpers
    # Days already taken by a squad of another published plan.
    busy: dict[int, set[date]] = defaultdict(set)
    through = SquadDay.officers.through
    for officer_id, day in through.objects.filter(
        officer_id__in=[o.pk for o in chosen],
        squadday__plan__status=PlanStatus.PUBLISHED,
        squadday__day__range=period,
    ).values_list("officer_id", "squadday__day"):
        busy[officer_id].add(day)
    all_days = frozenset(period[0] + timedelta(days=n) for n in range((period[1] - period[0]).days + 1))
    engine_officers, bases = [], {}
    for o in chosen:
        bases.setdefault(o.team.code, _centroid(o.team.region))
        engine_officers.append(
            EngineOfficer(
                id=o.pk,
                domains=frozenset(d.code for d in o.qualified_domains.all()),
                team=o.team.code,
                available_days=(all_days - busy[o.pk]) if busy.get(o.pk) else None,
            )
        )
    return OfficerPool(
        officers=engine_officers,
        bases={k: v for k, v in bases.items() if v is not None},
        local_teams=[u.code for u in local_units],
        helping_domains=sorted({d.code for o in helpers for d in o.qualified_domains.all()} & set(helping)),
    )


def engine_subjects(ids: Iterable[int], *, region: Region) -> tuple[list[EngineSubject], dict[int, str]]:
    """Engine Subjects for the given pks inside ``region`` (coordinates, else the building's, else the grid's
    centre) and the names of all of them."""
    rows = Subject.objects.filter(pk__in=set(ids), region_path__startswith=region.path).values_list(
        "pk",
        "name",
        "lng",
        "lat",
        "building__code",
        "building__lng",
        "building__lat",
        "grid__code",
        "grid__centroid_lng",
        "grid__centroid_lat",
    )
    out, names = [], {}
    for pk, name, lng, lat, b_code, b_lng, b_lat, g_code, g_lng, g_lat in rows:
        names[pk] = name
        for x, y in ((lng, lat), (b_lng, b_lat), (g_lng, g_lat)):
            if x is not None and y is not None:
                out.append(EngineSubject(pk, x, y, b_code, g_code))
                break
    return out, names


def quiet_dates(values: Iterable, period: tuple[date, date]) -> frozenset[date]:
    out = set()
    for v in values or ():
        if isinstance(v, str):
            try:
                v = date.fromisoformat(v.strip())
            except ValueError:
                fail("quiet_days", f"免扰日“{v}”不是有效日期，请按 2026-05-01 的格式填写")
        if not period[0] <= v <= period[1]:
            fail("quiet_days", f"免扰日 {v.isoformat()} 不在计划期间内")
        out.add(v)
    return frozenset(out)


def as_date(value, field_name: str, label: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        fail(field_name, f"请填写{label}（如 2026-04-01）")


def parse_quiet_days(text: str) -> list[str]:
    """Dates typed into the form, separated by spaces, commas, 、 or new lines."""
    for sep in ("，", "、", ",", ";", "；", "\n", "\r", "\t"):
        text = (text or "").replace(sep, " ")
    return [t for t in text.split(" ") if t]
