"""Duplicates are merged keeping both reporters; a person corrects items or place and the event is re-routed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.dispatch.choices import EventStatus
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.events.selectors import event_list_for_user
from zhifa.dispatch.events.services import (
    event_accept,
    event_answer,
    event_correct,
    event_merge,
    event_rate,
    event_resolve,
)
from zhifa.dispatch.models import EventItem
from zhifa.org.services import building_create

OILY = "楼下饭店油烟扰民，每天晚上排烟熏得开不了窗"


@pytest.fixture
def tower(district):
    # A building in 九堡's grid: an address naming it places the report in that grid.
    return building_create(
        code="B-JB-1", name="示例九堡大厦", region=district.jiubao_grid, lng=120.3, lat=30.3, by=district.root
    )


def _report(district, text=OILY, address="示例九堡大厦一楼", name="测试甲", **kw):
    return event_intake(
        channel="12345", description=text, address=address, reporter_name=name, by=district.carol, **kw
    )


def test_same_grid_same_item_within_a_day_is_merged_keeping_both_reporters(district, tower):
    first = _report(district, name="测试甲")
    second = _report(district, text="示例九堡大厦楼下餐馆排油烟，味道很大", name="测试乙")
    assert first.status == EventStatus.DISPATCHED and first.lead_unit.code == "ST-330102018"
    assert second.status == EventStatus.MERGED
    assert second.duplicate_of_id == first.pk and second.lead_unit_id == first.lead_unit_id
    assert not second.event_units.exists()  # the work stays with the first event's units
    assert list(first.duplicates.values_list("reporter_name", flat=True)) == ["测试乙"]
    assert second.history.last().note == f"与 {first.receipt_no} 同地同事项，合并办理"
    # The board shows one open event, not two.
    open_ids = set(
        event_list_for_user(user=district.carol)
        .filter(status__in=["dispatched"])
        .values_list("id", flat=True)
    )
    assert open_ids == {first.pk}


def test_not_merged_when_item_differs_time_passed_or_first_is_done(district, tower):
    old = _report(district, now=timezone.now() - timedelta(hours=25))
    first = _report(district)
    assert old.status == first.status == EventStatus.DISPATCHED and first.duplicate_of is None
    other_item = _report(district, text="示例九堡大厦门口有人摆摊占道经营")
    assert other_item.status == EventStatus.DISPATCHED and other_item.duplicate_of is None
    e = event_accept(event=first, by=district.bob)
    e = event_resolve(event=e, mode="service", result="已整改", by=district.bob)
    again = _report(district)
    assert again.duplicate_of is None and again.status == EventStatus.DISPATCHED


def test_no_merge_without_a_precise_place(district):
    a = _report(district, address="", text="九堡街道有饭店油烟扰民")
    b = _report(district, address="", text="九堡街道有饭店油烟扰民")
    assert a.duplicate_of is None and b.duplicate_of is None


def test_manual_merge_by_command_only_and_not_into_a_merged_event(district, tower):
    first = _report(district, address="", text="九堡街道某饭店油烟扰民")
    second = _report(district, address="", text="九堡街道某饭店排烟熏人")
    with pytest.raises(PermissionError_):
        event_merge(event=second, into=first, by=district.bob)
    with pytest.raises(ServiceError, match="不能与自身合并"):
        event_merge(event=first, into=first, by=district.carol)
    merged = event_merge(event=second, into=first, by=district.carol)
    assert merged.status == EventStatus.MERGED and merged.duplicate_of_id == first.pk
    assert not merged.event_units.filter(active=True).exists()
    third = _report(district, address="", text="九堡街道某饭店油烟又来了")
    with pytest.raises(ServiceError, match="本身已合并"):
        event_merge(event=third, into=merged, by=district.carol)
    with pytest.raises(Conflict):  # already merged: the status changed under the stale object
        event_merge(event=second, into=third, by=district.carol)


def test_merged_reporter_follows_and_rates_the_carrying_event(district, tower, client):
    first = _report(district)
    second = _report(district, name="测试乙")
    page = client.get(f"/dispatch/track/{second.receipt_no}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "您的诉求已并入一并办理" in html and first.receipt_no not in html
    with pytest.raises(Conflict, match="尚未答复"):
        event_rate(event=second, rating=5)
    e = event_accept(event=first, by=district.bob)
    e = event_resolve(event=e, mode="management", result="责令安装油烟净化设施", by=district.bob)
    event_answer(event=e, answer="已责令商户限期安装油烟净化设施", by=district.carol)
    html = client.get(f"/dispatch/track/{second.receipt_no}/").content.decode()
    assert "已责令商户限期安装油烟净化设施" in html
    assert event_rate(event=second, rating=4).rating == 4


def test_correcting_the_item_reroutes_to_the_other_domain_and_confirms_it(district):
    e = event_intake(channel="12345", description="九堡街道某饭店油烟扰民", by=district.carol)
    assert e.lead_unit.code == "ST-330102018"
    e = event_correct(event=e, item_codes=["SJ0001"], by=district.carol)
    assert e.lead_unit.code == "DT-market" and e.status == EventStatus.DISPATCHED
    confirmed = set(EventItem.objects.filter(event=e, confirmed=True).values_list("item__code", flat=True))
    assert confirmed == {"SJ0001"}
    assert e.history.last().note == "更正后派往区市场监管综合执法大队"


def test_correcting_the_place_moves_the_event_between_subdistricts(district):
    e = event_intake(channel="12345", description="南星街道某饭店油烟扰民", by=district.carol)
    assert e.lead_unit.code == "ST-330102008"
    assert event_list_for_user(user=district.alice).filter(pk=e.pk).exists()
    e = event_correct(event=e, subdistrict="330102018", by=district.carol)
    assert e.subdistrict.code == "330102018" and e.lead_unit.code == "ST-330102018"
    assert not event_list_for_user(user=district.alice).filter(pk=e.pk).exists()
    assert event_list_for_user(user=district.bob).filter(pk=e.pk).exists()


def test_after_acceptance_only_the_record_is_corrected(district):
    e = event_intake(channel="12345", description="九堡街道某饭店油烟扰民", by=district.carol)
    e = event_accept(event=e, by=district.bob)
    e = event_correct(event=e, item_codes=["ZH0018"], by=district.carol)
    assert e.status == EventStatus.ACCEPTED and e.lead_unit.code == "ST-330102018"
    assert EventItem.objects.get(event=e, item__code="ZH0018").confirmed


def test_correction_errors(district):
    e = event_intake(channel="12345", description="九堡街道某饭店油烟扰民", by=district.carol)
    with pytest.raises(ServiceError, match="未知的执法事项：XX9999"):
        event_correct(event=e, item_codes=["XX9999"], by=district.carol)
    with pytest.raises(ServiceError, match="请至少更正事项或地点之一"):
        event_correct(event=e, by=district.carol)
    with pytest.raises(ServiceError, match="无法确定该地点所在街道"):
        event_correct(event=e, subdistrict="不存在街道", by=district.carol)
    with pytest.raises(PermissionError_):
        event_correct(event=e, item_codes=["SJ0001"], by=district.bob)
    with pytest.raises(PermissionError_):
        event_correct(event=e, item_codes=["SJ0001"], by=district.olga)
    stale = type(e).objects.get(pk=e.pk)
    event_correct(event=e, item_codes=["SJ0001"], by=district.carol)
    with pytest.raises(Conflict, match="已被他人更新"):
        event_correct(event=stale, item_codes=["ZH0018"], by=district.carol)
    assert not EventItem.objects.filter(event=e, item__code="ZH0018", confirmed=True).exists()


def test_correct_and_merge_from_the_detail_page(district, clients):
    e = event_intake(channel="12345", description="九堡街道某饭店油烟扰民", by=district.carol)
    dup = event_intake(channel="12345", description="九堡街道某饭店又在排油烟", by=district.carol)
    c = clients["carol"]
    page = c.get(f"/dispatch/events/{e.pk}/").content.decode()
    assert "更正事项或地点" in page and "合并重复诉求" in page
    r = c.post(f"/dispatch/events/{e.pk}/correct/", {"item_codes": "sj0001", "version": e.version})
    assert r.status_code == 302
    e.refresh_from_db()
    assert e.lead_unit.code == "DT-market"
    r = c.post(f"/dispatch/events/{dup.pk}/merge/", {"into": "NOSUCH", "version": dup.version})
    assert r.status_code == 400 and "未找到该受理编号的事件" in r.content.decode()
    r = c.post(f"/dispatch/events/{dup.pk}/merge/", {"into": e.receipt_no.lower(), "version": dup.version})
    assert r.status_code == 302
    page = c.get(f"/dispatch/events/{e.pk}/").content.decode()
    assert dup.receipt_no in page and "答复时请一并答复以上反映人" in page
    # An officer sees neither action.
    page = clients["bob"].get(f"/dispatch/events/{e.pk}/").content.decode()
    assert "更正事项或地点" not in page


def test_correct_and_merge_through_the_api(district, clients):
    e = event_intake(channel="12345", description="九堡街道某饭店油烟扰民", by=district.carol)
    dup = event_intake(channel="12345", description="九堡街道某饭店又在排油烟", by=district.carol)
    c = clients["carol"]
    r = c.post(
        f"/api/v1/dispatch/events/{e.pk}/correct", {"item_codes": ["SJ0001"]}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["lead_unit"]["code"] == "DT-market" and body["confirmed_items"] == ["SJ0001"]
    r = c.post(
        f"/api/v1/dispatch/events/{e.pk}/correct", {"item_codes": ["NOPE"]}, content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["message"] == "未知的执法事项：NOPE"
    r = clients["bob"].post(
        f"/api/v1/dispatch/events/{dup.pk}/merge", {"into": e.receipt_no}, content_type="application/json"
    )
    assert r.status_code == 403
    r = c.post(f"/api/v1/dispatch/events/{dup.pk}/merge", {"into": "XXXX"}, content_type="application/json")
    assert r.status_code == 404
    r = c.post(
        f"/api/v1/dispatch/events/{dup.pk}/merge", {"into": e.receipt_no}, content_type="application/json"
    )
    assert (
        r.status_code == 200 and r.json()["duplicate_of"] == e.receipt_no and r.json()["status"] == "merged"
    )
