"""双随机 actions: draw, publish, declare a conflict. The engine (zhifa.engine.draw) does the drawing."""

import unicodedata
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.audit.services import audit_record
from zhifa.catalog.choices import ItemStatus
from zhifa.catalog.models import EnforcementItem, Scenario
from zhifa.core.errors import Conflict, PermissionError_, ServiceError, require_write
from zhifa.engine.draw import draw, draw_size, seed_from_public
from zhifa.inspections.draws.picks import draw_outcome, draw_record
from zhifa.inspections.models import InspectorConflict, RandomDraw
from zhifa.inspections.permissions import own_domain_codes
from zhifa.org.choices import RegionLevel, UnitKind
from zhifa.org.models import Domain, Officer, Region
from zhifa.org.scope import scope_for
from zhifa.subjects.choices import INDUSTRIES, SubjectStatus
from zhifa.subjects.models import Subject

DRAW_ROLES = (Role.ADMIN, Role.DISTRICT_COMMAND, Role.SUBDISTRICT_COMMAND, Role.DEPARTMENT)
LOCAL_TEAM_KINDS = (UnitKind.SUBDISTRICT_TEAM, UnitKind.STATIONED_TEAM)
RECENT_DRAWS = 50  # how far back "not the same inspector as last time" looks


def _fail(field: str, message: str):
    raise ServiceError(message, [{"field": field, "message": message}])


def _pool(scope, *, subdistrict: Region | None, industry: str, scenario: str, item: EnforcementItem | None):
    qs = scope.filter(Subject.objects.filter(status=SubjectStatus.ACTIVE), "region_path")
    if subdistrict is not None:
        qs = qs.filter(subdistrict=subdistrict)
    if industry:
        qs = qs.filter(industry_code=industry)
    if scenario:
        qs = qs.filter(scenarios__code=scenario)
    if item is not None:
        # By item: the subjects whose scenarios (监管一件事) check that item.
        qs = qs.filter(scenarios__items=item)
    return sorted(set(qs.values_list("id", flat=True)))


