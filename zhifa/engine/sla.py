"""Service-level clocks of an event ("1315": respond 1 min, link 3 min, on site 15 min for urgent events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# The clocks in the order an event meets them, and the timestamp that stops each.
CLOCKS = ("respond", "link", "on_site", "resolve", "answer")
CLOCK_LABELS = {"respond": "响应", "link": "联动", "on_site": "到场", "resolve": "办结", "answer": "答复"}


@dataclass(frozen=True)
class Policy:
    """Minutes allowed from receipt for each clock; None means the clock does not apply."""

    code: str
    respond: int | None
    link: int | None
    on_site: int | None
    resolve: int | None
    answer: int | None

    def limit(self, clock: str) -> int | None:
        return getattr(self, clock)


URGENT_1315 = Policy("1315", respond=1, link=3, on_site=15, resolve=24 * 60, answer=48 * 60)
ORDINARY = Policy("ordinary", respond=30, link=120, on_site=24 * 60, resolve=5 * 24 * 60, answer=7 * 24 * 60)


@dataclass(frozen=True)
class ClockState:
    clock: str
    due: datetime
    done_at: datetime | None
    state: str  # "met", "late" (done after due), "running", "overdue"
    minutes_left: float  # negative once overdue; for done clocks, the margin at completion

    @property
    def label(self) -> str:
        return CLOCK_LABELS[self.clock]


def clock_states(
    policy: Policy, received_at: datetime, done: dict[str, datetime | None], now: datetime
) -> list[ClockState]:
    states = []
    for clock in CLOCKS:
        limit = policy.limit(clock)
        if limit is None:
            continue
        due = received_at + timedelta(minutes=limit)
        finished = done.get(clock)
        if finished is not None:
            state = "met" if finished <= due else "late"
            margin = (due - finished).total_seconds() / 60
        else:
            state = "running" if now <= due else "overdue"
            margin = (due - now).total_seconds() / 60
        states.append(ClockState(clock, due, finished, state, round(margin, 2)))
    return states


def overdue_clocks(
    policy: Policy, received_at: datetime, done: dict[str, datetime | None], now: datetime
) -> list[str]:
    return [s.clock for s in clock_states(policy, received_at, done, now) if s.state == "overdue"]


def on_time_rate(outcomes: list[bool]) -> float | None:
    return None if not outcomes else sum(outcomes) / len(outcomes)
