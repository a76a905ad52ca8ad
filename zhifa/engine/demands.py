"""Inspection demands (检查需求): each subject's due checks per domain for a period, and why.

Four causes, each a `Demand` for the planner (zhifa.engine.planning):

- ``policy`` — the colour's routine frequency (三色赋码: green on cause only, yellow twice, red four times a year),
  per regulated domain, counted from that domain's last check (`risk.due_inspections`). The k-th check is due
  from its date until the next one falls due (or the period ends).
- ``scenario`` — 监管一件事: when any domain of a subject's scenario is due in the period, the scenario's other
  domains are checked at the same visit, even where their own clock would have waited (the window of the
  earliest due check). Scenario membership is why a shop gets one visit for five departments, not five.
- ``complaint`` — a complaint about the subject in a domain (received within `complaint_lookback` days before the
  period, or in it) asks for a check in that domain within `complaint_days` of it, unless a check of that
  domain came after the complaint. Green subjects are checked only on such causes (无事不扰).
- ``request`` — a department's own request, in its window.
- ``guidance`` — a new business gets one guidance visit (执法体检) within `guidance_days` of opening, in all its
  regulated domains, if it has not had one.

Pure functions: no database; the Django side gathers the records and persists nothing here.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from zhifa.engine.planning import Demand
from zhifa.engine.risk import COLOURS, DEFAULT_POLICY, RiskPolicy, due_inspections

SOURCES = ("policy", "scenario", "complaint", "request", "guidance")


@dataclass(frozen=True)
class DueSubject:
    id: Hashable
    colour: str  # green / yellow / red
    # Regulated domain → the checklist items in that domain (from the subject's scenarios or its industry).
    domains: Mapping[str, tuple[str, ...]]
    # Domains bundled by a scenario (监管一件事): each inner set is checked together.
    scenario_domains: tuple[frozenset[str], ...] = ()
    last_checked: Mapping[str, date] = field(default_factory=dict)  # domain → last finished check
    opened_on: date | None = None
    guidance_done: bool = False


@dataclass(frozen=True)
class Complaint:
    subject: Hashable
    domain: str
    items: tuple[str, ...]
    received_on: date


@dataclass(frozen=True)
class Request:
    id: Hashable
    subject: Hashable
    domain: str
    due_from: date
    due_to: date
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemandRules:
    complaint_days: int = 15  # a complaint's check is due within this many days of it
    complaint_lookback: int = 30  # complaints up to this many days before the period still count
    guidance_days: int = 30  # 执法体检 within this many days of opening
    policy: RiskPolicy = DEFAULT_POLICY


def routine_windows(
    colour: str, last: date | None, start: date, end: date, policy: RiskPolicy = DEFAULT_POLICY
) -> list[tuple[date, date]]:
    """The windows of the routine checks due in [start, end]: each from its due date to the day before the
    next one is due (the last one to `end`)."""
    n = due_inspections(colour, last, start, end, policy)
    if not n:
        return []
    interval = 365.25 / policy.frequency[colour].per_year
    first = start if last is None else max(start, last + timedelta(days=math.ceil(interval)))
    dues = [first + timedelta(days=int(k * interval)) for k in range(n)]
    return [
        (due, min(end, dues[k + 1] - timedelta(days=1)) if k + 1 < n else end) for k, due in enumerate(dues)
    ]


def build_demands(
    subjects: Iterable[DueSubject],
    period: tuple[date, date],
    *,
    complaints: Sequence[Complaint] = (),
    requests: Sequence[Request] = (),
    rules: DemandRules | None = None,
) -> list[Demand]:
    """Every due check of the period, in subject order then by cause; see the module text for the rules."""
    rules = rules or DemandRules()
    start, end = period
    if end < start:
        raise ValueError("检查周期的结束日期早于开始日期")
    by_subject: dict[Hashable, list[Complaint]] = {}
    for c in complaints:
        by_subject.setdefault(c.subject, []).append(c)
    asked: dict[Hashable, list[Request]] = {}
    for r in requests:
        asked.setdefault(r.subject, []).append(r)

    out: list[Demand] = []
    for s in subjects:
        if s.colour not in COLOURS:
            raise ValueError(f"未知的颜色：{s.colour}")
        out.extend(_routine(s, start, end, rules.policy))
        out.extend(_complaints(s, by_subject.get(s.id, ()), start, end, rules))
        out.extend(_requests(s, asked.get(s.id, ()), start, end))
        out.extend(_guidance(s, start, end, rules))
    return out


def _routine(s: DueSubject, start: date, end: date, policy: RiskPolicy) -> list[Demand]:
    due: dict[str, list[tuple[date, date]]] = {}
    for domain in sorted(s.domains):
        windows = routine_windows(s.colour, s.last_checked.get(domain), start, end, policy)
        if windows:
            due[domain] = windows
    out = [
        Demand(s.id, domain, a, b, tuple(s.domains[domain]), "policy")
        for domain, windows in due.items()
        for a, b in windows
    ]
    # 监管一件事: a scenario's domains not yet due ride along with the earliest due check of the scenario.
    added: set[str] = set()
    for bundle in s.scenario_domains:
        windows = [w for d in sorted(bundle) for w in due.get(d, ())]
        if not windows:
            continue
        a, b = min(windows)
        for domain in sorted(bundle - set(due) - added):
            if domain in s.domains:
                added.add(domain)
                out.append(Demand(s.id, domain, a, b, tuple(s.domains[domain]), "scenario"))
    return out


def _complaints(s: DueSubject, complaints, start: date, end: date, rules: DemandRules) -> list[Demand]:
    out: list[Demand] = []
    seen: set[str] = set()
    for c in sorted(complaints, key=lambda c: (c.received_on, c.domain)):
        if c.domain in seen or c.received_on > end:
            continue
        if c.received_on < start - timedelta(days=rules.complaint_lookback):
            continue
        last = s.last_checked.get(c.domain)
        if last is not None and last >= c.received_on:
            continue  # already checked since the complaint
        a = max(start, c.received_on)
        b = min(end, max(a, c.received_on + timedelta(days=rules.complaint_days)))
        items = tuple(sorted(set(c.items) | set(s.domains.get(c.domain, ()))))
        out.append(Demand(s.id, c.domain, a, b, items, "complaint"))
        seen.add(c.domain)
    return out


def _requests(s: DueSubject, requests, start: date, end: date) -> list[Demand]:
    out = []
    for r in sorted(requests, key=lambda r: (r.due_to, str(r.id))):
        a, b = max(start, r.due_from), min(end, r.due_to)
        if a > b:
            continue
        items = r.items or tuple(s.domains.get(r.domain, ()))
        out.append(Demand(s.id, r.domain, a, b, tuple(items), "request", r.id))
    return out


def _guidance(s: DueSubject, start: date, end: date, rules: DemandRules) -> list[Demand]:
    if s.guidance_done or s.opened_on is None or not s.domains:
        return []
    due_by = s.opened_on + timedelta(days=rules.guidance_days)
    if due_by < start or s.opened_on > end:
        return []
    a, b = max(start, s.opened_on), min(end, due_by)
    return [Demand(s.id, d, a, b, tuple(s.domains[d]), "guidance") for d in sorted(s.domains)]


def summarise(demands: Iterable[Demand]) -> dict[str, dict[str, int]]:
    """Counts per domain and per source: {domain: {source: n, "total": n}}."""
    table: dict[str, dict[str, int]] = {}
    for d in demands:
        row = table.setdefault(d.domain, {src: 0 for src in (*SOURCES, "total")})
        row[d.source] += 1
        row["total"] += 1
    return table
