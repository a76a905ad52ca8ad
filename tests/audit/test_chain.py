"""The audit chain: every service write is recorded and sealed, and audit_verify names the tampered row."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from tests.audit.tamper import disable_append_only_guard as _disable_append_only_guard
from zhifa.audit.models import AuditHead, AuditRecord
from zhifa.audit.services import audit_record, audit_verify
from zhifa.org.choices import RegionLevel
from zhifa.org.services import region_create


def _run_verify() -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        call_command("audit_verify")
    return exc.value.code, ""


@pytest.mark.django_db(transaction=False)
def test_service_writes_are_chained_and_verify_clean(world, capsys):
    records = list(AuditRecord.objects.order_by("seq"))
    assert len(records) >= 10
    assert [r.seq for r in records] == list(range(1, len(records) + 1))
    assert records[0].prev_mac == "0" * 64
    assert all(b.prev_mac == a.mac for a, b in zip(records, records[1:], strict=False))
    assert {r.key_id for r in records} == {"dev"}
    assert all(r.at.microsecond % 1000 == 0 for r in records)
    create = AuditRecord.objects.get(action="org.region_create", object_id=str(world.jiubao.pk))
    assert create.after["name"] == "九堡街道"
    assert create.actor_repr == "system"
    call_command("audit_verify")
    assert f"共校验 {len(records)} 条记录" in capsys.readouterr().out


def test_edited_row_is_reported_with_its_seq(world, capsys):
    target = AuditRecord.objects.get(action="org.region_create", object_id=str(world.jiubao.pk))
    _disable_append_only_guard()
    AuditRecord.objects.filter(pk=target.pk).update(after={**target.after, "name": "南星街道"})
    code, _ = _run_verify()
    assert code == 1
    err = capsys.readouterr().err
    assert f"第 {target.seq} 条记录" in err
    assert "被篡改" in err


def test_deleted_middle_row_and_deleted_tail_are_reported(world, capsys):
    _disable_append_only_guard()
    last = AuditRecord.objects.order_by("-seq").first()
    AuditRecord.objects.filter(pk=last.pk).delete()
    assert audit_verify().problems[0].seq == last.seq
    AuditRecord.objects.filter(seq=3).delete()
    found = audit_verify().problems[0]
    assert found.seq == 4
    assert "序号不连续" in found.reason


def test_database_refuses_update_and_delete(world):
    rec = AuditRecord.objects.order_by("seq").first()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditRecord.objects.filter(pk=rec.pk).update(action="x")
    if connection.vendor == "postgresql":
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            AuditRecord.objects.filter(pk=rec.pk).delete()
    with pytest.raises(RuntimeError):
        rec.save()


def test_audit_record_requires_transaction(transactional_db):
    with pytest.raises(RuntimeError, match="transaction"):
        audit_record(actor="system", action="x.y")


def test_failed_service_leaves_no_record(world):
    before = AuditHead.objects.get(id=1).seq
    with pytest.raises(Exception):  # noqa: B017 - duplicate code violates the unique constraint
        region_create(code="330102008", name="重复", level=RegionLevel.SUBDISTRICT, parent=world.district)
    assert AuditHead.objects.get(id=1).seq == before
    assert AuditRecord.objects.count() == before
