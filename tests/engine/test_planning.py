"""综合查一次 planning: one visit per subject, limits respected, squads qualified, routes no longer than input."""

import random
from collections import Counter
from datetime import date

import pytest

from zhifa.engine.planning import (
    REASON_CAP,
    REASON_CAPACITY,
    REASON_NO_DAY,
    REASON_NO_SUBJECT,
    REASON_OUT_OF_PERIOD,
    REASON_QUALIFIED,
    Demand,
    Limits,
    Officer,
    Subject,
    haversine_km,
    plan_joint,
    route_order,
)

Q2 = (date(2026, 4, 1), date(2026, 6, 30))
BASE = {"SJQ": (120.2035, 30.2585), "DT": (120.23, 30.24)}
DOMAINS = ("comprehensive", "market", "fire", "health")


def officer(n, domains, team="SJQ", days=None):
    return Officer(f"ZF{n:02d}", frozenset(domains), team, frozenset(days) if days is not None else None)


OFFICERS = [
    officer(1, {"comprehensive", "market"}),
    officer(2, {"comprehensive", "fire"}),
    officer(3, {"market"}, "DT"),
    officer(4, {"fire", "health"}, "DT"),
]


def demand(subject, domain, start=Q2[0], end=Q2[1], source="policy"):
    return Demand(subject, domain, start, end, (f"{domain}-001",), source)


