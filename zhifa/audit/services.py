"""Append to, anchor and verify the audit chain. Call audit_record inside the service's transaction.

Each entry carries an HMAC-SHA-256 under a key kept outside the database (settings.ZHIFA_AUDIT_KEYS) and its key
id; `audit_anchor_write` appends the signed head to the anchor file (run it every few minutes); `audit_verify`
checks every MAC, link and key, the head row, the count, and every anchor.
"""

import threading
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from zhifa.audit.anchorfile import anchor_file_locked, anchor_lines_read
from zhifa.audit.keys import (
    anchor_key_create,
    anchor_private_key,
    anchor_public_keys,
    current_mac_key,
    mac_keys,
    public_key_pem,
)
from zhifa.audit.models import AuditHead, AuditRecord
from zhifa.core.errors import ServiceError
from zhifa.core.snapshot import to_jsonable
from zhifa.engine.chain import (
    GENESIS,
    Anchor,
    ChainProblem,
    ChainReport,
    ChainRow,
    anchor_line,
    anchor_read,
    anchors_parse,
    entry_content,
    entry_mac,
    signer_id,
    truncate_to_ms,
    verify_chain,
)

_ROW_FIELDS = (
    "id",
    "seq",
    "key_id",
    "prev_mac",
    "mac",
    "at",
    "actor_id",
    "actor_repr",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
)


def _content(rec: AuditRecord) -> dict:
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
    actor_obj = actor if getattr(actor, "pk", None) else None
    rec = AuditRecord(
        # Kept to the millisecond, as dumpdata writes it, so a dump loaded elsewhere still verifies.
        at=truncate_to_ms(timezone.now()),
        actor=actor_obj,
        actor_repr=(str(actor_obj) if actor_obj else (actor if isinstance(actor, str) else "system"))[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        before=to_jsonable(before),
        after=to_jsonable(after),
    )
    pending = getattr(_deferred, "records", None)
    if pending is not None:
        pending.append(rec)
        return rec
    _append([rec])
    return rec


def _append(records: list[AuditRecord]) -> None:
    """Chain `records` after the head: lock the head, number and seal each, write them, move the head.

    Every writer waits here for the one before it until that one commits, so the lock is held for as little as
    possible: callers record last in their transaction (or defer, audit_deferred), and on PostgreSQL one record
    is written and the head moved in a single statement."""
    key_id, key = current_mac_key()
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    for rec in records:
        rec.seq, rec.key_id, rec.prev_mac = head.seq + 1, key_id, head.mac
        rec.mac = entry_mac(key, key_id=key_id, prev_mac=head.mac, content=_content(rec))
        head.seq, head.mac = rec.seq, rec.mac
    if len(records) == 1 and connection.vendor == "postgresql":
        _insert_and_move_head(records[0])
        return
    if len(records) == 1:
        records[0].save()
    else:
        AuditRecord.objects.bulk_create(records, batch_size=500)
    head.save(update_fields=["seq", "mac"])


_FIELDS = [f for f in AuditRecord._meta.concrete_fields if not f.primary_key]
_INSERT_AND_MOVE_HEAD = (
    "WITH rec AS (INSERT INTO {record} ({columns}) VALUES ({values}) RETURNING id) "
    "UPDATE {head} SET seq = %s, mac = %s WHERE id = 1 RETURNING (SELECT id FROM rec)"
)


def _insert_and_move_head(rec: AuditRecord) -> None:
    """One round trip instead of two while the head is locked (the append-only triggers still apply)."""
    quote = connection.ops.quote_name
    sql = _INSERT_AND_MOVE_HEAD.format(
        record=quote(AuditRecord._meta.db_table),
        head=quote(AuditHead._meta.db_table),
        columns=", ".join(quote(f.column) for f in _FIELDS),
        values=", ".join(["%s"] * len(_FIELDS)),
    )
    params = [f.get_db_prep_save(getattr(rec, f.attname), connection) for f in _FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, rec.seq, rec.mac])
        rec.pk = cursor.fetchone()[0]
    rec._state.adding, rec._state.db = False, connection.alias


_deferred = threading.local()


