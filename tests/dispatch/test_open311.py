"""Open311 GeoReport v2: reads through the `georeport` client over real HTTP, posts as form data."""

import json
import urllib.error
import urllib.parse
import urllib.request
from xml.etree import ElementTree as ET

import pytest
import requests
from django.test import Client
from georeport import GeoReport

from tests.dispatch.conftest import HEADER, ROWS
from zhifa.catalog.services import release_apply, release_import
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.events.services import event_accept, event_answer, event_resolve, open311_key_create
from zhifa.dispatch.models import Event, EventItem, Open311ApiKey

KEY = "demo-open311-key"
BASE = "/open311/v2"
PHONE = "13912345678"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def open311(district):
    open311_key_create(name="测试客户端", raw_key=KEY, by="system")
    return district


@pytest.fixture
def machine():
    # A machine client has no session and no CSRF token.
    return Client(enforce_csrf_checks=True)


def post(client: Client, fmt: str = "json", **data):
    return client.post(f"{BASE}/requests.{fmt}", urllib.parse.urlencode(data), content_type=FORM)


def http_post(base: str, **data) -> list[dict]:
    request = urllib.request.Request(f"{base}/requests.json", data=urllib.parse.urlencode(data).encode())
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.read())


def client_error(call) -> tuple[int, object]:
    """Status and JSON body of a refused client call. Nothing of the response may outlive this: requests leaves
    the kept-alive socket in the response's pool, which would keep a live-server thread and its database
    connection open, and PostgreSQL will not drop the test database while that connection exists."""
    with pytest.raises(requests.HTTPError) as exc:
        call()
    response = exc.value.response
    status, body = response.status_code, response.json()
    del exc, response  # the traceback ties the frames into a cycle that only refcounting here breaks early
    return status, body


def retire_sj0005(w) -> None:
    content = (HEADER + "\n".join(ROWS[:3]) + "\n").encode()
    release = release_import(content=content, filename="items.csv", version="t-2", by=w.root)
    release_apply(release=release, by=w.root)


# --- services --------------------------------------------------------------------------------------------


def test_services_through_the_georeport_client(live_server, open311):
    retire_sj0005(open311)
    base = f"{live_server.url}{BASE}"

    services = GeoReport(base).get_service_list()
    assert [s["service_code"] for s in services] == ["SJ0001", "ZH0018", "ZH0101"]
    oil = services[2]
    assert oil == {
        "service_code": "ZH0101",
        "service_name": "对餐饮服务业经营者超过排放标准排放油烟的行政处罚",
        "description": "《中华人民共和国大气污染防治法》第八十一条",
        "metadata": False,
        "type": "realtime",
        "keywords": "油烟,油烟扰民,排烟,油烟味",
        "group": "综合执法",
    }
    assert GeoReport(base).get_service_definition("ZH0101") == {"service_code": "ZH0101", "attributes": []}

    as_xml = GeoReport(base, output_format="xml")
    xml_services = as_xml.get_service_list()
    assert [s["service_code"] for s in xml_services] == ["SJ0001", "ZH0018", "ZH0101"]
    assert xml_services[0]["group"] == "市场监管"
    assert xml_services[0]["metadata"] == "false"
    assert as_xml.get_service_definition("SJ0001")["service_code"] == "SJ0001"

    # A retired item is no service any more; unknown codes get the spec's error document.
    for code in ("SJ0005", "XX9999"):
        status, body = client_error(lambda code=code: GeoReport(base).get_service_definition(code))
        assert (status, body) == (404, [{"code": 404, "description": f"unknown service_code: {code}"}])
    response = requests.get(f"{base}/services/XX9999.xml", timeout=30)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    error = ET.fromstring(response.content).find("error")
    assert (error.findtext("code"), error.findtext("description")) == ("404", "unknown service_code: XX9999")


# --- requests: reads -------------------------------------------------------------------------------------


