"""Demo organisation: domains, departments, "1+5" teams, subdistrict teams, the hub, officers, grids, buildings."""

import random
from datetime import date, timedelta

from zhifa.demo.asof import as_of_date
from zhifa.demo.names import NameMaker
from zhifa.demo.spec import (
    DOMAINS,
    HUB_CODE,
    HUB_UNITS,
    SIJIQING,
    SIJIQING_BUILDINGS,
    SUBDISTRICT_OFFICERS,
)
from zhifa.org.choices import RegionLevel, UnitKind, WorkerRole
from zhifa.org.models import Building, Domain, GridWorker, Officer, Region, Squad, Unit

SQUAD_NAMES = ("第一混编组", "第二混编组", "第三混编组", "第四混编组")


def create_domains() -> dict[str, Domain]:
    rows = [Domain(code=d.code, name=d.name, is_core=d.core, sort=i + 1) for i, d in enumerate(DOMAINS)]
    Domain.objects.bulk_create(rows)
    return {d.code: d for d in rows}


def create_units(regions: dict[str, Region], domains: dict[str, Domain]) -> dict[str, Unit]:
    district = next(r for r in regions.values() if r.level == RegionLevel.DISTRICT)
    units: dict[str, Unit] = {}

    def add(code, name, kind, region, domain=None, parent=None):
        units[code] = Unit(code=code, name=name, kind=kind, region=region, domain=domain, parent=parent)
        return units[code]

    add("DC", "区协调指挥中心", UnitKind.DISTRICT_COMMAND, district)
    add("OV", "区司法局执法监督科", UnitKind.OVERSIGHT_OFFICE, district)
    for spec in DOMAINS:
        add(f"DEP-{spec.code}", spec.department, UnitKind.DEPARTMENT, district, domains[spec.code])
    Unit.objects.bulk_create(list(units.values()))
    second = []
    for spec in DOMAINS:
        dept = units[f"DEP-{spec.code}"]
        second.append(
            add(
                f"DT-{spec.code}",
                spec.district_team,
                UnitKind.DISTRICT_TEAM,
                district,
                domains[spec.code],
                dept,
            )
        )
    subdistricts = sorted(
        (r for r in regions.values() if r.level == RegionLevel.SUBDISTRICT), key=lambda r: r.code
    )
    for sd in subdistricts:
        short = sd.name.removesuffix("街道")
        second.append(
            add(
                f"SC-{sd.code}",
                f"{short}街道综合信息指挥室",
                UnitKind.SUBDISTRICT_COMMAND,
                sd,
                None,
                units["DC"],
            )
        )
        second.append(
            add(
                f"ST-{sd.code}",
                f"{short}街道综合行政执法队",
                UnitKind.SUBDISTRICT_TEAM,
                sd,
                domains["comprehensive"],
                units["DEP-comprehensive"],
            )
        )
    hub = regions[HUB_CODE]
    second.append(
        add("HUB-CMD", "杭州东站枢纽管委会指挥室", UnitKind.SUBDISTRICT_COMMAND, hub, None, units["DC"])
    )
    for code, name, domain_code, _scenes, _n in HUB_UNITS:
        second.append(
            add(code, name, UnitKind.STATIONED_TEAM, hub, domains[domain_code], units[f"DEP-{domain_code}"])
        )
    Unit.objects.bulk_create(second)
    return units


def _birth_date(rng: random.Random) -> date:
    # Ages 25–59 uniformly: 21 of 35 years are ≤ 45, so about 60% of officers are 45 or younger.
    age = 25 + rng.randrange(35)
    return date(as_of_date().year - age, 1, 1) - timedelta(days=rng.randrange(365))


