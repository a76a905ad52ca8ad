"""The command centre over the JSON API: intake, scoped reads, actions, errors."""

import json

import pytest

API = "/api/v1/dispatch"


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


@pytest.fixture
def created(district, clients):
    res = post(
        clients["carol"], f"{API}/events", {"description": "九堡街道某饭店油烟扰民", "priority": "urgent"}
    )
    assert res.status_code == 201, res.content
    return res.json()


def test_intake_routes_and_reports_clocks(created):
    assert created["lead_unit"] == {"code": "ST-330102018", "name": "九堡街道综合行政执法队"}
    assert created["status"] == "dispatched"
    assert created["channel"] == "staff"
    assert [c["clock"] for c in created["clocks"]][:3] == ["respond", "link", "on_site"]
    assert created["classification"][0]["code"] == "ZH0101"


def test_grid_worker_channel_follows_role(district, clients, world):
    from tests.conftest import client_for
    from zhifa.accounts.choices import Role
    from zhifa.accounts.services import user_create

    grid = user_create(username="gw", password="x-12345678", role=Role.GRID_WORKER, unit=world.nanxing_team)
    res = post(client_for(grid), f"{API}/events", {"description": "南星街道有人摆摊占道经营"})
    assert res.json()["channel"] == "grid"


def test_scoped_reads_and_actions(created, clients):
    pk = created["id"]
    assert clients["alice"].get(f"{API}/events/{pk}").status_code == 404
    assert clients["alice"].get(f"{API}/events").json()["count"] == 0
    assert clients["bob"].get(f"{API}/events").json()["count"] == 1
    res = post(clients["alice"], f"{API}/events/{pk}/accept")
    assert res.status_code == 404
    res = post(clients["bob"], f"{API}/events/{pk}/accept")
    assert res.status_code == 200 and res.json()["status"] == "accepted"
    again = post(clients["bob"], f"{API}/events/{pk}/accept")
    assert again.status_code == 409
    assert again.json()["message"] == "事件状态已变化（当前为“已受理”），请刷新后重试"
    bad = post(clients["bob"], f"{API}/events/{pk}/resolve", {"mode": "x", "result": "ok"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "mode"
    ok = post(
        clients["bob"], f"{API}/events/{pk}/resolve", {"mode": "management", "result": "约谈商户并限期整改"}
    )
    assert ok.json()["resolution_mode"] == "management"


def test_oversight_reads_but_cannot_act(created, clients):
    assert clients["olga"].get(f"{API}/events/{created['id']}").status_code == 200
    res = post(clients["olga"], f"{API}/events/{created['id']}/accept")
    assert res.status_code == 403
    assert res.json()["message"] == "您的角色为只读，不能处理事件"


def test_validation_errors(district, clients):
    res = post(clients["carol"], f"{API}/events", {"description": "x", "priority": "asap"})
    assert res.status_code == 422
    assert res.json()["errors"][0]["field"] == "priority"
    res = post(clients["carol"], f"{API}/events", {"description": "   "})
    assert res.status_code == 400
    assert res.json()["errors"] == [{"field": "description", "message": "请填写诉求内容"}]
    assert (
        post(clients["carol"], f"{API}/events/999999/dispatch", {"unit": "ST-330102008"}).status_code == 404
    )


def test_intake_answer_is_the_stored_event(district, clients):
    """The 201 answer is built from the rows intake just wrote (not read back): it says what a read says."""
    carol = clients["carol"]
    payload = {"description": "九堡街道某饭店油烟扰民，楼道里电动车充电", "item_codes": ["ZH0101"]}
    res = post(carol, f"{API}/events", payload)
    assert res.status_code == 201, res.content
    answer = res.json()
    read = carol.get(f"{API}/events/{answer['id']}").json()
    for key in ("history", "assisting_units", "confirmed_items", "lead_unit", "status", "classification"):
        assert answer[key] == read[key], key
    assert answer["confirmed_items"] == ["ZH0101"] and len(answer["history"]) == 2
