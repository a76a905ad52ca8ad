"""The audit chain's computation: a keyed MAC (HMAC-SHA-256) per entry that covers the previous entry's MAC, and
Ed25519-signed anchors of the head kept outside the database. Plain data in, a list of problems out; no Django.

Whoever can write the database but holds neither the MAC key nor the anchor signing key can neither re-seal an
edited entry nor make a shortened chain agree with an anchor written before the cut.
"""

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

GENESIS = "0" * 64
MAC_VERSION = "zhifa-audit-mac-v1"
ANCHOR_VERSION = 1
ANCHOR_FIELDS = ("v", "seq", "mac", "key_id", "count", "at", "prev", "signer", "sig")


# ---- canonical form ------------------------------------------------------------------------------------------


def truncate_to_ms(at: datetime) -> datetime:
    """The precision an entry keeps: Django's JSON serializer (dumpdata) writes milliseconds only."""
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def canonical_time(at: datetime) -> str:
    at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def _canonical_value(value):
    # PostgreSQL's jsonb hands 1e20 back as an integer and 2.0 as 2.0: an integral float is written as an integer.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): _canonical_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical_value(v) for v in value]
    return value


def canonical_json(value) -> str:
    return json.dumps(
        _canonical_value(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def entry_content(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    object: str,
    before,
    after,
) -> dict:
    """What an entry's MAC covers, in a form that survives the database and a dumpdata/loaddata round trip."""
    return {
        "seq": seq,
        "at": canonical_time(at),
        "actor_id": actor_id,
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object": object,
        "before": before,
        "after": after,
    }


def entry_mac(key: bytes, *, key_id: str, prev_mac: str, content: Mapping) -> str:
    """HMAC-SHA-256 over the format version, the key id, the previous entry's MAC and the canonical content."""
    message = "\n".join((MAC_VERSION, key_id, prev_mac, canonical_json(content))).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


# ---- problems and the chain walk -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    """One thing wrong: which check failed, where (an entry or an anchor line), and why, for people."""

    check: str
    reason: str
    seq: int | None = None
    row_id: int | None = None
    anchor_line: int | None = None

    @property
    def where(self) -> str:
        if self.anchor_line is not None:
            return f"锚点文件第 {self.anchor_line} 行"
        if self.seq is not None:
            return f"第 {self.seq} 条记录" + (f"（id {self.row_id}）" if self.row_id is not None else "")
        return "审计链"

    def __str__(self) -> str:
        return f"{self.where} [{self.check}] {self.reason}"


@dataclass
class ChainReport:
    count: int = 0
    anchors: int = 0
    last_anchor: "Anchor | None" = None
    problems: list[ChainProblem] = field(default_factory=list)
    more: int = 0  # problems found beyond the limit: counted, not kept
    limit: int = 200

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: ChainProblem) -> None:
        if len(self.problems) < self.limit:
            self.problems.append(problem)
        else:
            self.more += 1


class ChainRow(NamedTuple):
    row_id: int | None
    seq: int
    key_id: str
    prev_mac: str
    mac: str
    content: Mapping


def verify_chain(
    rows: Iterable[ChainRow],
    *,
    keys: Mapping[str, bytes],
    head: tuple[int, str] | None,
    anchors: Sequence["Anchor"] = (),
    start: tuple[int, str] = (0, GENESIS),
    report: ChainReport | None = None,
) -> ChainReport:
    """Check rows in seq order: numbering, links, key, MAC, anchored MACs; then the head and the anchored count.

    Each row's MAC is checked over its own stored link, so one deleted row is one link problem, not a cascade.
    `start` is the (seq, MAC) the first row follows: the genesis, or an anchored entry when checking a segment.
    """
    report = report if report is not None else ChainReport()
    anchored: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        anchored.setdefault(anchor.seq, []).append(anchor)
    prev_seq, prev_mac = start
    for row in rows:
        report.count += 1
        where = {"seq": row.seq, "row_id": row.row_id}
        if row.seq != prev_seq + 1:
            report.add(ChainProblem("序号", f"序号不连续：上一条为 {prev_seq}，本条为 {row.seq}", **where))
        if row.prev_mac != prev_mac:
            report.add(
                ChainProblem("链接", "“上一条 MAC”与链中上一条记录不符（记录被删除、插入或重排）", **where)
            )
        key = keys.get(row.key_id)
        if key is None:
            report.add(ChainProblem("密钥", f"密钥编号 {row.key_id!r} 未配置，无法校验此记录", **where))
        else:
            expected = entry_mac(key, key_id=row.key_id, prev_mac=row.prev_mac, content=row.content)
            if not hmac.compare_digest(expected, row.mac):
                report.add(ChainProblem("MAC", "内容与 MAC 不符（记录被篡改，或配置的密钥不对）", **where))
        for anchor in anchored.pop(row.seq, ()):
            if anchor.mac != row.mac or anchor.key_id != row.key_id:
                report.add(
                    ChainProblem(
                        "锚点记录",
                        f"第 {row.seq} 条记录的 MAC 与锚定时不同（锚定后被改写）",
                        seq=row.seq,
                        row_id=row.row_id,
                        anchor_line=anchor.line,
                    )
                )
        prev_seq, prev_mac = row.seq, row.mac
    for seq in sorted(anchored):
        for anchor in anchored[seq]:
            if seq > start[0]:
                report.add(
                    ChainProblem(
                        "锚点记录",
                        f"锚定的第 {seq} 条记录已不在链中（记录被删除）",
                        seq=seq,
                        anchor_line=anchor.line,
                    )
                )
    _check_head(report, head, prev_seq, prev_mac)
    if anchors:
        top = max(anchors, key=lambda a: a.count)
        rows_now = start[0] + report.count
        if rows_now < top.count:
            report.add(
                ChainProblem(
                    "计数",
                    f"表中只有 {rows_now} 条记录，少于锚点记载的 {top.count} 条（记录被删除）",
                    anchor_line=top.line,
                )
            )
        report.last_anchor = anchors[-1]
    return report


def _check_head(report: ChainReport, head: tuple[int, str] | None, last_seq: int, last_mac: str) -> None:
    if head is None:
        if last_seq:
            report.add(ChainProblem("链头", "链头行缺失（audit_audithead 被删除）"))
        return
    head_seq, head_mac = head
    if head_seq > last_seq:
        report.add(
            ChainProblem(
                "链头",
                f"链头记录到第 {head_seq} 条，但表中只有到第 {last_seq} 条（末尾记录被删除）",
                seq=head_seq,
            )
        )
    elif head_seq < last_seq:
        report.add(
            ChainProblem(
                "链头", f"链头记录到第 {head_seq} 条，但表中已有第 {last_seq} 条（链头被改写）", seq=last_seq
            )
        )
    elif head_mac != last_mac:
        report.add(ChainProblem("链头", f"链头的 MAC 与第 {last_seq} 条记录不符（链头被改写）", seq=last_seq))


# ---- anchors -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """One signed line of the anchor file: the chain's head (seq, MAC, key id), its row count and the time."""

    line: int
    seq: int
    mac: str
    key_id: str
    count: int
    at: str
    signer: str


def signer_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def line_digest(line: str) -> str:
    return hashlib.sha256(line.encode()).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def anchor_line(
    private_key: Ed25519PrivateKey,
    *,
    seq: int,
    mac: str,
    key_id: str,
    count: int,
    at: datetime,
    prev_line: str | None,
) -> str:
    """A signed anchor line (no newline); `prev` is the SHA-256 of the line before it, so lines cannot be dropped
    from the middle or reordered unnoticed."""
    body = {
        "v": ANCHOR_VERSION,
        "seq": seq,
        "mac": mac,
        "key_id": key_id,
        "count": count,
        "at": canonical_time(at),
        "prev": line_digest(prev_line) if prev_line is not None else "",
        "signer": signer_id(private_key.public_key()),
    }
    signature = private_key.sign(canonical_json(body).encode())
    return canonical_json({**body, "sig": _b64(signature)})


def _anchor_data(line: str) -> dict | None:
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict) or set(data) != set(ANCHOR_FIELDS) or data["v"] != ANCHOR_VERSION:
        return None
    ints = ("seq", "count")
    if not all(type(data[k]) is int and data[k] >= 0 for k in ints):
        return None
    if not all(isinstance(data[k], str) for k in ANCHOR_FIELDS if k not in ints and k != "v"):
        return None
    return data


