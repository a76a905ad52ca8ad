"""Joint plan actions: create (demands → engine → squad days and visits), publish, withdraw, mark a visit."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, PermissionError_, require_write
from zhifa.engine.planning import Limits, plan_joint
from zhifa.engine.planning_alone import compare_with_departments_alone
from zhifa.inspections.choices import DemandSource, PlanStatus, RequestStatus, VisitStatus
from zhifa.inspections.demands.selectors import inspection_demands
from zhifa.inspections.models import Inspection, InspectionRequest, JointPlan, PlanVisit, SquadDay
from zhifa.inspections.plans.inputs import (
    DEFAULT_LIMITS,
    LOCAL_TEAM_KINDS,
    MAX_PERIOD_DAYS,
    PLAN_REGION_LEVELS,
    REASON_NO_PLACE,
    REASON_OUTSIDE,
    OfficerPool,
    as_date,
    engine_subjects,
    fail,
    officer_pool,
    quiet_dates,
    visits_this_year,
)
from zhifa.inspections.plans.selectors import domain_names
from zhifa.inspections.plans.sources import request_ids, sources_json, sources_of_demands
from zhifa.org.choices import UnitKind
from zhifa.org.models import Region, Unit
from zhifa.org.scope import scope_for
from zhifa.subjects.models import Subject

# --- who may plan where -------------------------------------------------------------------------------------


def may_plan(user, region: Region) -> bool:
    """Command centre anywhere; a subdistrict command room or the region's own team for its own region."""
    if user.is_superuser or user.role in (Role.ADMIN, Role.DISTRICT_COMMAND):
        return True
    if user.unit_id is None:
        return False
    unit = Unit.objects.filter(pk=user.unit_id).values("kind", "region_id").first()
    if unit is None or unit["region_id"] != region.pk:
        return False
    if user.role == Role.SUBDISTRICT_COMMAND:
        return unit["kind"] == UnitKind.SUBDISTRICT_COMMAND
    if user.role == Role.OFFICER:
        return unit["kind"] in LOCAL_TEAM_KINDS
    return False


def plan_regions_for(user) -> list[Region]:
    """The subdistricts and functional areas the user may make plans for (the form's region choices)."""
    scope = scope_for(user)
    if not scope.can_write:
        return []
    qs = scope.filter(Region.objects.filter(level__in=PLAN_REGION_LEVELS), "path").defer("geometry")
    return [r for r in qs.order_by("code") if may_plan(user, r)]


def can_plan(user) -> bool:
    return bool(plan_regions_for(user))


def _region_for(region, scope) -> Region:
    if isinstance(region, Region):
        found = region
    else:
        code = (region or "").strip()
        if not code:
            fail("region", "请选择街道或功能区")
        found = Region.objects.filter(code=code).defer("geometry").first()
        if found is None:
            raise Http404("区域不存在或不在您的辖区内")
    if not scope.covers_path(found.path):
        raise Http404("区域不存在或不在您的辖区内")
    if found.level not in PLAN_REGION_LEVELS:
        fail("region", "综合查一次计划按街道或功能区编制，请选择街道或功能区")
    return found


# --- create ------------------------------------------------------------------------------------------------


def _demand_set(demands, *, region: Region, period_start: date, period_end: date):
    """(engine demands, engine subjects or None, names) from the argument or the demands module."""
    if demands is None:
        demands = inspection_demands(region=region, period_start=period_start, period_end=period_end)
    if hasattr(demands, "demands"):
        visits = getattr(demands, "visits_this_year", None)
        return list(demands.demands), list(demands.subjects), dict(demands.names or {}), visits
    return list(demands), None, {}, None


def _refuse_overlap(region_id: int, start, end, *, exclude: int | None = None, hint: str = "") -> None:
    """One published plan per region and day: two would send two squads to the same businesses."""
    clash = (
        JointPlan.objects.filter(
            region_id=region_id, status=PlanStatus.PUBLISHED, period_start__lte=end, period_end__gte=start
        )
        .exclude(pk=exclude)
        .first()
    )
    if clash is not None:
        raise Conflict(
            f"该区域已有期间重叠的已发布计划“{clash.name}”（{clash.period_start:%Y-%m-%d} 至 "
            f"{clash.period_end:%Y-%m-%d}），请先撤回该计划或另选期间{hint}"
        )


