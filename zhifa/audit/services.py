"""Append to and verify the audit chain. Call audit_record inside the service's transaction."""

from datetime import UTC

from django.db import transaction
from django.utils import timezone

from zhifa.audit.models import AuditHead, AuditRecord
from zhifa.core.snapshot import to_jsonable
from zhifa.engine.chain import ChainBreak, record_hash, verify_chain


def _content(rec: AuditRecord) -> dict:
    return {
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


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before=None,
    after=None,
) -> AuditRecord:
    """Append one record to the chain (must run inside the caller's transaction)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    actor_obj = actor if getattr(actor, "pk", None) else None
    rec = AuditRecord(
        seq=head.seq + 1,
        at=timezone.now(),
        actor=actor_obj,
        actor_repr=(str(actor_obj) if actor_obj else (actor if isinstance(actor, str) else "system"))[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        before=to_jsonable(before),
        after=to_jsonable(after),
        prev_hash=head.hash,
    )
    rec.hash = record_hash(head.hash, _content(rec))
    rec.save()
    head.seq, head.hash = rec.seq, rec.hash
    head.save(update_fields=["seq", "hash"])
    return rec


def audit_verify(batch_size: int = 5000) -> tuple[int, ChainBreak | None]:
    """Walk the whole chain; return (rows checked, first break or None)."""
    head = AuditHead.objects.filter(id=1).first()
    count = 0

    def rows():
        nonlocal count
        qs = AuditRecord.objects.order_by("seq")
        for rec in qs.iterator(chunk_size=batch_size):
            count += 1
            yield rec.seq, rec.prev_hash, rec.hash, _content(rec)

    expected = (head.seq, head.hash) if head else None
    found = verify_chain(rows(), expected_last=expected)
    return count, found
