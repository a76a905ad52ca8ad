"""The plain data of 综合查一次 planning: subjects, demands, officers, limits, and what a plan is made of."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date

REASON_CAP = "超出年度检查次数上限"
REASON_QUALIFIED = "无具备资质的执法人员"
REASON_NO_DAY = "期间内无可用工作日"
REASON_OUT_OF_PERIOD = "检查时限不在计划期间内"
REASON_NO_SUBJECT = "检查对象不在名录中"
REASON_CAPACITY = "期间内可用执法人员不足，未能排入"
REASON_HOURS = "检查对象可检查时段短于检查用时"
HOP_MINUTES = 4  # between two subjects of one package: a floor, a few doors, a block


@dataclass(frozen=True)
class Subject:
    id: Hashable
    lng: float
    lat: float
    building: str | None = None
    grid: str | None = None
    # 无事不扰 for this subject: minutes from the working day's start within which a visit must take place,
    # intervals in which none may be under way (lunch service, classes), days with no visit (an exam, an event).
    hours: tuple[int, int] | None = None
    quiet_hours: tuple[tuple[int, int], ...] = ()
    quiet_days: frozenset[date] = frozenset()

    @property
    def timed(self) -> bool:
        return self.hours is not None or bool(self.quiet_hours)


@dataclass(frozen=True)
class Demand:
    """A department's due check of one subject in one domain (检查需求)."""

    subject: Hashable
    domain: str
    due_from: date
    due_to: date
    items: tuple[str, ...] = ()
    source: str = "policy"  # policy (frequency by colour), scenario, complaint, request …
    id: Hashable | None = None


@dataclass(frozen=True)
class Officer:
    id: Hashable
    domains: frozenset[str]
    team: str
    available_days: frozenset[date] | None = None  # None: every working day

    def free_on(self, day: date) -> bool:
        return self.available_days is None or day in self.available_days


@dataclass(frozen=True)
class Limits:
    max_visits_per_year: int = 4
    visits_this_year: Mapping[Hashable, int] = field(default_factory=dict)
    quiet_days: frozenset[date] = frozenset()  # 无事不扰: holidays, exam days, big events …
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    max_visits_per_squad_day: int = 8
    day_minutes: int = 420  # working hours on site and on the road, 09:00–17:00 less lunch
    speed_kmh: float = 20.0  # city traffic, door to door
    detour: float = 1.3  # road distance ÷ straight-line distance
    minutes_per_visit: tuple[int, ...] = (30, 45, 55, 65, 75, 85)  # by number of domains checked
    max_squad_size: int = 4
    merge_radius_km: float = 1.5
    route_seconds: float = 1.0  # OR-Tools time limit per squad-day

    def visit_minutes(self, n_domains: int) -> int:
        table = self.minutes_per_visit
        return table[min(max(n_domains, 1), len(table)) - 1]


@dataclass
class Visit:
    subject: Subject
    demands: tuple[Demand, ...]
    window: tuple[int, int]  # working-day indices, inclusive
    seq: int = 0  # position of its first demand in the input: the "unordered day" baseline follows it
    blocked: frozenset[int] = frozenset()  # working-day indices of the subject's own quiet days
    start_minute: int | None = None  # set on days routed with visiting hours: minutes after the day's start

    @property
    def place(self) -> tuple[str, str]:
        """Where it is, for putting one place on one day: its building, else its grid (street block)."""
        s = self.subject
        return ("b", s.building) if s.building else ("g", s.grid or f"{s.lng:.3f}:{s.lat:.3f}")

    @property
    def domains(self) -> tuple[str, ...]:
        return tuple(sorted({d.domain for d in self.demands}))

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(sorted({i for d in self.demands for i in d.items}))


@dataclass
class SquadDay:
    day: date
    officers: tuple[Hashable, ...]
    base: tuple[float, float]
    visits: list[Visit]  # in route order
    km: float
    km_input_order: float
    minutes: float

    @property
    def domains(self) -> tuple[str, ...]:
        return tuple(sorted({d for v in self.visits for d in v.domains}))


@dataclass(frozen=True)
class Unfitted:
    subject: Hashable
    demand: Demand
    reason: str


@dataclass
class Figures:
    demands: int  # input demands
    separate_visits: int  # planned (subject, domain) pairs: one visit each if departments went alone
    joint_visits: int
    officer_days: int
    separate_officer_days: int  # each department alone, 2 officers, days packed full: a lower bound
    squad_days: int
    km: float
    km_unordered: float  # the same squad-days, each in input order
    km_unclustered: float  # the same squad-days and bases, filled with visits in input order (no clustering)
    km_shuffled: float  # the same squad-days, each in no particular order (mean of seeded shuffles)
    seconds: float
    place_days: int = 0  # (building or grid, day) pairs visited: location-first keeps it near `places`
    places: int = 0  # buildings and grids with a visit

    @property
    def visit_saving(self) -> float:
        return 1 - self.joint_visits / self.separate_visits if self.separate_visits else 0.0

    @property
    def km_saving(self) -> float:
        return 1 - self.km / self.km_unordered if self.km_unordered else 0.0

    @property
    def km_saving_vs_shuffled(self) -> float:
        return 1 - self.km / self.km_shuffled if self.km_shuffled else 0.0

    @property
    def km_saving_vs_unclustered(self) -> float:
        return 1 - self.km / self.km_unclustered if self.km_unclustered else 0.0


@dataclass
class Plan:
    squad_days: list[SquadDay]
    unfitted: list[Unfitted]
    figures: Figures
    working_days: list[date]
