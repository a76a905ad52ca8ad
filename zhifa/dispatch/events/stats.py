"""Figures of the command centre for the dashboard: each unit's on-time rates and the 721 resolution mix."""

from datetime import datetime, timedelta

from django.db.models import Avg, Count, F, Q

from zhifa.dispatch.choices import EventStatus, ResolutionMode
from zhifa.dispatch.events.selectors import event_list_for_user
from zhifa.dispatch.models import Event, SlaPolicy
from zhifa.dispatch.sla import STOPPED_BY

# The clocks a working unit answers for (responding is the command centre's own clock).
UNIT_CLOCKS = (("link", "签收"), ("on_site", "到场"), ("resolve", "办结"), ("answer", "答复"))


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


def unit_on_time_rates(*, user, since: datetime, now: datetime) -> list[dict]:
    """Per lead unit: events, and for each clock the share met of those met or missed; worst first."""
    policies = list(SlaPolicy.objects.all())
    aggregates = {"n": Count("id"), "rating": Avg("rating")}
    for clock, _ in UNIT_CLOCKS:
        met, missed = _clock_q(clock, policies, now)
        aggregates[f"{clock}_met"] = Count("id", filter=met)
        aggregates[f"{clock}_missed"] = Count("id", filter=missed)
    rows = (
        _scoped(user, since)
        .filter(lead_unit__isnull=False)
        .values("lead_unit__code", "lead_unit__name")
        .annotate(**aggregates)
        .order_by("lead_unit__code")
    )
    out = []
    for r in rows:
        clocks = {
            clock: {
                "label": label,
                "met": r[f"{clock}_met"],
                "due": r[f"{clock}_met"] + r[f"{clock}_missed"],
                "percent": _percent(r[f"{clock}_met"], r[f"{clock}_met"] + r[f"{clock}_missed"]),
            }
            for clock, label in UNIT_CLOCKS
        }
        out.append(
            {
                "code": r["lead_unit__code"],
                "name": r["lead_unit__name"],
                "events": r["n"],
                "clocks": clocks,
                "rating": round(r["rating"], 2) if r["rating"] is not None else None,
            }
        )
    # Units most behind on resolving first: the table is a to-do list for the command centre.
    out.sort(
        key=lambda u: (u["clocks"]["resolve"]["percent"] is None, u["clocks"]["resolve"]["percent"] or 0)
    )
    return out


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
