"""预警模型 over events: unanswered reporters, returns, low ratings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Count, Q

from zhifa.dispatch.choices import EventStatus
from zhifa.dispatch.models import Event, EventStatusChange
from zhifa.engine.oversight import Finding, Record
from zhifa.oversight.rules.base import day_start

# --- events ----------------------------------------------------------------------------------------------


def _event_record(pk: int, receipt: str, title: str) -> Record:
    return Record("event", pk, f"{receipt} {title}")


def find_event_unanswered(params: dict, today: date) -> Iterable[Finding]:
    """An event closed without an answer to the person who reported it (办结未答复)."""
    since = today - timedelta(days=params["window_days"])
    has_reporter = ~Q(reporter_name="") | ~Q(reporter_phone="") | Q(reporter__isnull=False)
    rows = (
        Event.objects.filter(status=EventStatus.CLOSED, closed_at__gte=day_start(since))
        .filter(has_reporter)
        .filter(Q(answered_at__isnull=True) | Q(answer=""))
        .order_by()
        .values_list("pk", "receipt_no", "title", "lead_unit_id", "region_path")
    )
    for pk, receipt, title, unit_id, path in rows.iterator(chunk_size=2000):
        yield Finding(
            key=str(pk),
            title=f"事件 {receipt} 已办结，未答复反映人",
            detail=title,
            severity="yellow",
            unit_id=unit_id,
            region_path=path,
            records=(_event_record(pk, receipt, title),),
        )


def find_event_returned(params: dict, today: date) -> Iterable[Finding]:
    """An event returned (退单) twice or more: the routing or the units are passing it around."""
    since = today - timedelta(days=params["window_days"])
    rows = (
        EventStatusChange.objects.filter(
            to_status=EventStatus.RETURNED, event__received_at__gte=day_start(since)
        )
        .values("event_id", "event__receipt_no", "event__title", "event__lead_unit_id", "event__region_path")
        .annotate(n=Count("id"))
        .filter(n__gte=params["min_returns"])
        .order_by()
    )
    for r in rows:
        yield Finding(
            key=str(r["event_id"]),
            title=f"事件 {r['event__receipt_no']} 被退单 {r['n']} 次",
            detail=r["event__title"],
            severity="red" if r["n"] > params["min_returns"] else "yellow",
            unit_id=r["event__lead_unit_id"],
            region_path=r["event__region_path"],
            records=(_event_record(r["event_id"], r["event__receipt_no"], r["event__title"]),),
        )


def find_event_low_rating(params: dict, today: date) -> Iterable[Finding]:
    """The reporter rated the handling of an event low."""
    since = today - timedelta(days=params["window_days"])
    rows = (
        Event.objects.filter(
            rating__isnull=False, rating__lte=params["max_score"], received_at__gte=day_start(since)
        )
        .order_by()
        .values_list("pk", "receipt_no", "title", "rating", "lead_unit_id", "region_path")
    )
    for pk, receipt, title, rating, unit_id, path in rows.iterator(chunk_size=2000):
        yield Finding(
            key=str(pk),
            title=f"事件 {receipt} 反映人评价 {rating} 分",
            detail=title,
            severity="yellow",
            unit_id=unit_id,
            region_path=path,
            records=(_event_record(pk, receipt, title),),
        )