@dataclass(frozen=True)
class PlanInput:
    """A plan request that passed every check that needs no planning (the form's errors, said at once)."""

    region: Region
    start: date
    end: date
    name: str
    quiet: frozenset
    cap: int
    per_day: int
    seed: str

    def as_params(self, *, replaces_published: bool) -> dict:
        """JSON for a background job (joint_plan_submit)."""
        return {
            "region": self.region.code,
            "period_start": self.start.isoformat(),
            "period_end": self.end.isoformat(),
            "name": self.name,
            "quiet_days": sorted(d.isoformat() for d in self.quiet),
            "max_visits_per_year": self.cap,
            "max_visits_per_squad_day": self.per_day,
            "seed": self.seed,
            "replaces_published": replaces_published,
        }


def joint_plan_check(
    *,
    region,
    period_start,
    period_end,
    name: str = "",
    quiet_days: Iterable = (),
    max_visits_per_year: int | None = None,
    max_visits_per_squad_day: int | None = None,
    seed: str | int | None = None,
    replaces_published: bool = False,
    by,
) -> PlanInput:
    """Who may plan where, the period, quiet days, limits and an overlapping published plan: refused before any
    planning (ServiceError with the field's Chinese message, PermissionError_, Http404, Conflict)."""
    scope = scope_for(by)
    require_write(scope)
    reg = _region_for(region, scope)
    if not may_plan(by, reg):
        raise PermissionError_("只有区协调指挥中心、本街道指挥室和本街道执法队可以编制综合查一次计划")
    start = as_date(period_start, "period_start", "开始日期")
    end = as_date(period_end, "period_end", "结束日期")
    if start > end:
        fail("period_end", "结束日期不能早于开始日期")
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        fail(
            "period_end", f"计划期间最长 {MAX_PERIOD_DAYS} 天（一个季度），当前为 {(end - start).days + 1} 天"
        )
    # Said before the seconds of building a draft that cannot be published while the other one stands; a
    # replacement is drafted on purpose (replaces_published) and published once the old plan is withdrawn.
    if not replaces_published:
        _refuse_overlap(reg.pk, start, end, hint="；如要编制替换计划，请勾选“编制替换计划”")
    quiet = quiet_dates(quiet_days, (start, end))
    cap = DEFAULT_LIMITS.max_visits_per_year if max_visits_per_year in (None, "") else max_visits_per_year
    if not isinstance(cap, int) or not 1 <= cap <= 52:
        fail("max_visits_per_year", "每户年度检查次数上限须为 1 到 52 的整数")
    per_day = (
        DEFAULT_LIMITS.max_visits_per_squad_day
        if max_visits_per_squad_day is None
        else max_visits_per_squad_day
    )
    if not isinstance(per_day, int) or not 1 <= per_day <= 20:
        fail("max_visits_per_squad_day", "每组每日检查户数须为 1 到 20 的整数")
    name = (name or "").strip()[:120] or f"{reg.name}综合查一次计划（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}）"
    seed = str(seed) if seed not in (None, "") else secrets.token_hex(8)
    return PlanInput(reg, start, end, name, quiet, cap, per_day, seed)


