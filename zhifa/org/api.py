"""JSON API of the organisation (/api/v1/org): regions, teams, officers, buildings and point lookup, all scoped."""

from datetime import date

from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from zhifa.core.pagination import ApiPagination, mapped
from zhifa.core.schemas import RefOut
from zhifa.org import geo, selectors

router = Router(tags=["组织机构"])


# --- output schemas --------------------------------------------------------------------------------------


class MessageOut(Schema):
    message: str
    errors: list[dict] = []


class RegionOut(Schema):
    code: str
    name: str
    level: str
    level_label: str
    parent: RefOut | None
    path: str
    community_count: int
    grid_count: int
    centroid_lng: float | None
    centroid_lat: float | None
    area_km2: float | None


class RegionDetailOut(RegionOut):
    geometry: dict | None
    children: list[RegionOut]


class TeamOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    region: RefOut
    domain: RefOut | None
    officer_count: int
    seconded_count: int


class OfficerOut(Schema):
    id: int
    name: str
    certificate_no: str
    team: RefOut
    home_department: RefOut
    seconded: bool
    age: int
    qualified_domains: list[RefOut]


class OfficerDetailOut(OfficerOut):
    gender: str
    birth_date: date
    squads: list[str]


class TeamDetailOut(TeamOut):
    officers: list[OfficerOut]
    squads: list[str]


class ManagerOut(Schema):
    name: str
    phone: str


class BuildingOut(Schema):
    code: str
    name: str
    address: str
    region: RefOut
    lng: float
    lat: float
    floors: int
    manager: ManagerOut | None


class LocateOut(Schema):
    grid: RefOut
    community: RefOut
    subdistrict: RefOut
    micro_grid: RefOut | None
    functional_areas: list[RefOut]


# --- input schemas ---------------------------------------------------------------------------------------


class RegionFilterIn(Schema):
    level: str | None = None
    parent: str | None = None
    q: str | None = None


class TeamFilterIn(Schema):
    kind: str | None = None
    q: str | None = None


class OfficerFilterIn(Schema):
    q: str | None = None
    team: str | None = None
    seconded: bool | None = None
    domain: str | None = None
    young: bool = False


class BuildingFilterIn(Schema):
    q: str | None = None
    subdistrict: str | None = None


class LocateIn(Schema):
    lng: float = Query(..., ge=-180, le=180)
    lat: float = Query(..., ge=-90, le=90)


# --- conversion ------------------------------------------------------------------------------------------


def _ref(obj) -> dict | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def _region(r) -> dict:
    return {
        "code": r.code,
        "name": r.name,
        "level": r.level,
        "level_label": r.get_level_display(),
        "parent": _ref(r.parent),
        "path": r.path,
        "community_count": getattr(r, "community_count", 0),
        "grid_count": getattr(r, "grid_count", 0),
        "centroid_lng": r.centroid_lng,
        "centroid_lat": r.centroid_lat,
        "area_km2": r.area_km2,
    }


def _team(t) -> dict:
    return {
        "code": t.code,
        "name": t.name,
        "kind": t.kind,
        "kind_label": t.get_kind_display(),
        "region": _ref(t.region),
        "domain": _ref(t.domain),
        "officer_count": t.officer_count,
        "seconded_count": t.seconded_count,
    }


def _officer(o, today: date) -> dict:
    return {
        "id": o.pk,
        "name": o.name,
        "certificate_no": o.certificate_no,
        "team": _ref(o.team),
        "home_department": _ref(o.home_department),
        "seconded": o.seconded,
        "age": selectors.age_on(o.birth_date, today),
        "qualified_domains": [_ref(d) for d in o.qualified_domains.all()],
    }


def _building(b) -> dict:
    manager = {"name": b.manager.name, "phone": b.manager.phone} if b.manager else None
    return {
        "code": b.code,
        "name": b.name,
        "address": b.address,
        "region": _ref(b.region),
        "lng": b.lng,
        "lat": b.lat,
        "floors": b.floors,
        "manager": manager,
    }


# --- handlers --------------------------------------------------------------------------------------------


@router.get("/regions", response=list[RegionOut], summary="区域列表（辖区内）")
@paginate(ApiPagination)
def regions(request, filters: Query[RegionFilterIn]):
    qs = selectors.region_list(user=request.user, level=filters.level, parent=filters.parent, q=filters.q)
    return mapped(qs, _region)


@router.get(
    "/regions/{code}", response={200: RegionDetailOut, 404: MessageOut}, summary="区域详情（含下级与边界）"
)
def region_detail(request, code: str):
    region = selectors.region_get(user=request.user, code=code)
    children = selectors.region_children(region=region)
    data = _region(region)
    data["geometry"] = region.geometry
    # Children share one parent: the region itself, already loaded.
    data["children"] = [_region(c) for c in children]
    return data


@router.get("/teams", response=list[TeamOut], summary="执法队伍列表")
@paginate(ApiPagination)
def teams(request, filters: Query[TeamFilterIn]):
    return mapped(selectors.team_list(user=request.user, kind=filters.kind, q=filters.q), _team)


@router.get("/teams/{code}", response={200: TeamDetailOut, 404: MessageOut}, summary="执法队伍详情")
def team_detail(request, code: str):
    team = selectors.team_get(user=request.user, code=code)
    today = selectors.today_local()
    data = _team(team)
    data["officers"] = [_officer(o, today) for o in selectors.team_officers(team=team).select_related("team")]
    data["squads"] = [s.name for s in selectors.team_squads(team=team)]
    return data


@router.get("/officers", response=list[OfficerOut], summary="执法队员列表")
@paginate(ApiPagination)
def officers(request, filters: Query[OfficerFilterIn]):
    f = selectors.OfficerFilters(
        q=filters.q or "",
        team=filters.team or "",
        seconded=filters.seconded,
        domain=filters.domain or "",
        young=filters.young,
    )
    today = selectors.today_local()
    qs = selectors.officer_list(user=request.user, filters=f, today=today)
    return mapped(qs, lambda o: _officer(o, today))


@router.get(
    "/officers/{int:officer_id}", response={200: OfficerDetailOut, 404: MessageOut}, summary="执法队员详情"
)
def officer_detail(request, officer_id: int):
    officer = selectors.officer_get(user=request.user, pk=officer_id)
    data = _officer(officer, selectors.today_local())
    data.update(
        gender=officer.gender, birth_date=officer.birth_date, squads=[s.name for s in officer.squads.all()]
    )
    return data


@router.get("/buildings", response=list[BuildingOut], summary="楼宇列表")
@paginate(ApiPagination)
def buildings(request, filters: Query[BuildingFilterIn]):
    qs = selectors.building_list(user=request.user, q=filters.q, subdistrict=filters.subdistrict)
    return mapped(qs, _building)


@router.get("/buildings/{code}", response={200: BuildingOut, 404: MessageOut}, summary="楼宇详情")
def building_detail(request, code: str):
    return _building(selectors.building_get(user=request.user, code=code))


@router.get(
    "/locate",
    response={200: LocateOut, 404: MessageOut},
    summary="按经纬度定位网格、社区、街道",
)
def locate(request, point: Query[LocateIn]):
    found = geo.locate_point(point.lng, point.lat)
    if found is None:
        # Raised, not returned: the API-wide handler gives it the same {message, errors} body as other errors.
        raise HttpError(404, "该位置不在本区范围内")
    return found
