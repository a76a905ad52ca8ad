"""Prequential ("test, then train") accuracy of automatic classification: the events of each day are predicted
by the model as it stood at the end of the day before, then join its history. Per domain and month: how many
events, how often the first suggestion was the final item (top-1), the final item among the first three, and
the first suggestion's domain the final item's domain.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby


@dataclass(frozen=True)
class Labelled:
    """One event: its day, text, final item (confirmed or kept) and that item's domain."""

    day: date
    text: str
    code: str
    domain: str


@dataclass
class Tally:
    events: int = 0
    top1: int = 0
    top3: int = 0
    domain_top1: int = 0

    def add(self, other: Tally) -> None:
        self.events += other.events
        self.top1 += other.top1
        self.top3 += other.top3
        self.domain_top1 += other.domain_top1

    def share(self, field: str) -> float | None:
        return getattr(self, field) / self.events if self.events else None


def recency_weights(days: Sequence[date], today: date, half_life_days: float) -> list[float]:
    """0.5 ** (age in days / half-life): yesterday's correction counts more than last year's."""
    return [0.5 ** (max(0, (today - d).days) / half_life_days) for d in days]


def prequential(
    records: Sequence[Labelled],
    build: Callable[[Sequence[Labelled], date], object],
    *,
    rebuild_every_days: int = 1,
) -> dict[tuple[str, str], Tally]:
    """(month "YYYY-MM", domain) → tally. `build(history, today)` returns a model with classify_many(texts, k)
    giving ranked matches with .code and .domain; it sees only records of earlier days. With
    rebuild_every_days > 1 the model is rebuilt at most that often (still only from earlier days)."""
    ordered = sorted(records, key=lambda r: r.day)
    out: dict[tuple[str, str], Tally] = {}
    model, built_on, seen = None, None, 0
    history: list[Labelled] = []
    for day, group in groupby(ordered, key=lambda r: r.day):
        todays = list(group)
        if model is None or (len(history) > seen and (day - built_on).days >= rebuild_every_days):
            model, built_on, seen = build(list(history), day), day, len(history)
        ranked = model.classify_many([r.text for r in todays], 3)
        for r, matches in zip(todays, ranked, strict=True):
            t = out.setdefault((f"{day:%Y-%m}", r.domain), Tally())
            codes = [m.code for m in matches[:3]]
            t.events += 1
            t.top1 += bool(codes) and codes[0] == r.code
            t.top3 += r.code in codes
            t.domain_top1 += bool(matches) and matches[0].domain == r.domain
        history.extend(todays)
    return out


def totals(table: dict[tuple[str, str], Tally], *, by: str) -> dict[str, Tally]:
    """Sum a table over months (by="domain") or over domains (by="month")."""
    out: dict[str, Tally] = {}
    for (month, domain), t in table.items():
        out.setdefault(domain if by == "domain" else month, Tally()).add(t)
    return dict(sorted(out.items()))
