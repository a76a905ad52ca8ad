"""Tampering by someone who can write the database but holds no key: audit_verify names what and where."""

import pytest
from django.core.management import call_command

from tests.audit.tamper import disable_append_only_guard, reseal_from, truncate_to
from zhifa.audit.anchorfile import anchor_file_path
from zhifa.audit.keys import anchor_key_path
from zhifa.audit.models import AuditHead, AuditRecord
from zhifa.audit.services import audit_verify
from zhifa.org.choices import RegionLevel
from zhifa.org.services import region_create

NEW_KEY = "k2027:" + "n" * 40


def _verify(capsys) -> tuple[int, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        call_command("audit_verify")
    return exc.value.code, capsys.readouterr().err


def _anchor(capsys) -> str:
    capsys.readouterr()
    call_command("audit_anchor")
    return capsys.readouterr().out


def test_deleted_tail_with_the_head_moved_back_fails_on_the_anchor_and_count(world, capsys):
    last = AuditHead.objects.get(id=1).seq
    assert "第 1 行" in _anchor(capsys)
    disable_append_only_guard()
    truncate_to(last - 3)
    code, err = _verify(capsys)
    assert code == 1
    assert f"锚点文件第 1 行 [锚点记录] 锚定的第 {last} 条记录已不在链中（记录被删除）" in err
    assert f"锚点文件第 1 行 [计数] 表中只有 {last - 3} 条记录，少于锚点记载的 {last} 条" in err
    # Head and table agree with each other: only the anchor, outside the database, shows the cut.
    assert "[链头]" not in err and "[MAC]" not in err
    assert "发现 2 处问题" in err


def test_edited_row_resealed_with_plain_hashes_fails_on_its_mac(world, capsys):
    target = AuditRecord.objects.get(action="org.region_create", object_id=str(world.jiubao.pk))
    disable_append_only_guard()
    AuditRecord.objects.filter(pk=target.pk).update(after={**target.after, "name": "南星街道"})
    resealed = reseal_from(target.seq)
    assert resealed >= 2
    code, err = _verify(capsys)
    assert code == 1
    assert (
        f"第 {target.seq} 条记录（id {target.pk}） [MAC] 内容与 MAC 不符（记录被篡改，或配置的密钥不对）"
        in err
    )
    # Links and head were made consistent; every resealed row fails its MAC, and nothing else is reported.
    assert err.count("[MAC]") == resealed
    assert "[链接]" not in err and "[链头]" not in err


def test_edited_anchored_row_resealed_also_fails_against_the_anchor(world, capsys):
    _anchor(capsys)
    first = AuditRecord.objects.get(seq=1)
    disable_append_only_guard()
    AuditRecord.objects.filter(pk=first.pk).update(actor_repr="李四")
    reseal_from(1)
    code, err = _verify(capsys)
    assert code == 1
    last = AuditHead.objects.get(id=1).seq
    assert f"锚点文件第 1 行 [锚点记录] 第 {last} 条记录的 MAC 与锚定时不同（锚定后被改写）" in err


def test_wrong_key_fails_every_entry(world, settings, capsys):
    count = AuditRecord.objects.count()
    settings.ZHIFA_AUDIT_KEYS = {"dev": "w" * 40}
    code, err = _verify(capsys)
    assert code == 1
    assert "第 1 条记录" in err and "[MAC]" in err
    assert err.count("[MAC]") == count


def test_unconfigured_key_id_is_named(world, settings, capsys):
    settings.ZHIFA_AUDIT_KEYS, settings.ZHIFA_AUDIT_KEY_ID = {"k2027": "n" * 40}, "k2027"
    code, err = _verify(capsys)
    assert code == 1
    assert "第 1 条记录" in err and "[密钥] 密钥编号 'dev' 未配置，无法校验此记录" in err


def test_rotation_keeps_old_entries_verifiable_under_their_key_id(world, settings, capsys):
    before = AuditRecord.objects.count()
    settings.ZHIFA_AUDIT_KEYS = {"k2027": "n" * 40, "dev": settings.ZHIFA_AUDIT_KEYS["dev"]}
    settings.ZHIFA_AUDIT_KEY_ID = "k2027"
    region_create(code="330102009", name="紫阳街道", level=RegionLevel.SUBDISTRICT, parent=world.district)
    rows = list(AuditRecord.objects.order_by("seq").values_list("key_id", flat=True))
    assert rows == ["dev"] * before + ["k2027"]
    _anchor(capsys)
    report = audit_verify()
    assert report.ok and report.count == before + 1 and report.last_anchor.key_id == "k2027"
    # Retire the old key too early and its entries are named, the new one still verifies.
    settings.ZHIFA_AUDIT_KEYS = {"k2027": "n" * 40}
    report = audit_verify()
    assert [p.check for p in report.problems] == ["密钥"] * before
    assert report.problems[-1].seq == before


def test_tampered_anchor_line_fails_on_its_signature(world, capsys):
    _anchor(capsys)
    path = anchor_file_path()
    line = path.read_text().rstrip("\n")
    count = AuditRecord.objects.count()
    path.write_text(line.replace(f'"count":{count}', f'"count":{count - 5}') + "\n")
    code, err = _verify(capsys)
    assert code == 1
    assert "锚点文件第 1 行 [锚点签名] 签名不符（锚点行被改写）" in err


def test_deleted_middle_anchor_line_breaks_the_anchor_links(world, capsys):
    _anchor(capsys)
    region_create(code="330102009", name="紫阳街道", level=RegionLevel.SUBDISTRICT, parent=world.district)
    _anchor(capsys)
    region_create(code="330102010", name="望江街道", level=RegionLevel.SUBDISTRICT, parent=world.district)
    _anchor(capsys)
    path = anchor_file_path()
    lines = path.read_text().splitlines()
    assert len(lines) == 3
    assert audit_verify().ok
    path.write_text(lines[0] + "\n" + lines[2] + "\n")
    code, err = _verify(capsys)
    assert code == 1
    assert "锚点文件第 2 行 [锚点链接] 与上一行不衔接（锚点行被删除、插入或重排）" in err


def test_missing_head_row_and_edited_head(world, capsys):
    head = AuditHead.objects.get(id=1)
    AuditHead.objects.filter(id=1).update(mac="f" * 64)
    code, err = _verify(capsys)
    assert code == 1 and f"第 {head.seq} 条记录 [链头] 链头的 MAC 与第 {head.seq} 条记录不符" in err
    AuditHead.objects.all().delete()
    code, err = _verify(capsys)
    assert code == 1 and "审计链 [链头] 链头行缺失" in err


def test_clean_chain_with_anchors_verifies(world, capsys):
    _anchor(capsys)
    capsys.readouterr()
    call_command("audit_verify")
    out = capsys.readouterr().out
    n = AuditRecord.objects.count()
    assert f"审计链完好：共校验 {n} 条记录、1 个锚点，最近锚点记到第 {n} 条（" in out


def test_lost_or_unreadable_anchor_key_is_reported(world, capsys):
    _anchor(capsys)
    key = anchor_key_path()
    key.write_text("not a key")
    code, err = _verify(capsys)
    assert code == 1 and "审计链 [锚点] 锚点签名密钥文件" in err and "不是未加密的 PEM 私钥" in err
    assert "锚点文件第 1 行 [锚点签名]" in err and "不存在" not in err
    key.unlink()
    code, err = _verify(capsys)
    assert code == 1 and "审计链 [锚点签名] 锚点签名密钥文件不存在，无法校验锚点" in err
    assert "锚点文件第 1 行 [锚点签名]" in err
