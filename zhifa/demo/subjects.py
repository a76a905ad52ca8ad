"""Demo regulated subjects: ~5,180 in 四季青 (mostly in its 92 buildings, clothing wholesale first), 九堡's
live-streaming firms and rented flats, 南星's small eateries and grocery stalls, a mixed population elsewhere,
and some violation history. Names are plainly synthetic; credit codes are valid but made up. Bulk inserts only."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from zhifa.audit.services import audit_record
from zhifa.catalog.models import Scenario
from zhifa.demo.asof import as_of_date
from zhifa.demo.spec import SIJIQING, SUBDISTRICT_OFFICERS
from zhifa.engine.layout import sample_points_in
from zhifa.engine.uscc import ALPHABET, uscc_make
from zhifa.subjects.choices import CreditClass, Severity, SubjectKind, SubjectStatus
from zhifa.subjects.models import Subject, Violation

SIJIQING_SUBJECTS = 5180
SIJIQING_IN_BUILDINGS = 4650
JIUBAO, NANXING = "330102018", "330102008"


@dataclass(frozen=True)
class Profile:
    """One kind of business: industry, name endings for a sole trader / a company, share of sole traders."""

    industry: str
    individual_suffix: str
    company_suffix: str
    p_individual: float
    scenario: str | None = None
    place: bool = False  # an inspection object without a credit code (出租房, 工地)


P = Profile
CLOTHING_WHOLESALE = P("F51", "服饰商行", "服饰有限公司", 0.6, "SC11")
GARMENT = P("C18", "制衣坊", "服装有限公司", 0.3)
LIVE_STREAM = P("I64", "直播工作室", "直播电商有限公司", 0.25, "SC01")
BUSINESS = P("L72", "商务咨询服务部", "商务咨询有限公司", 0.2)
EATERY = P("H62", "小吃店", "餐饮管理有限公司", 0.85, "SC03")
GROCERY = P("F52", "食杂店", "商贸有限公司", 0.9, "SC04")
SHOPFRONT = P("F52", "百货店", "商贸有限公司", 0.7, "SC11")
SALON = P("O80", "美发店", "美容美发有限公司", 0.8, "SC06")
HOTEL = P("H61", "旅馆", "酒店管理有限公司", 0.3, "SC07")
KTV = P("R90", "歌舞厅", "娱乐有限公司", 0.1, "SC08")
NETBAR = P("R90", "网吧", "网络科技有限公司", 0.3, "SC05")
PHARMACY = P("F52", "药店", "大药房有限公司", 0.3, "SC09")
SITE = P("E47", "建设工地", "建设工地", 0, "SC10", place=True)
AUTO_REPAIR = P("O81", "汽车维修部", "汽车服务有限公司", 0.7, "SC16")
SOFTWARE = P("I65", "软件工作室", "信息技术有限公司", 0.1)
ELDER_CARE = P("Q85", "托老所", "养老服务有限公司", 0.2, "SC13")
RENTAL = P("K70", "出租房", "出租房", 0, "SC02", place=True)

SIJIQING_BUILDING_MIX = (
    (CLOTHING_WHOLESALE, 70),
    (GARMENT, 10),
    (LIVE_STREAM, 8),
    (BUSINESS, 5),
    (SHOPFRONT, 4),
    (EATERY, 3),
)
SIJIQING_STREET_MIX = (
    (EATERY, 30),
    (GROCERY, 25),
    (CLOTHING_WHOLESALE, 20),
    (SALON, 10),
    (HOTEL, 5),
    (AUTO_REPAIR, 5),
    (PHARMACY, 5),
)
MIXED = (
    (EATERY, 20), (GROCERY, 15), (SHOPFRONT, 8), (SALON, 10), (HOTEL, 5), (KTV, 3), (NETBAR, 2), (PHARMACY, 4),
    (SITE, 3), (AUTO_REPAIR, 5), (BUSINESS, 10), (SOFTWARE, 7), (CLOTHING_WHOLESALE, 3), (ELDER_CARE, 2), (RENTAL, 3),
)  # fmt: skip
# Subdistrict → [(mix, count)]: 九堡 its live-streaming base and rented flats, 南星 its 163 small food businesses.
SPECIAL = {
    JIUBAO: [(((LIVE_STREAM, 1),), 320), (((RENTAL, 1),), 460), (MIXED, 180)],
    NANXING: [(((EATERY, 1),), 110), (((GROCERY, 1),), 53), (MIXED, 300)],
}
OTHER_SUBDISTRICT_SUBJECTS = 240
CREDIT_WEIGHTS = ((CreditClass.A, 55), (CreditClass.B, 35), (CreditClass.C, 8), (CreditClass.D, 2))
STATUS_WEIGHTS = (
    (SubjectStatus.ACTIVE, 94),
    (SubjectStatus.SUSPENDED, 3),
    (SubjectStatus.CANCELLED, 2),
    (SubjectStatus.REVOKED, 1),
)
VIOLATION_CHANCE = {CreditClass.A: 0.03, CreditClass.B: 0.08, CreditClass.C: 0.35, CreditClass.D: 0.6}
SEVERITY_WEIGHTS = ((Severity.MINOR, 55), (Severity.ORDINARY, 35), (Severity.SERIOUS, 10))
SOURCES = ("日常检查", "双随机抽查", "投诉核查", "专项整治", "综合查一次")


def _pick(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights)[0]


def _body(serial: int) -> str:
    # "MA" + six characters; 7919 is prime to 31, so distinct serials give distinct bodies (and codes).
    n = (serial * 7919 + 104729) % 31**6
    chars = []
    for _ in range(6):
        n, r = divmod(n, 31)
        chars.append(ALPHABET[r])
    return "MA" + "".join(reversed(chars))


def _opened_on(rng: random.Random) -> date:
    if rng.random() < 0.05:  # new businesses (< 6 months): the 执法体检 guidance visits
        return as_of_date() - timedelta(days=rng.randrange(1, 180))
    return as_of_date() - timedelta(days=180 + int(rng.expovariate(1 / 2200)) % 7000)


class _Maker:
    def __init__(self, rng: random.Random, scenarios: dict[str, int], first_id: int):
        self.rng = rng
        self.first_id = first_id
        self.scenarios = scenarios
        self.serial = 0
        self.subjects: list[dict] = []
        self.scenario_of: list[int | None] = []

    def add(self, profile: Profile, short: str, **place) -> None:
        rng = self.rng
        self.serial += 1
        n = self.serial
        if profile.place:
            kind, uscc = SubjectKind.PLACE, ""
            name = f"{short}示例{profile.individual_suffix}{n:05d}号"
        elif rng.random() < profile.p_individual:
            kind = SubjectKind.INDIVIDUAL
            uscc = uscc_make(body=_body(n), category="2")
            name = f"上城区示例{short}{n:05d}{profile.individual_suffix}"
        else:
            kind = SubjectKind.ENTERPRISE
            uscc = uscc_make(body=_body(n), category="1")
            name = f"杭州示例{short}{n:05d}{profile.company_suffix}"
        self.subjects.append(
            dict(
                id=self.first_id + n - 1,
                uscc=uscc,
                name=name,
                kind=kind,
                industry_code=profile.industry,
                opened_on=_opened_on(rng),
                credit_class=_pick(rng, CREDIT_WEIGHTS),
                status=SubjectStatus.ACTIVE if profile.place else _pick(rng, STATUS_WEIGHTS),
                **{"building_id": None, **place},
            )
        )
        self.scenario_of.append(self.scenarios.get(profile.scenario) if profile.scenario else None)


def _leaves(layout, sd_code: str) -> list:
    """The finest regions of a subdistrict: its micro-grids where it has them, else its grids."""
    communities = {r.code for r in layout.regions if r.level == "community" and r.parent_code == sd_code}
    grids = [r for r in layout.regions if r.level == "grid" and r.parent_code in communities]
    grid_codes = {g.code for g in grids}
    micro = [r for r in layout.regions if r.level == "micro_grid" and r.parent_code in grid_codes]
    return micro or grids


def _street_places(layout, regions, sd_code: str, n: int, np_rng, rng: random.Random) -> list[dict]:
    """n places spread over the subdistrict by area, each inside a known grid (or micro-grid)."""
    leaves = _leaves(layout, sd_code)
    areas = np.array([leaf.geometry.area for leaf in leaves])
    counts = np_rng.multinomial(n, areas / areas.sum())
    sd = regions[sd_code]
    short = sd.name.removesuffix("街道")
    places = []
    for leaf, k in zip(leaves, counts.tolist(), strict=True):
        grid = regions[leaf.code]
        for lng, lat in sample_points_in(leaf.geometry, k, np_rng):
            places.append(
                dict(
                    lng=round(lng, 6),
                    lat=round(lat, 6),
                    grid_id=grid.pk,
                    subdistrict_id=sd.pk,
                    region_path=grid.path,
                    address=f"{short}街道示例路{rng.randrange(1, 400)}号",
                )
            )
    rng.shuffle(places)
    return places


def _insert(model, rows: list[dict], chunk: int = 2000) -> None:
    """Plain multi-row INSERTs: model instances and the ORM's per-field work cost seconds at this size."""
    if not rows:
        return
    ops = connection.ops
    keys = list(rows[0])
    columns = [model._meta.get_field(k).column if k != "id" else "id" for k in keys]
    adapt = {}
    for k in keys:
        field = model._meta.get_field(k) if k != "id" else None
        internal = field.get_internal_type() if field is not None else ""
        if internal == "DateTimeField":
            adapt[k] = ops.adapt_datetimefield_value
        elif internal == "DateField":
            adapt[k] = ops.adapt_datefield_value
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(ops.quote_name(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(keys))})"
    cached: dict = {}

    def value(k, v):
        if k not in adapt or v is None:
            return v
        if (k, v) not in cached:
            cached[(k, v)] = adapt[k](v)
        return cached[(k, v)]

    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            cursor.executemany(
                sql, [tuple(value(k, r[k]) for k in keys) for r in rows[start : start + chunk]]
            )