def world(n_subjects=400, seed=3):
    rnd = random.Random(seed)
    subjects, demands = [], []
    for n in range(n_subjects):
        b = rnd.randrange(30)
        in_building = rnd.random() < 0.7
        lng = 120.205 + (b % 6) * 0.003 + (0 if in_building else rnd.uniform(-0.01, 0.01))
        lat = 30.255 + (b // 6) * 0.003 + (0 if in_building else rnd.uniform(-0.01, 0.01))
        subjects.append(
            Subject(f"S{n:04d}", lng, lat, f"B{b:02d}" if in_building else None, f"G{b // 3:02d}")
        )
        for dom in rnd.sample(DOMAINS, rnd.randint(0, 3)):
            demands.append(demand(f"S{n:04d}", dom))
        if rnd.random() < 0.05:
            start = date(2026, 4, rnd.randint(1, 28))
            demands.append(demand(f"S{n:04d}", "market", start, date(2026, 5, start.day), "complaint"))
    rnd.shuffle(demands)
    officers = []
    for n in range(14):
        doms = {DOMAINS[n % 4], DOMAINS[(n * 3 + 1) % 4]}
        off = {date(2026, 4, rnd.randint(1, 30)) for _ in range(6)}
        days = [date.fromordinal(d) for d in range(Q2[0].toordinal(), Q2[1].toordinal() + 1)]
        officers.append(officer(n, doms, "SJQ" if n % 2 else "DT", [d for d in days if d not in off]))
    return subjects, demands, officers


QUIET = frozenset({date(2026, 5, 1), date(2026, 5, 4), date(2026, 5, 5), date(2026, 6, 19)})


@pytest.fixture(scope="module")
def big():
    subjects, demands, officers = world()
    done = {f"S{n:04d}": n % 5 for n in range(400)}
    limits = Limits(
        quiet_days=QUIET, visits_this_year=done, max_visits_per_year=4, max_visits_per_squad_day=6
    )
    plan = plan_joint(subjects, demands, officers, BASE, period=Q2, limits=limits, seed=11)
    return subjects, demands, officers, limits, plan


def test_limits_are_respected(big):
    subjects, demands, officers, limits, plan = big
    assert plan.squad_days, "nothing was planned"
    visits = Counter(v.subject.id for sd in plan.squad_days for v in sd.visits)
    for sid, n in visits.items():
        assert limits.visits_this_year[sid] + n <= limits.max_visits_per_year
    for sd in plan.squad_days:
        assert sd.day not in QUIET and sd.day.weekday() < 5
        assert Q2[0] <= sd.day <= Q2[1]
        assert 1 <= len(sd.visits) <= limits.max_visits_per_squad_day
        assert sd.minutes <= limits.day_minutes or len(sd.visits) == 1
    capped = [u for u in plan.unfitted if u.reason.startswith(REASON_CAP)]
    assert capped and all(limits.visits_this_year[u.subject] >= 1 for u in capped)
    assert "上限 4 次" in capped[0].reason


def test_squads_are_mixed_qualified_and_available(big):
    _, _, officers, limits, plan = big
    by_id = {o.id: o for o in officers}
    per_day = Counter()
    for sd in plan.squad_days:
        assert 2 <= len(sd.officers) <= limits.max_squad_size
        held = set().union(*(by_id[o].domains for o in sd.officers))
        assert sd.base in {BASE[by_id[o].team] for o in sd.officers}
        for v in sd.visits:
            assert set(v.domains) <= held
        for o in sd.officers:
            assert by_id[o].free_on(sd.day)
            per_day[(o, sd.day)] += 1
    assert max(per_day.values()) == 1, "an officer was put in two squads on one day"


def test_every_demand_is_planned_or_listed_with_a_reason(big):
    _, demands, _, _, plan = big
    planned = [d for sd in plan.squad_days for v in sd.visits for d in v.demands]
    listed = [u.demand for u in plan.unfitted]
    assert all(u.reason for u in plan.unfitted)
    assert sorted(map(id, planned + listed)) == sorted(map(id, demands))
    # One visit per subject and period when windows allow: never two visits for the same window.
    for sd in plan.squad_days:
        for v in sd.visits:
            assert len({d.domain for d in v.demands}) == len(v.demands) or any(
                d.source == "complaint" for d in v.demands
            )
            assert v.window[0] <= plan.working_days.index(sd.day) <= v.window[1]
            for d in v.demands:
                assert d.due_from <= sd.day <= d.due_to


def test_routes_are_never_longer_than_input_order(big):
    plan = big[4]
    assert all(sd.km <= sd.km_input_order + 1e-9 for sd in plan.squad_days)
    f = plan.figures
    assert f.km < f.km_unordered
    assert f.joint_visits < f.separate_visits
    assert f.officer_days == sum(len(sd.officers) for sd in plan.squad_days)


def test_planning_is_deterministic_with_a_seed(big):
    subjects, demands, officers, limits, plan = big
    again = plan_joint(subjects, demands, officers, BASE, period=Q2, limits=limits, seed=11)

    def shape(p):
        return [(sd.day, sd.officers, [v.subject.id for v in sd.visits]) for sd in p.squad_days]

    assert shape(again) == shape(plan)
    assert [(u.subject, u.reason) for u in again.unfitted] == [(u.subject, u.reason) for u in plan.unfitted]


def test_one_subject_many_departments_become_one_visit():
    s = Subject("S1", 120.205, 30.255, "B1", "G1")
    demands = [demand("S1", "market"), demand("S1", "fire"), demand("S1", "comprehensive")]
    plan = plan_joint([s], demands, OFFICERS, BASE, period=Q2)
    (sd,) = plan.squad_days
    (visit,) = sd.visits
    assert visit.domains == ("comprehensive", "fire", "market")
    assert plan.figures.joint_visits == 1 and plan.figures.separate_visits == 3
    assert plan.figures.visit_saving == pytest.approx(2 / 3)
    assert plan.unfitted == []


def test_windows_that_do_not_meet_need_two_visits_and_the_cap_keeps_one():
    s = Subject("S1", 120.205, 30.255)
    early = demand("S1", "market", date(2026, 4, 1), date(2026, 4, 10))
    late = [demand("S1", "fire", date(2026, 6, 1), date(2026, 6, 30)), demand("S1", "comprehensive")]
    free = plan_joint([s], [early, *late], OFFICERS, BASE, period=Q2)
    assert sorted(len(v.demands) for sd in free.squad_days for v in sd.visits) == [1, 2]
    capped = plan_joint(
        [s],
        [early, *late],
        OFFICERS,
        BASE,
        period=Q2,
        limits=Limits(max_visits_per_year=4, visits_this_year={"S1": 3}),
    )
    (visit,) = [v for sd in capped.squad_days for v in sd.visits]
    assert len(visit.demands) == 2  # the visit that settles more demands is kept
    (left,) = capped.unfitted
    assert left.demand in (early, late[0])
    # With one visit left, the date that settles the most demands wins: three late windows beat one early.
    late3 = [*late, demand("S1", "health", date(2026, 6, 10), date(2026, 6, 20))]
    one = plan_joint(
        [s], [early, *late3], OFFICERS, BASE, period=Q2, limits=Limits(visits_this_year={"S1": 3})
    )
    (visit,) = [v for sd in one.squad_days for v in sd.visits]
    assert visit.domains == ("comprehensive", "fire", "health")
    assert [u.demand for u in one.unfitted] == [early]
    assert left.reason == f"{REASON_CAP}（本年已检查 3 次，上限 4 次）"


def test_reasons_for_demands_that_cannot_be_planned():
    s = Subject("S1", 120.205, 30.255)
    holiday = demand("S1", "market", date(2026, 5, 1), date(2026, 5, 5))  # 劳动节 + weekend
    culture = demand("S1", "culture")
    outside = demand("S1", "fire", date(2026, 7, 1), date(2026, 7, 31))
    ghost = demand("S404", "market")
    plan = plan_joint(
        [s], [holiday, culture, outside, ghost], OFFICERS, BASE, period=Q2, limits=Limits(quiet_days=QUIET)
    )
    reasons = {u.demand.domain if u.subject == "S1" else "ghost": u.reason for u in plan.unfitted}
    assert reasons == {
        "market": REASON_NO_DAY,
        "culture": f"{REASON_QUALIFIED}（culture）",
        "fire": REASON_OUT_OF_PERIOD,
        "ghost": REASON_NO_SUBJECT,
    }
    assert plan.squad_days == []


def test_too_few_officers_leaves_visits_unfitted_with_capacity_reason():
    subjects = [Subject(f"S{n}", 120.2 + n * 0.001, 30.25) for n in range(30)]
    demands = [demand(s.id, "market", date(2026, 4, 1), date(2026, 4, 3)) for s in subjects]
    two = [officer(1, {"market"}), officer(2, {"market"})]
    plan = plan_joint(subjects, demands, two, BASE, period=Q2, limits=Limits(max_visits_per_squad_day=4))
    # 3 working days × 1 squad × 4 visits = 12 planned, 18 left with a reason.
    assert plan.figures.joint_visits == 12
    assert len(plan.unfitted) == 18
    assert {u.reason for u in plan.unfitted} == {REASON_CAPACITY}
    # A single qualified officer cannot form a squad of two on their own domain… but a second officer joins.
    solo = plan_joint(
        subjects[:1], demands[:1], [officer(1, {"market"}), officer(2, {"fire"})], BASE, period=Q2
    )
    assert solo.squad_days[0].officers == ("ZF01", "ZF02")


def test_route_order_beats_a_zigzag_and_handles_tiny_days():
    base = (120.20, 30.25)
    zigzag = [(120.20 + 0.004 * (i if i % 2 else 10 - i), 30.25) for i in range(10)]
    order, km, km_input = route_order(base, zigzag)
    assert sorted(order) == list(range(10))
    assert km < 0.6 * km_input
    assert route_order(base, [])[0] == []
    one = route_order(base, [(120.21, 30.25)])
    assert one[0] == [0] and one[1] == one[2] == pytest.approx(
        2 * 1.3 * haversine_km(120.20, 30.25, 120.21, 30.25)
    )


def test_haversine_known_distance():
    # One degree along a meridian is πR/180 ≈ 111.195 km; at 30° N a degree of longitude is cos 30° of that.
    assert haversine_km(120.0, 30.0, 120.0, 31.0) == pytest.approx(111.195, abs=0.01)
    assert haversine_km(120.0, 30.0, 121.0, 30.0) == pytest.approx(96.29, abs=0.05)
