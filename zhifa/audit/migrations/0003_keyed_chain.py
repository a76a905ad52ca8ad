"""The chain's hashes become keyed MACs: rename the columns, add the key id, and re-key an upgraded district's
audit chain under the current MAC key (settings.ZHIFA_AUDIT_KEYS).

It first checks the chain as it was, plain SHA-256, row by row and against the head: a chain that does not hold is
refused, naming the row, because sealing it now would seal the tampering. Then every entry gets its key id and
its MAC, in order; its content (time, actor, action, object, before/after) is kept as it is. The append-only
triggers are lifted for this migration's own transaction and put back (on SQLite adding the column rebuilds the
table, which drops its trigger: it is created again here in any case).
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import migrations, models

from zhifa.engine.chain import GENESIS, entry_content, entry_mac

BATCH = 2000

SQLITE_LIFT = ["DROP TRIGGER IF EXISTS audit_record_no_update"]
SQLITE_RESTORE = [
    """CREATE TRIGGER IF NOT EXISTS audit_record_no_update BEFORE UPDATE ON audit_auditrecord
       BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END""",
]
POSTGRES_LIFT = ["ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_record_append_only"]
POSTGRES_RESTORE = [
    "SET CONSTRAINTS ALL IMMEDIATE",
    "ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_record_append_only",
]


def _execute(schema_editor, by_vendor):
    for sql in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def _legacy_hash(prev_hash: str, rec) -> str:
    """The hash of the chain before keys (zhifa.engine.chain.record_hash until this migration)."""
    content = {
        "seq": rec.seq,
        "at": rec.at.astimezone(UTC).isoformat(),
        "actor_id": rec.actor_id,
        "actor": rec.actor_repr,
        "action": rec.action,
        "object_type": rec.object_type,
        "object_id": rec.object_id,
        "object": rec.object_repr,
        "before": rec.before,
        "after": rec.after,
    }
    body = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def _content(rec) -> dict:
    return entry_content(
        seq=rec.seq,
        at=rec.at,
        actor_id=rec.actor_id,
        actor=rec.actor_repr,
        action=rec.action,
        object_type=rec.object_type,
        object_id=rec.object_id,
        object=rec.object_repr,
        before=rec.before,
        after=rec.after,
    )


def _batches(Record):
    last = 0
    while True:
        rows = list(Record.objects.filter(seq__gt=last).order_by("seq")[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].seq


def _refuse(seq: int, what: str):
    return RuntimeError(
        f"审计链在第 {seq} 条记录处未通过原 SHA-256 校验（{what}），未重新加密钥："
        "请先查明该记录是否被篡改。Audit chain check failed; nothing was re-keyed."
    )


def rekey(apps, schema_editor):
    Record = apps.get_model("audit", "AuditRecord")
    Head = apps.get_model("audit", "AuditHead")
    key_id = settings.ZHIFA_AUDIT_KEY_ID
    key = settings.ZHIFA_AUDIT_KEYS[key_id].encode()
    _execute(schema_editor, {"sqlite": SQLITE_LIFT, "postgresql": POSTGRES_LIFT})
    old_prev, new_prev, seq = GENESIS, GENESIS, 0
    for rows in _batches(Record):
        for rec in rows:
            if rec.seq != seq + 1:
                raise _refuse(rec.seq, f"序号不连续，上一条为 {seq}")
            if rec.prev_mac != old_prev:
                raise _refuse(rec.seq, "上一条哈希不符")
            if _legacy_hash(old_prev, rec) != rec.mac:
                raise _refuse(rec.seq, "内容与哈希不符")
            old_prev, seq = rec.mac, rec.seq
            rec.key_id, rec.prev_mac = key_id, new_prev
            rec.mac = new_prev = entry_mac(key, key_id=key_id, prev_mac=new_prev, content=_content(rec))
        Record.objects.bulk_update(rows, ["key_id", "prev_mac", "mac"])
    head = Head.objects.filter(id=1).first()
    if seq:
        if head is None or (head.seq, head.mac) != (seq, old_prev):
            raise _refuse(seq, "链头与最后一条记录不符")
        head.mac = new_prev
        head.save(update_fields=["mac"])
    _execute(schema_editor, {"sqlite": SQLITE_RESTORE, "postgresql": POSTGRES_RESTORE})


def unkey(apps, schema_editor):
    """Back to plain SHA-256 hashes (for a rollback of the code); the content is untouched."""
    Record = apps.get_model("audit", "AuditRecord")
    Head = apps.get_model("audit", "AuditHead")
    _execute(schema_editor, {"sqlite": SQLITE_LIFT, "postgresql": POSTGRES_LIFT})
    prev = GENESIS
    for rows in _batches(Record):
        for rec in rows:
            rec.key_id, rec.prev_mac = "", prev
            rec.mac = prev = _legacy_hash(prev, rec)
        Record.objects.bulk_update(rows, ["key_id", "prev_mac", "mac"])
    Head.objects.filter(id=1).update(mac=prev)
    _execute(schema_editor, {"sqlite": SQLITE_RESTORE, "postgresql": POSTGRES_RESTORE})


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    # One migration, one transaction: a chain that is refused leaves the database exactly as it was.
    operations = [
        migrations.RenameField("auditrecord", "hash", "mac"),
        migrations.RenameField("auditrecord", "prev_hash", "prev_mac"),
        migrations.RenameField("audithead", "hash", "mac"),
        migrations.AlterField(
            model_name="auditrecord",
            name="mac",
            field=models.CharField(max_length=64, unique=True, verbose_name="MAC"),
        ),
        migrations.AlterField(
            model_name="auditrecord",
            name="prev_mac",
            field=models.CharField(max_length=64, verbose_name="上一条 MAC"),
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="key_id",
            field=models.CharField(default="", max_length=32, verbose_name="密钥编号"),
            preserve_default=False,
        ),
        migrations.RunPython(rekey, unkey),
    ]
