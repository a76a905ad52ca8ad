"""Inspection demands for a region and period, gathered from the records (rules in zhifa/engine/demands.py).

What a subject is checked for: the items of its scenarios (监管一件事) grouped by domain; a subject in no scenario
gets its industry's base checklist (data/industry_checks.csv: division → item codes; codes not in the catalog
or retired are skipped). An item delegated to the subdistricts (赋权) is checked by the subdistrict's
comprehensive team whatever department it came from, so it counts under the 综合执法 domain, as routing sends
it there. Its colour is the stored 三色赋码 (a subject not yet coded counts as yellow: two routine checks a year
until the first coding). A domain's last check is the latest finished inspection covering it.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.catalog.choices import ItemStatus
from zhifa.catalog.models import EnforcementItem
from zhifa.core.errors import ServiceError
from zhifa.dispatch.choices import COMPLAINT_CHANNELS
from zhifa.dispatch.models import EventItem
from zhifa.engine import planning
from zhifa.engine.demands import (
    SOURCES,
    Complaint,
    DemandRules,
    DueSubject,
    Request,
    build_demands,
    summarise,
)
from zhifa.inspections.choices import DemandSource, InspectionKind, InspectionStatus, RequestStatus
from zhifa.inspections.models import Inspection, InspectionRequest
from zhifa.org.models import Domain, Region
from zhifa.org.scope import scope_for
from zhifa.risk.models import SubjectRisk
from zhifa.risk.policy import risk_policy_current
from zhifa.subjects.choices import SubjectStatus
from zhifa.subjects.models import Subject, SubjectEvent

INDUSTRY_CHECKS = Path(__file__).resolve().parent.parent / "data" / "industry_checks.csv"
UNCODED_COLOUR = "yellow"
DELEGATED_DOMAIN = "comprehensive"  # 赋权事项: the subdistrict's 综合行政执法队 checks them


@lru_cache(maxsize=1)
def industry_checks() -> dict[str, tuple[str, ...]]:
    """Division code → item codes of its base checklist (for subjects in no scenario)."""
    with open(INDUSTRY_CHECKS, encoding="utf-8", newline="") as fh:
        return {row["industry"]: tuple(row["item_codes"].split("|")) for row in csv.DictReader(fh)}


@dataclass
class DemandSet:
    subjects: list[planning.Subject]
    demands: list[planning.Demand]
    visits_this_year: dict[int, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    colours: dict[int, str] = field(default_factory=dict)


def demand_rules() -> DemandRules:
    return DemandRules(
        complaint_days=settings.ZHIFA_COMPLAINT_CHECK_DAYS,
        guidance_days=settings.ZHIFA_GUIDANCE_VISIT_DAYS,
        policy=risk_policy_current(),
    )


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class SubjectChecks:
    """What one subject is checked for: domain → item codes, and each scenario's domains (checked together)."""

    domains: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    bundles: list[frozenset[str]] = field(default_factory=list)


def subject_checks(rows: list[tuple[int, str]], *, ids=None) -> dict[int, SubjectChecks]:
    """For (subject id, industry code) rows: scenario items by domain, else the industry's base checklist.
    `ids`: the rows' subjects as a subquery, cheaper than a list of thousands of ids."""
    ids = [sid for sid, _ in rows] if ids is None else ids
    through = Subject.scenarios.through
    scenario_of: dict[int, list[int]] = defaultdict(list)
    for sid, scid in through.objects.filter(subject_id__in=ids).values_list("subject_id", "scenario_id"):
        scenario_of[sid].append(scid)
    scenario_items: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for scid, code, dom, delegated in (
        EnforcementItem.scenarios.through.objects.filter(
            scenario_id__in={s for v in scenario_of.values() for s in v},
            enforcementitem__status=ItemStatus.ACTIVE,
        )
        .values_list(
            "scenario_id",
            "enforcementitem__code",
            "enforcementitem__domain__code",
            "enforcementitem__delegated",
        )
        .order_by("enforcementitem__code")
    ):
        scenario_items[scid].append((code, DELEGATED_DOMAIN if delegated else dom))
    active = {
        code: DELEGATED_DOMAIN if delegated else dom
        for code, dom, delegated in EnforcementItem.objects.filter(status=ItemStatus.ACTIVE).values_list(
            "code", "domain__code", "delegated"
        )
    }
    checks = industry_checks()
    out: dict[int, SubjectChecks] = {}
    for sid, industry in rows:
        mine = out[sid] = SubjectChecks()
        for scid in scenario_of.get(sid, ()):
            bundle = set()
            for code, dom in scenario_items.get(scid, ()):
                mine.domains[dom].add(code)
                bundle.add(dom)
            if len(bundle) > 1:
                mine.bundles.append(frozenset(bundle))
        if not mine.domains:
            for code in checks.get(industry, ()):
                if code in active:
                    mine.domains[active[code]].add(code)
    return out


