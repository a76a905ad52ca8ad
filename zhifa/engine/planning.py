"""综合查一次: turn many departments' due checks into one visit per subject, mixed squads and routed days.

Steps: (1) each subject's demands due in the period are merged into as few visits as their due windows allow
(one, unless windows do not overlap: the fewest dates that stab every window), capped by the subject's yearly
visit limit; (2) visits are packed into squad-day packages by building, then grid, then nearby small packages
merge; (3) days are filled earliest-deadline-first with a level daily load, and for each package a mixed squad
(≥ 2 officers, greedy set cover of its domains, least-used officers first) is formed from the officers free
that day; (4) each squad-day is ordered with OR-Tools from the squad leader's team base, by haversine
distance, and trimmed to the working day. What cannot be fitted is listed per demand with a reason.
"""

from __future__ import annotations

import math
import random
import time
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

EARTH_KM = 6371.0088

REASON_CAP = "超出年度检查次数上限"
REASON_QUALIFIED = "无具备资质的执法人员"
REASON_NO_DAY = "期间内无可用工作日"
REASON_OUT_OF_PERIOD = "检查时限不在计划期间内"
REASON_NO_SUBJECT = "检查对象不在名录中"
REASON_CAPACITY = "期间内可用执法人员不足，未能排入"


@dataclass(frozen=True)
class Subject:
    id: Hashable
    lng: float
    lat: float
    building: str | None = None
    grid: str | None = None


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