def _local_pools(inspectors: list[str], pool: list[int]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """本地优先: each area's officers (a subdistrict or stationed team's, seconded officers included) and the
    areas each pooled subject lies in (the team's region path is a prefix of the subject's)."""
    pools: dict[str, list[str]] = {}
    paths: dict[str, str] = {}
    for officer_id, code, path in Officer.objects.filter(
        pk__in=[int(i) for i in inspectors], team__kind__in=LOCAL_TEAM_KINDS
    ).values_list("id", "team__region__code", "team__region__path"):
        pools.setdefault(code, []).append(str(officer_id))
        paths[code] = path
    areas: dict[str, list[str]] = {}
    for sid, subject_path in Subject.objects.filter(pk__in=pool).values_list("id", "region_path"):
        mine = [code for code, path in paths.items() if path and subject_path.startswith(path)]
        if mine:
            areas[str(sid)] = sorted(mine)
    return pools, areas


def _last_inspectors(domain: Domain) -> dict[str, list[str]]:
    """Each subject's inspectors in the most recent earlier draw of the domain that reached it."""
    last: dict[str, list[str]] = {}
    for record in (
        RandomDraw.objects.filter(domain=domain)
        .order_by("-created_at")
        .values_list("record", flat=True)[:RECENT_DRAWS]
    ):
        for pick in draw_outcome(record).picks:
            last.setdefault(str(pick.subject_id), [str(i) for i in pick.officer_ids])
    return last


RATIO_HINT = "抽取比例写成百分数或小数，如 5% 或 0.05"


def draw_ratio(text) -> Decimal:
    """A share as people write it: "5%", "5 %", "５％", "0.5%" or "0.05"; more than 0, at most 100%."""
    raw = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    percent = raw.endswith("%")
    try:
        value = Decimal(raw.removesuffix("%"))
    except InvalidOperation:
        _fail("ratio", f"无法识别的抽取比例“{str(text)[:20]}”：{RATIO_HINT}")
    if not value.is_finite():
        _fail("ratio", RATIO_HINT)
    if percent:
        value = value / 100
    elif value > 1:
        _fail("ratio", f"抽取比例“{raw}”大于 1：如指百分之{raw}，请写成 {raw}%")
    if not Decimal(0) < value <= Decimal(1):
        _fail("ratio", "抽取比例须大于 0 且不超过 100%")
    return value


DRAW_REFUSED = "只有指挥中心、街道指挥室和区级部门可以组织双随机抽查"


def can_draw(user) -> bool:
    return scope_for(user).can_write and (user.is_superuser or user.role in DRAW_ROLES)


def draw_require_organiser(user) -> None:
    """Who may organise a draw: the page refuses its form at once by the same rule the service applies."""
    require_write(scope_for(user))
    if not (user.is_superuser or user.role in DRAW_ROLES):
        raise PermissionError_(DRAW_REFUSED)


def draw_create(
    *,
    name: str,
    domain: str,
    by,
    ratio: str | None = None,
    count: int | None = None,
    subdistrict: str = "",
    industry: str = "",
    scenario: str = "",
    item: str = "",
    public_value: str = "",
) -> RandomDraw:
    """抽取 — subjects from the pool uniformly, two qualified, non-conflicted inspectors for each, none of them
    the subject's inspectors last time, officers of the subject's own area first (its subdistrict's team,
    seconded officers included; others only when fewer than two local ones can form a team). A pool by catalog item takes the subjects whose scenarios include the
    item, and the team must then hold the item's domain as well as the draw's. The seed comes from the draw time and a public value (or the time
    alone); everything the engine needs to re-run it is kept in the record."""
    draw_require_organiser(by)
    scope = scope_for(by)
    name = (name or "").strip()
    if not name:
        _fail("name", "请填写抽查名称")
    dom = Domain.objects.filter(code=domain).first()
    if dom is None:
        _fail("domain", "请选择检查领域")
    own = own_domain_codes(by)
    if own is not None and dom.code not in own:
        _fail("domain", f"不能组织{dom.name}领域的抽查（区级部门只能抽查本部门的领域）")
    if (ratio in (None, "")) == (count in (None, "")):
        _fail("ratio", "抽取比例与抽取数量须且只能填写一项")
    ratio_value = None
    if ratio not in (None, ""):
        ratio_value = draw_ratio(ratio)
    if count not in (None, "") and (not isinstance(count, int) or count < 1):
        _fail("count", "抽取数量须为正整数")
    sd = None
    if subdistrict:
        sd = Region.objects.filter(level=RegionLevel.SUBDISTRICT, code=subdistrict).first()
        if sd is None or not scope.covers_path(sd.path):
            _fail("subdistrict", "街道不存在或不在您的辖区内")
    industry = (industry or "").strip().upper()
    if industry and industry not in INDUSTRIES:
        _fail("industry", f"行业“{industry[:20]}”不在行业分类（国民经济行业分类大类）中，请从列表中选择")
    scenario = (scenario or "").strip()
    if scenario and not Scenario.objects.filter(code=scenario).exists():
        _fail("scenario", f"监管场景“{scenario[:20]}”不存在，请从列表中选择")
    item = (item or "").strip().upper()
    item_obj = None
    if item:
        item_obj = EnforcementItem.objects.select_related("domain").filter(code=item).first()
        if item_obj is None or item_obj.status != ItemStatus.ACTIVE:
            _fail("item", f"执法事项“{item}”不存在或已取消")
        if own is not None and item_obj.domain.code not in own:
            _fail("item", f"执法事项“{item}”属于{item_obj.domain.name}领域，不是本部门的领域")
    pool = _pool(scope, subdistrict=sd, industry=industry, scenario=scenario, item=item_obj)
    if not pool:
        _fail("pool", "抽查范围内没有存续的监管对象")
    needed = sorted({dom.code} | ({item_obj.domain.code} if item_obj else set()))
    qualified: dict[str, list[str]] = {}
    for officer_id, code in (
        Officer.objects.filter(active=True, qualified_domains__code__in=needed)
        .values_list("id", "qualified_domains__code")
        .order_by("id")
    ):
        qualified.setdefault(str(officer_id), []).append(code)
    inspectors = sorted(qualified, key=int)
    if len(inspectors) < 2:
        names = "、".join(
            Domain.objects.filter(code__in=needed).order_by("sort").values_list("name", flat=True)
        )
        _fail("domain", f"具备{names}执法资格的在岗人员不足 2 名")
    conflicts = [
        (str(o), str(s))
        for o, s in InspectorConflict.objects.filter(subject_id__in=pool).values_list(
            "officer_id", "subject_id"
        )
    ]
    now = timezone.now()
    seed = seed_from_public(now, public_value.strip() or now.isoformat(), label=name)
    ids = [str(s) for s in pool]
    local_pools, subject_areas = _local_pools(inspectors, pool)
    result = draw(
        ids,
        inspectors,
        seed=seed,
        ratio=ratio_value,
        count=count if ratio_value is None else None,
        conflicts=conflicts,
        last_inspectors={s: v for s, v in _last_inspectors(dom).items() if s in set(ids)},
        qualified={i: sorted(v) for i, v in qualified.items()},
        domains_needed={s: needed for s in ids},
        local_pools=local_pools,
        subject_areas=subject_areas,
    )
    record = draw_record(
        result,
        seed_inputs={
            "label": name,
            "time": now.isoformat(),
            "public_value": public_value.strip() or now.isoformat(),
        },
    )
    with transaction.atomic():
        made = RandomDraw.objects.create(
            name=name[:120],
            domain=dom,
            pool_filter={
                "subdistrict": subdistrict,
                "industry": industry,
                "scenario": scenario,
                "item": item,
            },
            pool_size=len(pool),
            ratio=ratio_value,
            count=count if ratio_value is None else None,
            seed=seed,
            pool_digest=result.pool_digest,
            algorithm=result.algorithm,
            record=record,
            region_path=sd.path if sd is not None else (scope.region_path or ""),
            created_by=by,
            created_at=now,
        )
        audit_record(
            actor=by,
            action="inspections.draw_create",
            obj=made,
            after={
                "seed": seed,
                "pool_digest": result.pool_digest,
                "pool": len(pool),
                "drawn": len(result.assignments),
                "infeasible": len(result.infeasible),
            },
        )
    return made


def draw_publish(*, draw_obj: RandomDraw, by) -> RandomDraw:
    """公开 — the result, seed and digests become readable by anyone."""
    scope = scope_for(by)
    require_write(scope)
    if not (by.is_superuser or by.role in DRAW_ROLES):
        raise PermissionError_("只有组织抽查的单位可以公开结果")
    if not scope.covers_path(draw_obj.region_path) and draw_obj.region_path:
        raise Http404("抽查不存在或不在您的辖区内")
    with transaction.atomic():
        changed = RandomDraw.objects.filter(pk=draw_obj.pk, published_at__isnull=True).update(
            published_at=timezone.now()
        )
        if not changed:
            raise Conflict("该抽查结果已公开")
        audit_record(actor=by, action="inspections.draw_publish", obj=draw_obj, after={"published": True})
    draw_obj.refresh_from_db()
    return draw_obj


def conflict_declare(*, officer: Officer, subject: Subject, reason: str, by) -> InspectorConflict:
    """回避申报 — by the officer or a command centre; later draws never send the officer to the subject."""
    scope = scope_for(by)
    require_write(scope)
    if getattr(by, "officer_id", None) != officer.pk and not (by.is_superuser or by.role in DRAW_ROLES):
        raise PermissionError_("只能为本人申报回避")
    if not (reason or "").strip():
        _fail("reason", "请填写回避理由")
    with transaction.atomic():
        conflict, created = InspectorConflict.objects.get_or_create(
            officer=officer,
            subject=subject,
            defaults={"reason": reason.strip()[:200], "declared_at": timezone.now()},
        )
        if not created:
            raise Conflict("已申报过该回避")
        audit_record(
            actor=by, action="inspections.conflict_declare", obj=conflict, after={"reason": conflict.reason}
        )
    return conflict


__all__ = ["draw_create", "draw_publish", "conflict_declare", "draw_size"]
