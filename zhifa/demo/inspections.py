"""Demo inspection history: a year of past checks, complaints tied to the businesses, departments' requests.

Before the reform each department came on its own, so most past checks cover one domain; riskier subjects (by
credit class and past violations) were seen more often. Public complaints in a grid that concern a domain some
business there is regulated in are tied to one such business (a third of them: the rest are about streets,
neighbours and passers-by). Departments file requests for the coming season (春节前出租房消防、元旦春节食品安全 …).
All bulk inserts; the checks are plainly the demo's (no findings recorded, only dates, domains and officers).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from zhifa.accounts.models import User
from zhifa.audit.services import audit_record
from zhifa.catalog.models import EnforcementItem
from zhifa.demo.asof import as_of_date, in_winter
from zhifa.demo.subjects import _insert, _reset_sequences
from zhifa.dispatch.choices import COMPLAINT_CHANNELS
from zhifa.dispatch.models import Event, EventItem
from zhifa.inspections.choices import InspectionKind, InspectionStatus, RequestStatus
from zhifa.inspections.demands.selectors import subject_domains
from zhifa.inspections.models import Inspection, InspectionRequest
from zhifa.inspections.plans import joint_plan_create, joint_plan_publish
from zhifa.org.models import Domain, Officer, Unit
from zhifa.subjects.choices import SubjectStatus
from zhifa.subjects.models import Subject, SubjectEvent, Violation

PAST_CHECKS = {"A": (0, 0, 1), "B": (0, 1, 1, 2), "C": (1, 2, 3), "D": (2, 3, 4)}  # checks in the past year
ALONE = 0.75  # share of past checks made by one department alone
GUIDANCE_DAYS = 30  # the demo's ZHIFA_GUIDANCE_VISIT_DAYS
GUIDANCE_DONE = 0.8  # share of businesses opened 1–5 months ago that had their guidance visit
COMPLAINT_LINK = 0.35
KINDS = ((InspectionKind.ROUTINE, 70), (InspectionKind.DRAW, 20), (InspectionKind.COMPLAINT, 10))
# (domain, industries, reason, window from, window to, share of those subjects); the windows are the reference
# winter's, moved to the demo's coming or current winter by asof.in_winter.
REQUESTS = (
    ("fire", ("K70",), "春节前出租房屋消防安全检查", date(2026, 12, 1), date(2027, 1, 31), 0.12),
    ("market", ("H62", "F52"), "元旦春节食品安全专项检查", date(2026, 12, 10), date(2027, 2, 10), 0.06),
    ("emergency", ("C18",), "服装加工场所安全生产专项检查", date(2026, 12, 1), date(2027, 2, 28), 0.08),
    ("health", ("O80", "H61"), "公共场所卫生专项监督", date(2027, 1, 4), date(2027, 2, 28), 0.10),
)


def _pick_weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def build_inspection_history(*, seed: int, by) -> dict[str, int]:
    rng = random.Random(seed * 13 + 7)
    subjects = list(
        Subject.objects.filter(status=SubjectStatus.ACTIVE)
        .order_by("id")
        .values_list(
            "id", "credit_class", "subdistrict_id", "region_path", "grid_id", "industry_code", "opened_on"
        )
    )
    ids = [s[0] for s in subjects]
    domains_of = subject_domains(ids)
    violated = dict(
        Violation.objects.filter(found_on__gte=as_of_date() - timedelta(days=365))
        .values_list("subject_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    domain_pk = dict(Domain.objects.values_list("code", "id"))
    teams = {u.region_id: u for u in Unit.objects.filter(kind="subdistrict_team").select_related("region")}
    district_teams = {
        u.domain.code: u for u in Unit.objects.filter(kind="district_team").select_related("domain")
    }
    qualified: dict[tuple[int, str], list[int]] = defaultdict(list)
    for oid, team_id, code in Officer.objects.filter(active=True).values_list(
        "id", "team_id", "qualified_domains__code"
    ):
        qualified[(team_id, code)].append(oid)
    author = (
        User.objects.filter(officer__isnull=False).order_by("id").first()
        or User.objects.order_by("id").first()
    )
    now = timezone.now()

    rows, domain_links, officer_links = [], [], []
    next_id = (Inspection.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    for sid, credit, sd_id, path, _grid, _industry, opened in subjects:
        mine = sorted(domains_of.get(sid, {}))
        if not mine:
            continue
        n = rng.choice(PAST_CHECKS.get(credit, (0, 1))) + min(violated.get(sid, 0), 2)
        visits = [(None, None) for _ in range(n)]
        # Most new businesses had their 执法体检 within the guidance days; the rest are on the due list.
        if (
            opened
            and as_of_date() - timedelta(days=150) <= opened <= as_of_date() - timedelta(days=GUIDANCE_DAYS)
            and (rng.random() < GUIDANCE_DONE)
        ):
            visits.append((InspectionKind.GUIDANCE, opened + timedelta(days=rng.randrange(3, GUIDANCE_DAYS))))
        for kind, day in visits:
            guidance = kind == InspectionKind.GUIDANCE
            k = 1 if rng.random() < ALONE or len(mine) == 1 else rng.randint(2, min(3, len(mine)))
            doms = mine if guidance else rng.sample(mine, k)
            team = teams.get(sd_id)
            pool = sorted({o for d in doms for o in qualified.get((team.pk, d), [])}) if team else []
            if len(pool) < 2:
                pool = sorted({o for d in doms for o in qualified.get((district_teams[doms[0]].pk, d), [])})
            if len(pool) < 2:
                continue
            if day is None:
                day = as_of_date() - timedelta(days=rng.randrange(3, 365))
                if opened and day < opened:  # not before the business existed
                    day = opened + (as_of_date() - opened) * rng.random()
            step = timedelta(days=1 if opened and day - timedelta(days=2) < opened else -1)
            while day.weekday() > 4:
                day += step
            if day >= as_of_date():
                continue
            at = timezone.make_aware(datetime.combine(day, time(10)))
            rows.append(
                {
                    "id": next_id,
                    "subject_id": sid,
                    "kind": kind or _pick_weighted(rng, KINDS),
                    "visited_on": day,
                    "status": InspectionStatus.FINISHED,
                    "summary": "指导意见：经检查未发现问题。" if guidance else "未发现违法行为。",
                    "region_path": path,
                    "created_by_id": author.pk,
                    "created_at": at,
                    "finished_at": at + timedelta(hours=1),
                    "version": 1,
                    "plan_visit_id": None,
                    "draw_id": None,
                    "request_id": None,
                    "event_id": None,
                }
            )
            domain_links += [{"inspection_id": next_id, "domain_id": domain_pk[d]} for d in doms]
            officer_links += [{"inspection_id": next_id, "officer_id": o} for o in rng.sample(pool, 2)]
            next_id += 1
    _insert(Inspection, rows)
    _insert(Inspection.domains.through, domain_links)
    _insert(Inspection.officers.through, officer_links)

    links = _link_complaints(rng, subjects, domains_of)
    requests = _requests(rng, subjects, domains_of, domain_pk, by=author, now=now)
    _reset_sequences(Inspection, Inspection.domains.through, Inspection.officers.through, SubjectEvent)
    counts = {"inspections_past": len(rows), "complaints_linked": links, "inspection_requests": requests}
    audit_record(
        actor=by,
        action="demo.inspections_build",
        object_type="demo",
        object_id=str(seed),
        object_repr=f"演示检查记录 seed={seed}",
        after=counts,
    )
    return counts


def _link_complaints(rng: random.Random, subjects, domains_of) -> int:
    """Tie a third of the grid's public complaints to a business there regulated in the complaint's domain."""
    by_grid: dict[tuple[int, str], list[int]] = defaultdict(list)
    for sid, _credit, _sd, _path, grid_id, _industry, _opened in subjects:
        for dom in domains_of.get(sid, {}):
            if grid_id:
                by_grid[(grid_id, dom)].append(sid)
    top: dict[int, str] = {}
    for eid, dom in (
        EventItem.objects.filter(event__channel__in=COMPLAINT_CHANNELS, event__region__isnull=False)
        .order_by("event_id", "-confirmed", "-score")
        .values_list("event_id", "item__domain__code")
    ):
        top.setdefault(eid, dom)
    rows = []
    for eid, grid_id, received in (
        Event.objects.filter(id__in=top).order_by("id").values_list("id", "region_id", "received_at")
    ):
        candidates = by_grid.get((grid_id, top[eid]))
        if candidates and rng.random() < COMPLAINT_LINK:
            rows.append(
                {
                    "subject_id": rng.choice(candidates),
                    "event_id": eid,
                    "linked_at": received,
                    "linked_by_id": None,
                }
            )
    _insert(SubjectEvent, rows)
    return len(rows)


def _requests(rng: random.Random, subjects, domains_of, domain_pk, *, by, now) -> int:
    departments = {u.domain.code: u for u in Unit.objects.filter(kind="department").select_related("domain")}
    items = dict(EnforcementItem.objects.values_list("code", "id"))
    made = 0
    for domain, industries, reason, a, b, share in REQUESTS:
        unit = departments.get(domain)
        if unit is None:
            continue
        for sid, _credit, _sd, path, _grid, industry, _opened in subjects:
            if industry not in industries or domain not in domains_of.get(sid, {}) or rng.random() >= share:
                continue
            request = InspectionRequest.objects.create(
                unit=unit,
                domain_id=domain_pk[domain],
                subject_id=sid,
                due_from=in_winter(a),
                due_to=in_winter(b),
                reason=reason,
                status=RequestStatus.OPEN,
                region_path=path,
                created_by=by,
                created_at=now,
            )
            request.items.set([items[c] for c in domains_of[sid][domain] if c in items])
            made += 1
    return made


# The winter's joint plans (the reference winter's dates, moved by asof.in_winter), published, so the calendar and the officers' phone page have something to show.
PLAN_PERIOD = (date(2026, 12, 1), date(2027, 2, 28))
PLAN_REGIONS = ("330102014", "330102008")  # 四季青 (its buildings), 南星 (its small eateries)
# 元旦 and 春节 2027: assumed, the State Council publishes the 2027 holidays late in 2026.
PLAN_QUIET_DAYS = (date(2027, 1, 1), *(date(2027, 2, d) for d in range(5, 12)))


def build_joint_plans(*, seed: int) -> dict[str, int]:
    planner = User.objects.get(username="command")
    made = visits = 0
    for code in PLAN_REGIONS:
        plan = joint_plan_create(
            region=code,
            period_start=in_winter(PLAN_PERIOD[0]),
            period_end=in_winter(PLAN_PERIOD[1]),
            quiet_days=[in_winter(d) for d in PLAN_QUIET_DAYS],
            seed=f"demo-{seed}-{code}",
            by=planner,
        )
        joint_plan_publish(plan=plan, by=planner)
        made += 1
        visits += plan.figures["joint_visits"]
    return {"joint_plans": made, "joint_plan_visits": visits}