def test_requests_through_the_georeport_client(live_server, open311):
    w = open311
    base = f"{live_server.url}{BASE}"
    posted = http_post(
        base,
        api_key=KEY,
        service_code="ZH0101",
        address_string="九堡街道某某路 8 号",
        description="楼下饭店油烟扰民",
        phone=PHONE,
        first_name="三",
        last_name="张",
    )
    via_open311 = posted[0]["service_request_id"]
    web = event_intake(
        channel="web",
        description="小区门口小吃店没有食品经营许可证，无证经营",
        subdistrict="南星街道",
        reporter_name="李四",
        reporter_phone=PHONE,
    )
    hotline = event_intake(channel="12345", description="九堡街道某路口流动摊贩占道经营")
    patrol = event_intake(channel="patrol", description="南星街道某店无证经营", by=w.alice)
    event_accept(event=web, by=w.carol)
    event_resolve(event=web, mode="service", result="已指导办理食品经营许可", by=w.carol)
    event_answer(event=web, answer="经核查，店主已申请食品经营许可证", by=w.carol)

    client = GeoReport(base)
    listed = client.get_service_requests()
    assert [r["service_request_id"] for r in listed] == [hotline.public_id, web.public_id, via_open311]
    assert patrol.public_id not in {r["service_request_id"] for r in listed}
    by_id = {r["service_request_id"]: r for r in listed}
    assert by_id[via_open311]["service_code"] == "ZH0101"
    assert by_id[via_open311]["agency_responsible"] == "九堡街道综合行政执法队"
    assert by_id[via_open311]["status"] == "open"
    # A coarse place only: the subdistrict, not the street address.
    assert by_id[via_open311]["address"] == "九堡街道"
    assert by_id[web.public_id]["status"] == "closed"
    assert by_id[web.public_id]["status_notes"] == "经核查，店主已申请食品经营许可证"
    assert by_id[web.public_id]["agency_responsible"] == "区市场监管综合执法大队"
    assert by_id[web.public_id]["service_code"] == "SJ0001"
    assert by_id[hotline.public_id]["agency_responsible"] == "九堡街道综合行政执法队"
    assert by_id[hotline.public_id]["requested_datetime"].endswith("+08:00")

    assert [r["service_request_id"] for r in client.get_service_requests(status="closed")] == [web.public_id]
    assert [r["service_request_id"] for r in client.get_service_requests(service_code="ZH0101")] == [
        via_open311
    ]
    both = client.get_service_requests(service_request_id=f"{via_open311},{patrol.public_id},{web.public_id}")
    assert {r["service_request_id"] for r in both} == {via_open311, web.public_id}
    one = client.get_service_request(web.public_id)
    assert one["status"] == "closed"
    # The category, not the complaint's own words (which can name people and places).
    assert one["description"] == one["service_name"]

    as_xml = GeoReport(base, output_format="xml")
    xml_list = as_xml.get_service_requests()
    assert [r["service_request_id"] for r in xml_list] == [hotline.public_id, web.public_id, via_open311]
    assert as_xml.get_service_request(via_open311)["agency_responsible"] == "九堡街道综合行政执法队"

    # Never the reporter: neither the phone nor the name, in either format.
    for fmt in ("json", "xml"):
        for path in (f"requests.{fmt}", f"requests/{web.public_id}.{fmt}", f"requests/{via_open311}.{fmt}"):
            body = requests.get(f"{base}/{path}", timeout=30).text
            assert PHONE not in body and "李四" not in body and "张三" not in body

    # The receipt numbers (the reporters' keys to rate and follow) appear nowhere.
    for fmt in ("json", "xml"):
        body = requests.get(f"{base}/requests.{fmt}", timeout=30).text
        for event in (web, hotline, Event.objects.get(public_id=via_open311)):
            assert event.receipt_no not in body
        assert "小区门口小吃店" not in body and "某某路 8 号" not in body

    for unknown in ("20200101ABCDEFGH", patrol.public_id, web.receipt_no):
        status, body = client_error(lambda unknown=unknown: client.get_service_request(unknown))
        assert (status, body[0]["code"]) == (404, 404)


