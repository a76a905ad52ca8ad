"""Reads of cases, scoped by who asks. A case belongs to its handling unit: a subdistrict (its teams and command
room) sees the cases of units inside it; a district team or department sees its domain's cases; the district
command, oversight and the administrator see all; a unit a case was transferred to sees that case too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from zhifa.accounts.choices import Role
from zhifa.cases.choices import FINISHED_STAGES, NO_PENALTY_OUTCOMES, Outcome, Procedure, Stage
from zhifa.cases.config import case_rules, district_calendar
from zhifa.cases.models import Case, CaseCause, CaseDocument, CaseEvidence, CaseOfficer, CaseParty
from zhifa.cases.services.common import HANDLER_UNIT_KINDS, case_dates, today
from zhifa.engine.deadlines import Clock, case_clocks, limitation_end
from zhifa.org.models import Unit
from zhifa.org.scope import scope_for

NOT_FOUND = "案件不存在或不在您的辖区内"
SEE_ALL_ROLES = (Role.ADMIN, Role.DISTRICT_COMMAND, Role.OVERSIGHT)
MAX_DUE_DAYS = 366


def case_visibility(user) -> Q:
    """The condition on Case rows the user may read."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser or user.role in SEE_ALL_ROLES:
        return Q()
    if user.unit_id is None:
        return Q(pk__in=[])
    scope = scope_for(user)
    transferred = Q(transfer_to_unit_id=user.unit_id)
    if not scope.district_wide:
        return Q(region_path__startswith=scope.region_path) | transferred
    domain_id = user.unit.domain_id
    own = Q(unit_id=user.unit_id) | transferred
    return own | Q(domain_id=domain_id) if domain_id else own


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    stage: str = ""
    unit: str = ""  # unit code
    item: str = ""  # item code
    procedure: str = ""
    outcome: str = ""
    due_within: int | None = None  # days
    overdue: bool = False

    def cleaned(self) -> CaseFilters:
        """Unknown values are dropped rather than turned into an empty result."""
        days = (
            self.due_within
            if isinstance(self.due_within, int) and 0 <= self.due_within <= MAX_DUE_DAYS
            else None
        )
        return CaseFilters(
            q=(self.q or "").strip()[:100],
            stage=self.stage if self.stage in Stage.values else "",
            unit=(self.unit or "").strip()[:40],
            item=(self.item or "").strip().upper()[:40],
            procedure=self.procedure if self.procedure in Procedure.values else "",
            outcome=self.outcome if self.outcome in Outcome.values else "",
            due_within=days,
            overdue=bool(self.overdue),
        )


def case_list_for_user(*, user, filters: CaseFilters | None = None, on: date | None = None) -> QuerySet[Case]:
    f = (filters or CaseFilters()).cleaned()
    on = on or today()
    qs = Case.objects.filter(case_visibility(user))
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.unit:
        qs = qs.filter(unit__code=f.unit)
    if f.item:
        qs = qs.filter(pk__in=CaseCause.objects.filter(item__code=f.item).values("case_id"))
    if f.procedure:
        qs = qs.filter(procedure=f.procedure)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.overdue:
        qs = qs.filter(next_due__lt=on)
    if f.due_within is not None:
        qs = qs.filter(next_due__gte=on, next_due__lte=on + timedelta(days=f.due_within))
    if f.q:
        parties = CaseParty.objects.filter(Q(name__icontains=f.q) | Q(uscc=f.q.upper())).values("case_id")
        qs = qs.filter(
            Q(number__icontains=f.q)
            | Q(decision_number__icontains=f.q)
            | Q(facts__icontains=f.q)
            | Q(pk__in=parties)
        )
    order = ["next_due", "-id"] if f.overdue or f.due_within is not None else ["-created_at", "-id"]
    return qs.select_related("unit").order_by(*order)


def with_summary(qs: QuerySet[Case]) -> QuerySet[Case]:
    """The parties and causes a list row shows, fetched once for the page."""
    return qs.prefetch_related(
        Prefetch("parties", queryset=CaseParty.objects.order_by("position", "id")),
        Prefetch("causes", queryset=CaseCause.objects.select_related("item").order_by("id")),
    )


def case_get_for_user(*, user, pk: int) -> Case:
    case = (
        Case.objects.filter(case_visibility(user), pk=pk)
        .select_related(
            "unit", "domain", "created_by", "event", "inspection", "transfer_to_unit", "transferred_from"
        )
        .prefetch_related(
            Prefetch(
                "parties", queryset=CaseParty.objects.select_related("subject").order_by("position", "id")
            ),
            Prefetch("causes", queryset=CaseCause.objects.select_related("item", "party").order_by("id")),
            Prefetch(
                "case_officers",
                queryset=CaseOfficer.objects.select_related("officer").order_by("-role", "id"),
            ),
        )
        .first()
    )
    if case is None:
        raise Http404(NOT_FOUND)
    return case