def joint_plan_create(
    *,
    region,
    period_start,
    period_end,
    name: str = "",
    quiet_days: Iterable = (),
    max_visits_per_year: int | None = None,
    max_visits_per_squad_day: int | None = None,
    seed: str | int | None = None,
    demands=None,
    replaces_published: bool = False,
    by,
    progress: Callable[[int, int], None] | None = None,
) -> JointPlan:
    """编制 — plan a region's joint visits for a period (≤ 92 days) and save it as a draft. A period that
    overlaps a published plan of the region is refused at once unless ``replaces_published``.

    ``demands``: a DemandSet from ``inspection_demands`` (the default), or a list of engine Demands (subject =
    Subject pk) whose subjects are then read from the database. ``progress(done, 4)`` after each stage (demands,
    officers, planning, saved), for a background job."""
    checked = joint_plan_check(
        region=region,
        period_start=period_start,
        period_end=period_end,
        name=name,
        quiet_days=quiet_days,
        max_visits_per_year=max_visits_per_year,
        max_visits_per_squad_day=max_visits_per_squad_day,
        seed=seed,
        replaces_published=replaces_published,
        by=by,
    )
    reg, start, end, name, quiet, cap, per_day, seed = (
        checked.region,
        checked.start,
        checked.end,
        checked.name,
        checked.quiet,
        checked.cap,
        checked.per_day,
        checked.seed,
    )
    step = progress or (lambda done, total: None)
    demand_list, subjects, names, visits = _demand_set(
        demands, region=reg, period_start=start, period_end=end
    )
    subject_ids = {d.subject for d in demand_list}
    if subjects is None:
        subjects, names = engine_subjects(subject_ids, region=reg)
        known = set(names)
    else:
        known = subject_ids  # the demands module only lists its region's subjects; one left out has no place
    if not names or not set(names) >= subject_ids:
        names = {**dict(Subject.objects.filter(pk__in=subject_ids).values_list("pk", "name")), **names}
    placed = {s.id for s in subjects}
    pre_unfitted = [
        (d, REASON_NO_PLACE if d.subject in known else REASON_OUTSIDE)
        for d in demand_list
        if d.subject not in placed
    ]
    demand_list = [d for d in demand_list if d.subject in placed]
    step(1, 4)
    pool = officer_pool(region=reg, domains_needed={d.domain for d in demand_list}, period=(start, end))
    limits = Limits(
        max_visits_per_year=cap,
        visits_this_year=visits
        if visits is not None
        else visits_this_year(subject_ids=placed, year=start.year),
        quiet_days=quiet,
        max_visits_per_squad_day=per_day,
    )
    step(2, 4)
    result = plan_joint(
        subjects, demand_list, pool.officers, pool.bases, period=(start, end), limits=limits, seed=seed
    )
    # What the same demands cost each department alone (own officers, own routes): computed once here and
    # kept in the plan's figures, so the plan page reads it instead of planning six times again.
    alone = compare_with_departments_alone(
        result,
        subjects,
        demand_list,
        pool.officers,
        pool.bases,
        period=(start, end),
        limits=limits,
        seed=seed,
    )
    step(3, 4)
    plan = _save(
        result=result,
        alone=alone.as_dict(),
        region=reg,
        start=start,
        end=end,
        name=name,
        seed=seed,
        limits=limits,
        pool=pool,
        names=names,
        pre_unfitted=pre_unfitted,
        by=by,
    )
    step(4, 4)
    return plan


def _limits_json(limits: Limits, pool: OfficerPool) -> dict:
    return {
        "max_visits_per_year": limits.max_visits_per_year,
        "quiet_days": sorted(d.isoformat() for d in limits.quiet_days),
        "weekdays": list(limits.weekdays),
        "max_visits_per_squad_day": limits.max_visits_per_squad_day,
        "day_minutes": limits.day_minutes,
        "speed_kmh": limits.speed_kmh,
        "detour": limits.detour,
        "max_squad_size": limits.max_squad_size,
        "subjects_at_cap": sum(n >= limits.max_visits_per_year for n in limits.visits_this_year.values()),
        "officers": len(pool.officers),
        "local_teams": pool.local_teams,
        "helping_domains": pool.helping_domains,
    }


def _figures_json(result, demands_in: int) -> dict:
    f = result.figures
    return {
        "demands": demands_in,
        "separate_visits": f.separate_visits,
        "joint_visits": f.joint_visits,
        "officer_days": f.officer_days,
        "separate_officer_days": f.separate_officer_days,
        "squad_days": f.squad_days,
        "km": f.km,
        "km_unordered": f.km_unordered,
        "km_unclustered": f.km_unclustered,
        "km_shuffled": getattr(f, "km_shuffled", None),
        "seconds": round(f.seconds, 3),
        "visit_saving": round(f.visit_saving, 4),
        "km_saving": round(f.km_saving, 4),
        "subjects": len({v.subject.id for sd in result.squad_days for v in sd.visits}),
        "working_days": len(result.working_days),
        "unfitted": len(result.unfitted),
        "places": f.places,
        "place_days": f.place_days,
    }