def haversine_km(lng1, lat1, lng2, lat2):
    """Great-circle distance in km; works on floats or numpy arrays (broadcasting)."""
    lng1, lat1, lng2, lat2 = map(np.radians, (lng1, lat1, lng2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def working_days(start: date, end: date, limits: Limits) -> list[date]:
    days, d = [], start
    while d <= end:
        if d.weekday() in limits.weekdays and d not in limits.quiet_days:
            days.append(d)
        d += timedelta(days=1)
    return days


def plan_joint(
    subjects: Iterable[Subject],
    demands: Sequence[Demand],
    officers: Sequence[Officer],
    bases: Mapping[str, tuple[float, float]],
    *,
    period: tuple[date, date],
    limits: Limits | None = None,
    seed: int | str = 0,
) -> Plan:
    started = time.perf_counter()
    limits = limits or Limits()
    rng = random.Random(str(seed))
    by_id = {s.id: s for s in subjects}
    days = working_days(*period, limits)
    unfitted: list[Unfitted] = []

    def refuse(d: Demand, reason: str) -> None:
        unfitted.append(Unfitted(d.subject, d, reason))

    # Which domains some officer can check on which working day (index).
    domain_days: dict[str, set[int]] = defaultdict(set)
    for t, day in enumerate(days):
        for o in officers:
            if o.free_on(day):
                for dom in o.domains:
                    domain_days[dom].add(t)

    per_subject: dict[Hashable, list[tuple[Demand, int, int]]] = defaultdict(list)
    first_seen: dict[Hashable, int] = {}
    for n, d in enumerate(demands):
        if d.subject not in by_id:
            refuse(d, REASON_NO_SUBJECT)
            continue
        lo, hi = max(d.due_from, period[0]), min(d.due_to, period[1])
        if lo > hi:
            refuse(d, REASON_OUT_OF_PERIOD)
            continue
        a, b = bisect_left(days, lo), bisect_right(days, hi) - 1
        if a > b:
            refuse(d, REASON_NO_DAY)
            continue
        if not any(a <= t <= b for t in domain_days.get(d.domain, ())):
            refuse(d, f"{REASON_QUALIFIED}（{d.domain}）")
            continue
        per_subject[d.subject].append((d, a, b))
        first_seen.setdefault(d.subject, n)

    visits: list[Visit] = []
    for sid, items in per_subject.items():
        done = limits.visits_this_year.get(sid, 0)
        room = max(limits.max_visits_per_year - done, 0)
        groups, left = _stab(items, room)
        for g, (group, window) in enumerate(groups):
            visits.append(Visit(by_id[sid], tuple(group), window, first_seen[sid] * 64 + g))
        for d in left:
            refuse(d, f"{REASON_CAP}（本年已检查 {done} 次，上限 {limits.max_visits_per_year} 次）")

    cover_size = _cover_size_fn(officers)
    packages = _pack(visits, limits, cover_size)
    squad_days, leftover = _schedule(packages, days, officers, bases, limits, rng)
    for pkg in leftover:
        for v in pkg:
            for d in v.demands:
                refuse(d, REASON_CAPACITY)

    planned_pairs = {(v.subject.id, d.domain) for sd in squad_days for v in sd.visits for d in v.demands}
    per_domain: dict[str, int] = defaultdict(int)
    for _, dom in planned_pairs:
        per_domain[dom] += 1
    cap = limits.max_visits_per_squad_day
    figures = Figures(
        demands=len(demands),
        separate_visits=len(planned_pairs),
        joint_visits=sum(len(sd.visits) for sd in squad_days),
        officer_days=sum(len(sd.officers) for sd in squad_days),
        separate_officer_days=sum(2 * math.ceil(n / cap) for n in per_domain.values()),
        squad_days=len(squad_days),
        km=round(sum(sd.km for sd in squad_days), 3),
        km_unordered=round(sum(sd.km_input_order for sd in squad_days), 3),
        km_unclustered=round(_unclustered_km(squad_days, limits), 3),
        km_shuffled=round(_shuffled_km(squad_days, limits, seed), 3),
        seconds=time.perf_counter() - started,
    )
    squad_days.sort(key=lambda sd: (sd.day, str(sd.officers)))
    return Plan(squad_days, unfitted, figures, days)


def _unclustered_km(squad_days: list[SquadDay], limits: Limits) -> float:
    """Baseline: every squad-day keeps its base and size but takes the next visits of the input list."""
    queue = sorted((v for sd in squad_days for v in sd.visits), key=lambda v: v.seq)
    total, at = 0.0, 0
    for sd in sorted(squad_days, key=lambda sd: (sd.day, str(sd.officers))):
        chunk = queue[at : at + len(sd.visits)]
        at += len(sd.visits)
        total += _path_km(sd.base, [(v.subject.lng, v.subject.lat) for v in chunk], limits)
    return total


def _shuffled_km(squad_days: list[SquadDay], limits: Limits, seed, rounds: int = 5) -> float:
    """Baseline: each squad-day's own visits taken in no particular order (mean over seeded shuffles)."""
    rng = random.Random(f"shuffle:{seed}")
    total = 0.0
    for sd in squad_days:
        points = [(v.subject.lng, v.subject.lat) for v in sd.visits]
        km = 0.0
        for _ in range(rounds):
            rng.shuffle(points)
            km += _path_km(sd.base, points, limits)
        total += km / rounds
    return total


def _stab(items: list[tuple[Demand, int, int]], room: int):
    """Visit dates for one subject: the fewest that stab every demand's window (greedy by earliest end).

    When the yearly cap allows fewer visits than that, dates are chosen one by one to settle the most
    demands still open (max coverage), and the rest are returned as left over.
    """
    rest = sorted(items, key=lambda x: (x[2], x[1]))
    groups: list[tuple[list, tuple[int, int]]] = []
    while rest:
        point = rest[0][2]
        inside = [x for x in rest if x[1] <= point]
        rest = [x for x in rest if x[1] > point]
        groups.append((inside, (max(x[1] for x in inside), point)))
    if len(groups) > room:
        open_, groups = list(items), []
        for _ in range(room):
            candidates = sorted({x[2] for x in open_})
            point = max(candidates, key=lambda p: (sum(x[1] <= p <= x[2] for x in open_), -p))
            inside = [x for x in open_ if x[1] <= point <= x[2]]
            open_ = [x for x in open_ if not x[1] <= point <= x[2]]
            groups.append((inside, (max(x[1] for x in inside), min(x[2] for x in inside))))
        left = [x[0] for x in open_]
    else:
        left = []
    return [([x[0] for x in g], w) for g, w in groups], left


def _cover_size_fn(officers: Sequence[Officer]):
    """Greedy number of officers (any, ignoring days) needed to cover a domain set; None if impossible."""
    quals = [o.domains for o in officers]
    memo: dict[frozenset[str], int | None] = {}

    def size(domains: frozenset[str]) -> int | None:
        if domains not in memo:
            left, n = set(domains), 0
            while left:
                best = max(quals, key=lambda q: len(q & left), default=frozenset())
                if not best & left:
                    memo[domains] = None
                    return None
                left -= best
                n += 1
            memo[domains] = max(n, 2)
        return memo[domains]

    return size


def _pack(visits: list[Visit], limits: Limits, cover_size) -> list[list[Visit]]:
    """Squad-day packages: same building, then same grid, then small packages join a near neighbour."""
    cap = limits.max_visits_per_squad_day
    budget = limits.day_minutes * 0.8  # the rest is for travel; routes are checked after ordering

    def minutes(pkg):
        return sum(limits.visit_minutes(len(v.domains)) for v in pkg)

    def window(pkg):
        return max(v.window[0] for v in pkg), min(v.window[1] for v in pkg)

    def fits(pkg, v):
        a, b = window([*pkg, v])
        doms = frozenset(d for x in (*pkg, v) for d in x.domains)
        size = cover_size(doms)
        return (
            len(pkg) < cap
            and a <= b
            and minutes(pkg) + limits.visit_minutes(len(v.domains)) <= budget
            and size is not None
            and size <= limits.max_squad_size
        )

    cells: dict[tuple, list[Visit]] = defaultdict(list)
    for v in visits:
        s = v.subject
        if s.building:
            key = ("b", s.grid or "", s.building)
        elif s.grid:
            key = ("g", s.grid, "")
        else:
            key = ("p", f"{round(s.lng, 2)}:{round(s.lat, 2)}", "")
        cells[key].append(v)

    packages: list[list[Visit]] = []
    # Buildings first, then each grid's loose visits try to join their grid's building packages.
    by_grid: dict[str, list[list[Visit]]] = defaultdict(list)
    for key in sorted(k for k in cells if k[0] == "b"):
        for pkg in _chunks(cells[key], fits):
            by_grid[key[1]].append(pkg)
            packages.append(pkg)
    for key in sorted(k for k in cells if k[0] != "b"):
        open_pkgs = by_grid.get(key[1], []) if key[0] == "g" else []
        loose = []
        for v in sorted(cells[key], key=lambda v: (v.window[1], v.subject.lat, v.subject.lng)):
            home = next((p for p in open_pkgs if fits(p, v)), None)
            if home is None:
                home = []
                open_pkgs.append(home)
                loose.append(home)
            home.append(v)
        packages.extend(loose)

    # Small packages join the nearest package that still has room (largest first, so few stay small).
    packages.sort(key=len)
    centre = np.array([_centroid(p) for p in packages]) if packages else np.zeros((0, 2))
    alive = [True] * len(packages)
    for i, pkg in enumerate(packages):
        if len(pkg) * 2 > cap or not alive[i]:
            continue
        dist = haversine_km(centre[i, 0], centre[i, 1], centre[:, 0], centre[:, 1])
        for j in np.argsort(dist, kind="stable"):
            j = int(j)
            if dist[j] > limits.merge_radius_km:
                break
            if j == i or not alive[j] or len(packages[j]) + len(pkg) > cap:
                continue
            target = packages[j]
            trial = list(target)
            if all(fits(trial, v) and not trial.append(v) for v in pkg):
                packages[j] = trial
                centre[j] = _centroid(trial)
                alive[i] = False
                break
    return [p for p, keep in zip(packages, alive, strict=True) if keep]


def _chunks(visits: list[Visit], fits) -> list[list[Visit]]:
    out: list[list[Visit]] = []
    for v in sorted(visits, key=lambda v: (v.window[1], v.window[0], str(v.subject.id))):
        home = next((p for p in out if fits(p, v)), None)
        if home is None:
            out.append([v])
        else:
            home.append(v)
    return out


def _centroid(pkg: list[Visit]) -> tuple[float, float]:
    return (sum(v.subject.lng for v in pkg) / len(pkg), sum(v.subject.lat for v in pkg) / len(pkg))


def _schedule(packages, days, officers, bases, limits, rng):
    pending = [(max(v.window[0] for v in p), min(v.window[1] for v in p), p) for p in packages]
    load: dict[Hashable, int] = defaultdict(int)
    tiebreak = {o.id: rng.random() for o in officers}
    squad_days: list[SquadDay] = []
    for t, day in enumerate(days):
        remaining_days = len(days) - t
        quota = math.ceil(len(pending) / remaining_days) if pending else 0
        ready = sorted(
            (x for x in pending if x[0] <= t <= x[1]),
            key=lambda x: (x[1], -len(x[2]), _centroid(x[2])),
        )
        free = [o for o in officers if o.free_on(day)]
        used: set[Hashable] = set()
        placed = 0
        spill: list[list[Visit]] = []
        for entry in ready:
            if placed >= quota and entry[1] > t:
                break
            squad = _form_squad(entry[2], free, used, load, tiebreak, limits)
            if squad is None:
                continue
            pending.remove(entry)
            placed += 1
            for o in squad:
                used.add(o.id)
                load[o.id] += 1
            # The squad sets out from the member team's base nearest to the day's visits.
            here = _centroid(entry[2])
            homes = [bases[o.team] for o in squad if o.team in bases]
            base = min(homes, key=lambda b: haversine_km(b[0], b[1], here[0], here[1])) if homes else here
            sd, over = _route_day(day, squad, base, entry[2], limits)
            squad_days.append(sd)
            if over:
                spill.append(over)
        for pkg in spill:
            pending.append((max(v.window[0] for v in pkg), min(v.window[1] for v in pkg), pkg))
    return squad_days, [x[2] for x in pending]


def _form_squad(pkg, free, used, load, tiebreak, limits):
    """Greedy set cover of the package's domains by free officers, least-used first; then at least two."""
    need = {d for v in pkg for d in v.domains}
    pool = [o for o in free if o.id not in used]
    squad: list[Officer] = []
    while need:
        best = max(
            (o for o in pool if o not in squad),
            key=lambda o: (len(o.domains & need), -load[o.id], tiebreak[o.id]),
            default=None,
        )
        if best is None or not best.domains & need:
            return None
        squad.append(best)
        need -= best.domains
    domains = {d for v in pkg for d in v.domains}
    while len(squad) < 2:
        best = max(
            (o for o in pool if o not in squad),
            key=lambda o: (
                len(o.domains & domains) > 0,
                -load[o.id],
                o.team == squad[0].team if squad else 0,
                tiebreak[o.id],
            ),
            default=None,
        )
        if best is None:
            return None
        squad.append(best)
    if len(squad) > limits.max_squad_size:
        return None
    return squad


def _route_day(day, squad, base, pkg, limits):
    """Order the day's visits from the base and back; drop the last ones if the day runs over."""
    pkg = sorted(pkg, key=lambda v: v.seq)  # input order: the baseline an unplanned day would follow
    order, km_ordered, km_input = route_order(base, [(v.subject.lng, v.subject.lat) for v in pkg], limits)
    ordered = [pkg[i] for i in order]
    over: list[Visit] = []
    while True:
        minutes = _day_minutes(base, ordered, limits)
        if minutes <= limits.day_minutes or len(ordered) <= 1:
            break
        over.insert(0, ordered.pop())
    if over:
        km_ordered = _path_km(base, [(v.subject.lng, v.subject.lat) for v in ordered], limits)
        unordered = sorted(ordered, key=lambda v: v.seq)
        km_input = _path_km(base, [(v.subject.lng, v.subject.lat) for v in unordered], limits)
        if km_ordered > km_input:
            ordered, km_ordered = unordered, km_input
    sd = SquadDay(
        day=day,
        officers=tuple(o.id for o in squad),
        base=base,
        visits=ordered,
        km=round(km_ordered, 3),
        km_input_order=round(km_input, 3),
        minutes=round(_day_minutes(base, ordered, limits), 1),
    )
    return sd, over


def _day_minutes(base, visits, limits) -> float:
    km = _path_km(base, [(v.subject.lng, v.subject.lat) for v in visits], limits)
    service = sum(limits.visit_minutes(len(v.domains)) for v in visits)
    return service + km / limits.speed_kmh * 60


def _path_km(base, points, limits) -> float:
    """Road km of base → points in the given order → base."""
    if not points:
        return 0.0
    seq = np.array([base, *points, base], dtype=float)
    legs = haversine_km(seq[:-1, 0], seq[:-1, 1], seq[1:, 0], seq[1:, 1])
    return float(legs.sum()) * limits.detour


def route_order(base, points, limits: Limits | None = None) -> tuple[list[int], float, float]:
    """OR-Tools order of ``points`` as a closed tour from ``base``; never longer than the input order.

    Returns (order as indices into points, km in that order, km in input order).
    """
    limits = limits or Limits()
    km_input = _path_km(base, points, limits)
    n = len(points)
    if n <= 2:
        return list(range(n)), km_input, km_input
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    coords = np.array([base, *points], dtype=float)
    km = haversine_km(coords[:, None, 0], coords[:, None, 1], coords[None, :, 0], coords[None, :, 1])
    metres = np.rint(km * limits.detour * 1000).astype(np.int64).tolist()
    manager = pywrapcp.RoutingIndexManager(n + 1, 1, 0)
    routing = pywrapcp.RoutingModel(manager)

    def cost(i, j):
        return metres[manager.IndexToNode(i)][manager.IndexToNode(j)]

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(cost))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    params.time_limit.FromMilliseconds(max(int(limits.route_seconds * 1000), 1))
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return list(range(n)), km_input, km_input
    order, index = [], routing.Start(0)
    while not routing.IsEnd(index):
        node = manager.IndexToNode(index)
        if node:
            order.append(node - 1)
        index = solution.Value(routing.NextVar(index))
    km_ordered = _path_km(base, [points[i] for i in order], limits)
    if km_ordered > km_input:
        return list(range(n)), km_input, km_input
    return order, km_ordered, km_input