def _reset_sequences(*models) -> None:
    """After inserts with explicit keys, the next key PostgreSQL hands out must be past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def build_subjects(*, seed: int, regions: dict, buildings: list, layout, by) -> dict[str, int]:
    """Create the demo subjects and their violations; returns the counts for the build summary."""
    rng = random.Random(seed * 7 + 4)
    np_rng = np.random.default_rng([seed, 4])
    scenario_rows = list(Scenario.objects.prefetch_related("items").order_by("code"))
    scenarios = {s.code: s.pk for s in scenario_rows}
    first_id = (Subject.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    maker = _Maker(rng, scenarios, first_id)

    sjq = regions[SIJIQING]
    sjq_buildings = sorted((b for b in buildings if b.region.path.startswith(sjq.path)), key=lambda b: b.code)
    # Buildings differ in size: a few wholesale malls hold far more shops than an ordinary office block.
    sizes = np.array([b.floors * (3 if "商贸城" in b.name else 1) for b in sjq_buildings], dtype=float)
    per_building = np_rng.multinomial(SIJIQING_IN_BUILDINGS, sizes / sizes.sum()).tolist()
    for building, count in zip(sjq_buildings, per_building, strict=True):
        grid = building.region
        for _ in range(count):
            floor = rng.randrange(1, building.floors + 1)
            maker.add(
                _pick(rng, SIJIQING_BUILDING_MIX),
                "四季青",
                lng=building.lng,
                lat=building.lat,
                grid_id=grid.pk,
                subdistrict_id=sjq.pk,
                region_path=grid.path,
                building_id=building.pk,
                address=f"{building.address}{floor}层{floor * 100 + rng.randrange(1, 60)}室",
            )
    plan: dict[str, list] = {SIJIQING: [(SIJIQING_STREET_MIX, SIJIQING_SUBJECTS - sum(per_building))]}
    for sd_code in sorted(SUBDISTRICT_OFFICERS):
        plan.setdefault(sd_code, SPECIAL.get(sd_code, [(MIXED, OTHER_SUBDISTRICT_SUBJECTS)]))
    for sd_code, parts in plan.items():
        short = regions[sd_code].name.removesuffix("街道")
        places = iter(_street_places(layout, regions, sd_code, sum(n for _, n in parts), np_rng, rng))
        for mix, n in parts:
            for _ in range(n):
                maker.add(_pick(rng, mix), short, **next(places))

    now = timezone.now()
    for row in maker.subjects:
        row.update(created_at=now, updated_at=now, version=1)
    _insert(Subject, maker.subjects)
    through = Subject.scenarios.through
    _insert(
        through,
        [
            {"subject_id": row["id"], "scenario_id": sc}
            for row, sc in zip(maker.subjects, maker.scenario_of, strict=True)
            if sc is not None
        ],
    )
    items_of = {s.pk: [i.pk for i in s.items.all()] for s in scenario_rows}
    fallback = items_of.get(scenarios.get("SC11"), []) or [i for ids in items_of.values() for i in ids]
    violations = []
    for row, sc in zip(maker.subjects, maker.scenario_of, strict=True):
        if rng.random() >= VIOLATION_CHANCE[row["credit_class"]]:
            continue
        pool = items_of.get(sc) or fallback
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            violations.append(
                {
                    "subject_id": row["id"],
                    "item_id": rng.choice(pool),
                    "found_on": as_of_date() - timedelta(days=rng.randrange(1, 3 * 365)),
                    "severity": _pick(rng, SEVERITY_WEIGHTS),
                    "source": rng.choice(SOURCES),
                    "event_id": None,
                    "recorded_by_id": None,
                    "created_at": now,
                }
            )
    _insert(Violation, violations)
    _reset_sequences(Subject, Violation, through)
    counts = {
        "subjects": len(maker.subjects),
        "subjects_sijiqing": sum(per_building) + plan[SIJIQING][0][1],
        "subjects_in_buildings": sum(per_building),
        "violations": len(violations),
    }
    audit_record(
        actor=by,
        action="demo.subjects_build",
        object_type="demo",
        object_id=str(seed),
        object_repr=f"演示监管对象 seed={seed}",
        after=counts,
    )
    return counts