def _signature_problem(data: dict, public_keys: Mapping[str, Ed25519PublicKey]) -> str | None:
    public_key = public_keys.get(data["signer"])
    if public_key is None:
        return f"签名密钥 {data['signer']} 不是配置的锚点签名密钥"
    body = {k: v for k, v in data.items() if k != "sig"}
    try:
        public_key.verify(_unb64(data["sig"]), canonical_json(body).encode())
    except (InvalidSignature, ValueError, binascii.Error):
        return "签名不符（锚点行被改写）"
    return None


def _anchor(number: int, data: dict) -> Anchor:
    return Anchor(
        line=number,
        seq=data["seq"],
        mac=data["mac"],
        key_id=data["key_id"],
        count=data["count"],
        at=data["at"],
        signer=data["signer"],
    )


_BAD_FORM = "不是有效的锚点行（被改写或写入中断）"


def anchor_read(
    line: str, *, number: int, public_keys: Mapping[str, Ed25519PublicKey]
) -> tuple[Anchor | None, ChainProblem | None]:
    """One line on its own (form and signature, not its link to the line before): the anchor, or the problem."""
    data = _anchor_data(line)
    if data is None:
        return None, ChainProblem("锚点格式", _BAD_FORM, anchor_line=number)
    reason = _signature_problem(data, public_keys)
    if reason is not None:
        return None, ChainProblem("锚点签名", reason, anchor_line=number)
    return _anchor(number, data), None


def anchors_parse(
    lines: Sequence[str], public_keys: Mapping[str, Ed25519PublicKey], report: ChainReport | None = None
) -> tuple[list[Anchor], ChainReport]:
    """Check each line's form, signature and link to the line before; return the lines that hold as anchors.

    A line whose signature fails is not used as an anchor: what it claims cannot be trusted.
    """
    report = report if report is not None else ChainReport()
    anchors: list[Anchor] = []
    prev_line: str | None = None
    for number, line in enumerate(lines, start=1):
        report.anchors += 1
        data = _anchor_data(line)
        if data is None:
            report.add(ChainProblem("锚点格式", _BAD_FORM, anchor_line=number))
            prev_line = line
            continue
        if data["prev"] != (line_digest(prev_line) if prev_line is not None else ""):
            report.add(
                ChainProblem("锚点链接", "与上一行不衔接（锚点行被删除、插入或重排）", anchor_line=number)
            )
        prev_line = line
        reason = _signature_problem(data, public_keys)
        if reason is not None:
            report.add(ChainProblem("锚点签名", reason, anchor_line=number))
            continue
        anchor = _anchor(number, data)
        if anchors and (anchor.seq < anchors[-1].seq or anchor.count < anchors[-1].count):
            report.add(
                ChainProblem(
                    "锚点计数",
                    f"锚点记载第 {anchor.seq} 条、{anchor.count} 条记录，少于上一个锚点（第 {anchors[-1].line} 行）",
                    anchor_line=number,
                )
            )
        anchors.append(anchor)
    return anchors, report
