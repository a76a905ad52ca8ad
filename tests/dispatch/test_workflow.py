"""The event workflow: accept → on site → resolved (721 mode) → answered → closed; returns; jurisdiction; races."""

import threading

import pytest
from django.db import connection, connections
from django.http import Http404

from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.dispatch.choices import EventStatus
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.events.selectors import event_get_by_receipt, event_get_for_user, event_list_for_user
from zhifa.dispatch.events.services import (
    event_accept,
    event_answer,
    event_arrive,
    event_close,
    event_dispatch,
    event_resolve,
    event_return,
)
from zhifa.dispatch.models import EventStatusChange


@pytest.fixture
def nanxing_event(district):
    return event_intake(channel="12345", description="南星街道某饭店油烟扰民", by=district.carol)


@pytest.fixture
def jiubao_event(district):
    return event_intake(channel="12345", description="九堡街道某饭店油烟扰民", by=district.carol)


def test_full_lifecycle_with_append_only_history(district, nanxing_event):
    e = event_accept(event=nanxing_event, by=district.alice)
    assert e.status == EventStatus.ACCEPTED and e.accepted_at is not None
    e = event_arrive(event=e, by=district.alice)
    e = event_resolve(event=e, mode="service", result="上门指导安装油烟净化器，已整改", by=district.alice)
    assert e.resolution_mode == "service"
    e = event_answer(event=e, answer="已督促商家整改，感谢反映", by=district.carol)
    e = event_close(event=e, by=district.carol)
    assert e.status == EventStatus.CLOSED
    steps = list(EventStatusChange.objects.filter(event=e).values_list("to_status", flat=True))
    assert steps == ["received", "dispatched", "accepted", "on_site", "resolved", "answered", "closed"]
    with pytest.raises(RuntimeError, match="append-only"):
        EventStatusChange.objects.filter(event=e).first().save()


def test_wrong_order_is_a_conflict(district, nanxing_event):
    with pytest.raises(Conflict, match="事件状态已变化"):
        event_resolve(event=nanxing_event, mode="service", result="x", by=district.alice)


def test_resolve_needs_mode_and_result(district, nanxing_event):
    e = event_accept(event=nanxing_event, by=district.alice)
    with pytest.raises(ServiceError, match="请选择处置方式"):
        event_resolve(event=e, mode="magic", result="x", by=district.alice)
    with pytest.raises(ServiceError, match="请填写处置结果"):
        event_resolve(event=e, mode="enforcement", result=" ", by=district.alice)


def test_other_subdistrict_cannot_see_or_act(district, jiubao_event):
    assert jiubao_event.lead_unit == district.jiubao_team
    assert not event_list_for_user(user=district.alice).filter(pk=jiubao_event.pk).exists()
    with pytest.raises(Http404):
        event_get_for_user(user=district.alice, pk=jiubao_event.pk)
    with pytest.raises(PermissionError_, match="不由您所在单位承办"):
        event_accept(event=jiubao_event, by=district.alice)
    assert event_get_for_user(user=district.bob, pk=jiubao_event.pk) == jiubao_event
    assert event_get_for_user(user=district.olga, pk=jiubao_event.pk) == jiubao_event
    with pytest.raises(PermissionError_, match="只读"):
        event_accept(event=jiubao_event, by=district.olga)


def test_return_and_redispatch(district, jiubao_event):
    with pytest.raises(ServiceError, match="退单须说明理由"):
        event_return(event=jiubao_event, reason="", by=district.bob)
    e = event_return(event=jiubao_event, reason="地址在南星街道辖区", by=district.bob)
    assert e.status == EventStatus.RETURNED
    with pytest.raises(PermissionError_):
        event_dispatch(event=e, unit=district.nanxing_team, by=district.bob)
    e = event_dispatch(event=e, unit=district.nanxing_team, by=district.carol)
    assert e.lead_unit == district.nanxing_team and e.status == EventStatus.DISPATCHED
    assert event_accept(event=e, by=district.alice).status == EventStatus.ACCEPTED


def test_public_reads_only_by_receipt(district, jiubao_event):
    assert event_get_by_receipt(receipt_no=jiubao_event.receipt_no.lower()) == jiubao_event
    with pytest.raises(Http404):
        event_get_by_receipt(receipt_no="20260101XXXXXXXX")


def test_stale_copy_loses(district, jiubao_event):
    stale = type(jiubao_event).objects.get(pk=jiubao_event.pk)
    event_accept(event=jiubao_event, by=district.bob)
    with pytest.raises(Conflict):
        event_accept(event=stale, by=district.bob)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_one_wins(district):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL (SQLite serialises writers)")
    event = event_intake(channel="12345", description="九堡街道某饭店油烟扰民", by=district.carol)
    barrier = threading.Barrier(2)
    results = []

    def accept():
        try:
            barrier.wait()
            results.append(event_accept(event=type(event).objects.get(pk=event.pk), by=district.bob).status)
        except Conflict as exc:
            results.append(exc.message)
        finally:
            # Each thread has its own connection; close it so the test database can be dropped.
            connections.close_all()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results, key=str) == sorted(
        [EventStatus.ACCEPTED, "事件状态已变化（当前为“已受理”），请刷新后重试"], key=str
    )
    assert EventStatusChange.objects.filter(event=event, to_status="accepted").count() == 1
