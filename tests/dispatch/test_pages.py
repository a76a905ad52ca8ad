"""Command-centre pages: the board and its fragment, event detail and actions, intake, my tasks, the ledger,
and the public report / track / rating pages — each scoped, each refusal shown in Chinese."""

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from zhifa.dispatch.choices import EventStatus
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.events.ledger import HEADER
from zhifa.dispatch.events.services import event_accept, event_answer, event_arrive, event_resolve
from zhifa.dispatch.models import Event

PHONE = "13812345678"
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The report rate limit lives in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def events(district):
    w = district
    w.nx = event_intake(
        channel="12345",
        description="南星街道某饭店油烟扰民",
        reporter_name="张先生",
        reporter_phone=PHONE,
        by=w.carol,
    )
    w.jb = event_intake(
        channel="12345",
        description="九堡街道某饭店油烟扰民",
        reporter_name="李女士",
        reporter_phone=PHONE,
        by=w.carol,
    )
    return w


def _text(response) -> str:
    return response.content.decode()


def _status(event) -> str:
    return Event.objects.values_list("status", flat=True).get(pk=event.pk)


# --- board ------------------------------------------------------------------------------------------------


def test_board_and_detail_render_for_district_command(clients, events):
    res = clients["carol"].get("/dispatch/")
    assert res.status_code == 200
    page = _text(res)
    assert events.nx.receipt_no in page and events.jb.receipt_no in page
    assert "在办事件" in page and "按时到场率" in page and 'hx-trigger="every 15s"' in page
    assert res.context["kpis"]["open"] == 2 and res.context["kpis"]["dispatched_today"] == 2
    res = clients["carol"].get(f"/dispatch/events/{events.jb.pk}/")
    assert res.status_code == 200
    page = _text(res)
    assert "九堡街道某饭店油烟扰民" in page and "九堡街道综合行政执法队" in page
    assert PHONE in page  # the command centre calls the reporter back
    assert "ZH0101" in page and "油烟" in page  # classification with its matched words
    assert "签收" in page and "自动派发" in page


def test_board_fragment_and_detail_are_scoped(clients, events):
    res = clients["alice"].get("/dispatch/", **HX)
    assert res.status_code == 200
    page = _text(res)
    assert "<html" not in page and 'id="queue"' in page
    assert events.nx.receipt_no in page and events.jb.receipt_no not in page
    assert clients["alice"].get(f"/dispatch/events/{events.jb.pk}/").status_code == 404
    assert clients["alice"].post(f"/dispatch/events/{events.jb.pk}/accept/").status_code == 404
    assert _status(events.jb) == EventStatus.DISPATCHED


def test_board_filters(clients, events):
    carol = clients["carol"]
    page = _text(carol.get("/dispatch/", {"subdistrict": "330102018"}, **HX))
    assert events.jb.receipt_no in page and events.nx.receipt_no not in page
    page = _text(carol.get("/dispatch/", {"q": events.nx.receipt_no}, **HX))
    assert events.nx.receipt_no in page and events.jb.receipt_no not in page
    page = _text(carol.get("/dispatch/", {"status": "closed"}, **HX))
    assert events.nx.receipt_no not in page
    # A bad value falls back instead of failing the page.
    assert carol.get("/dispatch/", {"status": "nonsense", "page": "x"}).status_code == 200


def test_board_map_counts_open_events_per_subdistrict(clients, events):
    res = clients["carol"].get("/dispatch/")
    counts = res.context["map_data"]["counts"]
    assert counts["330102008"] == 1 and counts["330102018"] == 1


def test_board_needs_login():
    res = Client().get("/dispatch/")
    assert res.status_code == 302 and "/accounts/login/" in res["Location"]


def test_overdue_and_on_time_kpis_come_from_records(clients, district):
    w = district
    old = timezone.now() - timedelta(days=2)
    late = event_intake(channel="12345", description="九堡街道某饭店油烟扰民", by=w.carol, now=old)
    event_accept(event=late, by=w.bob)
    event_arrive(event=late, by=w.bob)  # on site two days after receipt: late for a 24 h clock
    forgotten = event_intake(channel="12345", description="南星街道某饭店油烟扰民", by=w.carol, now=old)
    prompt = event_intake(channel="12345", description="九堡街道某饭店油烟扰民", by=w.carol)
    event_arrive(event=event_accept(event=prompt, by=w.bob), by=w.bob)
    res = clients["carol"].get("/dispatch/")
    kpis = res.context["kpis"]
    # Arrived late but arrived: its clocks are stopped. Never accepted: its link clock is past due.
    assert kpis["overdue"] == 1 and kpis["open"] == 3
    # On-time arrival over the events received in the window: the forgotten one is past its on-site limit
    # and counts as missed, as on the dashboard (one definition, events.stats).
    assert (kpis["on_time_due"], kpis["on_time_met"], kpis["on_time_percent"]) == (3, 1, 33.3)
    badge = next(e.badge for e in res.context["page"].object_list if e.pk == forgotten.pk)
    assert badge["state"] == "overdue" and badge["label"] == "联动"
    assert 'class="clock overdue"' in _text(res)


