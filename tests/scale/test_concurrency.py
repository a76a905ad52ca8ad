"""Writes arriving at once: identical reports merge into one event, and a 12345 import no longer keeps the
audit chain's head locked while other people write."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from tests.dispatch.test_import import HEADER, _row, csv_bytes
from tests.scale.conftest import postgres_only
from zhifa.audit.models import AuditRecord
from zhifa.audit.services import audit_deferred, audit_record, audit_verify
from zhifa.dispatch.choices import Channel, EventStatus
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.hotline.services import hotline_import
from zhifa.dispatch.models import Event
from zhifa.org.services import building_create

OILY = "楼下饭店油烟扰民，每天晚上排烟熏得开不了窗"


def _at_once(n: int, work) -> list:
    """Run work(i) in n threads released together; return results (or exceptions) in order."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.fixture
def tower(district):
    return building_create(
        code="B-JB-1", name="示例九堡大厦", region=district.jiubao_grid, lng=120.3, lat=30.3, by=district.root
    )


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_identical_reports_at_once_make_one_event_in_every_round(district, tower):
    rounds = 8
    for r in range(rounds):
        address = f"示例九堡大厦{r + 1}楼"
        # A new grid per round would need new regions; a closed first event frees the key for the next round.
        results = _at_once(
            4,
            lambda i, address=address: event_intake(
                channel=Channel.WEB, description=OILY, address=address, reporter_name=f"测试{i}"
            ),
        )
        assert not [x for x in results if isinstance(x, Exception)], results
        events = Event.objects.filter(pk__in=[e.pk for e in results])
        masters = [e for e in events if e.duplicate_of_id is None]
        assert len(masters) == 1, f"round {r}: {len(masters)} events for one problem"
        master = masters[0]
        assert master.status == EventStatus.DISPATCHED and master.lead_unit == district.jiubao_team
        merged = events.exclude(pk=master.pk)
        assert {e.status for e in merged} == {EventStatus.MERGED}
        assert {e.duplicate_of_id for e in merged} == {master.pk}
        # All four reporters kept.
        assert sorted(events.values_list("reporter_name", flat=True)) == [f"测试{i}" for i in range(4)]
        Event.objects.filter(pk=master.pk).update(status=EventStatus.CLOSED)
    assert audit_verify().ok


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_different_items_at_the_same_place_at_once_stay_apart(district, tower):
    texts = [OILY, "小区门口小吃店没有食品经营许可证，无证经营"]
    results = _at_once(
        2, lambda i: event_intake(channel=Channel.WEB, description=texts[i], address="示例九堡大厦一楼")
    )
    assert [r.duplicate_of_id for r in results] == [None, None]


@pytest.mark.django_db(transaction=True)
def test_identical_reports_one_after_another_merge_on_every_database(district, tower):
    first = event_intake(channel=Channel.WEB, description=OILY, address="示例九堡大厦一楼")
    second = event_intake(channel=Channel.WEB, description=OILY, address="示例九堡大厦一楼")
    assert second.duplicate_of_id == first.pk and second.status == EventStatus.MERGED


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_import_does_not_hold_the_audit_head_while_it_runs(district):
    rows = [HEADER] + [
        _row(**{"工单编号": f"HZ12345-LOCK-{i:04d}", "事发地址": f"九堡街道某某路 {i} 号"}) for i in range(60)
    ]
    reached, go = threading.Event(), threading.Event()

    def progress(done, total):
        if done == 30:
            reached.set()
            assert go.wait(30), "the other writer never finished"

    outcome = {}

    def run_import():
        try:
            outcome["report"] = hotline_import(
                data=csv_bytes(rows), filename="lock.csv", by=district.carol, progress=progress
            )
        except Exception as exc:  # noqa: BLE001
            outcome["error"] = exc
        finally:
            connection.close()

    t = threading.Thread(target=run_import)
    t.start()
    try:
        assert reached.wait(60), "the import did not reach row 30"
        # Half way through the import, another person's write appends to the chain at once.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            other = audit_record(actor=district.root, action="test.other_writer", object_type="test")
    finally:
        go.set()
        t.join(120)
    assert "error" not in outcome, outcome
    assert outcome["report"].count == 60
    assert Event.objects.filter(channel=Channel.HOTLINE).count() == 60
    # The other writer's record sits before the import's in the chain, and the chain verifies.
    import_seqs = AuditRecord.objects.filter(action__startswith="dispatch.").values_list("seq", flat=True)
    assert min(import_seqs) > other.seq
    assert AuditRecord.objects.filter(action="dispatch.hotline_import").count() == 1
    report = audit_verify()
    assert report.ok, report.problems


@pytest.mark.django_db
def test_deferred_records_are_chained_at_the_end_and_dropped_with_a_rollback(world):
    with transaction.atomic(), audit_deferred():
        first = audit_record(actor=world.root, action="test.one", object_type="test")
        assert first.pk is None and not AuditRecord.objects.filter(action="test.one").exists()
        audit_record(actor=world.root, action="test.two", object_type="test")
    assert list(AuditRecord.objects.filter(action__startswith="test.").values_list("action", flat=True)) == [
        "test.one",
        "test.two",
    ]
    with pytest.raises(ValueError), transaction.atomic(), audit_deferred():
        audit_record(actor=world.root, action="test.lost", object_type="test")
        raise ValueError("rolled back")
    assert not AuditRecord.objects.filter(action="test.lost").exists()
    assert audit_verify().ok
