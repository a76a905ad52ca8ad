"""改革成效: the reference case's figures, each computed from the records beside the figure the case reports.

The reference is the public article on 上城区's reform (DESIGN.md, ANCHORS.md). Its figures are typed here only
as the reference they are; every figure of ours is counted from the records, in the asker's jurisdiction, and
links to the page where a person finds it in detail. A subdistrict sees its own page; the district sees all.
"""

from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode

from zhifa.catalog.choices import ItemStatus
from zhifa.catalog.models import EnforcementItem, FunctionalAreaLayer, Scenario
from zhifa.dashboard.selectors import postings
from zhifa.dispatch.choices import ConsultationKind
from zhifa.dispatch.models import Consultation, Escalation, Event, EvidenceUse
from zhifa.inspections.annual.selectors import annual_plan
from zhifa.inspections.models import Inspection, RandomDraw
from zhifa.org.choices import RegionLevel, UnitKind, WorkerRole
from zhifa.org.models import Building, Domain, GridWorker, Officer, Region, Unit
from zhifa.org.scope import scope_for
from zhifa.org.selectors import today_local
from zhifa.oversight.models import Alert
from zhifa.subjects.choices import SubjectStatus
from zhifa.subjects.models import Subject

# The subdistricts and the hub the reference article tells of, by name (any district may lack them).
SIJIQING, JIUBAO, NANXING, HUB = "四季青街道", "九堡街道", "南星街道", "杭州东站枢纽"
SCENES = "吃住行游购娱"
FIELD_TEAMS = (UnitKind.SUBDISTRICT_TEAM, UnitKind.STATIONED_TEAM)
PLAN_THRESHOLD = 10


@dataclass
class Figure:
    key: str
    label: str
    value: int | float | None
    unit: str  # "项", "%", …
    reference: str  # the article's figure, as it states it
    url: str  # where the figure lives
    note: str = ""

    @property
    def shown(self) -> str:
        if self.value is None:
            return "—"
        if isinstance(self.value, float):
            return f"{self.value:.2f}".rstrip("0").rstrip(".") + self.unit
        return f"{self.value:,}{self.unit}"


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    url: str = ""
    rows: list[dict] = field(default_factory=list)  # a breakdown shown under the figures


def _percent(part: int, whole: int, digits: int = 1) -> float | None:
    return round(100 * part / whole, digits) if whole else None


