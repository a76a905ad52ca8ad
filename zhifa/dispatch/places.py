"""Where an event happened: coordinates, a building / community / subdistrict name in the address, or nothing."""

import re
from dataclasses import dataclass, field

from django.db.models import Count, Max
from shapely.geometry import shape

from zhifa.core.errors import ServiceError
from zhifa.core.memo import ProcessMemo
from zhifa.org.choices import RegionLevel
from zhifa.org.geo import region_index
from zhifa.org.models import Building, Region


@dataclass
class ResolvedPlace:
    grid: Region | None = None
    subdistrict: Region | None = None
    functional_area_codes: list[str] = field(default_factory=list)
    how: str = "未定位"


@dataclass
class _Names:
    """Every region by code, and the building and region names a reporter may write, as one pattern each."""

    regions: dict[str, Region]
    subdistricts_by_name: dict[str, Region]
    building_region: dict[str, str]  # building name → code of the region it stands in
    buildings: re.Pattern | None
    named_regions: dict[str, Region]  # community, subdistrict and functional-area names
    named: re.Pattern | None

    def subdistrict_of(self, region: Region) -> Region | None:
        for code in reversed([c for c in region.path.split("/") if c]):
            found = self.regions.get(code)
            if found is not None and found.level == RegionLevel.SUBDISTRICT:
                return found
        return None


def _pattern(names) -> re.Pattern | None:
    # Longest first: "四季青街道" must win over a shorter name it contains.
    names = sorted({n for n in names if n}, key=lambda n: (-len(n), n))
    return re.compile("|".join(map(re.escape, names))) if names else None


def _load_names() -> _Names:
    regions = {r.code: r for r in Region.objects.only("code", "name", "level", "path", "parent_id")}
    building_region = dict(Building.objects.values_list("name", "region__code"))
    named_levels = (RegionLevel.COMMUNITY, RegionLevel.SUBDISTRICT, RegionLevel.FUNCTIONAL_AREA)
    named_regions: dict[str, Region] = {}
    for region in regions.values():  # in path order: of two regions with one name, the first counts
        if region.level in named_levels and region.name:
            named_regions.setdefault(region.name, region)
    return _Names(
        regions=regions,
        subdistricts_by_name={r.name: r for r in regions.values() if r.level == RegionLevel.SUBDISTRICT},
        building_region=building_region,
        buildings=_pattern(building_region),
        named_regions=named_regions,
        named=_pattern(named_regions),
    )


def _names_signature() -> tuple:
    regions = Region.objects.aggregate(n=Count("id"), last=Max("id"))
    buildings = Building.objects.aggregate(n=Count("id"), last=Max("id"))
    return (regions["n"], regions["last"], buildings["n"], buildings["last"])


_names = ProcessMemo(
    "place_names", build=_load_names, signature=_names_signature, watch=["org.Region", "org.Building"]
)


def place_resolve(*, lng=None, lat=None, address: str = "", subdistrict: str = "") -> ResolvedPlace:
    """Coordinates first, then a known name inside the address, then an explicit subdistrict (name or code)."""
    names = _names.get()
    if lng is not None and lat is not None:
        index = region_index()
        loc = index.locate(lng, lat) if index is not None else None
        if loc is not None:
            return ResolvedPlace(
                grid=names.regions.get(loc.micro_grid_code or loc.grid_code),
                subdistrict=names.regions.get(loc.subdistrict_code),
                functional_area_codes=list(loc.functional_area_codes),
                how="按坐标定位",
            )
    text = (address or "").strip()
    if text:
        found = names.buildings.search(text) if names.buildings else None
        if found is not None:
            region = names.regions.get(names.building_region[found.group()])
            if region is not None:
                return ResolvedPlace(region, names.subdistrict_of(region), [], f"按楼宇“{found.group()}”定位")
        found = names.named.search(text) if names.named else None
        if found is not None:
            region = names.named_regions[found.group()]
            if region.level == RegionLevel.FUNCTIONAL_AREA:
                return ResolvedPlace(None, None, [region.code], f"按地址“{region.name}”定位")
            sd = region if region.level == RegionLevel.SUBDISTRICT else names.subdistrict_of(region)
            return ResolvedPlace(None, sd, [], f"按地址“{region.name}”定位")
    if subdistrict:
        sd = names.regions.get(subdistrict) or names.subdistricts_by_name.get(subdistrict)
        if sd is not None and sd.level == RegionLevel.SUBDISTRICT:
            return ResolvedPlace(None, sd, [], "按指定街道定位")
    return ResolvedPlace()


def place_of_report(
    *, text: str, lng=None, lat=None, address: str = "", subdistrict: str = ""
) -> ResolvedPlace:
    """Place a report; reporters often name the place only in the text ("九堡街道某某路…")."""
    place = place_resolve(lng=lng, lat=lat, address=address, subdistrict=subdistrict)
    if place.subdistrict is None and not place.functional_area_codes:
        place = place_resolve(address=text, subdistrict=subdistrict)
    return place


# --- an address typed on the event form, to a point on the map ------------------------------------------------

ADDRESS_NOT_FOUND = "未找到地址“{}”：请写明楼宇、社区或街道名称，或在地图上点选位置"


@dataclass
class GeocodedPlace:
    lng: float
    lat: float
    how: str
    subdistrict: Region | None = None
    grid: Region | None = None


def _region_point(region: Region) -> tuple[float, float] | None:
    """A region's centre as recorded, else a point surely inside its shape."""
    if region.centroid_lng is not None and region.centroid_lat is not None:
        return region.centroid_lng, region.centroid_lat
    if isinstance(region.geometry, dict) and region.geometry.get("type"):
        point = shape(region.geometry).representative_point()
        return point.x, point.y
    return None


def address_geocode(*, address: str) -> GeocodedPlace:
    """按地址定位 — the point of a building named in the address (its recorded coordinates), else the centre of
    the community or subdistrict named in it, by the same name lookup the intake routes by (``place_resolve``).
    A ServiceError in Chinese when nothing in the address is known."""
    text = (address or "").strip()
    if not text:
        raise ServiceError("请先填写地址", [{"field": "address", "message": "请先填写地址"}])
    names = _names.get()
    found = names.buildings.search(text) if names.buildings else None
    if found is not None:
        building = (
            Building.objects.select_related("region").filter(name=found.group()).order_by("code").first()
        )
        if building is not None:
            grid = building.region
            return GeocodedPlace(
                building.lng, building.lat, f"按楼宇“{building.name}”定位", names.subdistrict_of(grid), grid
            )
    found = names.named.search(text) if names.named else None
    if found is not None:
        region = Region.objects.filter(pk=names.named_regions[found.group()].pk).first()
        point = _region_point(region) if region is not None else None
        if point is not None:
            sd = region if region.level == RegionLevel.SUBDISTRICT else names.subdistrict_of(region)
            return GeocodedPlace(point[0], point[1], f"按“{region.name}”定位（取其中心点）", sd, None)
    message = ADDRESS_NOT_FOUND.format(text[:40])
    raise ServiceError(message, [{"field": "address", "message": message}])