def test_request_list_filters_are_checked(open311, machine):
    event = event_intake(channel="12345", description="九堡街道某饭店油烟扰民")
    ok = machine.get(f"{BASE}/requests.json", {"start_date": "2020-01-01T00:00:00Z"})
    assert ok.status_code == 200 and ok.json() == []
    recent = machine.get(f"{BASE}/requests.json", {"end_date": event.received_at.isoformat()})
    assert [r["service_request_id"] for r in recent.json()] == [event.public_id]
    for params, message in [
        ({"status": "pending"}, "status must be open or closed"),
        ({"start_date": "yesterday"}, "start_date must be a W3C datetime"),
        (
            {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"},
            "may not span more than 90 days",
        ),
    ]:
        response = machine.get(f"{BASE}/requests.json", params)
        assert response.status_code == 400
        assert message in response.json()[0]["description"]


def test_request_list_is_one_query(open311, machine, django_assert_num_queries):
    for text in ("九堡街道某饭店油烟扰民", "南星街道流动摊贩占道经营", "小吃店无证经营"):
        event_intake(channel="web", description=text)
    with django_assert_num_queries(1):
        response = machine.get(f"{BASE}/requests.json")
    assert len(response.json()) == 3


# --- requests: create ------------------------------------------------------------------------------------


def _receipt(response, fmt: str) -> str:
    """The receipt number from the POST answer: only the filer gets it, in the notice."""
    public_id = _public_id(response, fmt)
    event = Event.objects.get(public_id=public_id)
    notice = (
        response.json()[0]["service_notice"]
        if fmt == "json"
        else ET.fromstring(response.content).find("request").findtext("service_notice")
    )
    assert event.receipt_no in notice
    return event.receipt_no


def _public_id(response, fmt: str) -> str:
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        body = response.json()
        assert body[0]["account_id"] is None and body[0]["service_notice"]
        return body[0]["service_request_id"]
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    request = ET.fromstring(response.content).find("request")
    assert request.findtext("service_notice")
    return request.findtext("service_request_id")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_creates_a_routed_open311_event(open311, machine, fmt):
    response = post(
        machine,
        fmt,
        api_key=KEY,
        service_code="SJ0001",
        address_string="南星街道某某路 12 号",
        description="小区门口一家小吃店一直没挂许可证",
        first_name="三",
        last_name="张",
        phone=PHONE,
        email="zhang@example.com",
    )
    assert response.status_code == 200, response.content
    event = Event.objects.get(receipt_no=_receipt(response, fmt))
    assert event.channel == "open311"
    assert event.subdistrict == open311.nanxing
    assert event.lead_unit == open311.market_team
    assert event.status == "dispatched"
    assert (event.reporter_name, event.reporter_phone) == ("张三", PHONE)
    confirmed = EventItem.objects.filter(event=event, confirmed=True)
    assert [ei.item.code for ei in confirmed] == ["SJ0001"]


def test_post_without_a_known_place_goes_to_the_command_centre(open311, machine):
    response = post(
        machine, api_key=KEY, service_code="ZH0101", lat="1.5", long="2.5", description="饭店油烟很大"
    )
    event = Event.objects.get(receipt_no=_receipt(response, "json"))
    assert (event.lat, event.lng) == (1.5, 2.5)
    assert event.subdistrict is None
    assert event.lead_unit == open311.command
    assert event.status == "received"
    assert "区协调指挥中心" in response.json()[0]["service_notice"]


def test_post_without_description_uses_the_service_name(open311, machine):
    response = post(machine, api_key=KEY, service_code="ZH0018", address_string="九堡街道某路口")
    event = Event.objects.get(receipt_no=_receipt(response, "json"))
    assert event.description == "对擅自占用城市道路从事经营活动的行政处罚"
    assert event.lead_unit == open311.jiubao_team


GOOD = {"api_key": KEY, "service_code": "ZH0101", "address_string": "九堡街道", "description": "油烟扰民"}


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"api_key": None}, 403, "api_key is missing or not valid"),
        ({"api_key": "not-the-key"}, 403, "api_key is missing or not valid"),
        ({"service_code": None}, 400, "service_code is required"),
        ({"service_code": "XX9999"}, 400, "unknown service_code: XX9999"),
        ({"address_string": None}, 400, "lat/long or address_string is required"),
        ({"lat": "abc", "long": "120.2"}, 400, "lat must be a decimal number"),
        ({"lat": "30.2", "long": "nan"}, 400, "long must be a decimal number"),
        ({"lat": "30.2"}, 400, "lat and long must be given together"),
        ({"lat": "95", "long": "120.2"}, 400, "坐标超出范围"),
        ({"description": "油烟" * 1001}, 400, "诉求内容不能超过 2000 字"),
    ],
)
def test_post_refusals_use_the_error_format_and_write_nothing(open311, machine, change, status, message):
    data = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    response = post(machine, **data)
    assert response.status_code == status
    assert response.json() == [{"code": status, "description": message}]
    xml = post(machine, "xml", **data)
    error = ET.fromstring(xml.content).find("error")
    assert (xml.status_code, error.findtext("code"), error.findtext("description")) == (
        status,
        str(status),
        message,
    )
    assert not Event.objects.exists()


