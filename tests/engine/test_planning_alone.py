"""综合查一次 against each department alone, location-first days, visiting hours and quiet days kept."""

import math
from datetime import date

from zhifa.engine.planning import (
    REASON_CAP,
    REASON_HOURS,
    REASON_NO_DAY,
    Demand,
    Limits,
    Officer,
    Subject,
    plan_joint,
    working_days,
)
from zhifa.engine.planning_alone import compare_with_departments_alone, departments_alone
from zhifa.engine.planning_routes import keeps_hours, tour_with_hours

Q2 = (date(2026, 4, 1), date(2026, 6, 30))
BUILDING = (120.20, 30.25)
BASES = {"MKT": (120.21, 30.25), "FIRE": (120.20, 30.27)}
DETOUR = 1.3


def km(a, b):
    """Great-circle km, written out here so the test does not lean on the engine's own function."""
    (lng1, lat1), (lng2, lat2) = a, b
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lng2 - lng1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def officer(n, domain, team):
    return Officer(f"ZF{n}", frozenset({domain}), team)


def three_in_one_building():
    subjects = [Subject(f"S{n}", *BUILDING, "B1", "G1") for n in range(3)]
    demands = [Demand(s.id, dom, *Q2) for s in subjects for dom in ("market", "fire")]
    officers = [officer(1, "market", "MKT"), officer(2, "market", "MKT")]
    officers += [officer(3, "fire", "FIRE"), officer(4, "fire", "FIRE")]
    return subjects, demands, officers


def test_three_subjects_two_departments_joint_three_visits_alone_six_with_known_km():
    subjects, demands, officers = three_in_one_building()
    limits = Limits()
    joint = plan_joint(subjects, demands, officers, BASES, period=Q2, limits=limits, seed=1)
    c = compare_with_departments_alone(joint, subjects, demands, officers, BASES, period=Q2, limits=limits)
    assert (c.joint_visits, c.alone_visits) == (3, 6)
    assert c.visit_saving == 0.5 and c.best_visit_saving == 0.5 and c.overlap == 2.0
    # One mixed squad-day (a market and a fire officer) against one squad-day of two for each department.
    assert (c.joint_squad_days, c.alone_squad_days) == (1, 2)
    assert (c.joint_officer_days, c.alone_officer_days) == (2, 4)
    # All three subjects stand at one point: a day is the round trip from the base. The joint squad sets out
    # from the nearer of its two teams' bases; each department from its own.
    to_market, to_fire = km(BASES["MKT"], BUILDING), km(BASES["FIRE"], BUILDING)
    assert to_market < to_fire
    assert math.isclose(c.joint_km, 2 * to_market * DETOUR, rel_tol=1e-3)
    assert math.isclose(c.alone_km, 2 * (to_market + to_fire) * DETOUR, rel_tol=1e-2)
    by_domain = {d.domain: d for d in c.departments}
    assert math.isclose(by_domain["fire"].km, 2 * to_fire * DETOUR, abs_tol=0.06)
    assert (by_domain["market"].visits, by_domain["fire"].visits) == (3, 3)
    assert c.joint_served == c.alone_served == 6
    d = c.as_dict()
    assert d["alone_visits"] == 6 and d["visit_saving"] == 0.5 and len(d["departments"]) == 2


def test_each_department_uses_only_its_own_officers_and_keeps_the_yearly_cap():
    subjects, demands, officers = three_in_one_building()
    limits = Limits(max_visits_per_year=2, visits_this_year={"S0": 2})
    alone = departments_alone(subjects, demands, officers, BASES, period=Q2, limits=limits)
    # S0 is at its cap: neither department may visit it; the others are visited once by each.
    assert [(a.domain, a.visits, a.unfitted, a.officer_days) for a in alone] == [
        ("fire", 2, 1, 2),
        ("market", 2, 1, 2),
    ]
    # A department with nobody qualified plans nothing and says why.
    lonely = departments_alone(subjects, demands, officers[:2], BASES, period=Q2, limits=limits)
    assert [(a.domain, a.visits, a.unfitted) for a in lonely] == [("fire", 0, 3), ("market", 2, 1)]
    joint = plan_joint(subjects, demands, officers, BASES, period=Q2, limits=limits)
    assert {u.reason.split("（")[0] for u in joint.unfitted} == {REASON_CAP}


def test_location_first_keeps_a_building_on_one_day():
    # Two buildings of 20 subjects each, one department: 8 visits a squad-day, so three squads per building.
    # A level load over the quarter alone would spread each building over three days.
    subjects = [Subject(f"A{n:02d}", 120.20, 30.25, "BA", "G1") for n in range(20)]
    subjects += [Subject(f"B{n:02d}", 120.23, 30.27, "BB", "G2") for n in range(20)]
    demands = [Demand(s.id, "market", *Q2) for s in subjects]
    officers = [officer(n, "market", "MKT") for n in range(8)]
    plan = plan_joint(subjects, demands, officers, BASES, period=Q2, limits=Limits(), seed=2)
    days = {"BA": set(), "BB": set()}
    for sd in plan.squad_days:
        for v in sd.visits:
            days[v.subject.building].add(sd.day)
    assert sum(len(sd.visits) for sd in plan.squad_days) == 40 and not plan.unfitted
    assert len(days["BA"]) == 1 and len(days["BB"]) == 1
    assert plan.figures.places == 2 and plan.figures.place_days == 2