def subject_domains(ids: list[int]) -> dict[int, dict[str, set[str]]]:
    """Subject id → {domain code: item codes} (see subject_checks)."""
    rows = list(Subject.objects.filter(id__in=ids).values_list("id", "industry_code"))
    return {sid: dict(c.domains) for sid, c in subject_checks(rows).items()}


def inspection_demands(*, region: Region, period_start: date, period_end: date, rules=None) -> DemandSet:
    """Every due check in `region` for the period (see the module text); the planner's input."""
    rules = rules or demand_rules()
    rows = list(
        Subject.objects.filter(region_path__startswith=region.path, status=SubjectStatus.ACTIVE)
        .order_by("id")
        .values_list(
            "id", "name", "industry_code", "lng", "lat", "opened_on",
            "building__code", "building__lng", "building__lat", "grid__code",
            "grid__centroid_lng", "grid__centroid_lat", "subdistrict__centroid_lng", "subdistrict__centroid_lat",
        )
    )  # fmt: skip
    # The region's subjects as a subquery in the queries below: an IN list of thousands of ids costs Django
    # seconds to build (the page for 四季青, 5,180 subjects, took one to seven).
    ids = (
        Subject.objects.filter(region_path__startswith=region.path, status=SubjectStatus.ACTIVE)
        .order_by()
        .values("id")
    )
    colours = dict(SubjectRisk.objects.filter(subject_id__in=ids).values_list("subject_id", "colour"))
    checks = subject_checks([(r[0], r[2]) for r in rows], ids=ids)

    finished = Inspection.objects.filter(subject_id__in=ids, status=InspectionStatus.FINISHED)
    last_checked: dict[int, dict[str, date]] = defaultdict(dict)
    for sid, dom, last in (
        finished.values_list("subject_id", "domains__code").annotate(last=Max("visited_on")).order_by()
    ):
        if dom:
            last_checked[sid][dom] = last
    guided = set(
        finished.filter(kind=InspectionKind.GUIDANCE).values_list("subject_id", flat=True).distinct()
    )

    subjects: list[planning.Subject] = []
    due: list[DueSubject] = []
    names: dict[int, str] = {}
    for sid, name, _industry, lng, lat, opened, bcode, blng, blat, gcode, glng, glat, slng, slat in rows:
        point = next(
            ((x, y) for x, y in ((lng, lat), (blng, blat), (glng, glat), (slng, slat)) if x is not None), None
        )
        names[sid] = name
        # A subject with no place at all is still due; a plan lists it as not fitted (no place to go).
        if point is not None:
            subjects.append(planning.Subject(sid, point[0], point[1], bcode, gcode))
        mine = checks[sid]
        due.append(
            DueSubject(
                id=sid,
                colour=colours.get(sid, UNCODED_COLOUR),
                domains={d: tuple(sorted(c)) for d, c in mine.domains.items()},
                scenario_domains=tuple(mine.bundles),
                last_checked=last_checked.get(sid, {}),
                opened_on=opened,
                guidance_done=sid in guided,
            )
        )

    complaints = _complaints(ids, period_start - timedelta(days=rules.complaint_lookback), period_end)
    requests = [
        Request(pk, sid, dom, a, b, tuple(sorted(c for c in codes if c)))
        for pk, sid, dom, a, b, codes in _requests(ids, period_start, period_end)
    ]
    demands = build_demands(
        due, (period_start, period_end), complaints=complaints, requests=requests, rules=rules
    )
    visits = visits_this_year(subject_ids=ids, year=period_start.year)
    return DemandSet(subjects, demands, visits, names, {s.id: s.colour for s in due})


