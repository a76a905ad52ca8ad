"""Case deadlines of the Administrative Penalty Law (行政处罚法, 2021 revision) and the district's rules.

Counting: a period "within N days of X" ends on X + N — the day of X is not counted (民法典 第二百零一条).
The law's periods of 2, 3, 5 and 7 days are working days, holidays excluded (行政处罚法 第八十五条); which days
are holidays and which weekend days are worked (调休) is the district's calendar. A period the party keeps
(paying the fine) that ends on a rest day runs to the next working day; the agency's own periods never move.

What the law fixes is a constant here (`LAW`); what a district may set is a `Rules` field, checked by
`rules_problems` so that a district tightens and never loosens. Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# Fixed by law: not configurable.
PAYMENT_DAYS = 15  # 第六十七条：收到决定书之日起十五日内缴纳罚款
LATE_FEE_RATE = Decimal("0.03")  # 第七十二条：每日按罚款数额的百分之三加处罚款，不得超出罚款数额
HEARING_REQUEST_WORKDAYS = 5  # 第六十四条：告知后五日内提出（第八十五条：工作日）
LIMITATION_YEARS = 2  # 第三十六条
LIMITATION_HARM_YEARS = 5  # 涉及公民生命健康安全、金融安全且有危害后果的
REVIEW_DAYS = 60  # 行政复议法（2023）第二十条
LITIGATION_MONTHS = 6  # 行政诉讼法 第四十六条


# --- the calendar -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Calendar:
    """Holidays (放假日) and worked weekend days (调休上班日); every other Monday–Friday is a working day."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    @classmethod
    def of(cls, days: Iterable[tuple[date, bool]]) -> Calendar:
        """From (day, is_working) pairs as the district keeps them."""
        rows = list(days)
        return cls(
            frozenset(d for d, working in rows if not working), frozenset(d for d, working in rows if working)
        )

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start itself not counted)."""
        day, counted = start, 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end ≤ start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def roll_forward(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day


# --- the district's rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """Periods and amounts a district sets. The defaults are the law's (or the national guidance's) values."""

    decision_days: int = 90  # 第六十条：立案之日起九十日内作出决定
    fast_decision_workdays: int = 7  # 快速办理: the district's own rule (no period in the 行政处罚法)
    service_workdays: int = 7  # 第六十一条：七日内送达
    publish_workdays: int = 7  # 第四十八条 + 国办发〔2018〕118号：七个工作日内公开
    hearing_notice_workdays: int = 7  # 第六十四条：举行听证的七日前通知
    party_workdays: int = HEARING_REQUEST_WORKDAYS  # 陈述申辩 / 听证申请 window after the notice
    simple_max_person: int = 200  # 第五十一条：公民二百元以下
    simple_max_org: int = 3000  # 法人或者其他组织三千元以下
    # 较大数额 (第六十三条): set by the province or the department's rules; these are configuration.
    hearing_fine_person: int = 10_000
    hearing_fine_org: int = 100_000
    major_fine_person: int = 10_000  # 法制审核 (第五十八条) from this amount
    major_fine_org: int = 100_000
    collective_fine_person: int = 50_000  # 集体讨论 (第五十七条) from this amount
    collective_fine_org: int = 500_000
    service_hour_yuan: int = 100  # 公益抵罚: what one hour of public service offsets
    service_offset_max_percent: int = 50  # … and at most this share of the fine
    extension_max_days: int = 30  # one approved extension of the decision period


LAW = Rules()

# field: (direction, bound) — "max" means the district may set a smaller value only, "min" a larger one.
_BOUNDS = {
    "decision_days": ("max", LAW.decision_days),
    "service_workdays": ("max", LAW.service_workdays),
    "publish_workdays": ("max", LAW.publish_workdays),
    "hearing_notice_workdays": ("min", LAW.hearing_notice_workdays),
    "party_workdays": ("min", HEARING_REQUEST_WORKDAYS),
    "simple_max_person": ("max", LAW.simple_max_person),
    "simple_max_org": ("max", LAW.simple_max_org),
    "service_offset_max_percent": ("max", 100),
}


def rules_problems(rules: Rules) -> list[str]:
    """What is wrong with a district's rules: a looser value than the law allows, or a non-positive one."""
    problems = []
    for f in fields(Rules):
        value = getattr(rules, f.name)
        # An on-the-spot limit of 0 allows warnings only; every other value must be positive.
        if not isinstance(value, int) or value < (0 if f.name.startswith("simple_max") else 1):
            problems.append(f"{f.name}={value!r} must be a positive whole number")
            continue
        bound = _BOUNDS.get(f.name)
        if bound and bound[0] == "max" and value > bound[1]:
            problems.append(f"{f.name}={value} loosens the law: at most {bound[1]}")
        if bound and bound[0] == "min" and value < bound[1]:
            problems.append(f"{f.name}={value} loosens the law: at least {bound[1]}")
    if not problems and rules.fast_decision_workdays > rules.decision_days:
        problems.append("fast_decision_workdays must not exceed decision_days")
    return problems


# --- periods ------------------------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    """Same day `years` later; 29 February falls on the month's last day (民法典 第二百零二条)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def limitation_end(conduct_ended_on: date, harmed: bool) -> date:
    """The last day on which the conduct may still be discovered (第三十六条)."""
    return add_years(conduct_ended_on, LIMITATION_HARM_YEARS if harmed else LIMITATION_YEARS)


def decision_due(
    filed_on: date, rules: Rules, cal: Calendar, *, fast: bool = False, extension_days: int = 0
) -> date:
    due = filed_on + timedelta(days=rules.decision_days + extension_days)
    if fast:
        return min(
            due, cal.add_working_days(filed_on, rules.fast_decision_workdays) + timedelta(extension_days)
        )
    return due


