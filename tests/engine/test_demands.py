"""Inspection demands: colour frequency per domain, scenario bundling, complaints, requests, guidance visits."""

from datetime import date

import pytest

from zhifa.engine.demands import (
    Complaint,
    DemandRules,
    DueSubject,
    Request,
    build_demands,
    routine_windows,
    summarise,
)
from zhifa.engine.risk import DEFAULT_POLICY, Frequency, RiskPolicy

Q1 = (date(2027, 1, 1), date(2027, 3, 31))
SHOP = {"market": ("SJ0017", "SJ0018"), "fire": ("XF0004",), "comprehensive": ("ZH0015",)}


def shop(colour="yellow", **kw):
    return DueSubject(id=kw.pop("id", 1), colour=colour, domains=kw.pop("domains", SHOP), **kw)


def by_source(demands, source):
    return sorted((d.domain, d.due_from, d.due_to) for d in demands if d.source == source)


def test_green_gets_no_routine_checks_only_causes():
    assert build_demands([shop("green")], Q1) == []


def test_yellow_never_checked_is_due_in_every_domain_from_the_start():
    demands = build_demands([shop("yellow")], Q1)
    assert by_source(demands, "policy") == [
        ("comprehensive", date(2027, 1, 1), date(2027, 3, 31)),
        ("fire", date(2027, 1, 1), date(2027, 3, 31)),
        ("market", date(2027, 1, 1), date(2027, 3, 31)),
    ]
    market = next(d for d in demands if d.domain == "market")
    assert market.items == ("SJ0017", "SJ0018") and market.subject == 1


def test_yellow_checked_recently_waits_half_a_year_per_domain():
    # market checked 2026-10-01: next due 183 days later (2027-04-02), after the quarter.
    s = shop("yellow", last_checked={"market": date(2026, 10, 1), "fire": date(2026, 7, 20)})
    demands = build_demands([s], Q1)
    assert by_source(demands, "policy") == [
        ("comprehensive", date(2027, 1, 1), date(2027, 3, 31)),
        ("fire", date(2027, 1, 19), date(2027, 3, 31)),  # 2026-07-20 + 183 days
    ]


def test_red_is_quarterly_and_two_checks_fall_in_a_half_year():
    windows = routine_windows("red", None, date(2027, 1, 1), date(2027, 6, 30))
    # every 91.3 days: Jan 1 and Apr 2; the first must be done before the second falls due.
    assert windows == [(date(2027, 1, 1), date(2027, 4, 1)), (date(2027, 4, 2), date(2027, 6, 30))]


def test_scenario_domains_ride_along_with_the_first_due_check():
    s = shop(
        "yellow",
        last_checked={
            "market": date(2026, 10, 1),
            "fire": date(2026, 7, 20),
            "comprehensive": date(2026, 11, 1),
        },
        scenario_domains=(frozenset({"market", "fire", "comprehensive"}),),
    )
    demands = build_demands([s], Q1)
    assert by_source(demands, "policy") == [("fire", date(2027, 1, 19), date(2027, 3, 31))]
    # 监管一件事: market and comprehensive are checked at the same visit, in fire's window.
    assert by_source(demands, "scenario") == [
        ("comprehensive", date(2027, 1, 19), date(2027, 3, 31)),
        ("market", date(2027, 1, 19), date(2027, 3, 31)),
    ]


def test_complaint_asks_for_a_check_within_the_configured_days_unless_checked_since():
    complaints = [
        Complaint(1, "comprehensive", ("ZH0101",), date(2027, 2, 10)),
        Complaint(1, "comprehensive", ("ZH0101",), date(2027, 2, 12)),  # same domain: one check
        Complaint(1, "market", ("SJ0018",), date(2027, 1, 5)),  # market checked on Jan 8: settled
        Complaint(1, "fire", ("XF0004",), date(2026, 11, 1)),  # before the look-back: ignored
    ]
    s = shop("green", last_checked={"market": date(2027, 1, 8)})
    demands = build_demands([s], Q1, complaints=complaints, rules=DemandRules(complaint_days=10))
    assert by_source(demands, "complaint") == [("comprehensive", date(2027, 2, 10), date(2027, 2, 20))]
    complaint = demands[0]
    assert complaint.items == ("ZH0015", "ZH0101")  # the complaint's item and the domain's checklist


def test_complaint_from_before_the_period_is_due_from_its_first_day():
    complaints = [Complaint(1, "fire", ("XF0004",), date(2026, 12, 20))]
    demands = build_demands([shop("green")], Q1, complaints=complaints)
    assert by_source(demands, "complaint") == [("fire", date(2027, 1, 1), date(2027, 1, 4))]


def test_department_request_in_its_window_clipped_to_the_period():
    requests = [
        Request(7, 1, "fire", date(2026, 12, 1), date(2027, 1, 31)),
        Request(8, 1, "market", date(2027, 5, 1), date(2027, 5, 31)),  # outside the period
    ]
    demands = build_demands([shop("green")], Q1, requests=requests)
    assert by_source(demands, "request") == [("fire", date(2027, 1, 1), date(2027, 1, 31))]
    assert demands[0].id == 7 and demands[0].items == ("XF0004",)


def test_new_business_gets_one_guidance_visit_in_the_configured_days():
    s = shop("green", opened_on=date(2027, 3, 10))
    demands = build_demands([s], Q1, rules=DemandRules(guidance_days=20))
    assert by_source(demands, "guidance") == [
        ("comprehensive", date(2027, 3, 10), date(2027, 3, 30)),
        ("fire", date(2027, 3, 10), date(2027, 3, 30)),
        ("market", date(2027, 3, 10), date(2027, 3, 30)),
    ]
    assert build_demands([shop("green", opened_on=date(2027, 3, 10), guidance_done=True)], Q1) == []
    assert build_demands([shop("green", opened_on=date(2026, 11, 1))], Q1) == []  # due before the period


def test_policy_is_configurable():
    policy = RiskPolicy(frequency={**DEFAULT_POLICY.frequency, "green": Frequency(1)})
    demands = build_demands(
        [shop("green", domains={"fire": ("XF0004",)})], Q1, rules=DemandRules(policy=policy)
    )
    assert by_source(demands, "policy") == [("fire", date(2027, 1, 1), date(2027, 3, 31))]


def test_summary_counts_per_domain_and_source():
    demands = build_demands(
        [shop("yellow"), shop("green", id=2)], Q1, requests=[Request(1, 2, "fire", Q1[0], Q1[1])]
    )
    table = summarise(demands)
    assert table["fire"]["policy"] == 1 and table["fire"]["request"] == 1 and table["fire"]["total"] == 2
    assert table["market"]["total"] == 1


def test_bad_input_is_refused_in_chinese():
    with pytest.raises(ValueError, match="结束日期早于开始日期"):
        build_demands([shop()], (date(2027, 3, 1), date(2027, 1, 1)))
    with pytest.raises(ValueError, match="未知的颜色：blue"):
        build_demands([shop("blue")], Q1)
