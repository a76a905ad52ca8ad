"""Reads of events, scoped by who asks: their subdistrict, or the events their unit works on."""

from django.db.models import Q, QuerySet
from django.http import Http404

from zhifa.dispatch.models import Event, EventUnit
from zhifa.org.scope import scope_for


def event_list_for_user(*, user, status: str | None = None, q: str = "") -> QuerySet:
    scope = scope_for(user)
    qs = Event.objects.select_related("lead_unit", "subdistrict", "sla")
    if not scope.district_wide:
        # A subdistrict sees what happened inside it and what was sent to any of its units (an unlocated event
        # sent to its team is its command room's too); a team also sees what it was asked to work on elsewhere.
        handled_here = EventUnit.objects.filter(active=True).filter(
            Q(unit_id=scope.unit_id) | Q(unit__region__path__startswith=scope.region_path)
        )
        # And everyone follows what they reported themselves (a grid worker's 网格吹哨 routed elsewhere).
        qs = qs.filter(
            Q(region_path__startswith=scope.region_path)
            | Q(pk__in=handled_here.values("event_id"))
            | Q(reporter_id=scope.user_id)
        )
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(
            Q(description__icontains=q)
            | Q(receipt_no=q.strip().upper())
            | Q(external_no=q.strip())
            | Q(address__icontains=q)
        )
    return qs


def event_get_for_user(*, user, pk: int) -> Event:
    event = event_list_for_user(user=user).filter(pk=pk).first()
    if event is None:
        raise Http404("事件不存在或不在您的辖区内")
    return event


def event_get_by_receipt(*, receipt_no: str) -> Event:
    """The public's view: one event, by its receipt number only."""
    event = (
        Event.objects.select_related("lead_unit")
        .filter(receipt_no=(receipt_no or "").strip().upper())
        .first()
    )
    if event is None:
        raise Http404("未找到该受理编号")
    return event


def events_reported_by(*, user, limit: int = 10) -> tuple[list[Event], int]:
    """The latest events `user` reported (现场上报), newest first, and how many there are in all."""
    if user is None or not user.is_authenticated:
        return [], 0
    qs = Event.objects.filter(reporter_id=user.pk).select_related("lead_unit").order_by("-received_at", "-id")
    return list(qs[:limit]), qs.count()
