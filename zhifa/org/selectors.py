"""Scoped reads of the organisation: regions, teams, officers and buildings as the asking user may see them."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from zhifa.org.choices import TEAM_KINDS, RegionLevel, UnitKind, WorkerRole
from zhifa.org.models import Building, Domain, GridWorker, Officer, Region, Squad, Unit
from zhifa.org.scope import get_in_scope_or_404, scope_for

# Levels shown by default on the region list: the top of the tree below the district.
TOP_LEVELS = (RegionLevel.SUBDISTRICT, RegionLevel.FUNCTIONAL_AREA)
YOUNG_AGE = 45


# --- ages ------------------------------------------------------------------------------------------------


def today_local() -> date:
    """Today's date where the district is (settings.TIME_ZONE, Asia/Shanghai), not the server's UTC date."""
    return timezone.localdate()


def age_on(birth: date, today: date) -> int:
    # The tuple test makes a 29 February birthday fall on 1 March in common years.
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def born_on_or_before_for_age(age: int, today: date) -> date:
    """Latest birth date of someone who is at least `age` years old today (age >= N ⇔ birth_date <= this)."""
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # today is 29 February and that year has none
        return today.replace(year=today.year - age, day=28)


def young_q(today: date) -> Q:
    """Officers aged <= 45 today: not yet had their 46th birthday."""
    return Q(birth_date__gt=born_on_or_before_for_age(YOUNG_AGE + 1, today))


# --- regions ---------------------------------------------------------------------------------------------


def _descendant_count(level: str):
    # Correlated count over the materialised path: one subquery per row instead of one query per row.
    inner = (
        Region.objects.filter(path__startswith=OuterRef("path"), level=level)
        .exclude(pk=OuterRef("pk"))  # a community is not one of its own communities
        .order_by()
        .values("level")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(inner, output_field=IntegerField()), Value(0))


def _with_counts(qs: QuerySet) -> QuerySet:
    return qs.annotate(
        community_count=_descendant_count(RegionLevel.COMMUNITY),
        grid_count=_descendant_count(RegionLevel.GRID),
    )


def region_list(
    *, user, level: str | None = None, parent: str | None = None, q: str | None = None
) -> QuerySet[Region]:
    """Regions in the user's scope, each with its community and grid counts; geometry is left unloaded.

    Without filters the list is the top of the tree (subdistricts and functional areas)."""
    scope = scope_for(user)
    qs = (
        scope.filter(Region.objects.all(), "path")
        .select_related("parent")
        .defer("geometry", "parent__geometry")
    )
    q = (q or "").strip()
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if not (level or parent or q):
        qs = qs.filter(level__in=TOP_LEVELS)
    return _with_counts(qs).order_by("path")


def scope_root(*, user) -> Region | None:
    """The region at the top of the user's scope (the district for district-wide roles), for the map link."""
    scope = scope_for(user)
    qs = Region.objects.defer("geometry")
    if scope.region_path is None:
        return qs.filter(parent__isnull=True).order_by("code").first()
    return qs.filter(path=scope.region_path).first()


def region_get(*, user, code: str) -> Region:
    qs = _with_counts(Region.objects.select_related("parent").defer("parent__geometry"))
    return get_in_scope_or_404(qs, scope_for(user), "path", code=code)


def region_ancestors(*, user, region: Region) -> list[Region]:
    """The parent chain from the top down, for the breadcrumb; `in_scope` says which may be linked."""
    scope = scope_for(user)
    codes = region.ancestor_codes()[:-1]
    ancestors = list(Region.objects.filter(code__in=codes).defer("geometry").order_by("path"))
    for a in ancestors:
        a.in_scope = scope.covers_path(a.path)
    return ancestors


def region_children(*, region: Region) -> QuerySet[Region]:
    # Children of an in-scope region lie inside the scope too: the scope is a path prefix.
    return _with_counts(region.children.defer("geometry")).order_by("path")


def region_units(*, region: Region) -> QuerySet[Unit]:
    return region.units.filter(active=True).select_related("domain").order_by("kind", "code")


def region_map_features(*, region: Region) -> dict:
    """GeoJSON FeatureCollection for the map: the children's shapes, or the region itself when it has none."""
    rows = list(
        region.children.exclude(geometry__isnull=True)
        .order_by("path")
        .values("code", "name", "level", "geometry")
    )
    if not rows and region.geometry:
        rows = [
            {"code": region.code, "name": region.name, "level": region.level, "geometry": region.geometry}
        ]
    features = [
        {
            "type": "Feature",
            "properties": {"name": r["name"], "code": r["code"], "level": r["level"]},
            "geometry": r["geometry"],
        }
        for r in rows
        if isinstance(r["geometry"], dict) and r["geometry"].get("type")
    ]
    return {"type": "FeatureCollection", "features": features}


# --- teams -----------------------------------------------------------------------------------------------


def _team_counts(qs: QuerySet) -> QuerySet:
    return qs.annotate(
        officer_count=Count("officers", filter=Q(officers__active=True)),
        seconded_count=Count("officers", filter=SECONDED_HERE),
    )


# 下沉 from postings: a district department's officer working in a subdistrict or stationed team (a
# subdistrict's own establishment is not seconded). Filters a Unit queryset's officers.
SECONDED_HERE = Q(officers__active=True, officers__home_department__kind=UnitKind.DEPARTMENT) & ~Q(
    kind=UnitKind.DISTRICT_TEAM
)