def case_clocks_of(case: Case, on: date | None = None) -> list[Clock]:
    return case_clocks(case_dates(case), case_rules(), district_calendar(), on or today())


def case_documents(case: Case) -> list[CaseDocument]:
    return list(case.documents.select_related("by").order_by("created_at", "id"))


def case_document_get_for_user(*, user, case_pk: int, pk: int) -> CaseDocument:
    case = case_get_for_user(user=user, pk=case_pk)
    document = case.documents.filter(pk=pk).first()
    if document is None:
        raise Http404("文书不存在或不在您的辖区内")
    document.case = case
    return document


def case_evidence(case: Case) -> list[CaseEvidence]:
    return list(
        case.evidence.select_related(
            "source_unit", "added_by", "adopted_from__case", "withdrawn_by"
        ).order_by("added_at", "id")
    )


def case_evidence_get_for_user(*, user, case_pk: int, pk: int) -> CaseEvidence:
    case = case_get_for_user(user=user, pk=case_pk)
    row = (
        case.evidence.select_related("event_evidence", "inspection_photo", "adopted_from")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise Http404("证据不存在或不在您的辖区内")
    return row


def evidence_bytes_source(row: CaseEvidence):
    """The FieldFile holding the evidence's bytes, following an adoption back to the collecting case."""
    seen = 0
    while row.adopted_from_id is not None and seen < 20:
        row, seen = row.adopted_from, seen + 1
    if row.event_evidence_id:
        return row.event_evidence.file
    if row.inspection_photo_id:
        return row.inspection_photo.file
    return row.file


def case_timeline(case: Case) -> list:
    return list(case.steps.select_related("by", "document").order_by("at", "id"))


# --- figures -------------------------------------------------------------------------------------------------


def case_outcome_counts(*, user, since: date | None = None) -> dict:
    """How the user's cases ended, for the dashboard: each outcome, and the 信用修复 guidance given."""
    qs = Case.objects.filter(case_visibility(user)).exclude(outcome="")
    if since is not None:
        qs = qs.filter(decided_on__gte=since)
    rows = dict(qs.order_by().values_list("outcome").annotate(n=Count("id")))
    counts = {value: rows.get(value, 0) for value in Outcome.values}
    return {
        "outcomes": [(value, label, counts[value]) for value, label in Outcome.choices],
        "no_penalty": sum(counts[o] for o in NO_PENALTY_OUTCOMES),
        "decided": sum(counts.values()),
        "credit_guided": qs.filter(credit_guided_on__isnull=False).count(),
    }


def case_stage_counts(*, user, on: date | None = None) -> dict:
    on = on or today()
    qs = Case.objects.filter(case_visibility(user))
    live = qs.exclude(stage__in=FINISHED_STAGES)
    return {
        "live": live.count(),
        "overdue": live.filter(next_due__lt=on).count(),
        "due_7": live.filter(next_due__gte=on, next_due__lte=on + timedelta(days=7)).count(),
    }


def case_deadlines(case: Case, clocks: list[Clock] | None = None) -> dict[str, date | None]:
    """Each due date of the case by name (the API's `deadlines`), with the limitation's last day."""
    due = {c.kind: c.due for c in (clocks if clocks is not None else case_clocks_of(case))}
    hearing = getattr(case, "hearing", None)
    return {
        "decision_due": due.get("decision"),
        "party_window_end": due.get("party"),
        "hearing_on": hearing.held_on if hearing else None,
        "service_due": due.get("service"),
        "payment_due": due.get("payment"),
        "publish_due": due.get("publish"),
        "public_service_due": due.get("public_service"),
        "limitation_end": limitation_end(case.conduct_ended_on, case.harmed) if case.filed_on else None,
    }


def units_with_cases(*, user) -> list[tuple[str, str]]:
    """The handling units of the cases the user sees (the list's unit filter)."""
    rows = (
        Case.objects.filter(case_visibility(user))
        .order_by()
        .values_list("unit__code", "unit__name")
        .distinct()
    )
    return sorted(rows)


def transfer_units() -> list[tuple[str, str]]:
    """Units a case can be transferred to: every active team and department (unit names are public)."""
    return list(
        Unit.objects.filter(active=True, kind__in=HANDLER_UNIT_KINDS)
        .order_by("kind", "code")
        .values_list("code", "name")
    )