def _url(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    query = {k: v for k, v in query.items() if v not in ("", None)}
    return f"{url}?{urlencode(query)}" if query else url


def plan_year(today: date) -> int:
    """The calendar year holding most of the last twelve months: the year a plan is drawn from."""
    return (today - timedelta(days=182)).year


# --- figures, one function per part of the article ------------------------------------------------------------


def catalog_section(today: date) -> Section:
    active = EnforcementItem.objects.filter(status=ItemStatus.ACTIVE)
    # Aliases must not shadow field names ("delegated"), or the filters would refer to the aggregate.
    agg = active.aggregate(
        n_total=Count("id"),
        n_delegated=Count("id", filter=Q(delegated=True, delegated_from__lte=today)),
        n_pending=Count("id", filter=Q(delegated=True, delegated_from__gt=today)),
    )
    agg = {"total": agg["n_total"], "delegated": agg["n_delegated"], "pending": agg["n_pending"]}
    return Section(
        "catalog",
        "一张清单管执法",
        [
            Figure("items", "综合执法事项", agg["total"], " 项", "1,933 项", _url("catalog:item_list")),
            Figure(
                "delegated",
                "赋权街道事项（已生效）",
                agg["delegated"],
                " 项",
                "380 项",
                _url("catalog:item_list", delegated="yes"),
                f"另有 {agg['pending']} 项赋权尚未到生效日期" if agg["pending"] else "",
            ),
            Figure(
                "delegated_percent",
                "赋权事项占比",
                _percent(agg["delegated"], agg["total"]),
                "%",
                "19.7%（380 / 1,933）",
                _url("catalog:item_list", delegated="yes"),
            ),
        ],
        url=_url("catalog:release_new"),
    )


def organisation_section(scope, today: date) -> Section:
    officers = scope.filter(Officer.objects.filter(active=True), "team__region__path")
    counts = postings(officers, today)
    target = settings.ZHIFA_SECONDED_TARGET
    teams = scope.filter(Unit.objects.filter(active=True), "region__path")
    figures = []
    if scope.district_wide:
        core_domains = Domain.objects.filter(is_core=True).count()
        core_teams = teams.filter(kind=UnitKind.DISTRICT_TEAM, domain__is_core=True).count()
        figures.append(
            Figure(
                "core_teams",
                "“1+5”区级执法队伍",
                core_teams,
                " 支",
                "1+5（综合执法 + 5 个领域）",
                _url("org:team_list", kind=UnitKind.DISTRICT_TEAM),
                f"{core_domains} 个“1+5”领域",
            )
        )
    figures += [
        Figure(
            "subdistrict_teams",
            "街道综合行政执法队",
            teams.filter(kind=UnitKind.SUBDISTRICT_TEAM).count(),
            " 支",
            "14 个街道全部成立",
            _url("org:team_list", kind=UnitKind.SUBDISTRICT_TEAM),
        ),
        Figure(
            "seconded",
            "下沉人员（按实际编入队伍）",
            counts["seconded"],
            " 人",
            "522 人" if scope.district_wide else "全区 522 人",
            _url("org:officer_list", seconded="1"),
        ),
        Figure(
            "seconded_percent",
            "下沉比例",
            _percent(counts["seconded"], counts["total"]) if scope.district_wide else None,
            "%",
            f"71%（省定 ≥ {target:.0%}）",
            _url("org:officer_list", seconded="1"),
            f"区级部门编制执法人员 {counts['total']} 人中编入街道、功能区队伍的比例"
            if scope.district_wide
            else "下沉比例按全区计算",
        ),
        Figure(
            "seconded_young",
            "下沉人员中 45 周岁及以下占比",
            _percent(counts["seconded_young"], counts["seconded"]),
            "%",
            "近 60%",
            _url("org:officer_list", seconded="1", young="1"),
        ),
    ]
    return Section("organisation", "力量下沉与“1+5”队伍", figures, url=_url("org:team_list"))


def coordination_section(scope, today: date) -> Section:
    since = today - timedelta(days=365)
    meetings = Consultation.objects.filter(held_at__date__gte=since)
    if not scope.district_wide:  # convened there, or about an event there
        p = scope.region_path
        meetings = meetings.filter(
            Q(convened_by__region__path__startswith=p) | Q(events__region_path__startswith=p)
        ).distinct()
    kinds = dict(meetings.values_list("kind").annotate(n=Count("id", distinct=True)).order_by())
    events = scope.filter(Event.objects.all(), "region_path")
    alerts = scope.filter(Alert.objects.filter(opened_at__date__gte=since), "region_path")
    draws = scope.filter(RandomDraw.objects.all(), "region_path")
    from_draws = scope.filter(Inspection.objects.filter(draw__isnull=False), "region_path")
    return Section(
        "coordination",
        "多跨协同与执法监督（近一年）",
        [
            Figure(
                "consultations",
                "会商",
                kinds.get(ConsultationKind.CONSULTATION, 0),
                " 次",
                "建立执法会商机制",
                _url("dispatch:consultation_list", kind=ConsultationKind.CONSULTATION),
            ),
            Figure(
                "joint_meetings",
                "现场联席会",
                kinds.get(ConsultationKind.JOINT_MEETING, 0),
                " 次",
                "建立跨部门“现场联席会”机制",
                _url("dispatch:consultation_list", kind=ConsultationKind.JOINT_MEETING),
            ),
            Figure(
                "shared_evidence",
                "被其他单位采纳的证据（互通互认）",
                EvidenceUse.objects.filter(evidence__event__in=events).count(),
                " 次",
                "交警与街道执法证据互通互认",
                _url("dispatch:consultation_list"),
            ),
            Figure(
                "escalations",
                "超时升级",
                Escalation.objects.filter(event__in=events).count(),
                " 次",
                "区街两级协调指挥",
                _url("dispatch:board"),
            ),
            Figure(
                "draw_inspections",
                "双随机抽查产生的检查",
                from_draws.count(),
                " 次",
                "“双随机、一公开”",
                _url("inspections:draw_list"),
                f"{draws.count()} 次抽取",
            ),
            Figure(
                "alerts",
                "执法监督预警",
                alerts.count(),
                " 条",
                "全年 360 条",
                _url("oversight:board"),
            ),
        ],
    )


def sijiqing_section(region: Region) -> Section:
    path = region.path
    buildings = Building.objects.filter(region__path__startswith=path)
    micro = Region.objects.filter(path__startswith=path, level=RegionLevel.MICRO_GRID)
    staffed = micro.filter(workers__active=True, workers__role=WorkerRole.GRID_WORKER).distinct()
    # Every object entered in the system (as the article counts them), of which those still in business.
    subjects = Subject.objects.filter(subdistrict=region)
    agg = subjects.aggregate(
        n=Count("id"),
        in_buildings=Count("id", filter=Q(building__isnull=False)),
        active=Count("id", filter=Q(status=SubjectStatus.ACTIVE)),
    )
    return Section(
        "sijiqing",
        f"{region.name}：楼宇经济与“青一”检查对象",
        [
            Figure(
                "buildings_managed",
                "配有楼管员的楼宇",
                buildings.filter(manager__isnull=False).count(),
                " 幢",
                "四季青：92 幢产业楼宇设楼管员",
                _url("org:building_list", subdistrict=region.code),
                f"楼宇共 {buildings.count()} 幢",
            ),
            Figure(
                "micro_grids_staffed",
                "配有网格员的微网格",
                staffed.count(),
                " 个",
                "四季青：102 个微网格设网格员",
                _url("org:region_detail", region.code),
                f"微网格共 {micro.count()} 个",
            ),
            Figure(
                "inspection_objects",
                "录入系统的检查对象",
                agg["n"],
                " 家",
                "四季青：5,180 家",
                _url("subjects:subject_list", subdistrict=region.code),
                f"楼宇、综合体内 {agg['in_buildings']} 家，沿街 {agg['n'] - agg['in_buildings']} 家；"
                f"在营 {agg['active']} 家",
            ),
        ],
        url=_url("org:region_detail", region.code),
    )


def jiubao_section(region: Region) -> Section:
    scenarios = Scenario.objects.filter(focus_regions=region)
    brigade = Unit.objects.filter(region=region, kind=UnitKind.AUXILIARY_BRIGADE, active=True)
    members = GridWorker.objects.filter(unit__in=brigade, active=True)
    forces = sorted({f for f in members.values_list("force", flat=True) if f})
    return Section(
        "jiubao",
        f"{region.name}：“大综合 + 大综管”",
        [
            Figure(
                "focus_scenarios",
                "高频“监管一件事”场景",
                scenarios.count(),
                " 个",
                "九堡：12 个",
                _url("catalog:scenario_list", region=region.code),
            ),
            Figure(
                "brigade_forces",
                "并入综管大队的辅助力量",
                len(forces),
                " 支",
                "九堡：重组 4 支辅助力量",
                _url("org:region_detail", region.code),
                f"{'、'.join(forces)}，共 {members.count()} 人" if forces else "尚未组建综管大队",
            ),
        ],
        url=_url("catalog:scenario_list", region=region.code),
    )


def nanxing_section(*, user, region: Region, today: date) -> Section:
    year = plan_year(today)
    plan = annual_plan(
        user=user, year=year, threshold=PLAN_THRESHOLD, subdistrict=region.code, delegated_only=True
    )
    url = _url(
        "inspections:plan", year=year, threshold=PLAN_THRESHOLD, subdistrict=region.code, delegated="1"
    )
    return Section(
        "nanxing",
        f"{region.name}：依据投诉编制的执法计划（{year} 年投诉，赋权事项 ≥ {PLAN_THRESHOLD} 件）",
        [
            Figure("plan_categories", "列入计划的事项", len(plan.rows), " 类", "南星：9 类", url),
            Figure("plan_complaints", "其投诉件数", plan.focus_count, " 件", "南星：374 件", url),
            Figure(
                "plan_percent",
                "占全部投诉",
                plan.focus_percent,
                "%",
                "南星：88.83%",
                url,
                f"{year} 年共受理投诉 {plan.total} 件",
            ),
        ],
        url=url,
    )


def hub_section(region: Region) -> Section:
    layers = list(
        FunctionalAreaLayer.objects.filter(region=region)
        .select_related("unit")
        .prefetch_related("items")
        .order_by("priority", "id")
    )
    items = {i.code: i for layer in layers for i in layer.items.all()}
    scenes = {s: sum(1 for i in items.values() if s in (i.scenes or [])) for s in SCENES}
    return Section(
        "hub",
        f"{region.name}：派驻单位事项按“吃住行游购娱”归类",
        [
            Figure(
                "hub_items",
                "归入出行六大场景的事项",
                sum(1 for i in items.values() if i.scenes),
                " 项",
                "941 项",
                _url("org:region_detail", region.code),
            ),
            Figure(
                "hub_units",
                "明确管理圈层的派驻单位",
                len({layer.unit_id for layer in layers}),
                " 个",
                "各赋权单位确定管理圈层",
                _url("org:region_detail", region.code),
            ),
        ],
        url=_url("org:region_detail", region.code),
        rows=[{"scene": s, "count": n} for s, n in scenes.items()],
    )


# --- pages ---------------------------------------------------------------------------------------------------


def _named(level: str, name: str) -> Region | None:
    return Region.objects.filter(level=level, name=name).first()


def reform_district(*, user, today: date | None = None) -> list[Section]:
    """The district's page: for users who see the whole district (command, oversight, admin, departments)."""
    scope = scope_for(user)
    if not scope.district_wide:
        raise Http404("改革成效全区页面仅对全区用户开放")
    today = today or today_local()
    sections = [
        catalog_section(today),
        organisation_section(scope, today),
        coordination_section(scope, today),
    ]
    for name, build in ((SIJIQING, sijiqing_section), (JIUBAO, jiubao_section)):
        region = _named(RegionLevel.SUBDISTRICT, name)
        if region:
            sections.append(build(region))
    nanxing = _named(RegionLevel.SUBDISTRICT, NANXING)
    if nanxing:
        sections.append(nanxing_section(user=user, region=nanxing, today=today))
    hub = _named(RegionLevel.FUNCTIONAL_AREA, HUB)
    if hub:
        sections.append(hub_section(hub))
    return sections


def reform_subdistrict(*, user, code: str, today: date | None = None) -> tuple[Region, list[Section]]:
    """One subdistrict's own figures; another subdistrict's page is a 404 as if it did not exist."""
    scope = scope_for(user)
    region = Region.objects.filter(level=RegionLevel.SUBDISTRICT, code=code).first()
    if region is None or not scope.covers_path(region.path):
        raise Http404("街道不存在或不在您的辖区内")
    today = today or today_local()
    own = replace(scope, region_path=region.path)  # a district user looking at one subdistrict
    sections = [
        organisation_section(own, today),
        coordination_section(own, today),
        sijiqing_section(region),
        jiubao_section(region),
        nanxing_section(user=user, region=region, today=today),
    ]
    # On a subdistrict's own page the parts are named for what they are, not for the article's subdistricts.
    sections[2].title = f"{region.name}：楼宇、网格与检查对象"
    sections[3].title = f"{region.name}：高频“监管一件事”与综管力量"
    return region, sections


def home_subdistrict_code(*, user) -> str | None:
    """The subdistrict a subdistrict-scoped user's /reform/ opens on."""
    scope = scope_for(user)
    if scope.district_wide or not scope.region_path:
        return None
    codes = [c for c in scope.region_path.split("/") if c]
    region = Region.objects.filter(code__in=codes, level=RegionLevel.SUBDISTRICT).first()
    return region.code if region else None


def subdistrict_links() -> list[tuple[str, str]]:
    return list(
        Region.objects.filter(level=RegionLevel.SUBDISTRICT).order_by("code").values_list("code", "name")
    )


def as_dict(sections: list[Section]) -> list[dict]:
    return [{**asdict(s), "figures": [{**asdict(f), "shown": f.shown} for f in s.figures]} for s in sections]