def create_officers(rng: random.Random, names: NameMaker, units: dict[str, Unit], domains: dict[str, Domain]):
    """About 735 officers, 71% seconded down; each qualified in the home domain and, when seconded, 综合执法."""
    officers: list[Officer] = []
    qualified: list[list[str]] = []
    domain_codes = [d.code for d in DOMAINS]
    weights = [d.seconded_share for d in DOMAINS]

    def add(team: Unit, home_code: str, seconded: bool):
        extra = {home_code}
        if seconded:
            extra.add("comprehensive")
            if rng.random() < 0.35:
                extra.add(rng.choice(domain_codes))
        officers.append(
            Officer(
                name=names.person(),
                gender=rng.choice("MMF"),
                birth_date=_birth_date(rng),
                certificate_no=f"ZJ3301{len(officers) + 1:06d}",
                home_department=units[f"DEP-{home_code}"],
                team=team,
                seconded=seconded,
                phone=names.phone(),
            )
        )
        qualified.append(sorted(extra))

    for spec in DOMAINS:
        for _ in range(spec.district_officers):
            add(units[f"DT-{spec.code}"], spec.code, False)
    for sd_code, count in SUBDISTRICT_OFFICERS.items():
        for _ in range(count):
            add(units[f"ST-{sd_code}"], rng.choices(domain_codes, weights)[0], True)
    for code, _name, domain_code, _scenes, count in HUB_UNITS:
        for _ in range(count):
            add(units[code], domain_code, True)
    Officer.objects.bulk_create(officers, batch_size=500)
    through = Officer.qualified_domains.through
    through.objects.bulk_create(
        [
            through(officer_id=o.pk, domain_id=domains[c].pk)
            for o, codes in zip(officers, qualified, strict=True)
            for c in codes
        ],
        batch_size=1000,
    )
    return officers


def create_squads(rng: random.Random, units: dict[str, Unit], officers: list[Officer]) -> int:
    """Mixed squads (混合编组) in each subdistrict team: officers of different home departments together."""
    by_team: dict[int, list[Officer]] = {}
    for o in officers:
        by_team.setdefault(o.team_id, []).append(o)
    squads, memberships = [], []
    for unit in sorted(units.values(), key=lambda u: u.code):
        if unit.kind != UnitKind.SUBDISTRICT_TEAM:
            continue
        members = by_team.get(unit.pk, [])
        n = 2 + len(members) // 20
        for i in range(min(n, len(SQUAD_NAMES))):
            squad = Squad(team=unit, name=SQUAD_NAMES[i])
            squads.append((squad, members[i::n]))
    Squad.objects.bulk_create([s for s, _ in squads])
    through = Squad.members.through
    for squad, members in squads:
        memberships.extend(through(squad_id=squad.pk, officer_id=o.pk) for o in members)
    through.objects.bulk_create(memberships, batch_size=1000)
    return len(squads)


def create_grid_workers(names: NameMaker, regions: dict[str, Region]) -> list[GridWorker]:
    """One grid worker per grid and per micro-grid."""
    workers = [
        GridWorker(name=names.person(), role=WorkerRole.GRID_WORKER, region=r, phone=names.phone())
        for r in sorted(regions.values(), key=lambda r: r.code)
        if r.level in (RegionLevel.GRID, RegionLevel.MICRO_GRID)
    ]
    GridWorker.objects.bulk_create(workers, batch_size=500)
    return workers


def create_buildings(
    rng: random.Random, names: NameMaker, regions: dict[str, Region], layout
) -> list[Building]:
    """92 office buildings in 四季青街道, each in the micro-grid (or grid) that contains it, with a manager."""
    from zhifa.engine.geo import RegionIndex
    from zhifa.engine.layout import sample_points_in

    subdistrict = next(s for s in layout.regions if s.code == SIJIQING)
    index = RegionIndex.build(layout.regions)
    np_rng = __import__("numpy").random.default_rng(rng.randrange(2**32))
    points = sample_points_in(subdistrict.geometry, SIJIQING_BUILDINGS, np_rng)
    managers, buildings = [], []
    kinds = ("商务楼", "大厦", "中心", "写字楼", "商贸城")
    for i, (lng, lat) in enumerate(points, start=1):
        loc = index.locate(lng, lat)
        region = regions[loc.micro_grid_code or loc.grid_code]
        managers.append(
            GridWorker(
                name=names.person(), role=WorkerRole.BUILDING_MANAGER, region=region, phone=names.phone()
            )
        )
        buildings.append(
            Building(
                code=f"SJQ-B{i:03d}",
                name=f"四季青示范{kinds[i % len(kinds)]}{i:02d}号",
                region=region,
                address=f"四季青街道示范路{i * 7}号",
                lng=round(lng, 6),
                lat=round(lat, 6),
                floors=rng.randrange(5, 33),
            )
        )
    GridWorker.objects.bulk_create(managers)
    for building, manager in zip(buildings, managers, strict=True):
        building.manager = manager
    Building.objects.bulk_create(buildings)
    return buildings
