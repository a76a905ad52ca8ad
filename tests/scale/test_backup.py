"""manage.py backup / restore: a round trip brings back every row and evidence file, the audit chain verifies."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import audit_verify
from zhifa.core.backup import table_counts
from zhifa.dispatch.choices import Channel
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.models import Event


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "evidence-root"
    (settings.MEDIA_ROOT / "evidence" / "2026" / "12").mkdir(parents=True)
    photo = settings.MEDIA_ROOT / "evidence" / "2026" / "12" / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff synthetic evidence photo")
    return photo


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(district, media, tmp_path):
    for i in range(3):
        event_intake(channel=Channel.WEB, description=f"占道经营，第{i}次反映", subdistrict="330102018")
    counts, audits = table_counts(), AuditRecord.objects.count()
    out = StringIO()
    call_command("backup", str(tmp_path / "bk"), stdout=out)
    assert f"审计记录 {audits} 条，证据文件 1 个" in out.getvalue()
    # After the backup: more writes, a lost evidence file.
    event_intake(channel=Channel.WEB, description="占道经营，备份后的反映", subdistrict="330102018")
    media.unlink()
    assert Event.objects.count() == 4
    out = StringIO()
    call_command("restore", str(tmp_path / "bk"), stdout=out)
    assert "加 --yes 才会替换当前数据库" in out.getvalue() and Event.objects.count() == 4  # nothing done
    out = StringIO()
    call_command("restore", str(tmp_path / "bk"), "--yes", stdout=out)
    assert "各表行数与备份一致，审计链校验通过" in out.getvalue()
    assert table_counts() == counts and Event.objects.count() == 3
    assert AuditRecord.objects.count() == audits and audit_verify().ok
    assert media.read_bytes() == b"\xff\xd8\xff synthetic evidence photo"
    # The restored database takes new writes after the restored ones.
    event_intake(channel=Channel.WEB, description="占道经营，恢复后的反映", subdistrict="330102018")
    assert audit_verify().ok


@pytest.mark.django_db
def test_backup_refuses_a_used_folder_and_restore_a_folder_that_is_no_backup(world, tmp_path, media):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    with pytest.raises(CommandError, match="已存在且不为空"):
        call_command("backup", str(tmp_path / "used"))
    with pytest.raises(CommandError, match="不是备份目录（缺少 manifest.json）"):
        call_command("restore", str(tmp_path / "used"), "--yes")
