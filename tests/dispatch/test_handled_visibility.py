"""Visibility follows the handling unit as well as the place: an event with no place that the district sends to
南星's team is on 南星's command room's board, opens on its page and in the API, and the room may command it;
九堡's command room and officer still see nothing of it."""

import pytest
from django.http import Http404

from tests.conftest import client_for
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.core.errors import PermissionError_
from zhifa.dispatch.choices import EventStatus
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.events.selectors import event_get_for_user, event_list_for_user
from zhifa.dispatch.events.services import event_dispatch, event_return
from zhifa.org.choices import UnitKind
from zhifa.org.services import unit_create


@pytest.fixture
def unlocated(district):
    w = district
    w.nanxing_room = unit_create(
        code="SC-330102008", name="南星街道指挥室", kind=UnitKind.SUBDISTRICT_COMMAND, region=w.nanxing
    )
    w.jiubao_room = unit_create(
        code="SC-330102018", name="九堡街道指挥室", kind=UnitKind.SUBDISTRICT_COMMAND, region=w.jiubao
    )
    w.sam = user_create(
        username="sam", password="x-12345678", role=Role.SUBDISTRICT_COMMAND, unit=w.nanxing_room
    )
    w.jim = user_create(
        username="jim", password="x-12345678", role=Role.SUBDISTRICT_COMMAND, unit=w.jiubao_room
    )
    w.event = event_intake(channel="12345", description="某饭店油烟扰民，排烟管道直排", by=w.carol)
    # A delegated item with no place: it waits for the district to place it (赋权事项地点不明).
    assert w.event.region_path == "" and w.event.status == EventStatus.RECEIVED
    w.event = event_dispatch(event=w.event, unit=w.nanxing_team, by=w.carol)
    return w


def test_the_command_room_of_the_handling_team_sees_it_on_every_door(unlocated):
    w = unlocated
    e = w.event
    assert event_get_for_user(user=w.sam, pk=e.pk) == e
    assert event_get_for_user(user=w.alice, pk=e.pk) == e  # the team's own officer, as before
    for outsider in (w.jim, w.bob):
        with pytest.raises(Http404):
            event_get_for_user(user=outsider, pk=e.pk)
        assert not event_list_for_user(user=outsider).filter(pk=e.pk).exists()
    sam, jim = client_for(w.sam), client_for(w.jim)
    board = sam.get("/dispatch/").content.decode()
    assert e.receipt_no in board
    assert e.receipt_no not in jim.get("/dispatch/").content.decode()
    page = sam.get(f"/dispatch/events/{e.pk}/")
    assert page.status_code == 200 and "南星街道综合行政执法队" in page.content.decode()
    assert jim.get(f"/dispatch/events/{e.pk}/").status_code == 404
    api = sam.get(f"/api/v1/dispatch/events/{e.pk}")
    assert api.status_code == 200 and api.json()["receipt_no"] == e.receipt_no
    assert e.receipt_no in [r["receipt_no"] for r in sam.get("/api/v1/dispatch/events").json()["results"]]
    res = jim.get(f"/api/v1/dispatch/events/{e.pk}")
    assert res.status_code == 404 and res.json()["message"] == "记录不存在或不在您的辖区内"


def test_the_room_commands_it_once_returned_and_loses_it_when_sent_elsewhere(unlocated):
    w = unlocated
    e = event_return(event=w.event, reason="不在本队巡查范围，请核实地点", by=w.alice)
    with pytest.raises(PermissionError_, match="该事件不由您所在单位承办"):
        event_dispatch(event=e, unit=w.jiubao_team, by=w.jim)
    e = event_dispatch(event=e, unit=w.nanxing_team, by=w.sam)  # re-dispatched by 南星's own room
    assert e.status == EventStatus.DISPATCHED and e.lead_unit == w.nanxing_team
    e = event_return(event=e, reason="经核实在九堡辖区", by=w.alice)
    e = event_dispatch(event=e, unit=w.jiubao_team, by=w.carol)
    # Now 九堡's: its room and officer see it, 南星's room no longer does.
    assert event_get_for_user(user=w.jim, pk=e.pk) == e
    assert event_get_for_user(user=w.bob, pk=e.pk) == e
    with pytest.raises(Http404):
        event_get_for_user(user=w.sam, pk=e.pk)
    assert client_for(w.sam).get(f"/dispatch/events/{e.pk}/").status_code == 404
