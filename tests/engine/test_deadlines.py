"""Case deadlines (行政处罚法 2021) on the 2026 national holiday calendar, with `today` given explicitly."""

from datetime import date
from decimal import Decimal

from zhifa.engine.deadlines import (
    LAW,
    Calendar,
    CaseDates,
    Rules,
    add_years,
    case_clocks,
    decision_due,
    earliest_hearing,
    late_fee,
    limitation_end,
    next_due,
    party_window_end,
    payment_due,
    publish_due,
    remedies,
    rules_problems,
    service_due,
)

D = date
# 春节 2026: 15–23 February off, Saturdays 14 and 28 February worked (国务院办公厅, notice of 4 November 2025).
SPRING = Calendar.of(
    [(D(2026, 2, d), False) for d in range(15, 24)] + [(D(2026, 2, 14), True), (D(2026, 2, 28), True)]
)


def test_working_days_skip_the_holiday_and_count_the_worked_saturdays():
    assert SPRING.is_working_day(D(2026, 2, 14)) and not SPRING.is_working_day(D(2026, 2, 16))
    assert not SPRING.is_working_day(D(2026, 2, 21))  # a Saturday inside the holiday
    assert SPRING.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert SPRING.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    # 13 Fri, 14 Sat (worked), 24 Tue, 25, 26, 27, 28 Sat (worked): seven working days.
    assert SPRING.working_days_between(D(2026, 2, 12), D(2026, 2, 28)) == 7
    assert SPRING.working_days_between(D(2026, 2, 28), D(2026, 2, 12)) == 0
    assert SPRING.roll_forward(D(2026, 2, 16)) == D(2026, 2, 24)


def test_service_is_due_seven_working_days_after_the_decision_across_the_holiday():
    assert service_due(D(2026, 2, 12), LAW, SPRING) == D(2026, 2, 28)
    # Without the calendar the same seven working days end on Monday 23 February.
    assert service_due(D(2026, 2, 12), LAW, Calendar()) == D(2026, 2, 23)


def test_the_party_window_and_the_hearing_notice_count_working_days():
    # 12 Thu, 13 Fri, 14 Sat (worked), 24 Tue, 25 Wed: the fifth working day after the notice.
    assert party_window_end(D(2026, 2, 11), LAW, SPRING) == D(2026, 2, 25)
    assert earliest_hearing(D(2026, 3, 2), LAW, SPRING) == D(2026, 3, 11)


def test_decision_is_due_ninety_calendar_days_after_filing_plus_an_approved_extension():
    assert decision_due(D(2026, 1, 5), LAW, SPRING) == D(2026, 4, 5)
    assert decision_due(D(2026, 1, 5), LAW, SPRING, extension_days=30) == D(2026, 5, 5)
    # 快速办理: the district's seven working days, never later than the ninety days.
    assert decision_due(D(2026, 2, 12), LAW, SPRING, fast=True) == D(2026, 2, 28)


def test_the_fine_is_due_fifteen_days_after_service_moved_past_a_rest_day():
    assert payment_due(D(2026, 1, 20), SPRING) == D(2026, 2, 4)
    assert payment_due(D(2026, 2, 1), SPRING) == D(2026, 2, 24)  # 16 February is inside the holiday


def test_publication_within_seven_working_days():
    assert publish_due(D(2026, 2, 12), LAW, SPRING) == D(2026, 2, 28)
    assert publish_due(D(2026, 2, 12), Rules(publish_workdays=3), SPRING) == D(2026, 2, 24)


def test_late_fee_is_three_percent_a_day_and_never_above_the_fine():
    due = D(2026, 3, 1)
    assert late_fee(Decimal("1000"), due, due) == Decimal("0.00")
    assert late_fee(Decimal("1000"), due, D(2026, 3, 2)) == Decimal("30.00")
    assert late_fee(Decimal("1000"), due, D(2026, 4, 3)) == Decimal("990.00")  # 33 days
    assert late_fee(Decimal("1000"), due, D(2026, 4, 4)) == Decimal("1000.00")  # 34 days: capped
    assert late_fee(Decimal("1000"), due, D(2027, 1, 1)) == Decimal("1000.00")
    assert late_fee(Decimal("333.33"), due, D(2026, 3, 2)) == Decimal("10.00")


