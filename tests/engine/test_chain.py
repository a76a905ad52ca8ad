"""The audit chain's computation alone: canonical content, keyed MACs, the chain walk, signed anchors."""

import json
from datetime import UTC, datetime, timedelta, timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from zhifa.engine.chain import (
    GENESIS,
    ChainReport,
    ChainRow,
    anchor_line,
    anchor_read,
    anchors_parse,
    canonical_json,
    canonical_time,
    entry_content,
    entry_mac,
    signer_id,
    truncate_to_ms,
    verify_chain,
)

KEY = b"k" * 32
OTHER = b"o" * 32
T0 = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)


def _content(seq, **changes):
    fields = dict(
        seq=seq,
        at=T0 + timedelta(seconds=seq),
        actor_id=7,
        actor="张三",
        action="dispatch.event_intake",
        object_type="dispatch.event",
        object_id=str(seq),
        object=f"事件 {seq}",
        before=None,
        after={"status": "new", "score": 2.5},
    )
    fields.update(changes)
    return entry_content(**fields)


def _chain(n, keys_by_seq=None):
    rows, prev = [], GENESIS
    for seq in range(1, n + 1):
        kid = (keys_by_seq or {}).get(seq, "k1")
        key = {"k1": KEY, "k2": OTHER}[kid]
        content = _content(seq)
        mac = entry_mac(key, key_id=kid, prev_mac=prev, content=content)
        rows.append(ChainRow(seq * 10, seq, kid, prev, mac, content))
        prev = mac
    return rows


def test_canonical_time_is_utc_to_the_millisecond():
    shanghai = timezone(timedelta(hours=8))
    assert canonical_time(T0) == "2026-03-01T08:30:15.123Z"
    assert canonical_time(T0.astimezone(shanghai)) == "2026-03-01T08:30:15.123Z"
    assert truncate_to_ms(T0) == T0.replace(microsecond=123000)
    # What dumpdata writes (milliseconds) gives the same content as what the database held.
    assert _content(1, at=truncate_to_ms(T0)) == _content(1, at=T0)


def test_canonical_json_sorts_keys_and_writes_integral_floats_as_integers():
    assert canonical_json({"b": 1, "a": [2.0, 1e20, 0.5]}) == '{"a":[2,100000000000000000000,0.5],"b":1}'
    assert canonical_json({"名称": "南星"}) == '{"名称":"南星"}'


def test_mac_depends_on_key_key_id_link_and_every_field():
    content = _content(1)
    mac = entry_mac(KEY, key_id="k1", prev_mac=GENESIS, content=content)
    assert len(mac) == 64
    assert mac == entry_mac(KEY, key_id="k1", prev_mac=GENESIS, content=dict(reversed(content.items())))
    assert mac != entry_mac(OTHER, key_id="k1", prev_mac=GENESIS, content=content)
    assert mac != entry_mac(KEY, key_id="k2", prev_mac=GENESIS, content=content)
    assert mac != entry_mac(KEY, key_id="k1", prev_mac="1" * 64, content=content)
    for field, value in [
        ("actor", "李四"),
        ("after", {"status": "closed"}),
        ("at", "2026-03-01T08:30:17.123Z"),
    ]:
        assert mac != entry_mac(KEY, key_id="k1", prev_mac=GENESIS, content={**content, field: value})


def test_clean_chain_has_no_problem():
    report = verify_chain(_chain(5), keys={"k1": KEY}, head=(5, _chain(5)[-1].mac))
    assert report.ok and report.count == 5 and report.problems == []


def test_edited_row_fails_its_mac_only():
    rows = _chain(5)
    rows[2] = rows[2]._replace(content={**rows[2].content, "actor": "李四"})
    report = verify_chain(rows, keys={"k1": KEY}, head=(5, rows[-1].mac))
    assert [(p.seq, p.row_id, p.check) for p in report.problems] == [(3, 30, "MAC")]
    assert (
        str(report.problems[0])
        == "第 3 条记录（id 30） [MAC] 内容与 MAC 不符（记录被篡改，或配置的密钥不对）"
    )


def test_deleted_middle_row_is_one_numbering_and_one_link_problem():
    rows = _chain(5)
    del rows[2]
    report = verify_chain(rows, keys={"k1": KEY}, head=(5, rows[-1].mac))
    assert [(p.seq, p.check) for p in report.problems] == [(4, "序号"), (4, "链接")]
    assert "上一条为 2，本条为 4" in report.problems[0].reason


def test_head_ahead_of_the_rows_names_the_missing_seq():
    rows = _chain(5)
    report = verify_chain(rows[:3], keys={"k1": KEY}, head=(5, rows[-1].mac))
    assert [(p.seq, p.check) for p in report.problems] == [(5, "链头")]
    assert "只有到第 3 条" in report.problems[0].reason