def party_window_end(notified_on: date, rules: Rules, cal: Calendar) -> date:
    return cal.add_working_days(notified_on, rules.party_workdays)


def earliest_hearing(notice_on: date, rules: Rules, cal: Calendar) -> date:
    """The first day a hearing notified on `notice_on` may be held."""
    return cal.add_working_days(notice_on, rules.hearing_notice_workdays)


def service_due(decided_on: date, rules: Rules, cal: Calendar) -> date:
    return cal.add_working_days(decided_on, rules.service_workdays)


def payment_due(served_on: date, cal: Calendar) -> date:
    return cal.roll_forward(served_on + timedelta(days=PAYMENT_DAYS))


def publish_due(decided_on: date, rules: Rules, cal: Calendar) -> date:
    return cal.add_working_days(decided_on, rules.publish_workdays)


def late_fee(fine: Decimal, due: date, on: date) -> Decimal:
    """加处罚款 on `on` for a fine due on `due`: 3 % of the fine a day after the due day, never above the fine."""
    days = (on - due).days
    fine = Decimal(fine)
    if days <= 0 or fine <= 0:
        return Decimal("0.00")
    return min((fine * LATE_FEE_RATE * days).quantize(CENT, ROUND_HALF_UP), fine.quantize(CENT))


def remedies(served_on: date) -> dict[str, date]:
    """The party's last days for 行政复议 and 行政诉讼, as written on the decision."""
    return {
        "review_until": served_on + timedelta(days=REVIEW_DAYS),
        "litigation_until": add_months(served_on, LITIGATION_MONTHS),
    }


# --- the clocks of one case ---------------------------------------------------------------------------------


CLOCK_LABELS = {
    "decision": "作出处罚决定",
    "party": "陈述申辩 / 听证申请",
    "service": "送达决定书",
    "payment": "缴纳罚款",
    "publish": "公示决定",
    "public_service": "完成公益服务",
}
# The party's window is shown but is not the agency's deadline: it never makes a case "overdue".
AGENCY_CLOCKS = ("decision", "service", "payment", "publish", "public_service")


@dataclass(frozen=True)
class CaseDates:
    """What a case's clocks are computed from (dates only; amounts where they matter)."""

    procedure: str = "ordinary"  # "simple" | "ordinary" | "fast"
    filed_on: date | None = None
    extension_days: int = 0
    notified_on: date | None = None
    party_done_on: date | None = None  # the party answered, asked for a hearing, or waived
    decided_on: date | None = None
    served_on: date | None = None
    fine_payable: Decimal = Decimal("0")
    paid_on: date | None = None  # the day the fine (and any late fee) was paid in full
    publish_required: bool = False
    published_on: date | None = None
    public_service_due: date | None = None
    public_service_done_on: date | None = None
    finished: bool = False  # closed, withdrawn, transferred, not filed: no clock runs


@dataclass(frozen=True)
class Clock:
    kind: str
    due: date
    done_on: date | None
    state: str  # "running", "overdue", "met", "late"; "stopped" (case ended), "closed" (party window over)
    days_left: int  # calendar days from today to the due day; negative once overdue

    @property
    def label(self) -> str:
        return CLOCK_LABELS[self.kind]

    @property
    def agency(self) -> bool:
        return self.kind in AGENCY_CLOCKS


def _clock(kind: str, due: date, done_on: date | None, today: date, stopped: bool) -> Clock:
    if done_on is not None:
        state = "met" if done_on <= due else "late"
        left = (due - done_on).days
    elif stopped:
        return Clock(kind, due, None, "stopped", 0)
    else:
        state = "running" if today <= due else "overdue"
        left = (due - today).days
    return Clock(kind, due, done_on, state, left)


def case_clocks(d: CaseDates, rules: Rules, cal: Calendar, today: date) -> list[Clock]:
    """Every clock that applies to the case so far, in the order the case meets them."""
    clocks: list[Clock] = []
    stop = d.finished
    if d.filed_on is not None and d.procedure != "simple":
        due = decision_due(
            d.filed_on, rules, cal, fast=d.procedure == "fast", extension_days=d.extension_days
        )
        clocks.append(_clock("decision", due, d.decided_on, today, stop))
    if d.notified_on is not None:
        # The party's window: running until the party answers, waives or asks for a hearing, or it ends.
        due = party_window_end(d.notified_on, rules, cal)
        if d.party_done_on is None and not (stop or d.decided_on or today > due):
            clocks.append(Clock("party", due, None, "running", (due - today).days))
        else:
            clocks.append(Clock("party", due, d.party_done_on, "closed", 0))
    if d.decided_on is not None and d.procedure != "simple":
        clocks.append(_clock("service", service_due(d.decided_on, rules, cal), d.served_on, today, stop))
    if d.served_on is not None and d.fine_payable > 0:
        clocks.append(_clock("payment", payment_due(d.served_on, cal), d.paid_on, today, stop))
    if d.decided_on is not None and d.publish_required:
        due = publish_due(d.decided_on, rules, cal)
        clocks.append(_clock("publish", due, d.published_on, today, stop))
    if d.public_service_due is not None:
        clocks.append(_clock("public_service", d.public_service_due, d.public_service_done_on, today, stop))
    return clocks


def next_due(clocks: Iterable[Clock]) -> Clock | None:
    """The agency's earliest clock still running (or overdue): what the case list sorts and filters by."""
    open_ = [c for c in clocks if c.agency and c.state in ("running", "overdue")]
    return min(open_, key=lambda c: (c.due, c.kind)) if open_ else None