def _save(
    *, result, alone, region, start, end, name, seed, limits, pool, names, pre_unfitted, by
) -> JointPlan:
    domains = domain_names()
    unfitted = [
        {
            "subject": d.subject,
            "subject_name": names.get(d.subject, ""),
            "domain": d.domain,
            "source": d.source,
            "request": d.id if d.source == DemandSource.REQUEST else None,
            "reason": reason,
        }
        for d, reason in pre_unfitted
    ] + [
        {
            "subject": u.subject,
            "subject_name": names.get(u.subject, ""),
            "domain": u.demand.domain,
            "source": u.demand.source,
            "request": u.demand.id if u.demand.source == DemandSource.REQUEST else None,
            # The engine names the domain by code: "无具备资质的执法人员（fire）" → "…（消防）".
            "reason": u.reason.replace(
                f"（{u.demand.domain}）", f"（{domains.get(u.demand.domain, u.demand.domain)}）"
            ),
        }
        for u in result.unfitted
    ]
    figures = _figures_json(result, len(pre_unfitted) + result.figures.demands)
    figures["unfitted"] = len(unfitted)
    figures["alone"] = alone
    planned_requests = {
        d.id
        for sd in result.squad_days
        for v in sd.visits
        for d in v.demands
        if d.source == DemandSource.REQUEST and d.id is not None
    }
    with transaction.atomic():
        plan = JointPlan.objects.create(
            name=name,
            region=region,
            region_path=region.path,
            period_start=start,
            period_end=end,
            seed=seed,
            limits=_limits_json(limits, pool),
            figures=figures,
            unfitted=unfitted,
            created_by=by,
            created_at=timezone.now(),
        )
        days = SquadDay.objects.bulk_create(
            [
                SquadDay(
                    plan=plan,
                    day=sd.day,
                    base_lng=sd.base[0],
                    base_lat=sd.base[1],
                    km=sd.km,
                    km_unordered=sd.km_input_order,
                    minutes=sd.minutes,
                )
                for sd in result.squad_days
            ],
            batch_size=500,
        )
        through = SquadDay.officers.through
        through.objects.bulk_create(
            [
                through(squadday_id=row.pk, officer_id=officer_id)
                for row, sd in zip(days, result.squad_days, strict=True)
                for officer_id in sd.officers
            ],
            batch_size=1000,
        )
        PlanVisit.objects.bulk_create(
            [
                PlanVisit(
                    plan=plan,
                    squad_day=row,
                    order=n,
                    subject_id=v.subject.id,
                    domains=list(v.domains),
                    items=list(v.items),
                    sources=sources_json(sources_of_demands(v.demands)),
                )
                for row, sd in zip(days, result.squad_days, strict=True)
                for n, v in enumerate(sd.visits, start=1)
            ],
            batch_size=1000,
        )
        marked = InspectionRequest.objects.filter(pk__in=planned_requests, status=RequestStatus.OPEN).update(
            status=RequestStatus.PLANNED
        )
        audit_record(
            actor=by,
            action="inspections.joint_plan_create",
            obj=plan,
            after={
                "region": region.code,
                "period": [start.isoformat(), end.isoformat()],
                "seed": seed,
                "squad_days": len(days),
                "visits": figures["joint_visits"],
                "unfitted": len(unfitted),
                "requests_planned": marked,
            },
        )
    return plan


# --- status changes ---------------------------------------------------------------------------------------


def _check_writer(plan: JointPlan, by) -> None:
    scope = scope_for(by)
    require_write(scope)
    if not scope.covers_path(plan.region_path):
        raise Http404("计划不存在或不在您的辖区内")
    if not may_plan(by, plan.region):
        raise PermissionError_("只有区协调指挥中心、本街道指挥室和本街道执法队可以发布或撤回计划")