def test_board_fragment_query_count_is_bounded(clients, district, django_assert_max_num_queries):
    w = district
    for i in range(10):
        event_intake(channel="12345", description=f"九堡街道某饭店油烟扰民{i}", by=w.carol)
        event_intake(channel="12345", description=f"南星街道某饭店油烟扰民{i}", priority="urgent", by=w.carol)
    for name in ("carol", "bob"):
        client = clients[name]
        client.get("/dispatch/", **HX)  # warm the session
        with django_assert_max_num_queries(10):
            res = client.get("/dispatch/", **HX)
        assert res.status_code == 200
    assert len(clients["carol"].get("/dispatch/", **HX).context["page"].object_list) == 20


# --- detail and actions -----------------------------------------------------------------------------------


def test_phone_is_masked_outside_the_command_centre(clients, events):
    page = _text(clients["bob"].get(f"/dispatch/events/{events.jb.pk}/"))
    assert "138****5678" in page and PHONE not in page


def test_bob_accepts_then_a_second_accept_is_a_conflict(clients, events):
    bob = clients["bob"]
    res = bob.post(f"/dispatch/events/{events.jb.pk}/accept/")
    assert res.status_code == 302
    assert _status(events.jb) == EventStatus.ACCEPTED
    assert "已签收" in _text(bob.get(res["Location"]))
    res = bob.post(f"/dispatch/events/{events.jb.pk}/accept/")
    assert res.status_code == 409
    assert "事件状态已变化（当前为“已受理”）" in _text(res)
    assert _status(events.jb) == EventStatus.ACCEPTED


def test_an_action_on_a_stale_page_is_refused(clients, events):
    stale = events.jb.version
    event_accept(event=events.jb, by=events.bob)
    res = clients["bob"].post(f"/dispatch/events/{events.jb.pk}/arrive/", {"version": stale})
    assert res.status_code == 409 and "请刷新后重试" in _text(res)
    assert _status(events.jb) == EventStatus.ACCEPTED


def test_oversight_sees_but_cannot_act(clients, events):
    olga = clients["olga"]
    res = olga.get(f"/dispatch/events/{events.jb.pk}/")
    assert res.status_code == 200 and "只读" in _text(res)
    res = olga.post(f"/dispatch/events/{events.jb.pk}/accept/")
    assert res.status_code == 403
    assert "您的角色为只读，不能处理事件" in _text(res)
    assert _status(events.jb) == EventStatus.DISPATCHED


def test_resolve_needs_mode_and_result_and_keeps_input(clients, events):
    bob = clients["bob"]
    bob.post(f"/dispatch/events/{events.jb.pk}/accept/")
    res = bob.post(f"/dispatch/events/{events.jb.pk}/resolve/", {"mode": "", "result": "已劝导"})
    assert res.status_code == 400
    page = _text(res)
    assert "请选择处置方式" in page and "已劝导" in page
    res = bob.post(f"/dispatch/events/{events.jb.pk}/resolve/", {"mode": "service", "result": "已劝导整改"})
    assert res.status_code == 302
    event = Event.objects.get(pk=events.jb.pk)
    assert (event.status, event.resolution_mode, event.result) == ("resolved", "service", "已劝导整改")


def test_workflow_through_the_pages(clients, events):
    bob, carol, pk = clients["bob"], clients["carol"], events.jb.pk
    for action, data in [
        ("accept", {}),
        ("arrive", {}),
        ("resolve", {"mode": "management", "result": "责令安装油烟净化设施"}),
    ]:
        assert bob.post(f"/dispatch/events/{pk}/{action}/", data).status_code == 302
    assert carol.post(f"/dispatch/events/{pk}/answer/", {"answer": ""}).status_code == 400
    assert carol.post(f"/dispatch/events/{pk}/answer/", {"answer": "已整改"}).status_code == 302
    assert carol.post(f"/dispatch/events/{pk}/close/").status_code == 302
    assert _status(events.jb) == EventStatus.CLOSED
    assert clients["bob"].post(f"/dispatch/events/{pk}/fly/").status_code == 404
    assert clients["bob"].get(f"/dispatch/events/{pk}/accept/").status_code == 405