@contextmanager
def audit_deferred():
    """Inside one long transaction (a 12345 import of a thousand rows), keep its audit records and chain them
    all at the end: the chain's head is locked for the last moment of the transaction instead of from its first
    record on, so other writers do not wait for the whole import. Use inside the transaction; records keep the
    time they were made. Nested uses join the outer one."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_deferred must be used inside transaction.atomic")
    if getattr(_deferred, "records", None) is not None:
        yield
        return
    _deferred.records = []
    try:
        yield
        records = _deferred.records
    finally:
        _deferred.records = None
    if records:
        _append(records)


def _chain_rows(queryset, batch_size: int):
    for row in queryset.order_by("seq").values_list(*_ROW_FIELDS).iterator(chunk_size=batch_size):
        (
            row_id,
            seq,
            key_id,
            prev_mac,
            mac,
            at,
            actor_id,
            actor,
            action,
            otype,
            oid,
            orepr,
            before,
            after,
        ) = row
        content = entry_content(
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor=actor,
            action=action,
            object_type=otype,
            object_id=oid,
            object=orepr,
            before=before,
            after=after,
        )
        yield ChainRow(row_id, seq, key_id, prev_mac, mac, content)


def _head() -> tuple[int, str] | None:
    return AuditHead.objects.filter(id=1).values_list("seq", "mac").first()


def audit_verify(*, batch_size: int = 5000, limit: int = 200) -> ChainReport:
    """Walk the whole chain and the anchor file; the report lists what is wrong (up to `limit`, the rest counted)."""
    report = ChainReport(limit=limit)
    lines, public_keys = [], {}
    try:
        lines = anchor_lines_read()
        public_keys = anchor_public_keys() if lines else {}
        if lines and not public_keys:
            report.add(
                ChainProblem(
                    "锚点签名", "锚点签名密钥文件不存在，无法校验锚点（ZHIFA_AUDIT_ANCHOR_KEY_FILE）"
                )
            )
    except ServiceError as exc:
        report.add(ChainProblem("锚点", exc.message))
    anchors, _ = anchors_parse(lines, public_keys, report)
    verify_chain(
        _chain_rows(AuditRecord.objects.all(), batch_size),
        keys=mac_keys(),
        head=_head(),
        anchors=anchors,
        report=report,
    )
    return report


@dataclass(frozen=True)
class AnchorWritten:
    anchor: Anchor
    signer: str
    public_pem: str  # the public key, when this anchor created the signing key (to keep elsewhere)


def _refuse(problems: list[ChainProblem]) -> ServiceError:
    listed = "；".join(str(p) for p in problems[:5])
    return ServiceError(f"审计链校验未通过：{listed}（运行 audit_verify 查看全部）")


def audit_anchor_write(*, create_key: bool = False, batch_size: int = 5000) -> AnchorWritten | None:
    """Append the chain's head, signed, to the anchor file; None when nothing was appended since the last anchor.

    Before signing it checks what the last anchor vouches for is still there, and every entry after it (MACs,
    links, the head row, the count), so a tampered chain is never anchored. It writes no audit record: the anchor
    file is the record of the anchors, and a row per anchor would be a row the next anchor must cover.
    """
    with anchor_file_locked() as anchor_file:
        key = anchor_private_key()
        public_pem = ""
        if key is None:
            if anchor_file.lines:
                raise ServiceError(
                    f"锚点文件已有 {len(anchor_file.lines)} 行，但签名密钥文件不存在：请恢复原密钥文件"
                    "（ZHIFA_AUDIT_ANCHOR_KEY_FILE），不要另建新密钥"
                )
            if not create_key:
                raise ServiceError(
                    "锚点签名密钥文件不存在：生产环境请先运行 manage.py audit_anchor --create-key 生成并备份公钥"
                )
            key = anchor_key_create()
            public_pem = public_key_pem(key)
        public = key.public_key()
        last = None
        if anchor_file.lines:
            last, problem = anchor_read(
                anchor_file.lines[-1], number=len(anchor_file.lines), public_keys={signer_id(public): public}
            )
            if problem is not None:
                raise _refuse([problem])
        head = _head()
        if head is None or head[0] == 0:
            return None
        if last is not None and (last.seq, last.mac) == head:
            return None
        count, key_id = _verify_since(last, head, batch_size)
        line = anchor_line(
            key,
            seq=head[0],
            mac=head[1],
            key_id=key_id,
            count=count,
            at=timezone.now(),
            prev_line=anchor_file.lines[-1] if anchor_file.lines else None,
        )
        number = anchor_file.append(line)
        anchor, _ = anchor_read(line, number=number, public_keys={signer_id(public): public})
        return AnchorWritten(anchor=anchor, signer=signer_id(public), public_pem=public_pem)


def _verify_since(last: Anchor | None, head: tuple[int, str], batch_size: int) -> tuple[int, str]:
    """Check the chain from the last anchor up to `head`; return the row count and the head entry's key id."""
    report = ChainReport(limit=5)
    start = (0, GENESIS)
    if last is not None:
        anchored = AuditRecord.objects.filter(seq=last.seq).values_list("mac", "key_id").first()
        if anchored != (last.mac, last.key_id):
            gone = anchored is None
            report.add(
                ChainProblem(
                    "锚点记录",
                    f"锚定的第 {last.seq} 条记录" + ("已不在链中" if gone else "的 MAC 与锚定时不同"),
                    seq=last.seq,
                    anchor_line=last.line,
                )
            )
            raise _refuse(report.problems)
        start = (last.seq, last.mac)
    # Rows up to the head are all committed: audit_record moves the head in the transaction that adds the row.
    rows = AuditRecord.objects.filter(seq__gt=start[0], seq__lte=head[0])
    verify_chain(_chain_rows(rows, batch_size), keys=mac_keys(), head=head, start=start, report=report)
    count = AuditRecord.objects.filter(seq__lte=head[0]).count()
    if count != head[0]:
        report.add(ChainProblem("计数", f"表中有 {count} 条记录，但链头记到第 {head[0]} 条"))
    if last is not None and count < last.count:
        report.add(
            ChainProblem(
                "计数", f"表中只有 {count} 条记录，少于锚点记载的 {last.count} 条", anchor_line=last.line
            )
        )
    if report.problems:
        raise _refuse(report.problems)
    key_id = AuditRecord.objects.filter(seq=head[0]).values_list("key_id", flat=True).get()
    return count, key_id
