"""The status history of one demo event: received → dispatched → accepted → on site → resolved → answered →
closed, with times drawn around the SLA clocks (most on time, some late), the 721 resolution mix, the
reporter's rating, and the occasional 退单 (returned to the command centre and dispatched again).

Times after the demo's "now" do not happen: such an event is still open at the step it has reached.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import NamedTuple

from zhifa.demo.events.texts import PUBLIC_CHANNELS
from zhifa.dispatch.choices import EventStatus as S

MODES = ("service", "management", "enforcement")
MODE_CUM = tuple(accumulate((70, 20, 10)))  # 721 工作法 (cumulative weights: cheaper draws)
RATINGS = (5, 4, 3, 2, 1)
RATING_ON_TIME_CUM = tuple(accumulate((68, 22, 6, 3, 1)))
RATING_LATE_CUM = tuple(accumulate((40, 30, 15, 10, 5)))
RATED_SHARE = 0.82
PUBLIC = PUBLIC_CHANNELS
# Of the events of the last two weeks, the share still at an open step as of the demo's day, and at which
# step (cumulative weights over OPEN_STEPS). A normal morning: most open work was received in the last few days
# and is being handled on site within its 5-day resolve limit; a few were never accepted or arrived at (late),
# and a few older ones are stuck past their limits.
STALLED = ((5, 0.25, (1, 2, 20)), (14, 0.015, (2, 5, 10)))
OPEN_STEPS = (S.DISPATCHED, S.ACCEPTED, S.ON_SITE)


class Step(NamedTuple):
    frm: str
    to: str
    at: datetime
    unit: str | None  # "lead", "wrong" (the unit it was first sent to), "command", or None
    note: str = ""


@dataclass
class Lifecycle:
    steps: list[Step] = field(default_factory=list)
    times: dict[str, datetime] = field(default_factory=dict)  # Event field → time
    mode: str = ""
    rating: int | None = None
    returned: bool = False

    @property
    def status(self) -> str:
        return self.steps[-1].to

    @property
    def closed(self) -> bool:
        return self.status == S.CLOSED


def _minutes(rng: random.Random, median: float, sigma: float) -> timedelta:
    return timedelta(minutes=median * math.exp(rng.gauss(0.0, sigma)))


def _stall_stage(rng: random.Random, age_days: float) -> str | None:
    for limit, share, cum in STALLED:
        if age_days < limit:
            return rng.choices(OPEN_STEPS, cum_weights=cum)[0] if rng.random() < share else None
    return None


def plan_lifecycle(
    rng: random.Random,
    *,
    received_at: datetime,
    urgent: bool,
    channel: str,
    channel_label: str,
    first: str,
    as_of: datetime,
    limits: dict[str, int],
) -> Lifecycle:
    """Draw the steps of one event; limits are the SLA minutes from receipt (respond, link, …).

    first says how the event left the command centre: "auto" (routed and dispatched at intake), "wrong"
    (dispatched at intake to a unit that returns it: 退单) or "manual" (routing found no owner, a person
    dispatched it).
    """
    life = Lifecycle(mode=rng.choices(MODES, cum_weights=MODE_CUM)[0])
    stall = _stall_stage(rng, (as_of - received_at).total_seconds() / 86400)
    late = False

    def step(frm, to, at, unit, note="", field_name=None) -> bool:
        if at > as_of:
            return False
        life.steps.append(Step(frm, to, at, unit, note))
        if field_name:
            life.times[field_name] = at
        return to != stall

    life.steps.append(Step("", S.RECEIVED, received_at, None, f"{channel_label}；按坐标定位"))
    if first == "manual":
        at = received_at + _minutes(rng, 1.5 if urgent else 8, 0.6)
        if not step(S.RECEIVED, S.DISPATCHED, at, "command", "", "dispatched_at"):
            return life
    else:
        at = received_at + timedelta(seconds=rng.randrange(2, 40))
        unit = "wrong" if first == "wrong" else "lead"
        if not step(S.RECEIVED, S.DISPATCHED, at, unit, "自动派发", "dispatched_at"):
            return life
    if first == "wrong":
        # The wrong unit hands it back; the command centre confirms the items and sends it on.
        at += _minutes(rng, 35, 0.7)
        if not step(S.DISPATCHED, S.RETURNED, at, "wrong", rng.choice(_RETURN_REASONS)):
            return life
        life.returned = True
        at += _minutes(rng, 6, 0.6)
        if not step(S.RETURNED, S.DISPATCHED, at, "command", "", "dispatched_at"):
            return life
    at += _minutes(rng, 1.3, 0.45) if urgent else _minutes(rng, 22, 0.9)
    late |= at > received_at + timedelta(minutes=limits["link"])
    if not step(S.DISPATCHED, S.ACCEPTED, at, "lead", "", "accepted_at"):
        return life
    at += _minutes(rng, 8, 0.35) if urgent else _minutes(rng, 90, 1.2)
    late |= at > received_at + timedelta(minutes=limits["on_site"])
    if not step(S.ACCEPTED, S.ON_SITE, at, "lead", "", "on_site_at"):
        return life
    median = {"service": 45, "management": 20 * 60, "enforcement": 36 * 60}[life.mode]
    at += _minutes(rng, median / (2 if urgent else 1), 0.8)
    late |= at > received_at + timedelta(minutes=limits["resolve"])
    if not step(S.ON_SITE, S.RESOLVED, at, "lead", "", "resolved_at"):
        return life
    at += _minutes(rng, 2 * 60 if urgent else 3 * 60, 0.9)
    late |= at > received_at + timedelta(minutes=limits["answer"])
    if not step(S.RESOLVED, S.ANSWERED, at, "lead", "", "answered_at"):
        return life
    if channel in PUBLIC and rng.random() < RATED_SHARE:
        life.rating = rng.choices(RATINGS, cum_weights=RATING_LATE_CUM if late else RATING_ON_TIME_CUM)[0]
    at += _minutes(rng, 18 * 60, 0.7)
    step(S.ANSWERED, S.CLOSED, at, "lead", "", "closed_at")
    return life


_RETURN_REASONS = (
    "经核实，该事项不属于本单位职责范围，请重新派发",
    "现场核查后，所涉事项与派单事项不符，请指挥中心重新分类派发",
)