def joint_plan_publish(*, plan: JointPlan, by) -> JointPlan:
    """发布 — a draft becomes the squads' working plan; officers see their days."""
    _check_writer(plan, by)
    with transaction.atomic():
        # One published plan per region and day: two would send two squads to the same businesses.
        Region.objects.select_for_update().filter(pk=plan.region_id).first()
        _refuse_overlap(plan.region_id, plan.period_start, plan.period_end, exclude=plan.pk)
        changed = JointPlan.objects.filter(pk=plan.pk, status=PlanStatus.DRAFT).update(
            status=PlanStatus.PUBLISHED, published_at=timezone.now()
        )
        if not changed:
            raise Conflict("只有草稿状态的计划可以发布")
        audit_record(
            actor=by,
            action="inspections.joint_plan_publish",
            obj=plan,
            before={"status": PlanStatus.DRAFT},
            after={"status": PlanStatus.PUBLISHED},
        )
    plan.refresh_from_db()
    return plan


def joint_plan_withdraw(*, plan: JointPlan, by, reason: str = "") -> JointPlan:
    """撤回 — a published plan is called off: its open visits are cancelled, their requests open again."""
    _check_writer(plan, by)
    with transaction.atomic():
        changed = JointPlan.objects.filter(pk=plan.pk, status=PlanStatus.PUBLISHED).update(
            status=PlanStatus.WITHDRAWN
        )
        if not changed:
            raise Conflict("只有已发布的计划可以撤回")
        # A visit whose inspection record is already open stays: the record finishes it.
        open_visits = PlanVisit.objects.filter(plan=plan, status=VisitStatus.PLANNED, inspection__isnull=True)
        requests = request_ids(open_visits.values_list("sources", flat=True))
        cancelled = open_visits.update(status=VisitStatus.CANCELLED)
        reopened = InspectionRequest.objects.filter(pk__in=requests, status=RequestStatus.PLANNED).update(
            status=RequestStatus.OPEN
        )
        audit_record(
            actor=by,
            action="inspections.joint_plan_withdraw",
            obj=plan,
            before={"status": PlanStatus.PUBLISHED},
            after={
                "status": PlanStatus.WITHDRAWN,
                "reason": (reason or "").strip()[:200],
                "visits_cancelled": cancelled,
                "requests_reopened": reopened,
            },
        )
    plan.refresh_from_db()
    return plan


MARKABLE = (VisitStatus.MISSED, VisitStatus.CANCELLED)


def plan_visit_mark(*, visit: PlanVisit, status: str, by, note: str = "") -> PlanVisit:
    """未检查 / 已取消 — a squad member or the planners record that a planned visit did not happen.

    Its department requests go back to "open" so the next plan picks them up. 已检查 is set by the inspection
    record, not here."""
    scope = scope_for(by)
    require_write(scope)
    plan = JointPlan.objects.select_related("region").get(pk=visit.plan_id)  # its status now, not as loaded
    if not scope.covers_path(plan.region_path):
        raise Http404("计划不存在或不在您的辖区内")
    if status not in MARKABLE:
        fail("status", "只能标记为“未检查”或“已取消”；已检查由检查记录自动标记")
    member = by.officer_id is not None and visit.squad_day.officers.filter(pk=by.officer_id).exists()
    if not member and not may_plan(by, plan.region):
        raise PermissionError_("只有本检查组成员或计划编制单位可以标记")
    if plan.status != PlanStatus.PUBLISHED:
        raise Conflict("计划未发布或已撤回，不能标记检查")
    if Inspection.objects.filter(plan_visit_id=visit.pk).exists():
        raise Conflict("该对象已开始检查，请在检查记录中完成")
    with transaction.atomic():
        changed = PlanVisit.objects.filter(pk=visit.pk, status=VisitStatus.PLANNED).update(status=status)
        if not changed:
            raise Conflict("该检查已不是“待检查”状态")
        reopened = InspectionRequest.objects.filter(
            pk__in=request_ids([visit.sources]), status=RequestStatus.PLANNED
        ).update(status=RequestStatus.OPEN)
        audit_record(
            actor=by,
            action="inspections.plan_visit_mark",
            obj=visit,
            object_repr=f"{plan.name} 第 {visit.order} 户",
            before={"status": VisitStatus.PLANNED},
            after={"status": status, "note": (note or "").strip()[:200], "requests_reopened": reopened},
        )
    visit.refresh_from_db()
    return visit
