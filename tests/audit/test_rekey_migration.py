"""Migration 0003 on an upgraded district: the plain SHA-256 chain is checked, then re-keyed, content kept."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.audit.tamper import disable_append_only_guard, plain_sha256
from zhifa.audit.models import AuditHead, AuditRecord
from zhifa.audit.services import audit_verify

BEFORE = [("audit", "0002_append_only_triggers")]
AFTER = [("audit", "0003_keyed_chain")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets[0]).apps


@pytest.fixture
def legacy_chain(transactional_db):
    """Five entries written as the chain was before keys (microsecond times, plain SHA-256), then migrate back."""
    old_apps = _migrate(BEFORE)
    Record, Head = old_apps.get_model("audit", "AuditRecord"), old_apps.get_model("audit", "AuditHead")
    prev, at = "0" * 64, datetime(2026, 5, 4, 1, 2, 3, 456789, tzinfo=UTC)
    for seq in range(1, 6):
        rec = Record(
            seq=seq,
            at=at + timedelta(minutes=seq),
            actor_repr="system",
            action="org.region_create",
            object_type="org.region",
            object_id=str(seq),
            object_repr=f"区域 {seq}",
            after={"name": f"区域 {seq}", "area": 1.5},
            prev_hash=prev,
        )
        rec.hash = prev = plain_sha256(prev, rec)
        rec.save()
    Head.objects.create(id=1, seq=5, hash=prev)
    yield Record
    _migrate(AFTER)  # leave the schema as the other tests expect it, whatever happened


def test_rekey_seals_every_entry_and_keeps_its_content(legacy_chain):
    before = {r.seq: (r.at, r.after, r.object_repr, r.hash) for r in legacy_chain.objects.all()}
    _migrate(AFTER)
    rows = list(AuditRecord.objects.order_by("seq"))
    assert [(r.at, r.after, r.object_repr) for r in rows] == [before[s][:3] for s in range(1, 6)]
    assert rows[0].at.microsecond == 456789
    assert {r.key_id for r in rows} == {"dev"}
    assert all(r.mac != before[r.seq][3] for r in rows)
    assert AuditHead.objects.get(id=1).mac == rows[-1].mac
    report = audit_verify()
    assert report.ok and report.count == 5
    # The trigger is back: records are append-only again.
    with pytest.raises(Exception, match="append-only"):
        AuditRecord.objects.filter(seq=1).update(action="x")


def test_rekey_refuses_a_chain_already_tampered_with(legacy_chain):
    hashes = list(legacy_chain.objects.order_by("seq").values_list("hash", flat=True))
    disable_append_only_guard()  # not rolled back here: 0003, run by the fixture at the end, restores it
    legacy_chain.objects.filter(seq=3).update(object_repr="改过的区域")
    with pytest.raises(RuntimeError, match="审计链在第 3 条记录处未通过原 SHA-256 校验（内容与哈希不符）"):
        _migrate(AFTER)
    # Nothing was re-keyed, not even the rows before the break: the migration is one transaction.
    assert list(legacy_chain.objects.order_by("seq").values_list("hash", flat=True)) == hashes
    legacy_chain.objects.filter(seq=3).update(object_repr="区域 3")
