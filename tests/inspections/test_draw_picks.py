"""A draw's picks read from its stored record through the one reader; the record written by the one writer still
re-runs to the same result; a record the engine did not write is refused, not guessed at."""

import pytest

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.inspections.test_draws import pool  # noqa: F401 (fixture)
from zhifa.engine.draw import draw, draw_verify
from zhifa.inspections.draws.picks import (
    BadDrawRecord,
    DrawPick,
    DrawUnmatched,
    draw_outcome,
    draw_record,
)
from zhifa.inspections.draws.services import conflict_declare, draw_create
from zhifa.subjects.models import Subject


def _engine_record():
    """Five subjects, all drawn; officer 10 is recused from subject 3, leaving it one eligible officer."""
    result = draw(
        ["1", "2", "3", "4", "5"],
        ["10", "11"],
        seed="picks",
        count=5,
        conflicts=[("10", "3")],
    )
    return result, draw_record(result, seed_inputs={"label": "x", "time": "t", "public_value": "v"})


def test_the_reader_gives_the_engine_result_as_typed_picks_in_draw_order():
    result, record = _engine_record()
    outcome = draw_outcome(record)
    assert [(p.subject_id, p.officer_ids) for p in outcome.picks] == [
        (int(a.subject), tuple(int(i) for i in a.inspectors)) for a in result.assignments
    ]
    assert outcome.unmatched == (
        DrawUnmatched(
            order=result.inputs["drawn_order"].index("3") + 1,
            subject_id=3,
            reason=result.infeasible[0].reason,
        ),
    )
    assert outcome.drawn == 5
    assert outcome.subject_ids() == [int(s) for s in result.inputs["drawn_order"]]
    assert sorted(x.order for x in (*outcome.picks, *outcome.unmatched)) == [1, 2, 3, 4, 5]
    assert outcome.pick_for(3) is None and outcome.pick_for(99) is None
    first = outcome.picks[0]
    assert outcome.pick_for(first.subject_id) == first and isinstance(first, DrawPick)


def test_the_written_record_is_the_engine_record_and_still_verifies():
    result, record = _engine_record()
    assert record == {**result.to_record(), "seed_inputs": {"label": "x", "time": "t", "public_value": "v"}}
    assert draw_verify(record).ok


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"assignments": [["1"]]}, "assignments 第 1 条格式有误"),
        ({"assignments": [["1", ["10", "11"]], "2"]}, "assignments 第 2 条格式有误"),
        ({"assignments": [["x1", ["10", "11"]]]}, "编号“x1”不是整数"),
        ({"assignments": [["1", ["10", "-11"]]]}, "编号“-11”不是整数"),
        ({"assignments": [["1", "10"]]}, "检查人员格式有误"),
        ({"infeasible": [["²", "无人"]]}, "编号“²”不是整数"),
    ],
)
def test_a_record_the_engine_did_not_write_is_refused(record, message):
    with pytest.raises(BadDrawRecord, match=message):
        draw_outcome(record)


def test_an_empty_record_has_no_picks():
    assert draw_outcome(None).drawn == 0 and draw_outcome({}).picks == ()


def test_service_pages_and_api_read_the_same_picks(pool, clients):  # noqa: F811
    w = pool
    shop = Subject.objects.get(name="示例南星小吃店03")
    conflict_declare(officer=w.inspectors[0], subject=shop, reason="亲属经营", by=w.carol)
    d = draw_create(name="餐饮抽查", domain="market", count=12, subdistrict="330102008", by=w.carol)
    outcome = draw_outcome(d.record)
    assert outcome.drawn == 12
    assert sorted(outcome.subject_ids()) == sorted(
        Subject.objects.filter(subdistrict=w.nanxing).values_list("pk", flat=True)
    )
    assert all(w.inspectors[0].pk not in p.officer_ids for p in outcome.picks if p.subject_id == shop.pk)

    body = clients["carol"].get(f"/api/v1/inspections/draws/{d.pk}").json()
    assert body["drawn"] == outcome.drawn
    assert [(p["subject_id"], p["inspector_ids"]) for p in body["picks"]] == [
        (p.subject_id, list(p.officer_ids)) for p in outcome.picks
    ]
    assert [x["subject_id"] for x in body["infeasible"]] == [x.subject_id for x in outcome.unmatched]
    assert clients["carol"].get(f"/api/v1/inspections/draws/{d.pk}/verify").json() == {
        "ok": True,
        "problems": [],
    }

    # The record page proposes the team drawn for the subject, and only that.
    pick = outcome.picks[0]
    page = clients["alice"].get(f"/inspections/records/new/?subject={pick.subject_id}&draw={d.pk}")
    assert page.status_code == 200
    checked = {o.pk for o in page.context["squad"]}  # the drawn team is the squad shown
    assert checked == set(pick.officer_ids)
