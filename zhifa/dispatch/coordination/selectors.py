"""Scoped reads of consultations and evidence.

A consultation is seen by its participating and convening units, the district command centre, oversight, and
the subdistrict command whose area holds one of its events. Evidence is seen by those who may see its event
and, among them, by the collecting unit, the units it is shared with (by default every unit working the
event), the command centres and oversight."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from zhifa.accounts.choices import Role
from zhifa.dispatch.events.selectors import event_list_for_user
from zhifa.dispatch.models import (
    Consultation,
    ConsultationParticipant,
    Event,
    EventUnit,
    Evidence,
    EvidenceUse,
)
from zhifa.org.choices import UnitKind
from zhifa.org.models import Unit
from zhifa.org.scope import scope_for

# Roles that read every consultation and every piece of evidence in the district.
SEE_ALL_ROLES = (Role.ADMIN, Role.DISTRICT_COMMAND, Role.OVERSIGHT)


def _sees_all(user) -> bool:
    return user.is_superuser or user.role in SEE_ALL_ROLES


def _subdistrict_command_path(user) -> str | None:
    if user.role != Role.SUBDISTRICT_COMMAND:
        return None
    return scope_for(user).region_path


# --- consultations --------------------------------------------------------------------------------------


def _consultation_visible(user) -> Q | None:
    """Condition on Consultation rows the user may read; None means all of them."""
    if _sees_all(user):
        return None
    if not user.is_authenticated or user.unit_id is None:
        return Q(pk__in=[])
    invited = ConsultationParticipant.objects.filter(consultation_id=OuterRef("pk"), unit_id=user.unit_id)
    cond = Q(convened_by_id=user.unit_id) | Q(Exists(invited))
    path = _subdistrict_command_path(user)
    if path:
        in_area = Event.objects.filter(consultations=OuterRef("pk"), region_path__startswith=path)
        cond |= Q(Exists(in_area))
    return cond


def consultation_list_for_user(*, user, q: str = "", kind: str = "", status: str = "") -> QuerySet:
    qs = Consultation.objects.select_related("convened_by")
    visible = _consultation_visible(user)
    if visible is not None:
        qs = qs.filter(visible)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    q = (q or "").strip()
    if q:
        by_event = Event.objects.filter(consultations=OuterRef("pk"), receipt_no=q.upper())
        by_unit = ConsultationParticipant.objects.filter(
            consultation_id=OuterRef("pk"), unit__name__icontains=q
        )
        qs = qs.filter(
            Q(topic__icontains=q)
            | Q(place__icontains=q)
            | Q(decisions__icontains=q)
            | Q(Exists(by_event))
            | Q(Exists(by_unit))
        )
    return qs


def with_participants(qs: QuerySet) -> QuerySet:
    return qs.prefetch_related(
        Prefetch("participants", queryset=ConsultationParticipant.objects.select_related("unit"))
    )


def consultation_get_for_user(*, user, pk: int) -> Consultation:
    meeting = with_participants(consultation_list_for_user(user=user)).filter(pk=pk).first()
    if meeting is None:
        raise Http404("会议不存在或不在您的辖区内")
    return meeting


def consultation_events_for_user(*, user, consultation: Consultation) -> list[Event]:
    """The meeting's events the user may open; the others are counted, not named."""
    return list(
        event_list_for_user(user=user)
        .filter(consultations=consultation)
        .defer("subdistrict__geometry", "classification", "route_explanation")
        .order_by("received_at", "id")
    )


def consultations_for_event(*, user, event: Event) -> list[Consultation]:
    return list(with_participants(consultation_list_for_user(user=user).filter(events=event)))


# --- evidence -------------------------------------------------------------------------------------------


def _evidence_visible(user) -> Q | None:
    """Condition on Evidence rows (of events the user may already see); None means all of them."""
    if _sees_all(user):
        return None
    if user.unit_id is None:
        return Q(pk__in=[])
    uid = user.unit_id
    through = Evidence.shared_with.through
    shared_to_all = ~Exists(through.objects.filter(evidence_id=OuterRef("pk")))
    shared_to_me = Exists(through.objects.filter(evidence_id=OuterRef("pk"), unit_id=uid))
    working = Exists(EventUnit.objects.filter(event_id=OuterRef("event_id"), unit_id=uid, active=True))
    cond = Q(unit_id=uid) | Q(shared_to_me) | (Q(shared_to_all) & Q(working))
    path = _subdistrict_command_path(user)
    if path:
        cond |= Q(event__region_path__startswith=path)
    return cond


def _evidence_qs(user) -> QuerySet:
    qs = Evidence.objects.select_related("unit", "created_by", "withdrawn_by").prefetch_related(
        "shared_with", Prefetch("uses", queryset=EvidenceUse.objects.select_related("unit", "by"))
    )
    visible = _evidence_visible(user)
    return qs.filter(visible) if visible is not None else qs


def evidence_for_event(*, user, event: Event) -> list[Evidence]:
    """Evidence of an event the caller already fetched through event_get_for_user."""
    return list(_evidence_qs(user).filter(event=event).order_by("created_at", "id"))


def evidence_get_for_user(*, user, pk: int) -> Evidence:
    evidence = (
        _evidence_qs(user)
        .select_related("event")
        .filter(pk=pk, event__in=event_list_for_user(user=user).values("pk"))
        .first()
    )
    if evidence is None:
        raise Http404("证据不存在或不在您的辖区内")
    return evidence


# --- units to invite or share with -----------------------------------------------------------------------


def unit_choices() -> list[tuple[str, str]]:
    """Units that can be invited to a meeting or be shared evidence: every active unit but oversight.

    Unit names are public knowledge; which events a unit works on is not shown here."""
    return list(
        Unit.objects.filter(active=True)
        .exclude(kind=UnitKind.OVERSIGHT_OFFICE)
        .order_by("kind", "code")
        .values_list("code", "name")
    )


def units_by_code(codes) -> tuple[list[Unit], list[str]]:
    """(active units, unknown codes) for the codes a form or the API sent."""
    codes = [c for c in dict.fromkeys(codes or []) if c]
    found = {u.code: u for u in Unit.objects.filter(code__in=codes, active=True)}
    return [found[c] for c in codes if c in found], [c for c in codes if c not in found]
