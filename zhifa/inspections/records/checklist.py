"""What a visit checks: the subject's scenario items (监管一件事) or its industry's base list, in the ticked domains
(items delegated to the subdistricts count under 综合执法); a started record keeps its own list."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from zhifa.catalog.choices import ItemStatus
from zhifa.catalog.models import EnforcementItem
from zhifa.inspections.choices import InspectionStatus
from zhifa.inspections.demands.selectors import DELEGATED_DOMAIN, industry_checks
from zhifa.inspections.models import Inspection
from zhifa.org.models import Domain
from zhifa.subjects.choices import SubjectStatus
from zhifa.subjects.models import Subject


def _active_items() -> QuerySet[EnforcementItem]:
    return EnforcementItem.objects.filter(status=ItemStatus.ACTIVE).select_related("domain")


def _ordered(qs: QuerySet[EnforcementItem]) -> list[EnforcementItem]:
    return list(qs.distinct().order_by("domain__sort", "domain__code", "code"))


def _in_domains(items: QuerySet[EnforcementItem], codes: list[str]) -> QuerySet[EnforcementItem]:
    """The items of the ticked domains; delegated items (赋权) count under 综合执法 (the subdistrict team checks
    them). No domain ticked: all."""
    if not codes:
        return items
    q = Q(domain__code__in=codes)
    if DELEGATED_DOMAIN in codes:
        q |= Q(delegated=True)
    return items.filter(q)


def checklist_items(subject: Subject, domains=None) -> list[EnforcementItem]:
    """The union of the subject's scenarios' active items in `domains` (codes or Domain rows; all when none),
    ordered by domain then code. Items delegated to the subdistricts (赋权) are in the 综合执法 domain's
    checklist too, since the subdistrict's team checks them (as the demands count them).

    A subject in no scenario gets its industry's base checklist (the one its due checks were planned with,
    zhifa/inspections/data/industry_checks.csv); failing that it is checked like its peers: the items of the
    scenario most subjects of its industry belong to; failing that, the domains' active items that belong to
    any scenario; failing that, the domains' high-frequency items."""
    codes = [d.code if isinstance(d, Domain) else str(d) for d in (domains or [])]
    items = _in_domains(_active_items(), codes)
    if subject.scenarios.exists():
        return _ordered(items.filter(scenarios__subjects=subject))
    base = _ordered(items.filter(code__in=industry_checks().get(subject.industry_code, ())))
    if base:
        return base
    through = Subject.scenarios.through
    peers = (
        through.objects.filter(
            subject__industry_code=subject.industry_code, subject__status=SubjectStatus.ACTIVE
        )
        .values("scenario_id")
        .annotate(n=Count("id"))
        .order_by("-n", "scenario_id")
        .values_list("scenario_id", flat=True)[:1]
    )
    if peers:
        by_peers = _ordered(items.filter(scenarios__id__in=list(peers)))
        if by_peers:
            return by_peers
    in_scenarios = _ordered(items.filter(scenarios__isnull=False))
    return in_scenarios or _ordered(items.filter(high_frequency=True))


def visit_items(visit, domains) -> list[EnforcementItem]:
    """A plan visit's items in the ticked domains (codes)."""
    planned = EnforcementItem.objects.select_related("domain").filter(code__in=visit.items)
    return _ordered(_in_domains(planned, [str(d) for d in domains or []]))


def inspection_checklist(inspection: Inspection) -> list[EnforcementItem]:
    """The checklist of a record: the plan visit's item codes, a department request's items, else the
    subject's scenario items — always only the items of the record's (ticked) domains. A finished record's
    checklist is what was answered."""
    if inspection.status == InspectionStatus.FINISHED:
        return _ordered(EnforcementItem.objects.filter(pk__in=inspection.findings.values("item_id")))
    codes = list(inspection.domains.values_list("code", flat=True))
    if inspection.plan_visit_id:
        return visit_items(inspection.plan_visit, codes)
    if inspection.request_id and inspection.request.items.exists():
        return _ordered(_in_domains(inspection.request.items.select_related("domain"), codes))
    return checklist_items(inspection.subject, codes)
