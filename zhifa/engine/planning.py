"""综合查一次: turn many departments' due checks into one visit per subject, mixed squads and routed days.

Steps: (1) each subject's demands due in the period are merged into as few visits as their due windows allow
(one, unless windows do not overlap: the fewest dates that stab every window), capped by the subject's yearly
visit limit; (2) visits are packed into squad-day packages by building, then grid, then nearby small packages
merge, each sized to the working day less its road time; (3) days are filled earliest-deadline-first with a
level daily load, location first (a building's or street block's packages follow the first one onto its day),
never on a quiet day of the district or of the subject, and for each package a mixed squad (≥ 2 officers,
greedy set cover of its domains, least-used officers first) is formed from the officers free that day; (4)
each squad-day is ordered with OR-Tools from the squad's nearest team base and trimmed to the working day; a
day with visiting hours or quiet hours keeps them: its shortest tour is checked against them and, where it
breaks one, the day is routed with OR-Tools' time dimension instead. What cannot be fitted
is listed per demand with a reason. The departments-alone baseline is ``planning_alone``.
"""

from __future__ import annotations

import math
import random
import time
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import date, timedelta

import numpy as np

from zhifa.engine.planning_routes import EARTH_KM, haversine_km, path_km, tour, tour_with_hours  # noqa: F401
from zhifa.engine.planning_types import (  # noqa: F401 (re-exported: callers import them from here)
    HOP_MINUTES,
    REASON_CAP,
    REASON_CAPACITY,
    REASON_HOURS,
    REASON_NO_DAY,
    REASON_NO_SUBJECT,
    REASON_OUT_OF_PERIOD,
    REASON_QUALIFIED,
    Demand,
    Figures,
    Limits,
    Officer,
    Plan,
    SquadDay,
    Subject,
    Unfitted,
    Visit,
)


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
    baselines: bool = True,
) -> Plan:
    """Plan the period's joint visits. ``baselines=False`` skips the same-days km baselines (reordered and
    refilled days), which only the figures read; the departments-alone baseline is ``planning_alone``."""
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

    day_index = {day: t for t, day in enumerate(days)}

    def blocked_of(subject: Subject) -> frozenset[int]:
        return frozenset(day_index[q] for q in subject.quiet_days if q in day_index)

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
        blocked = blocked_of(by_id[d.subject]) if by_id[d.subject].quiet_days else frozenset()
        if a > b or all(t in blocked for t in range(a, b + 1)):
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
            subject = by_id[sid]
            visit = Visit(subject, tuple(group), window, first_seen[sid] * 64 + g, blocked_of(subject))
            need = limits.visit_minutes(len(visit.domains))
            if subject.hours and min(subject.hours[1], limits.day_minutes) - subject.hours[0] < need:
                for d in group:
                    refuse(
                        d,
                        f"{REASON_HOURS}（可检查 {subject.hours[1] - subject.hours[0]} 分钟，需 {need} 分钟）",
                    )
                continue
            visits.append(visit)
        for d in left:
            refuse(d, f"{REASON_CAP}（本年已检查 {done} 次，上限 {limits.max_visits_per_year} 次）")

    cover_size = _cover_size_fn(officers)
    packages = _pack(visits, limits, cover_size, bases)
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
        km_unclustered=round(_unclustered_km(squad_days, limits), 3) if baselines else 0.0,
        km_shuffled=round(_shuffled_km(squad_days, limits, seed), 3) if baselines else 0.0,
        seconds=time.perf_counter() - started,
        place_days=len({(v.place, sd.day) for sd in squad_days for v in sd.visits}),
        places=len({v.place for sd in squad_days for v in sd.visits}),
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