def test_return_and_redispatch(clients, events):
    bob, carol, pk = clients["bob"], clients["carol"], events.jb.pk
    res = bob.post(f"/dispatch/events/{pk}/return/", {"reason": ""})
    assert res.status_code == 400 and "退单须说明理由" in _text(res)
    assert bob.post(f"/dispatch/events/{pk}/return/", {"reason": "地址在南星街道"}).status_code == 302
    assert _status(events.jb) == EventStatus.RETURNED
    res = bob.post(f"/dispatch/events/{pk}/dispatch/", {"unit": "ST-330102008"})
    assert res.status_code == 403 and "只有指挥中心可以派发事件" in _text(res)
    page = _text(carol.get(f"/dispatch/events/{pk}/"))
    assert "改派" in page and "南星街道综合行政执法队" in page
    res = carol.post(f"/dispatch/events/{pk}/dispatch/", {"unit": "NOPE"})
    assert res.status_code == 400 and "请选择派往的执法队伍" in _text(res)
    assert carol.post(f"/dispatch/events/{pk}/dispatch/", {"unit": "ST-330102008"}).status_code == 302
    event = Event.objects.select_related("lead_unit").get(pk=pk)
    assert (event.status, event.lead_unit.code) == ("dispatched", "ST-330102008")
    assert event.pk in [e.pk for e in clients["alice"].get("/dispatch/tasks/").context["page"].object_list]


# --- staff intake -----------------------------------------------------------------------------------------


def test_new_event_with_empty_description_is_refused_and_creates_nothing(clients, district):
    before = Event.objects.count()
    res = clients["carol"].post(
        "/dispatch/events/new/",
        {"description": "  ", "address": "望江路 1 号", "priority": "normal", "reporter_name": "王"},
    )
    assert res.status_code == 400
    page = _text(res)
    assert "请填写诉求内容" in page and "望江路 1 号" in page
    assert Event.objects.count() == before


def test_new_event_by_staff(clients, district):
    res = clients["carol"].post(
        "/dispatch/events/new/",
        {
            "description": "某饭店油烟扰民",
            "subdistrict": "330102018",
            "priority": "urgent",
            "reporter_phone": PHONE,
            "lng": "",
            "lat": "",
        },
    )
    event = Event.objects.get()
    assert res.status_code == 302 and res["Location"] == f"/dispatch/events/{event.pk}/"
    assert (event.channel, event.priority, event.subdistrict.code) == ("staff", "urgent", "330102018")
    assert event.reporter == district.carol
    res = clients["carol"].post(
        "/dispatch/events/new/", {"description": "x", "priority": "normal", "lng": "1"}
    )
    assert res.status_code == 400 and "经度和纬度须同时填写" in _text(res)


def test_new_event_is_for_the_command_centre(clients, district):
    assert clients["bob"].get("/dispatch/events/new/").status_code == 403
    assert clients["olga"].get("/dispatch/events/new/").status_code == 403
    assert clients["carol"].get("/dispatch/events/new/").status_code == 200


# --- my tasks ---------------------------------------------------------------------------------------------


def test_my_tasks_lists_the_units_events_only(clients, events):
    res = clients["bob"].get("/dispatch/tasks/")
    assert res.status_code == 200
    page = _text(res)
    assert events.jb.receipt_no in page and events.nx.receipt_no not in page
    assert "签收" in page
    res = clients["bob"].post(f"/dispatch/events/{events.jb.pk}/accept/", {"next": "tasks"})
    assert res.status_code == 302 and res["Location"] == f"/dispatch/tasks/#event-{events.jb.pk}"
    assert "到场" in _text(clients["bob"].get("/dispatch/tasks/"))
    res = clients["bob"].post(f"/dispatch/events/{events.jb.pk}/accept/", {"next": "tasks"})
    assert res.status_code == 409 and "事件状态已变化" in _text(res) and "我的任务" in _text(res)
    assert events.nx.receipt_no in _text(clients["alice"].get("/dispatch/tasks/"))
    assert "没有需要您所在单位办理的事件" in _text(clients["otto"].get("/dispatch/tasks/"))


# --- ledger -----------------------------------------------------------------------------------------------


