"""Running accuracy of automatic classification (智能分类准确率): the share of events whose first suggestion was
kept — the final items are the confirmed ones (更正事项 or confirmation), else the suggestions the event kept —
per domain of the final item and month, in the user's jurisdiction.

Each stored suggestion was made at intake by the live classifier as it stood then (it learns from corrections as
they come), so the recorded share is prequential by construction. `replay` recomputes it for a period whose
suggestions were not made live (an import, the demo year): each day by the model as it stood the day before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from zhifa.dispatch.choices import EventStatus
from zhifa.dispatch.directory import HISTORY_HALF_LIFE_DAYS, catalog_entries
from zhifa.dispatch.events.selectors import event_list_for_user
from zhifa.dispatch.models import Event, EventItem
from zhifa.engine.classify import ItemClassifier
from zhifa.engine.prequential import Labelled, Tally, prequential, recency_weights
from zhifa.org.models import Domain


@dataclass
class AccuracyTable:
    months: list[str]
    domains: list[tuple[str, str]]  # (code, name)
    cells: dict[tuple[str, str], Tally] = field(default_factory=dict)  # (month, domain code)
    unclassified: int = 0

    def row(self, domain: str) -> list[Tally | None]:
        return [self.cells.get((m, domain)) for m in self.months]

    def total(self, *, domain: str | None = None, month: str | None = None) -> Tally:
        t = Tally()
        for (m, d), cell in self.cells.items():
            if (domain is None or d == domain) and (month is None or m == month):
                t.add(cell)
        return t


def _events(user, year: int):
    """The user's events of the year; user None (the management command, run by the operator) means all."""
    events = (
        Event.objects.all()
        if user is None
        else Event.objects.filter(pk__in=event_list_for_user(user=user).values("pk"))
    )
    return events.filter(received_at__year=year).exclude(status=EventStatus.MERGED)


def _finals(event_ids) -> dict[int, tuple[set[str], str, str]]:
    """Event → (final item codes, primary final item's code, its domain code)."""
    rows = (
        EventItem.objects.filter(event_id__in=event_ids)
        .order_by("event_id", "-confirmed", "-score", "id")
        .values_list("event_id", "item__code", "item__domain__code", "confirmed")
    )
    out: dict[int, tuple[set[str], str, str]] = {}
    confirmed_seen: set[int] = set()
    for event_id, code, domain, confirmed in rows:
        if event_id not in out:
            out[event_id] = ({code}, code, domain)
            if confirmed:
                confirmed_seen.add(event_id)
        elif confirmed or event_id not in confirmed_seen:
            out[event_id][0].add(code)
    return out


def _labelled(user, year: int):
    """(event, day, month, first suggestion, final codes, primary code, domain) for the scoped events of a year."""
    events = list(_events(user, year).values_list("pk", "received_at", "description", "classification"))
    finals = _finals([e[0] for e in events])
    for pk, at, text, classification in events:
        final = finals.get(pk)
        if final is None:
            yield pk, None, None, text, None, None, None, None
            continue
        local = timezone.localtime(at)
        first = classification[0]["code"] if classification else None
        yield pk, local.date(), f"{local:%Y-%m}", text, first, final[0], final[1], final[2]


def routing_accuracy_for_user(*, user, year: int) -> AccuracyTable:
    """The recorded share of first suggestions kept, per domain and month, of the events the user may see."""
    cells: dict[tuple[str, str], Tally] = {}
    unclassified = 0
    for _, day, month, _, first, codes, _, domain in _labelled(user, year):
        if day is None:
            unclassified += 1
            continue
        t = cells.setdefault((month, domain), Tally())
        t.events += 1
        t.top1 += first is not None and first in codes
    return _table(cells, unclassified)


def replay(*, user, year: int, rebuild_every_days: int = 1) -> AccuracyTable:
    """Prequential replay: each day's events classified by a model trained on the catalog and the final items of
    the days before (weighted by recency), compared with their final items."""
    records = [
        Labelled(day, text, primary, domain)
        for _, day, _, text, _, _, primary, domain in _labelled(user, year)
        if day is not None
    ]
    entries = catalog_entries()

    def build(history, today: date):
        return ItemClassifier(
            entries,
            history_texts=[r.text for r in history],
            history_codes=[r.code for r in history],
            history_weights=recency_weights([r.day for r in history], today, HISTORY_HALF_LIFE_DAYS),
        )

    return _table(prequential(records, build, rebuild_every_days=rebuild_every_days), 0)


def _table(cells: dict[tuple[str, str], Tally], unclassified: int) -> AccuracyTable:
    codes = sorted({d for _, d in cells})
    names = dict(Domain.objects.filter(code__in=codes).values_list("code", "name"))
    return AccuracyTable(
        months=sorted({m for m, _ in cells}),
        domains=[(c, names.get(c, c)) for c in codes],
        cells=cells,
        unclassified=unclassified,
    )
