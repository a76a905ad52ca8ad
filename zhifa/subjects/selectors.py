"""Reads of regulated subjects, scoped by who asks: a subdistrict user sees the subjects placed inside it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from zhifa.engine.uscc import normalise
from zhifa.org.scope import get_in_scope_or_404, scope_for
from zhifa.subjects.choices import INDUSTRIES, CreditClass, SubjectKind, SubjectStatus
from zhifa.subjects.models import Subject, SubjectEvent, Violation

# The list's colour filter: the three colours and the subjects not yet coded.
COLOUR_FILTERS = {"green": "绿码", "yellow": "黄码", "red": "红码", "none": "未赋码"}


@dataclass(frozen=True)
class SubjectFilters:
    q: str = ""
    subdistrict: str = ""  # region code
    industry: str = ""  # industry code, e.g. H62
    credit_class: str = ""
    status: str = ""
    kind: str = ""
    building: str = ""  # building code
    colour: str = ""  # risk colour green / yellow / red, or "none" for subjects not yet coded

    def cleaned(self) -> SubjectFilters:
        """Unknown choice values are dropped rather than turned into an empty result."""
        return SubjectFilters(
            q=self.q.strip()[:100],
            subdistrict=self.subdistrict.strip()[:32],
            industry=self.industry if self.industry in INDUSTRIES else "",
            credit_class=self.credit_class if self.credit_class in CreditClass.values else "",
            status=self.status if self.status in SubjectStatus.values else "",
            kind=self.kind if self.kind in SubjectKind.values else "",
            building=self.building.strip()[:40],
            colour=self.colour if self.colour in COLOUR_FILTERS else "",
        )


def subject_list(*, user, filters: SubjectFilters | None = None) -> QuerySet[Subject]:
    f = (filters or SubjectFilters()).cleaned()
    qs = scope_for(user).filter(Subject.objects.all(), "region_path")
    if f.q:
        code = normalise(f.q)
        text = Q(name__icontains=f.q) | Q(address__icontains=f.q)
        qs = qs.filter(text | Q(uscc__startswith=code) if len(code) >= 4 and code.isalnum() else text)
    if f.subdistrict:
        qs = qs.filter(subdistrict__code=f.subdistrict)
    if f.industry:
        qs = qs.filter(industry_code=f.industry)
    if f.credit_class:
        qs = qs.filter(credit_class=f.credit_class)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.building:
        qs = qs.filter(building__code=f.building)
    if f.colour == "none":
        qs = qs.filter(risk__isnull=True)
    elif f.colour:
        qs = qs.filter(risk__colour=f.colour)
    return (
        qs.select_related("subdistrict", "grid", "building", "risk")
        .defer("subdistrict__geometry", "grid__geometry")
        .order_by("name", "id")
    )


def subject_get(*, user, pk: int) -> Subject:
    qs = Subject.objects.select_related("subdistrict", "grid", "building", "risk").defer(
        "subdistrict__geometry", "grid__geometry"
    )
    return get_in_scope_or_404(qs, scope_for(user), "region_path", pk=pk)


def subject_violations(*, subject: Subject) -> QuerySet[Violation]:
    return subject.violations.select_related("item", "item__domain", "event").order_by("-found_on", "-id")


def subject_events(*, subject: Subject) -> QuerySet[SubjectEvent]:
    return subject.event_links.select_related("event", "event__lead_unit").order_by("-event__received_at")


def subject_summary(*, user, filters: SubjectFilters | None = None) -> dict:
    """Counts by credit class of the filtered list, for the header of the list page."""
    rows = subject_list(user=user, filters=filters).order_by().values("credit_class").annotate(n=Count("id"))
    by_class = {r["credit_class"]: r["n"] for r in rows}
    return {
        "total": sum(by_class.values()),
        "by_class": [(c, by_class.get(c, 0)) for c in CreditClass.values],
    }