def test_limitation_is_two_years_or_five_where_harm_was_done():
    assert limitation_end(D(2024, 3, 10), harmed=False) == D(2026, 3, 10)
    assert limitation_end(D(2024, 3, 10), harmed=True) == D(2029, 3, 10)
    assert add_years(D(2024, 2, 29), 2) == D(2026, 2, 28)


def test_remedies_written_on_the_decision():
    assert remedies(D(2026, 8, 31)) == {"review_until": D(2026, 10, 30), "litigation_until": D(2027, 2, 28)}


def test_a_district_tightens_and_never_loosens():
    assert rules_problems(LAW) == []
    assert rules_problems(Rules(decision_days=60, service_workdays=5, simple_max_person=100)) == []
    assert rules_problems(Rules(decision_days=120)) == ["decision_days=120 loosens the law: at most 90"]
    assert rules_problems(Rules(party_workdays=3)) == ["party_workdays=3 loosens the law: at least 5"]
    assert rules_problems(Rules(hearing_notice_workdays=5)) == [
        "hearing_notice_workdays=5 loosens the law: at least 7"
    ]
    assert rules_problems(Rules(simple_max_org=5000)) == ["simple_max_org=5000 loosens the law: at most 3000"]
    assert rules_problems(Rules(publish_workdays=0)) == ["publish_workdays=0 must be a positive whole number"]


def _kinds(clocks):
    return {c.kind: (c.due, c.state, c.days_left) for c in clocks}


def test_clocks_of_an_ordinary_case_through_its_life():
    filed = CaseDates(filed_on=D(2026, 1, 5))
    clocks = case_clocks(filed, LAW, SPRING, today=D(2026, 3, 31))
    assert _kinds(clocks) == {"decision": (D(2026, 4, 5), "running", 5)}
    assert next_due(clocks).kind == "decision"
    late = case_clocks(filed, LAW, SPRING, today=D(2026, 4, 7))
    assert _kinds(late)["decision"] == (D(2026, 4, 5), "overdue", -2)

    notified = CaseDates(filed_on=D(2026, 1, 5), notified_on=D(2026, 2, 11))
    clocks = case_clocks(notified, LAW, SPRING, today=D(2026, 2, 12))
    assert _kinds(clocks)["party"] == (D(2026, 2, 25), "running", 13)
    assert next_due(clocks).kind == "decision"  # the party's window is not the agency's deadline

    decided = CaseDates(
        filed_on=D(2026, 1, 5),
        notified_on=D(2026, 1, 20),
        decided_on=D(2026, 2, 12),
        fine_payable=Decimal("500"),
        publish_required=True,
    )
    clocks = case_clocks(decided, LAW, SPRING, today=D(2026, 2, 13))
    k = _kinds(clocks)
    assert k["decision"] == (D(2026, 4, 5), "met", 52)
    assert k["party"][1] == "closed"
    assert k["service"] == (D(2026, 2, 28), "running", 15)
    assert k["publish"] == (D(2026, 2, 28), "running", 15)
    assert "payment" not in k

    served = CaseDates(
        filed_on=D(2026, 1, 5),
        decided_on=D(2026, 2, 12),
        served_on=D(2026, 3, 2),
        fine_payable=Decimal("500"),
    )
    k = _kinds(case_clocks(served, LAW, SPRING, today=D(2026, 3, 20)))
    assert k["service"] == (D(2026, 2, 28), "late", -2)
    assert k["payment"] == (D(2026, 3, 17), "overdue", -3)
    paid = CaseDates(**{**served.__dict__, "paid_on": D(2026, 3, 10)})
    assert next_due(case_clocks(paid, LAW, SPRING, today=D(2026, 3, 20))) is None
    done = CaseDates(**{**served.__dict__, "finished": True})
    assert next_due(case_clocks(done, LAW, SPRING, today=D(2026, 3, 20))) is None


def test_a_simple_case_has_only_the_payment_clock():
    simple = CaseDates(
        procedure="simple",
        filed_on=D(2026, 5, 6),
        decided_on=D(2026, 5, 6),
        served_on=D(2026, 5, 6),
        fine_payable=Decimal("200"),
    )
    assert _kinds(case_clocks(simple, LAW, Calendar(), today=D(2026, 5, 7))) == {
        "payment": (D(2026, 5, 21), "running", 14)
    }