def visits_this_year(*, subject_ids: Iterable[int], year: int) -> dict[int, int]:
    """Finished inspections of each subject in ``year`` (the yearly cap counts them)."""
    return dict(
        Inspection.objects.filter(
            subject_id__in=subject_ids if isinstance(subject_ids, QuerySet) else set(subject_ids),
            status=InspectionStatus.FINISHED,
            visited_on__year=year,
        )
        .values_list("subject_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def _complaints(ids, since: date, until: date) -> list[Complaint]:
    """Public complaints linked to the subjects, each with its items' domains (confirmed, else the best guess)."""
    links = list(
        SubjectEvent.objects.filter(
            subject_id__in=ids,
            event__channel__in=COMPLAINT_CHANNELS,
            event__received_at__gte=_aware(since),
            event__received_at__lt=_aware(until + timedelta(days=1)),
        ).values_list("subject_id", "event_id", "event__received_at")
    )
    items: dict[int, list[tuple[bool, float, str, str]]] = defaultdict(list)
    for eid, confirmed, score, code, dom in EventItem.objects.filter(
        event_id__in={e for _, e, _ in links}
    ).values_list("event_id", "confirmed", "score", "item__code", "item__domain__code"):
        items[eid].append((confirmed, score, code, dom))
    out = []
    for sid, eid, received in links:
        rows = items.get(eid, [])
        chosen = [r for r in rows if r[0]] or sorted(rows, key=lambda r: -r[1])[:1]
        per_domain: dict[str, list[str]] = defaultdict(list)
        for _, _, code, dom in chosen:
            per_domain[dom].append(code)
        day = timezone.localtime(received).date()
        out.extend(Complaint(sid, dom, tuple(codes), day) for dom, codes in per_domain.items())
    return out


def _requests(ids, start: date, end: date):
    """Open department requests whose window meets the period: (pk, subject, domain, from, to, item codes)."""
    rows: dict[int, list] = {}
    for pk, sid, dom, a, b, code in InspectionRequest.objects.filter(
        subject_id__in=ids, status=RequestStatus.OPEN, due_from__lte=end, due_to__gte=start
    ).values_list("id", "subject_id", "domain__code", "due_from", "due_to", "items__code"):
        rows.setdefault(pk, [pk, sid, dom, a, b, []])[5].append(code)
    return [tuple(r) for r in rows.values()]


# --- the demands page ---------------------------------------------------------------------------------------

MAX_PERIOD_DAYS = 366


@dataclass
class DemandOverview:
    region: Region
    period_start: date
    period_end: date
    rows: list[dict]  # per domain: name, counts per source, total
    totals: dict  # per source, total, and counts (in SOURCES order)
    subjects: list[
        dict
    ]  # per subject with demands: id, name, colour, demands [(domain name, from, to, source)]
    pairs: int  # (subject, domain) pairs: the visits if every department went alone


def next_quarter(today: date) -> tuple[date, date]:
    q = (today.month - 1) // 3 + 1
    year, month = (today.year + 1, 1) if q == 4 else (today.year, 3 * q + 1)
    end_year, end_month = (year + 1, 1) if month == 10 else (year, month + 3)
    return date(year, month, 1), date(end_year, end_month, 1) - timedelta(days=1)


def demand_overview(*, user, region_code: str, period_start: date, period_end: date) -> DemandOverview:
    """The due checks of one subdistrict in the user's jurisdiction, per domain and source and per subject."""
    region = Region.objects.filter(code=region_code).first()
    if region is None or not scope_for(user).covers_path(region.path):
        raise Http404("区域不存在或不在您的辖区内")
    if period_end < period_start:
        raise ServiceError("结束日期早于开始日期", [{"field": "end", "message": "结束日期早于开始日期"}])
    if (period_end - period_start).days >= MAX_PERIOD_DAYS:
        raise ServiceError("检查周期最长一年", [{"field": "end", "message": "检查周期最长一年"}])
    found = inspection_demands(region=region, period_start=period_start, period_end=period_end)
    names = dict(Domain.objects.values_list("code", "name"))
    order = {
        code: i
        for i, code in enumerate(Domain.objects.order_by("sort", "code").values_list("code", flat=True))
    }
    table = summarise(found.demands)
    rows = [
        {"code": code, "name": names.get(code, code), "counts": [counts[src] for src in SOURCES], **counts}
        for code, counts in sorted(table.items(), key=lambda kv: order.get(kv[0], 99))
    ]
    totals = {src: sum(r[src] for r in rows) for src in (*SOURCES, "total")}
    totals["counts"] = [totals[src] for src in SOURCES]
    labels = dict(DemandSource.choices)
    per_subject: dict[int, list] = defaultdict(list)
    for d in found.demands:
        per_subject[d.subject].append((names.get(d.domain, d.domain), d.due_from, d.due_to, labels[d.source]))
    subjects = [
        {"id": sid, "name": found.names[sid], "colour": found.colours[sid], "demands": sorted(ds)}
        for sid, ds in per_subject.items()
    ]
    subjects.sort(key=lambda s: ({"red": 0, "yellow": 1, "green": 2}[s["colour"]], s["name"], s["id"]))
    pairs = len({(d.subject, d.domain) for d in found.demands})
    return DemandOverview(region, period_start, period_end, rows, totals, subjects, pairs)


REQUEST_NOT_FOUND = "检查需求不存在或不在您的辖区内"


def request_list(*, user, status: str = "", q: str = "") -> QuerySet[InspectionRequest]:
    scope = scope_for(user)
    qs = InspectionRequest.objects.select_related("unit", "domain", "subject", "created_by")
    if user.role == Role.DEPARTMENT and not user.is_superuser:
        qs = qs.filter(unit_id=user.unit_id)
    else:
        qs = scope.filter(qs, "region_path")
    if status in RequestStatus.values:
        qs = qs.filter(status=status)
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(
            Q(subject__name__icontains=q) | Q(subject__uscc__startswith=q.upper()) | Q(reason__icontains=q)
        )
    return qs.order_by("status", "due_to", "id")


def request_get(*, user, pk: int) -> InspectionRequest:
    found = request_list(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404(REQUEST_NOT_FOUND)
    return found
