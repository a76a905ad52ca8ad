"""Hash chain of audit records: each record's hash covers its content and the previous record's hash."""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS = "0" * 64


def record_hash(prev_hash: str, content: Mapping) -> str:
    body = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify_chain(rows: Iterable[tuple[int, str, str, Mapping]], expected_last: tuple[int, str] | None = None):
    """Check (seq, prev_hash, hash, content) rows in order; return the first ChainBreak or None."""
    prev_hash, prev_seq = GENESIS, 0
    for seq, stored_prev, stored_hash, content in rows:
        if seq != prev_seq + 1:
            return ChainBreak(seq, f"序号不连续：上一条为 {prev_seq}，本条为 {seq}")
        if stored_prev != prev_hash:
            return ChainBreak(seq, "上一条哈希与链不符（记录被删除、插入或重排）")
        if record_hash(prev_hash, content) != stored_hash:
            return ChainBreak(seq, "内容与哈希不符（记录被篡改）")
        prev_hash, prev_seq = stored_hash, seq
    if expected_last is not None and expected_last != (prev_seq, prev_hash):
        return ChainBreak(
            prev_seq + 1,
            f"链头记录到第 {expected_last[0]} 条，但表中只有到第 {prev_seq} 条（末尾记录被删除）",
        )
    return None