def _ledger_rows(client, **params):
    from openpyxl import load_workbook

    res = client.get("/dispatch/ledger.xlsx", params)
    assert res.status_code == 200
    assert res["Content-Type"].startswith("application/vnd.openxmlformats")
    assert timezone.localdate().strftime("%Y%m%d") in res["Content-Disposition"]
    ws = load_workbook(io.BytesIO(res.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert ws.title == "实时信息台账" and list(rows[0]) == HEADER
    return rows[1:]


def test_ledger_has_the_header_and_the_rows_of_the_scope(clients, events):
    rows = _ledger_rows(clients["carol"])
    assert {r[0] for r in rows} == {events.nx.receipt_no, events.jb.receipt_no}
    row = next(r for r in rows if r[0] == events.jb.receipt_no)
    assert row[1] == "12345 热线" and row[3] == "九堡街道" and row[4] == "九堡街道综合行政执法队"
    assert row[7] == "已派发" and row[9] is not None and row[10] is not None and row[11] is None
    assert "油烟" in row[6]
    assert [r[0] for r in _ledger_rows(clients["alice"])] == [events.nx.receipt_no]
    assert [r[0] for r in _ledger_rows(clients["carol"], subdistrict="330102018")] == [events.jb.receipt_no]


# --- public pages -----------------------------------------------------------------------------------------


def test_public_report_creates_a_web_event_and_shows_its_receipt(district):
    client = Client()
    assert client.get("/dispatch/report/").status_code == 200
    res = client.post(
        "/dispatch/report/",
        {"description": "九堡街道某小区门口有人占道经营摆摊", "reporter_phone": PHONE, "subdistrict": ""},
        follow=True,
    )
    event = Event.objects.get()
    assert event.channel == "web" and event.reporter is None and event.reporter_phone == PHONE
    page = _text(res)
    assert res.status_code == 200 and event.receipt_no in page and "您的诉求已受理" in page


def test_public_report_errors(district):
    client = Client()
    res = client.post("/dispatch/report/", {"description": ""})
    assert res.status_code == 400 and "请填写诉求内容" in _text(res)
    res = client.post("/dispatch/report/", {"description": "占道经营", "reporter_phone": "abc"})
    assert res.status_code == 400 and "请填写正确的联系电话" in _text(res)
    assert not Event.objects.exists()


def test_sixth_report_within_ten_minutes_is_refused(district):
    client = Client(REMOTE_ADDR="10.1.2.3")
    for i in range(5):
        res = client.post("/dispatch/report/", {"description": f"占道经营第{i}次"})
        assert res.status_code == 302
    res = client.post("/dispatch/report/", {"description": "占道经营第6次"})
    assert res.status_code == 429 and "提交过于频繁，请稍后再试" in _text(res)
    assert Event.objects.count() == 5
    # Another address has its own allowance.
    assert (
        Client(REMOTE_ADDR="10.1.2.4").post("/dispatch/report/", {"description": "占道"}).status_code == 302
    )


def test_track_shows_status_but_not_the_reporter(events):
    client = Client()
    res = client.get("/dispatch/track/", {"receipt": events.jb.receipt_no.lower()})
    assert res.status_code == 302 and res["Location"] == f"/dispatch/track/{events.jb.receipt_no}/"
    res = client.get(res["Location"])
    page = _text(res)
    assert res.status_code == 200 and "已派发" in page and events.jb.receipt_no in page
    assert PHONE not in page and "138****" not in page and "李女士" not in page
    assert "九堡街道综合行政执法队" not in page and "指挥中心" not in page.split("办理过程")[1]
    assert "评价办理结果" not in page  # not answered yet


def test_wrong_receipt_is_a_clear_404(district):
    res = Client().get("/dispatch/track/20990101NOPE2345/")
    assert res.status_code == 404 and "未找到受理编号" in _text(res)
    assert Client().post("/dispatch/track/20990101NOPE2345/rate/", {"rating": 5}).status_code == 404


def test_rating_works_once(events):
    w = events
    e = event_accept(event=w.jb, by=w.bob)
    e = event_resolve(event=e, mode="service", result="已整改", by=w.bob)
    client = Client()
    url = f"/dispatch/track/{e.receipt_no}/"
    assert client.post(url + "rate/", {"rating": 5}).status_code == 409  # not answered yet
    e = event_answer(event=e, answer="已督促商家安装油烟净化器", by=w.carol)
    page = _text(client.get(url))
    assert "已督促商家安装油烟净化器" in page and "评价办理结果" in page
    assert client.post(url + "rate/", {"rating": 9}).status_code == 400
    res = client.post(url + "rate/", {"rating": 4})
    assert res.status_code == 302
    assert Event.objects.get(pk=e.pk).rating == 4
    res = client.post(url + "rate/", {"rating": 1})
    assert res.status_code == 409 and "该事件尚未答复或已评价" in _text(res)
    assert Event.objects.get(pk=e.pk).rating == 4
    assert "评价办理结果" not in _text(client.get(url))
