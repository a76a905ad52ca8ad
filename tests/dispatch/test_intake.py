"""Intake: classification to catalog items, placing, routing to the owning unit, clear errors."""

import pytest

from zhifa.audit.models import AuditRecord
from zhifa.core.errors import ServiceError
from zhifa.dispatch.choices import EventStatus
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.models import Event, EventStatusChange, EventUnit


def test_delegated_item_in_jiubao_goes_to_jiubao_team(district):
    event = event_intake(
        channel="12345", description="九堡街道某某路一家饭店油烟扰民，每天晚上排烟", by=district.carol
    )
    assert event.subdistrict == district.jiubao
    assert event.classification[0]["code"] == "ZH0101"
    assert "油烟扰民" in event.classification[0]["matched"]
    assert event.lead_unit == district.jiubao_team
    assert event.status == EventStatus.DISPATCHED
    assert event.sla.code == "ordinary"
    assert [h.to_status for h in EventStatusChange.objects.filter(event=event)] == ["received", "dispatched"]
    assert AuditRecord.objects.filter(action="dispatch.event_intake", object_id=str(event.pk)).exists()


def test_non_delegated_item_goes_to_district_domain_team(district):
    event = event_intake(
        channel="web", description="小区门口小吃店没有食品经营许可证，无证经营", subdistrict="南星街道"
    )
    assert event.lead_unit == district.market_team
    assert event.subdistrict == district.nanxing


def test_hub_layer_wins_inside_the_hub(district):
    event = event_intake(channel="patrol", description="站内一家小吃店无证经营", address="杭州东站枢纽出发层")
    assert event.functional_area_codes == ["330102HUB"]
    assert event.lead_unit == district.hub_team


def test_several_domains_get_lead_and_assisting(district):
    event = event_intake(
        channel="patrol", description="南星街道某路口流动摊贩占道经营，卖的还是过期食品", by=district.alice
    )
    units = {eu.unit.code: eu.role for eu in EventUnit.objects.filter(event=event, active=True)}
    assert units[event.lead_unit.code] == "lead"
    assert set(units) == {"ST-330102008", "DT-market"}
    assert "assist" in units.values()


def test_no_place_sends_delegated_item_to_command_centre(district):
    event = event_intake(channel="12345", description="有家饭店油烟很大，熏得受不了")
    assert event.subdistrict is None
    assert event.lead_unit == district.command
    assert event.status == EventStatus.RECEIVED


def test_urgent_events_get_1315(district):
    event = event_intake(
        channel="staff", description="九堡街道油烟着火冒烟", priority="urgent", by=district.carol
    )
    assert event.sla.code == "1315"
    assert (event.sla.respond_minutes, event.sla.link_minutes, event.sla.on_site_minutes) == (1, 3, 15)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"description": "  "}, "description", "请填写诉求内容"),
        ({"description": "油烟" * 1001}, "description", "诉求内容不能超过 2000 字"),
        ({"description": "油烟", "lng": 120.2}, "lng", "经度和纬度须同时填写"),
        ({"description": "油烟", "lng": 200.0, "lat": 30.0}, "lng", "坐标超出范围"),
        ({"description": "油烟", "channel": "fax"}, "channel", "未知的来源渠道：fax"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(district, kwargs, field, message):
    before = Event.objects.count()
    with pytest.raises(ServiceError) as exc:
        event_intake(**{"channel": "web", **kwargs})
    assert exc.value.errors[0] == {"field": field, "message": message}
    assert Event.objects.count() == before


def test_receipt_numbers_are_unique_and_not_sequential(district):
    a = event_intake(channel="web", description="油烟扰民", subdistrict="九堡街道")
    b = event_intake(channel="web", description="油烟扰民", subdistrict="九堡街道")
    assert a.receipt_no != b.receipt_no
    assert len(a.receipt_no) == 16


def test_given_items_are_routed_as_confirmed(district):
    event = event_intake(
        channel="open311", description="这里有问题", subdistrict="九堡街道", item_codes=["SJ0005"]
    )
    assert event.lead_unit == district.market_team
    confirmed = list(event.event_items.filter(confirmed=True).values_list("item__code", flat=True))
    assert confirmed == ["SJ0005"]
    with pytest.raises(ServiceError, match="未知的执法事项：XX9999"):
        event_intake(channel="open311", description="x", item_codes=["XX9999"])