def test_quiet_days_windows_and_visiting_hours_are_kept():
    quiet = frozenset({date(2026, 4, 6), date(2026, 5, 1)})
    exam_days = frozenset(working_days(date(2026, 4, 1), date(2026, 4, 30), Limits(quiet_days=quiet)))
    subjects = [
        # A school: its own quiet days all of April; visits only 13:30–16:30, not 14:00–15:00 (a class).
        Subject("school", 120.201, 30.251, None, "G1", (270, 450), ((300, 360),), exam_days),
        # A restaurant: never during lunch service (11:00–13:30).
        Subject("rest", 120.202, 30.252, None, "G1", None, ((120, 270),)),
        *[Subject(f"S{n}", 120.20 + 0.001 * n, 30.25, None, "G1") for n in range(6)],
    ]
    window = (date(2026, 4, 1), date(2026, 5, 15))
    demands = [Demand(s.id, dom, *window) for s in subjects for dom in ("market", "fire")]
    demands.append(Demand("rest", "market", date(2026, 4, 27), date(2026, 5, 8), (), "complaint"))
    officers = [officer(n, ("market", "fire")[n % 2], ("MKT", "FIRE")[n % 2]) for n in range(4)]
    limits = Limits(quiet_days=quiet)
    plan = plan_joint(subjects, demands, officers, BASES, period=Q2, limits=limits, seed=3)
    assert not plan.unfitted
    seen = set()
    for sd in plan.squad_days:
        assert sd.day not in quiet
        for v in sd.visits:
            seen.add(v.subject.id)
            assert sd.day not in v.subject.quiet_days
            assert all(d.due_from <= sd.day <= d.due_to for d in v.demands)
            if v.subject.timed:
                minutes = limits.visit_minutes(len(v.domains))
                start, end = v.start_minute, v.start_minute + minutes
                lo, hi = v.subject.hours or (0, limits.day_minutes)
                assert lo <= start and end <= hi
                assert all(end <= q0 or start >= q1 for q0, q1 in v.subject.quiet_hours)
    assert seen == {s.id for s in subjects}
    school_day = next(sd.day for sd in plan.squad_days for v in sd.visits if v.subject.id == "school")
    assert school_day >= date(2026, 5, 4)  # after its April quiet days and the May holiday


def test_a_subject_quiet_through_its_whole_window_is_listed_with_a_reason():
    subject = Subject("S1", 120.2, 30.25, quiet_days=frozenset({date(2026, 4, 1), date(2026, 4, 2)}))
    demand = Demand("S1", "market", date(2026, 4, 1), date(2026, 4, 2))
    plan = plan_joint(
        [subject], [demand], [officer(1, "market", "MKT"), officer(2, "market", "MKT")], BASES, period=Q2
    )
    assert [u.reason for u in plan.unfitted] == [REASON_NO_DAY] and not plan.squad_days


def test_time_dimension_orders_by_hours_and_drops_what_cannot_be_kept():
    base = (120.20, 30.25)
    near, far = (120.201, 30.25), (120.23, 30.25)
    # Distance alone would go to the near subject first; its hours say afternoon, the far one's morning.
    order, starts, dropped = tour_with_hours(
        base,
        [near, far, near],
        [60, 60, 60],
        [(240, 420), (0, 120), (0, 30)],  # the third's window is shorter than the visit: never kept
        [(), (), ()],
        detour=1.3,
        speed_kmh=20,
        day_minutes=420,
        seconds=1,
    )
    assert order == [1, 0] and dropped == [2]
    assert starts[0] <= 120 - 60 and 240 <= starts[1] <= 420 - 60


def test_hours_too_short_for_the_visit_are_listed_with_a_reason():
    officers = [officer(1, "market", "MKT"), officer(2, "fire", "FIRE")]
    # 40 minutes of hours: enough for one department's check (30), not for a joint one of two (45).
    short = Subject("short", 120.2, 30.25, hours=(60, 100))
    one = Subject("one", 120.2, 30.25, hours=(60, 100))
    demands = [Demand("short", "market", *Q2), Demand("short", "fire", *Q2), Demand("one", "market", *Q2)]
    plan = plan_joint([short, one], demands, officers, BASES, period=Q2)
    assert sorted((u.subject, u.demand.domain) for u in plan.unfitted) == [
        ("short", "fire"),
        ("short", "market"),
    ]
    assert {u.reason for u in plan.unfitted} == {f"{REASON_HOURS}（可检查 40 分钟，需 45 分钟）"}
    [visit] = [v for sd in plan.squad_days for v in sd.visits]
    assert visit.subject.id == "one" and 60 <= visit.start_minute <= 70


def test_a_tour_is_checked_against_hours_with_waiting():
    base, a, b = (120.20, 30.25), (120.201, 30.25), (120.202, 30.25)
    kw = {"detour": 1.3, "speed_kmh": 20, "day_minutes": 420}
    # b opens at 120: going a then b waits for it; b's quiet hours 150–200 push nothing (the visit ends at 180).
    starts = keeps_hours(base, [a, b], [0, 1], [30, 60], [None, (120, 420)], [(), ((180, 200),)], **kw)
    assert starts is not None and starts[0] < 10 and starts[1] == 120
    # a's lunch service 0–240 makes it wait; then b cannot end by 250.
    assert keeps_hours(base, [a, b], [0, 1], [30, 60], [None, (0, 250)], [((0, 240),), ()], **kw) is None
    # The day must end back at the base by the end of the working day.
    assert keeps_hours(base, [a], [0], [30], [(389, 420)], [()], **kw) == [389]  # back at 420 sharp
    assert keeps_hours(base, [a], [0], [30], [(390, 420)], [()], **kw) is None