def team_list(*, user, kind: str | None = None, q: str | None = None) -> QuerySet[Unit]:
    scope = scope_for(user)
    qs = scope.filter(Unit.objects.filter(kind__in=TEAM_KINDS, active=True), "region__path")
    if kind in TEAM_KINDS:
        qs = qs.filter(kind=kind)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    qs = qs.select_related("region", "domain").defer("region__geometry")
    return _team_counts(qs).order_by("kind", "code")


def team_get(*, user, code: str) -> Unit:
    qs = _team_counts(
        Unit.objects.filter(kind__in=TEAM_KINDS).select_related("region", "domain", "parent")
    ).defer("region__geometry")
    return get_in_scope_or_404(qs, scope_for(user), "region__path", code=code)


def team_officers(*, team: Unit) -> QuerySet[Officer]:
    return (
        team.officers.filter(active=True)
        .select_related("home_department")
        .prefetch_related("qualified_domains")
        .order_by("name", "id")
    )


def team_squads(*, team: Unit) -> QuerySet[Squad]:
    return team.squads.prefetch_related(Prefetch("members", queryset=Officer.objects.order_by("name")))


def team_choices(*, user) -> list[tuple[str, str]]:
    qs = scope_for(user).filter(Unit.objects.filter(kind__in=TEAM_KINDS, active=True), "region__path")
    return list(qs.order_by("kind", "code").values_list("code", "name"))


# --- officers --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficerFilters:
    q: str = ""
    team: str = ""
    seconded: bool | None = None
    domain: str = ""
    young: bool = False


def officer_list(
    *, user, filters: OfficerFilters | None = None, today: date | None = None
) -> QuerySet[Officer]:
    """Active officers of the teams in the user's scope, searchable by name or certificate number."""
    f = filters or OfficerFilters()
    scope = scope_for(user)
    qs = scope.filter(Officer.objects.filter(active=True), "team__region__path")
    q = f.q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(certificate_no__icontains=q))
    if f.team:
        qs = qs.filter(team__code=f.team)
    if f.seconded is not None:
        qs = qs.filter(seconded=f.seconded)
    if f.domain:
        qs = qs.filter(qualified_domains__code=f.domain)
    if f.young:
        qs = qs.filter(young_q(today or today_local()))
    return (
        qs.select_related("team", "home_department")
        .prefetch_related("qualified_domains")
        .order_by("team__kind", "team__code", "name", "id")
    )


def officer_get(*, user, pk: int) -> Officer:
    qs = Officer.objects.select_related("team", "team__region", "home_department").defer(
        "team__region__geometry"
    )
    return get_in_scope_or_404(
        qs.prefetch_related("qualified_domains", "squads"), scope_for(user), "team__region__path", pk=pk
    )


def domain_choices() -> list[tuple[str, str]]:
    return list(Domain.objects.order_by("sort", "code").values_list("code", "name"))


# --- buildings -------------------------------------------------------------------------------------------


def subdistrict_choices(*, user) -> list[tuple[str, str]]:
    qs = scope_for(user).filter(Region.objects.filter(level=RegionLevel.SUBDISTRICT), "path")
    return list(qs.order_by("code").values_list("code", "name"))


def building_list(*, user, q: str | None = None, subdistrict: str | None = None) -> QuerySet[Building]:
    scope = scope_for(user)
    qs = scope.filter(Building.objects.all(), "region__path")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(address__icontains=q))
    if subdistrict:
        # Codes are unique, so "/<code>/" inside the path means "below that subdistrict".
        qs = qs.filter(region__path__contains=f"/{subdistrict}/")
    return qs.select_related("region", "manager").defer("region__geometry").order_by("code")


def building_get(*, user, code: str) -> Building:
    qs = Building.objects.select_related("region", "region__parent", "manager").defer(
        "region__parent__geometry"
    )
    return get_in_scope_or_404(qs, scope_for(user), "region__path", code=code)


def subdistrict_names_for(paths: list[str]) -> dict[str, str]:
    """Map each path to the name of the subdistrict (or functional area) it lies in, in one query."""
    codes = {c for p in paths for c in p.split("/") if c}
    rows = Region.objects.filter(code__in=codes, level__in=TOP_LEVELS).values_list("code", "name")
    names = dict(rows)
    out = {}
    for p in paths:
        out[p] = next((names[c] for c in p.split("/") if c in names), "")
    return out


def region_workforce(*, region: Region) -> dict | None:
    """A subdistrict's buildings with their managers, micro-grids with their workers, and auxiliary forces
    merged into a 综管大队 — counted from the records (None when the region has none of them)."""
    if region.level not in (RegionLevel.SUBDISTRICT, RegionLevel.FUNCTIONAL_AREA):
        return None
    buildings = Building.objects.filter(region__path__startswith=region.path)
    micro = Region.objects.filter(path__startswith=region.path, level=RegionLevel.MICRO_GRID)
    staffed = micro.filter(workers__active=True, workers__role=WorkerRole.GRID_WORKER).distinct().count()
    brigades = Unit.objects.filter(region=region, kind=UnitKind.AUXILIARY_BRIGADE, active=True)
    forces = list(
        GridWorker.objects.filter(unit__in=brigades, active=True)
        .values_list("unit__name", "force")
        .annotate(n=Count("id"))
        .order_by("unit__name", "force")
    )
    figures = {
        "buildings": buildings.count(),
        "managed": buildings.filter(manager__isnull=False).count(),
        "micro_grids": micro.count(),
        "staffed": staffed,
        "forces": forces,
        "auxiliaries": sum(n for _, _, n in forces),
    }
    if not (figures["buildings"] or figures["micro_grids"] or forces):
        return None
    return figures
