"""audit_anchor: the signed head appended to the anchor file, never for a chain that does not hold."""

import json
import stat

import pytest
from django.core.management import call_command

from tests.audit.tamper import disable_append_only_guard, truncate_to
from zhifa.audit.anchorfile import anchor_file_path
from zhifa.audit.keys import anchor_key_path
from zhifa.audit.models import AuditHead, AuditRecord
from zhifa.engine.chain import line_digest
from zhifa.org.choices import RegionLevel
from zhifa.org.services import region_create


def _anchor(capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        call_command("audit_anchor", *args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _lines() -> list[str]:
    return anchor_file_path().read_text().splitlines()


def test_first_anchor_creates_the_key_and_later_ones_link(world, capsys):
    head = AuditHead.objects.get(id=1)
    code, out, _ = _anchor(capsys)
    assert code == 0
    assert "已生成锚点签名密钥" in out and "-----BEGIN PUBLIC KEY-----" in out
    assert f"第 1 行，链头第 {head.seq} 条，共 {head.seq} 条记录" in out
    assert stat.S_IMODE(anchor_key_path().stat().st_mode) == 0o600
    first = json.loads(_lines()[0])
    assert (first["seq"], first["mac"], first["count"], first["key_id"], first["prev"]) == (
        head.seq,
        head.mac,
        head.seq,
        "dev",
        "",
    )
    # Nothing new: nothing written.
    code, out, _ = _anchor(capsys)
    assert code == 0 and "没有新记录，未写入锚点" in out and len(_lines()) == 1
    region_create(code="330102009", name="紫阳街道", level=RegionLevel.SUBDISTRICT, parent=world.district)
    code, out, _ = _anchor(capsys)
    assert code == 0 and "第 2 行" in out and "已生成" not in out
    lines = _lines()
    second = json.loads(lines[1])
    assert second["seq"] == head.seq + 1 and second["prev"] == line_digest(lines[0])


def test_anchor_refuses_a_tampered_chain_and_writes_nothing(world, capsys):
    _anchor(capsys)
    region_create(code="330102009", name="紫阳街道", level=RegionLevel.SUBDISTRICT, parent=world.district)
    newest = AuditRecord.objects.order_by("-seq").first()
    disable_append_only_guard()
    AuditRecord.objects.filter(pk=newest.pk).update(object_repr="别的街道")
    code, _, err = _anchor(capsys)
    assert code == 1
    assert f"未写入锚点：审计链校验未通过：第 {newest.seq} 条记录（id {newest.pk}） [MAC]" in err
    assert len(_lines()) == 1


def test_anchor_refuses_when_the_anchored_entry_is_gone(world, capsys):
    _anchor(capsys)
    last = AuditHead.objects.get(id=1).seq
    disable_append_only_guard()
    truncate_to(last - 2)
    region_create(code="330102009", name="紫阳街道", level=RegionLevel.SUBDISTRICT, parent=world.district)
    code, _, err = _anchor(capsys)
    assert code == 1
    assert f"锚点文件第 1 行 [锚点记录] 锚定的第 {last} 条记录已不在链中" in err
    assert len(_lines()) == 1


def test_anchor_refuses_a_lost_key_and_a_bad_key_file(world, capsys):
    _anchor(capsys)
    anchor_key_path().unlink()
    region_create(code="330102009", name="紫阳街道", level=RegionLevel.SUBDISTRICT, parent=world.district)
    code, _, err = _anchor(capsys)
    assert code == 1 and "锚点文件已有 1 行，但签名密钥文件不存在：请恢复原密钥文件" in err
    assert not anchor_key_path().exists() and len(_lines()) == 1
    anchor_key_path().write_text("not a key")
    code, _, err = _anchor(capsys)
    assert code == 1 and "不是未加密的 PEM 私钥" in err


def test_a_key_from_elsewhere_cannot_continue_the_file(world, capsys):
    _anchor(capsys)
    anchor_key_path().unlink()
    anchor_file_path().rename(anchor_file_path().with_suffix(".old"))
    _anchor(capsys)  # a new key and file
    old = anchor_file_path().with_suffix(".old").read_text()
    anchor_file_path().write_text(old)
    region_create(code="330102009", name="紫阳街道", level=RegionLevel.SUBDISTRICT, parent=world.district)
    code, _, err = _anchor(capsys)
    assert code == 1 and "锚点文件第 1 行 [锚点签名]" in err and "不是配置的锚点签名密钥" in err


def test_production_creates_the_key_only_when_asked(world, settings, capsys):
    settings.ZHIFA_AUDIT_ANCHOR_KEY_AUTOCREATE = False
    code, _, err = _anchor(capsys)
    assert code == 1 and "请先运行 manage.py audit_anchor --create-key" in err
    assert not anchor_key_path().exists() and not _lines()
    code, out, _ = _anchor(capsys, "--create-key")
    assert code == 0 and "已生成锚点签名密钥" in out and len(_lines()) == 1


@pytest.mark.django_db
def test_empty_chain_is_not_anchored(capsys):
    code, out, _ = _anchor(capsys)
    assert code == 0 and "没有新记录" in out
    assert not anchor_file_path().read_text()
