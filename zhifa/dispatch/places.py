"""Where an event happened: coordinates, a building / community / subdistrict name in the address, or nothing."""

from dataclasses import dataclass, field

from zhifa.dispatch.directory import batch_memo
from zhifa.org.choices import RegionLevel
from zhifa.org.geo import region_index
from zhifa.org.models import Building, Region


@dataclass
class ResolvedPlace:
    grid: Region | None = None
    subdistrict: Region | None = None
    functional_area_codes: list[str] = field(default_factory=list)
    how: str = "未定位"


def _subdistrict_of(region: Region) -> Region | None:
    codes = region.ancestor_codes()
    return Region.objects.filter(code__in=codes, level=RegionLevel.SUBDISTRICT).first()


def _buildings() -> list[Building]:
    return list(Building.objects.select_related("region").only("name", "region__path", "region__code"))


def _named_regions() -> list[Region]:
    named = Region.objects.filter(
        level__in=[RegionLevel.COMMUNITY, RegionLevel.SUBDISTRICT, RegionLevel.FUNCTIONAL_AREA]
    ).only("code", "name", "level", "path")
    # Longer names first, so that "四季青街道" wins over a shorter name it contains.
    return sorted(named, key=lambda r: -len(r.name))


def place_resolve(*, lng=None, lat=None, address: str = "", subdistrict: str = "") -> ResolvedPlace:
    """Coordinates first, then a known name inside the address, then an explicit subdistrict (name or code)."""
    if lng is not None and lat is not None:
        index = region_index()
        loc = index.locate(lng, lat) if index is not None else None
        if loc is not None:
            regions = {
                r.code: r
                for r in Region.objects.filter(
                    code__in=[loc.micro_grid_code or loc.grid_code, loc.subdistrict_code]
                )
            }
            return ResolvedPlace(
                grid=regions.get(loc.micro_grid_code or loc.grid_code),
                subdistrict=regions.get(loc.subdistrict_code),
                functional_area_codes=list(loc.functional_area_codes),
                how="按坐标定位",
            )
    text = (address or "").strip()
    if text:
        for building in batch_memo("places:buildings", _buildings):
            if building.name in text:
                return ResolvedPlace(
                    building.region, _subdistrict_of(building.region), [], f"按楼宇“{building.name}”定位"
                )
        for region in batch_memo("places:regions", _named_regions):
            if region.name and region.name in text:
                if region.level == RegionLevel.FUNCTIONAL_AREA:
                    return ResolvedPlace(None, None, [region.code], f"按地址“{region.name}”定位")
                sd = region if region.level == RegionLevel.SUBDISTRICT else _subdistrict_of(region)
                return ResolvedPlace(None, sd, [], f"按地址“{region.name}”定位")
    if subdistrict:
        sd = Region.objects.filter(level=RegionLevel.SUBDISTRICT).filter(code=subdistrict).first() or (
            Region.objects.filter(level=RegionLevel.SUBDISTRICT, name=subdistrict).first()
        )
        if sd is not None:
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
