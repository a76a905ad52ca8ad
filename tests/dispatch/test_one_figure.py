"""One definition per figure (events.stats): the board's 按时到场率 is the dashboard's total row for the same
window, for the district and for a subdistrict; the board's 超时 tile counts exactly the events its 超时 list
shows, a resolved event still waiting for its answer among them; each page states the definition."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import client_for
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.events.services import event_accept, event_arrive, event_resolve
from zhifa.dispatch.events.stats import ON_TIME_DEFINITION, OVERDUE_DEFINITION
from zhifa.org.choices import UnitKind
from zhifa.org.services import unit_create


@pytest.fixture
def mixed(district):
    """In 九堡: one late arrival, one never reached, one on time, one resolved late and not answered (8 days
    old), and one late arrival 40 days ago (outside the 30-day window). In 南星: one on time."""
    w = district
    now = timezone.now()

    def arrived(text, *, days=0, by=w.bob):
        e = event_intake(channel="12345", description=text, by=w.carol, now=now - timedelta(days=days))
        return event_arrive(event=event_accept(event=e, by=by), by=by)

    w.late = arrived("九堡街道某饭店油烟扰民", days=2)
    w.forgotten = event_intake(
        channel="12345", description="九堡街道某烧烤店油烟扰民", by=w.carol, now=now - timedelta(days=2)
    )
    w.prompt = arrived("九堡街道某面馆油烟扰民")
    w.unanswered = event_resolve(
        event=arrived("九堡街道某小吃店油烟扰民", days=8), mode="service", result="已指导整改", by=w.bob
    )
    w.ancient = arrived("九堡街道某酒楼油烟扰民", days=40)
    w.nanxing_prompt = arrived("南星街道某饭店油烟扰民", by=w.alice)
    room = unit_create(
        code="SC-330102018", name="九堡街道指挥室", kind=UnitKind.SUBDISTRICT_COMMAND, region=w.jiubao
    )
    w.jim = user_create(username="jim", password="x-12345678", role=Role.SUBDISTRICT_COMMAND, unit=room)
    return w


def _dashboard_total(client, days: int) -> dict:
    res = client.get("/", {"days": days})
    assert res.status_code == 200
    return res.context["on_time_total"]["clocks"]["on_site"]


def test_board_and_dashboard_give_the_same_on_time_rate(mixed):
    w = mixed
    for user, due, met in ((w.carol, 5, 2), (w.jim, 4, 1)):
        client = client_for(user)
        kpis = client.get("/dispatch/").context["kpis"]
        # 九堡: late, forgotten (past its 24 h), prompt, unanswered (arrived 8 days late) → 1 of 4;
        # the district adds 南星's prompt one → 2 of 5. The 40-day-old one is outside the window.
        assert (kpis["on_time_due"], kpis["on_time_met"]) == (due, met)
        total = _dashboard_total(client, 30)
        assert (total["due"], total["met"], total["percent"]) == (due, met, kpis["on_time_percent"])
        assert _dashboard_total(client, 90)["due"] == due + 1  # the old one counts in the 90-day window
    jiubao = client_for(w.jim).get("/dispatch/").content.decode()
    assert "按时到场率（近 30 天受理）" in jiubao and "到场时限已到 4 件，按时 1 件" in jiubao
    dashboard = client_for(w.jim).get("/", {"days": 30}).content.decode()
    assert ON_TIME_DEFINITION in dashboard and "本辖区合计（含未派发）" in dashboard
    assert 'title="1 / 4">25.0%' in dashboard


def test_the_overdue_tile_counts_what_its_list_shows(mixed):
    w = mixed
    client = client_for(w.jim)
    board = client.get("/dispatch/")
    kpis = board.context["kpis"]
    # Overdue now, whatever the window: the forgotten one (never accepted), the 40-day-old one (never
    # resolved) and the resolved one waiting past its 7-day answer.
    assert kpis["overdue"] == 3
    listed = client.get("/dispatch/", {"status": "overdue"}).context["page"].object_list
    assert {e.pk for e in listed} == {w.forgotten.pk, w.ancient.pk, w.unanswered.pk}
    open_list = {e.pk for e in board.context["page"].object_list}
    assert w.unanswered.pk not in open_list  # 在办 is another figure: it leaves out the resolved one
    html = board.content.decode()
    assert OVERDUE_DEFINITION in html and 'href="?status=overdue"' in html
    # The outsider's board: 南星's officer sees none of 九堡's overdue events.
    assert client_for(w.alice).get("/dispatch/").context["kpis"]["overdue"] == 0
