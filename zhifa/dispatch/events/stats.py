"""Figures of the command centre, each defined once here for the board and the dashboard: on-time rates per
clock (per unit and for the whole scope), events overdue now, the 721 resolution mix.

- On-time rate of a clock, over a window: of the events received in the window (merged duplicates left out)
  whose clock has come due — stopped, or still running past its limit — the share stopped within the limit.
- Overdue (超时) now: an event not yet closed with at least one clock past due and not stopped.
"""

from datetime import datetime, timedelta

from django.db.models import Avg, Count, F, Q

from zhifa.dispatch.choices import EventStatus, ResolutionMode
from zhifa.dispatch.events.selectors import event_list_for_user
from zhifa.dispatch.models import Event, SlaPolicy
from zhifa.dispatch.sla import FINISHED, STOPPED_BY

# The clocks a working unit answers for (responding is the command centre's own clock).
UNIT_CLOCKS = (("link", "签收"), ("on_site", "到场"), ("resolve", "办结"), ("answer", "答复"))
ON_TIME_DAYS = 30  # the board's window, and the dashboard's default
ON_TIME_DEFINITION = (
    "按时率 = 时限内完成 ÷（已完成 + 已超时未完成），统计期间内受理的事件（不含被合并的重复件）"
)
OVERDUE_DEFINITION = "未办结且任一时限已过而未完成（含已处置待答复）"


def overdue_q(policies: list[SlaPolicy], now: datetime) -> Q:
    """Overdue now: not finished, with at least one clock past due and not stopped (the rule of event_clocks)."""
    q = Q(pk__in=[])
    for p in policies:
        for clock, stopped in STOPPED_BY.items():
            minutes = getattr(p, f"{clock}_minutes")
            if minutes is not None:
                q |= Q(
                    sla_id=p.pk,
                    received_at__lt=now - timedelta(minutes=minutes),
                    **{f"{stopped}__isnull": True},
                )
    return ~Q(status__in=FINISHED) & q


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _clock_q(clock: str, policies: list[SlaPolicy], now: datetime) -> tuple[Q, Q]:
    """(met, missed) for one clock: stopped in time, or stopped late / still running past due."""
    met, missed = Q(pk__in=[]), Q(pk__in=[])
    stopped = STOPPED_BY[clock]
    for p in policies:
        minutes = getattr(p, f"{clock}_minutes")
        if minutes is None:
            continue
        limit = timedelta(minutes=minutes)
        met |= Q(sla_id=p.pk, **{f"{stopped}__lte": F("received_at") + limit})
        missed |= Q(sla_id=p.pk, **{f"{stopped}__gt": F("received_at") + limit}) | Q(
            sla_id=p.pk, received_at__lt=now - limit, **{f"{stopped}__isnull": True}
        )
    return met, missed


def _scoped(user, since: datetime):
    ids = event_list_for_user(user=user).filter(received_at__gte=since).values("pk")
    return Event.objects.filter(pk__in=ids).exclude(status=EventStatus.MERGED)


def _clock_figures(row: dict, clocks) -> dict:
    return {
        clock: {
            "label": label,
            "met": row[f"{clock}_met"],
            "due": row[f"{clock}_met"] + row[f"{clock}_missed"],
            "percent": _percent(row[f"{clock}_met"], row[f"{clock}_met"] + row[f"{clock}_missed"]),
        }
        for clock, label in clocks
    }


def _clock_aggregates(policies, now, clocks) -> dict:
    aggregates = {}
    for clock, _ in clocks:
        met, missed = _clock_q(clock, policies, now)
        aggregates[f"{clock}_met"] = Count("id", filter=met)
        aggregates[f"{clock}_missed"] = Count("id", filter=missed)
    return aggregates


def on_time_total(*, user, since: datetime, now: datetime) -> dict:
    """The same rates for every event in the user's scope received since `since` (whoever leads it): the
    board's 按时到场率 and the dashboard's total row are this one figure."""
    policies = list(SlaPolicy.objects.all())
    row = _scoped(user, since).aggregate(n=Count("id"), **_clock_aggregates(policies, now, UNIT_CLOCKS))
    return {"events": row["n"], "clocks": _clock_figures(row, UNIT_CLOCKS)}


def on_time_rates(*, user, since: datetime, now: datetime) -> tuple[list[dict], dict]:
    """(per lead unit, total) in one grouped query: for each clock the share met of those met or missed,
    units worst first; the total takes in events with no lead unit yet, so it is on_time_total's figure."""
    policies = list(SlaPolicy.objects.all())
    aggregates = {"n": Count("id"), "rating": Avg("rating"), **_clock_aggregates(policies, now, UNIT_CLOCKS)}
    rows = list(
        _scoped(user, since)
        .values("lead_unit__code", "lead_unit__name")
        .annotate(**aggregates)
        .order_by("lead_unit__code")
    )
    sums = {key: sum(r[key] for r in rows) for key in aggregates if key != "rating"}
    total = {"events": sums["n"], "clocks": _clock_figures(sums, UNIT_CLOCKS)}
    out = []
    for r in rows:
        if r["lead_unit__code"] is None:
            continue
        out.append(
            {
                "code": r["lead_unit__code"],
                "name": r["lead_unit__name"],
                "events": r["n"],
                "clocks": _clock_figures(r, UNIT_CLOCKS),
                "rating": round(r["rating"], 2) if r["rating"] is not None else None,
            }
        )
    # Units most behind on resolving first: the table is a to-do list for the command centre.
    out.sort(
        key=lambda u: (u["clocks"]["resolve"]["percent"] is None, u["clocks"]["resolve"]["percent"] or 0)
    )
    return out, total


def unit_on_time_rates(*, user, since: datetime, now: datetime) -> list[dict]:
    """Per lead unit: events, and for each clock the share met of those met or missed; worst first."""
    return on_time_rates(user=user, since=since, now=now)[0]


def resolution_mix(*, user, since: datetime) -> dict:
    """The 721 mix of resolved events: service 70 / management 20 / enforcement 10 is the reform's aim."""
    counts = dict(
        _scoped(user, since)
        .exclude(resolution_mode="")
        .values_list("resolution_mode")
        .annotate(n=Count("id"))
        .order_by()
    )
    total = sum(counts.values())
    return {
        "total": total,
        "modes": [
            {
                "mode": m.value,
                "label": m.label,
                "count": counts.get(m.value, 0),
                "percent": _percent(counts.get(m.value, 0), total),
            }
            for m in ResolutionMode
        ],
    }
