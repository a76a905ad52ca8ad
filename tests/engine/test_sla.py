"""SLA clocks: 1315 deadlines, met / late / running / overdue."""

from datetime import UTC, datetime, timedelta

from zhifa.engine.sla import ORDINARY, URGENT_1315, clock_states, on_time_rate, overdue_clocks

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def test_1315_deadlines():
    states = {s.clock: s for s in clock_states(URGENT_1315, T0, {}, T0)}
    assert states["respond"].due == T0 + timedelta(minutes=1)
    assert states["link"].due == T0 + timedelta(minutes=3)
    assert states["on_site"].due == T0 + timedelta(minutes=15)
    assert all(s.state == "running" for s in states.values())


def test_met_late_overdue():
    done = {"respond": T0 + timedelta(seconds=40), "link": T0 + timedelta(minutes=4)}
    now = T0 + timedelta(minutes=16)
    states = {s.clock: s for s in clock_states(URGENT_1315, T0, done, now)}
    assert states["respond"].state == "met"
    assert states["link"].state == "late"
    assert states["on_site"].state == "overdue"
    assert states["on_site"].minutes_left == -1.0
    assert overdue_clocks(URGENT_1315, T0, done, now) == ["on_site"]
    assert overdue_clocks(ORDINARY, T0, done, now) == []


def test_exact_deadline_is_on_time():
    done = {"respond": T0 + timedelta(minutes=1)}
    assert clock_states(URGENT_1315, T0, done, T0)[0].state == "met"


def test_on_time_rate():
    assert on_time_rate([]) is None
    assert on_time_rate([True, True, False, True]) == 0.75
