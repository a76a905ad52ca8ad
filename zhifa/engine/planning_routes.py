"""Routes of one squad-day: distances, a closed tour from the base, and a tour that keeps visiting hours.

Plain OR-Tools on plain data. ``tour`` orders a day by distance alone; ``tour_with_hours`` uses the routing
solver's time dimension (travel + time on site accumulate along the route, each visit's start is kept inside
the subject's hours and off its quiet hours, the day ends by the working day's end) and drops the fewest
visits it must — those go back to the planner for another day.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

EARTH_KM = 6371.0088
DROP_PENALTY = 10_000_000  # metres: dropping a visit costs more than any detour inside a district


def haversine_km(lng1, lat1, lng2, lat2):
    """Great-circle distance in km; works on floats or numpy arrays (broadcasting)."""
    lng1, lat1, lng2, lat2 = map(np.radians, (lng1, lat1, lng2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def path_km(base, points, detour: float) -> float:
    """Road km of base → points in the given order → base."""
    if not points:
        return 0.0
    seq = np.array([base, *points, base], dtype=float)
    legs = haversine_km(seq[:-1, 0], seq[:-1, 1], seq[1:, 0], seq[1:, 1])
    return float(legs.sum()) * detour


def _metres(base, points, detour: float) -> list[list[int]]:
    coords = np.array([base, *points], dtype=float)
    km = haversine_km(coords[:, None, 0], coords[:, None, 1], coords[None, :, 0], coords[None, :, 1])
    return np.rint(km * detour * 1000).astype(np.int64).tolist()


def _params(seconds: float):
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    params.time_limit.FromMilliseconds(max(int(seconds * 1000), 1))
    return params


def _read(routing, manager, solution) -> list[int]:
    order, index = [], routing.Start(0)
    while not routing.IsEnd(index):
        node = manager.IndexToNode(index)
        if node:
            order.append(node - 1)
        index = solution.Value(routing.NextVar(index))
    return order


def tour(base, points, *, detour: float, seconds: float) -> list[int]:
    """OR-Tools order of ``points`` as a closed tour from ``base`` (indices into points)."""
    n = len(points)
    if n <= 2:
        return list(range(n))
    from ortools.constraint_solver import pywrapcp

    metres = _metres(base, points, detour)
    manager = pywrapcp.RoutingIndexManager(n + 1, 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    # A matrix, not a Python callback: the solver reads it without calling back into Python per arc.
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(metres))
    solution = routing.SolveWithParameters(_params(seconds))
    return list(range(n)) if solution is None else _read(routing, manager, solution)


def keeps_hours(
    base, points, order, service, hours, quiet, *, detour: float, speed_kmh: float, day_minutes: int
) -> list[int] | None:
    """Start minute of each visit when the day goes in ``order`` (waiting for a subject's hours or the end of
    its quiet hours where needed), or None if some visit cannot be kept or the squad is back too late."""
    metres = _metres(base, points, detour)
    per_minute = speed_kmh * 1000 / 60
    at, clock, starts = 0, 0, []
    for i in order:
        clock += int(np.ceil(metres[at][i + 1] / per_minute))
        lo, hi = hours[i] or (0, day_minutes)
        start = max(clock, lo)
        for q_from, q_to in sorted(quiet[i] or ()):
            if start < q_to and start + service[i] > q_from:
                start = q_to
        if start + service[i] > min(hi, day_minutes):
            return None
        starts.append(start)
        clock, at = start + service[i], i + 1
    clock += int(np.ceil(metres[at][0] / per_minute))
    return starts if clock <= day_minutes else None


def tour_with_hours(
    base,
    points,
    service: Sequence[int],
    hours: Sequence[tuple[int, int] | None],
    quiet: Sequence[Sequence[tuple[int, int]]],
    *,
    detour: float,
    speed_kmh: float,
    day_minutes: int,
    seconds: float,
) -> tuple[list[int], list[int], list[int]]:
    """Order a day whose visits have hours: (order, start minute of each visit in that order, dropped).

    ``service[i]`` minutes on site; ``hours[i]`` (earliest start, latest end) in minutes from the start of
    the working day, None for all day; ``quiet[i]`` intervals (from, to) in which a visit may not be under
    way (无事不扰: a restaurant's lunch service, a school's classes). Time accumulates along the route in an
    OR-Tools time dimension (travel + time on site, waiting allowed); the squad is back by ``day_minutes``.
    Visits that cannot be kept are dropped (a disjunction with a large penalty, so as few as possible).

    First the shortest tour by distance alone is tried against the hours: when it keeps them all it is also
    the best tour with them (same cost, fewer constraints), and the time-dimension model is not built."""
    from ortools.constraint_solver import pywrapcp

    order = tour(base, points, detour=detour, seconds=seconds)
    starts = keeps_hours(
        base,
        points,
        order,
        service,
        hours,
        quiet,
        detour=detour,
        speed_kmh=speed_kmh,
        day_minutes=day_minutes,
    )
    if starts is not None:
        return order, starts, []

    windows = []
    for i in range(len(points)):
        lo, hi = hours[i] or (0, day_minutes)
        windows.append((lo, min(hi, day_minutes) - int(service[i])))
    keep = [i for i, (lo, latest) in enumerate(windows) if lo <= latest]  # the others can never be kept
    never = [i for i in range(len(points)) if i not in set(keep)]
    n = len(keep)
    if n == 0:
        return [], [], never
    metres = _metres(base, [points[i] for i in keep], detour)
    metres_per_minute = speed_kmh * 1000 / 60
    minutes = [[int(np.ceil(m / metres_per_minute)) for m in row] for row in metres]
    on_site = [0, *[int(service[i]) for i in keep]]
    manager = pywrapcp.RoutingIndexManager(n + 1, 1, 0)
    routing = pywrapcp.RoutingModel(manager)

    # Time from a node to the next: its time on site plus the drive (a matrix, read without Python calls).
    elapsed = [[on_site[a] + minutes[a][b] for b in range(n + 1)] for a in range(n + 1)]
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(metres))
    routing.AddDimension(routing.RegisterTransitMatrix(elapsed), day_minutes, day_minutes, True, "Time")
    time = routing.GetDimensionOrDie("Time")
    for k, i in enumerate(keep):
        index = manager.NodeToIndex(k + 1)
        lo, latest = windows[i]
        cumul = time.CumulVar(index)
        cumul.SetRange(lo, latest)
        for q_from, q_to in quiet[i] or ():
            # A visit may neither start inside a quiet interval nor run into it.
            a, b = max(q_from - on_site[k + 1] + 1, lo), min(q_to - 1, latest)
            if a <= b:
                cumul.RemoveInterval(a, b)
        routing.AddDisjunction([index], DROP_PENALTY)
    routing.AddVariableMinimizedByFinalizer(time.CumulVar(routing.End(0)))
    solution = routing.SolveWithParameters(_params(seconds))
    if solution is None:
        return [], [], list(range(len(points)))
    local = _read(routing, manager, solution)
    starts = [solution.Min(time.CumulVar(manager.NodeToIndex(k + 1))) for k in local]
    order = [keep[k] for k in local]
    kept = set(order)
    return order, starts, [i for i in range(len(points)) if i not in kept]
