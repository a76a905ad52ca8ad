"""What an attacker who can write the database (but holds no key) does to the audit chain, for the tests."""

import hashlib
import json
from datetime import UTC

from django.db import connection

from zhifa.audit.models import AuditHead, AuditRecord


def disable_append_only_guard():
    """Lift the append-only trigger first, as such an attacker would (rolled back with the test)."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER IF EXISTS audit_record_no_update")
        else:
            # Deferred foreign-key checks of this transaction must run before the table can be altered.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_record_append_only")


def plain_sha256(prev: str, rec: AuditRecord) -> str:
    """The chain's hash before it had a key: anyone can compute it."""
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
    return hashlib.sha256(f"{prev}\n{body}".encode()).hexdigest()


def reseal_from(seq: int) -> int:
    """Recompute every link and hash from `seq` on with plain SHA-256 and move the head; return the rows resealed."""
    prev = AuditRecord.objects.get(seq=seq - 1).mac if seq > 1 else "0" * 64
    rows = list(AuditRecord.objects.filter(seq__gte=seq).order_by("seq"))
    for rec in rows:
        mac = plain_sha256(prev, rec)
        AuditRecord.objects.filter(pk=rec.pk).update(prev_mac=prev, mac=mac)
        prev = mac
    AuditHead.objects.filter(id=1).update(mac=prev)
    return len(rows)


def truncate_to(seq: int) -> None:
    """Delete every row after `seq` and point the head at `seq`, so head and table agree."""
    AuditRecord.objects.filter(seq__gt=seq).delete()
    last = AuditRecord.objects.get(seq=seq)
    AuditHead.objects.filter(id=1).update(seq=last.seq, mac=last.mac)