def test_unknown_key_id_and_wrong_key():
    rows = _chain(3, {1: "k2", 2: "k2"})
    assert verify_chain(rows, keys={"k1": KEY, "k2": OTHER}, head=(3, rows[-1].mac)).ok
    report = verify_chain(rows, keys={"k1": KEY}, head=(3, rows[-1].mac))
    assert [(p.seq, p.check) for p in report.problems] == [(1, "密钥"), (2, "密钥")]
    assert "'k2' 未配置" in report.problems[0].reason
    report = verify_chain(rows, keys={"k1": KEY, "k2": KEY}, head=(3, rows[-1].mac))
    assert [(p.seq, p.check) for p in report.problems] == [(1, "MAC"), (2, "MAC")]


def test_problems_past_the_limit_are_counted():
    rows = _chain(10)
    report = verify_chain(rows, keys={"k1": OTHER}, head=(10, rows[-1].mac))
    assert len(report.problems) == 10 and report.more == 0
    small = verify_chain(rows, keys={"k1": OTHER}, head=(10, rows[-1].mac), report=ChainReport(limit=3))
    assert len(small.problems) == 3 and small.more == 7 and not small.ok


def _signed_lines(key, heads):
    lines, prev = [], None
    for seq, mac, count in heads:
        line = anchor_line(key, seq=seq, mac=mac, key_id="k1", count=count, at=T0, prev_line=prev)
        lines.append(line)
        prev = line
    return lines


def test_anchor_lines_sign_and_parse():
    key = Ed25519PrivateKey.generate()
    rows = _chain(5)
    lines = _signed_lines(key, [(3, rows[2].mac, 3), (5, rows[4].mac, 5)])
    public = {signer_id(key.public_key()): key.public_key()}
    anchors, report = anchors_parse(lines, public)
    assert report.ok and report.anchors == 2
    assert [(a.line, a.seq, a.count, a.at) for a in anchors] == [
        (1, 3, 3, "2026-03-01T08:30:15.123Z"),
        (2, 5, 5, "2026-03-01T08:30:15.123Z"),
    ]
    assert verify_chain(rows, keys={"k1": KEY}, head=(5, rows[-1].mac), anchors=anchors).ok


def test_tampered_unknown_reordered_and_broken_anchor_lines():
    key = Ed25519PrivateKey.generate()
    public = {signer_id(key.public_key()): key.public_key()}
    rows = _chain(5)
    lines = _signed_lines(key, [(2, rows[1].mac, 2), (4, rows[3].mac, 4), (5, rows[4].mac, 5)])
    forged = json.loads(lines[1])
    forged["seq"] = 3
    anchors, report = anchors_parse([lines[0], canonical_json(forged), lines[2]], public)
    # The rewritten line fails its signature, and the next line no longer links to it.
    assert [(p.anchor_line, p.check) for p in report.problems] == [(2, "锚点签名"), (3, "锚点链接")]
    assert [a.line for a in anchors] == [1, 3]
    _, report = anchors_parse([lines[0], lines[2]], public)
    assert [(p.anchor_line, p.check) for p in report.problems] == [(2, "锚点链接")]
    _, report = anchors_parse(lines, {})
    assert {p.check for p in report.problems} == {"锚点签名"} and len(report.problems) == 3
    _, report = anchors_parse([lines[0], lines[1][:40]], public)
    assert [(p.anchor_line, p.check) for p in report.problems] == [(2, "锚点格式")]
    assert anchor_read(lines[2], number=3, public_keys=public)[0].seq == 5
    assert anchor_read("{}", number=9, public_keys=public)[1].check == "锚点格式"


def test_truncated_chain_fails_against_its_anchor():
    key = Ed25519PrivateKey.generate()
    public = {signer_id(key.public_key()): key.public_key()}
    rows = _chain(6)
    anchors, _ = anchors_parse(_signed_lines(key, [(6, rows[5].mac, 6)]), public)
    # The attacker deletes the last two rows and moves the head back: the head agrees, the anchor does not.
    report = verify_chain(rows[:4], keys={"k1": KEY}, head=(4, rows[3].mac), anchors=anchors)
    assert [(p.anchor_line, p.check) for p in report.problems] == [(1, "锚点记录"), (1, "计数")]
    assert "第 6 条记录已不在链中" in report.problems[0].reason
    assert "只有 4 条记录，少于锚点记载的 6 条" in report.problems[1].reason


def test_segment_check_starts_from_an_anchored_entry():
    rows = _chain(6)
    report = verify_chain(rows[4:], keys={"k1": KEY}, head=(6, rows[5].mac), start=(4, rows[3].mac))
    assert report.ok and report.count == 2
    report = verify_chain(rows[4:], keys={"k1": KEY}, head=(6, rows[5].mac), start=(4, "f" * 64))
    assert [(p.seq, p.check) for p in report.problems] == [(5, "链接")]