def _pack(visits: list[Visit], limits: Limits, cover_size, bases=None) -> list[list[Visit]]:
    """Squad-day packages: same building, then same grid, then small packages join a near neighbour."""
    cap = limits.max_visits_per_squad_day
    # Time kept for the road: the round trip from the nearest base plus a short hop per visit (a day that
    # still runs over is trimmed after routing, its last visits go to another day).
    homes = np.array(list((bases or {}).values()) or [[np.nan, np.nan]], dtype=float)
    to_road = limits.detour / limits.speed_kmh * 60
    trip: dict[int, float] = {}
    for v in visits:
        near = haversine_km(v.subject.lng, v.subject.lat, homes[:, 0], homes[:, 1])
        trip[id(v)] = (
            2 * float(np.nanmin(near)) * to_road if np.isfinite(near).any() else 0.2 * limits.day_minutes
        )

    def minutes(pkg):
        return sum(limits.visit_minutes(len(v.domains)) + HOP_MINUTES for v in pkg)

    def window(pkg):
        return max(v.window[0] for v in pkg), min(v.window[1] for v in pkg)

    def fits(pkg, v):
        a, b = window([*pkg, v])
        doms = frozenset(d for x in (*pkg, v) for d in x.domains)
        size = cover_size(doms)
        road = max([trip[id(v)], *(trip[id(x)] for x in pkg)])
        blocked = (
            v.blocked.union(*(x.blocked for x in pkg)) if v.blocked or any(x.blocked for x in pkg) else ()
        )
        return (
            len(pkg) < cap
            and a <= b
            and (not blocked or any(t not in blocked for t in range(a, b + 1)))
            and minutes(pkg) + limits.visit_minutes(len(v.domains)) + HOP_MINUTES + road <= limits.day_minutes
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
    """A place's visits in packages, earliest deadline first, each into the first package it fits. (Packing
    each window apart kept more of a building's visits on its main day but made more, smaller packages:
    more place-days, squad-days and km on the demo district; measured, not kept.)"""
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


def _entry(pkg: list[Visit]):
    """(first day, last day, package, days its subjects keep quiet, its place) of a package to schedule."""
    blocked = frozenset().union(*(v.blocked for v in pkg))
    places = Counter(v.place for v in pkg)
    return (
        max(v.window[0] for v in pkg),
        min(v.window[1] for v in pkg),
        pkg,
        blocked,
        places.most_common(1)[0][0],
    )


def _schedule(packages, days, officers, bases, limits, rng):
    """Days filled earliest deadline first at a level load, location first: once a building's (or street
    block's) package is placed on a day, the place's other packages that may go that day follow it there."""
    pending = [_entry(p) for p in packages]
    load: dict[Hashable, int] = defaultdict(int)
    tiebreak = {o.id: rng.random() for o in officers}
    squad_days: list[SquadDay] = []
    begun: set[tuple] = set()
    for t, day in enumerate(days):
        remaining_days = len(days) - t
        quota = math.ceil(len(pending) / remaining_days) if pending else 0
        ready = sorted(
            (x for x in pending if x[0] <= t <= x[1] and t not in x[3]),
            # A place begun on an earlier day whose squads ran short is finished first, on the next days.
            key=lambda x: (x[1], x[4] not in begun, -len(x[2]), _centroid(x[2])),
        )
        by_place: dict[tuple, list] = defaultdict(list)
        for x in ready:
            by_place[x[4]].append(x)
        free = [o for o in officers if o.free_on(day)]
        used: set[Hashable] = set()
        placed = 0
        spill: list[list[Visit]] = []
        places_today: set[tuple] = set()
        for entry in [x for first in ready for x in by_place.pop(first[4], ())]:
            if placed >= quota and entry[1] > t and entry[4] not in places_today:
                continue
            squad = _form_squad(entry[2], free, used, load, tiebreak, limits)
            if squad is None:
                continue
            pending.remove(entry)
            placed += 1
            places_today.add(entry[4])
            begun.add(entry[4])
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
        pending.extend(_entry(pkg) for pkg in spill)
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
    if any(v.subject.timed for v in pkg):
        return _route_timed_day(day, squad, base, pkg, limits)
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


def _route_timed_day(day, squad, base, pkg, limits):
    """A day with visiting hours: OR-Tools' time dimension orders it and keeps every visit in its hours;
    what cannot be kept goes back to the planner for another day."""
    points = [(v.subject.lng, v.subject.lat) for v in pkg]
    order, starts, dropped = tour_with_hours(
        base,
        points,
        [limits.visit_minutes(len(v.domains)) for v in pkg],
        [v.subject.hours for v in pkg],
        [v.subject.quiet_hours for v in pkg],
        detour=limits.detour,
        speed_kmh=limits.speed_kmh,
        day_minutes=limits.day_minutes,
        seconds=limits.route_seconds,
    )
    ordered = [pkg[i] for i in order]
    for v, start in zip(ordered, starts, strict=True):
        v.start_minute = start
    sd = SquadDay(
        day=day,
        officers=tuple(o.id for o in squad),
        base=base,
        visits=ordered,
        km=round(_path_km(base, [points[i] for i in order], limits), 3),
        km_input_order=round(_path_km(base, [points[i] for i in sorted(order)], limits), 3),
        minutes=round(_day_minutes(base, ordered, limits), 1),
    )
    return sd, [pkg[i] for i in dropped]


def _day_minutes(base, visits, limits) -> float:
    km = _path_km(base, [(v.subject.lng, v.subject.lat) for v in visits], limits)
    service = sum(limits.visit_minutes(len(v.domains)) for v in visits)
    return service + km / limits.speed_kmh * 60


def _path_km(base, points, limits) -> float:
    """Road km of base → points in the given order → base."""
    return path_km(base, points, limits.detour)


def route_order(base, points, limits: Limits | None = None) -> tuple[list[int], float, float]:
    """OR-Tools order of ``points`` as a closed tour from ``base``; never longer than the input order.

    Returns (order as indices into points, km in that order, km in input order).
    """
    limits = limits or Limits()
    km_input = _path_km(base, points, limits)
    order = tour(base, points, detour=limits.detour, seconds=limits.route_seconds)
    km_ordered = _path_km(base, [points[i] for i in order], limits)
    if km_ordered > km_input:
        return list(range(len(points))), km_input, km_input
    return order, km_ordered, km_input