def test_inactive_key_is_refused(open311, machine):
    Open311ApiKey.objects.update(active=False)
    assert post(machine, **GOOD).status_code == 403


def test_other_methods_are_refused(open311, machine):
    response = machine.delete(f"{BASE}/services.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()[0]["code"] == 405
    assert machine.get(f"{BASE}/services.csv").status_code == 404


# --- what the public may read (security finding 1) --------------------------------------------------------


def _answered_web_event(w) -> Event:
    event = event_intake(
        channel="web",
        description="南星街道某某路 12 号张三家楼下小吃店油烟直排",
        subdistrict="南星街道",
        address="南星街道某某路 12 号",
        lng=120.17123,
        lat=30.21987,
        reporter_name="张三",
        reporter_phone=PHONE,
    )
    event_accept(event=event, by=w.carol)
    event_resolve(event=event, mode="service", result="内部记录：已约谈店主王五", by=w.carol)
    return event_answer(event=event, answer="经核查，已督促店家安装油烟净化设施", by=w.carol)


def test_a_public_reader_cannot_learn_the_key_to_rate(open311, machine):
    """Anyone could list requests, take the receipt and rate a stranger's event. Now the list holds a public id
    that the tracking and rating pages do not accept, and no personal data."""
    event = _answered_web_event(open311)
    [row] = machine.get(f"{BASE}/requests.json").json()
    assert row["service_request_id"] == event.public_id != event.receipt_no
    assert row["status_notes"] == "经核查，已督促店家安装油烟净化设施"  # the public reply, not internal notes
    assert row["address"] == "南星街道"
    assert (row["lat"], row["long"]) == (30.22, 120.17)
    body = json.dumps(row, ensure_ascii=False)
    for secret in (event.receipt_no, "张三", PHONE, "某某路 12 号", "王五", "小吃店油烟直排"):
        assert secret not in body
    anonymous = Client()
    rated = anonymous.post(f"/dispatch/track/{row['service_request_id']}/rate/", {"rating": "1"})
    assert rated.status_code == 404
    event.refresh_from_db()
    assert event.rating is None
    # The reporter, with the receipt, still can.
    assert anonymous.post(f"/dispatch/track/{event.receipt_no}/rate/", {"rating": "4"}).status_code in (
        200,
        302,
    )
    event.refresh_from_db()
    assert event.rating == 4


def test_reads_can_require_a_key_and_key_holders_read_the_full_text(open311, machine, settings):
    settings.ZHIFA_OPEN311_READ = "key"
    event = _answered_web_event(open311)
    for path in ("requests.json", f"requests/{event.public_id}.json"):
        refused = machine.get(f"{BASE}/{path}")
        assert refused.status_code == 403
        assert refused.json() == [{"code": 403, "description": "api_key is missing or not valid"}]
    [row] = machine.get(f"{BASE}/requests.json", {"api_key": KEY}).json()
    assert row["description"] == "南星街道某某路 12 号张三家楼下小吃店油烟直排"
    assert row["address"] == "南星街道某某路 12 号"
    assert (row["lat"], row["long"]) == (30.21987, 120.17123)
    assert event.receipt_no not in json.dumps(row) and PHONE not in json.dumps(row)
    # Services stay public: they are the catalog.
    assert machine.get(f"{BASE}/services.json").status_code == 200
