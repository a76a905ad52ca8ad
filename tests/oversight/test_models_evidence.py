"""The evidence models: a notice made while required evidence is missing, and evidence withdrawn after another
unit adopted it — trigger, near miss, no duplicate, fixed closes, parameters, scope."""

from datetime import date

import pytest

from tests.cases.conftest import at, notified_case, open_case, photo
from tests.oversight.conftest import scan
from tests.oversight.model_checks import alerts, assert_scoped, scan_again_adds_nothing, tune
from zhifa.cases import services as case_svc
from zhifa.cases.choices import EvidenceKind
from zhifa.cases.models import Case, CaseEvidence
from zhifa.catalog.models import EnforcementItem
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.models import Evidence, EvidenceUse
from zhifa.oversight.choices import AlertState


@pytest.mark.django_db
def test_evidence_missing_after_the_notice(ow, clock):
    w = ow
    case = notified_case(w)  # both pieces ZH0101 asks for, then the notice
    assert scan("evidence_missing").created == 0  # near miss: complete
    photo_row = case.evidence.get(requirement="现场照片或视频")
    case_svc.case_evidence_withdraw(evidence=photo_row, reason="照片拍摄时间有误", by=w.alice)
    scan("evidence_missing")
    a = alerts("evidence_missing").get()
    assert a.key == str(case.pk) and a.severity == "red" and a.unit == w.nanxing_team
    assert "已告知（2026-03-02），缺少证据清单要求的 1 项证据" in a.title
    assert "现场照片或视频（ZH0101）" in a.detail and a.records[0]["type"] == "case"
    scan_again_adds_nothing("evidence_missing")
    assert_scoped(w, "evidence_missing", owner=w.alice, outsider=w.bob)
    # Fixed: the photo collected again and recorded against the list.
    case_svc.case_evidence_upload(
        case=Case.objects.get(pk=case.pk), file=photo("again.jpg", b"\xff\xd8\xff\xe0again"),
        kind=EvidenceKind.AUDIOVISUAL, requirement="现场照片或视频", description="重新拍摄的现场照片", by=w.alice,
    )  # fmt: skip
    run = scan("evidence_missing")
    a.refresh_from_db()
    assert run.resolved == 1 and a.state == AlertState.RESOLVED


@pytest.mark.django_db
def test_evidence_missing_imported_decision_and_window(ow, clock):
    w = ow
    case = open_case(w)
    # Imported: decided with no evidence at all, never notified in the system.
    Case.objects.filter(pk=case.pk).update(stage="decided", outcome="penalty", decided_on=date(2026, 3, 2))
    scan("evidence_missing")
    a = alerts("evidence_missing").get()
    assert "已作出决定（2026-03-02），缺少证据清单要求的 2 项证据" in a.title
    clock.move_to(at(2026, 3, 12))
    tune(w, "evidence_missing", window_days=5)  # decided 10 days ago: outside a five-day look-back
    assert scan("evidence_missing").resolved == 1
    tune(w, "evidence_missing", window_days=30)
    assert scan("evidence_missing").reopened == 1


@pytest.mark.django_db
def test_evidence_missing_no_evidence_at_all_when_the_item_lists_none(ow, clock):
    """An item whose list asks for nothing still needs some evidence before a decision (行政处罚法 第四十条)."""
    w = ow
    EnforcementItem.objects.filter(code="SJ0001").update(required_evidence=[])
    case = open_case(w, by=w.mia, officers=[w.market_a, w.market_b], causes=[{"item": "SJ0001"}])
    Case.objects.filter(pk=case.pk).update(stage="decided", outcome="penalty", decided_on=date(2026, 3, 2))
    scan("evidence_missing")
    a = alerts("evidence_missing").get()
    assert (a.key, a.unit) == (str(case.pk), w.market_team)
    assert (
        a.title == f"案件 {case.number} 已作出决定（2026-03-02），案件没有任何有效证据"
        and "第四十条" in a.detail
    )
    scan_again_adds_nothing("evidence_missing")
    # Any valid piece answers it; a withdrawn one does not.
    piece = CaseEvidence.objects.create(
        case=case, kind="party", description="询问笔录", origin="upload", file="cases/x.pdf",
        original_name="x.pdf", content_type="application/pdf", size=10, sha256="a" * 64,
        source_unit=w.market_team, collector_name="测试队员甲", collected_at=at(2026, 3, 1), added_by=w.mia,
        added_at=at(2026, 3, 1, 12),
    )  # fmt: skip
    assert scan("evidence_missing").resolved == 1
    CaseEvidence.objects.filter(pk=piece.pk).update(
        withdrawn_at=at(2026, 3, 3), withdrawn_by=w.mia, withdraw_reason="文件损坏"
    )
    assert scan("evidence_missing").reopened == 1


def _evidence(w, event, unit, when, name="现场照片"):
    return Evidence.objects.create(
        event=event, unit=unit, collector_name="测试队员甲", collected_at=when, method="photo",
        description=f"{name}：油烟直排", file=f"evidence/{name}.jpg", original_name=f"{name}.jpg",
        content_type="image/jpeg", size=10, sha256=(name.encode().hex() * 64)[:64], created_by=w.alice,
        created_at=when,
    )  # fmt: skip


@pytest.mark.django_db
def test_evidence_withdrawn_after_adoption(ow, clock):
    w = ow
    event = event_intake(channel="web", description="示例路8号小吃店油烟直排", subdistrict="南星街道",
                         item_codes=["ZH0101"])  # fmt: skip
    kept = _evidence(w, event, w.nanxing_team, at(2026, 3, 1), "询问笔录")
    early = _evidence(w, event, w.nanxing_team, at(2026, 3, 1), "视频")
    ev = _evidence(w, event, w.nanxing_team, at(2026, 3, 1))
    EvidenceUse.objects.create(evidence=kept, unit=w.market_team, by=w.mia, at=at(2026, 3, 1, 10))
    # Near misses: adopted and kept; withdrawn before anyone adopted it.
    Evidence.objects.filter(pk=early.pk).update(
        withdrawn_at=at(2026, 3, 1, 8), withdrawn_by=w.alice, withdraw_reason="拍错对象"
    )
    EvidenceUse.objects.create(evidence=early, unit=w.market_team, by=w.mia, at=at(2026, 3, 1, 11))
    assert scan("evidence_withdrawn").created == 0
    # Adopted by the market team and linked into its case, then withdrawn by 南星.
    EvidenceUse.objects.create(evidence=ev, unit=w.market_team, by=w.mia, at=at(2026, 3, 1, 10))
    Evidence.objects.filter(pk=ev.pk).update(
        withdrawn_at=at(2026, 3, 2), withdrawn_by=w.alice, withdraw_reason="文件损坏"
    )
    scan("evidence_withdrawn")
    a = alerts("evidence_withdrawn").get()
    assert a.key == f"event:{ev.pk}" and a.unit == w.nanxing_team and a.severity == "yellow"
    assert a.title == "证据「现场照片：油烟直排」在 区市场监管综合执法大队 采纳后被撤回"
    assert "撤回理由：文件损坏" in a.detail and a.records[0]["type"] == "event"
    scan_again_adds_nothing("evidence_withdrawn")
    assert_scoped(w, "evidence_withdrawn", owner=w.alice, outsider=w.bob)
    # A case of the adopting unit rests on it: the warning names the case and turns red.
    case = open_case(w, by=w.mia, officers=[w.market_a, w.market_b], causes=[{"item": "SJ0001"}])
    CaseEvidence.objects.create(
        case=case, kind="audiovisual", description="采纳的现场照片", origin="event", event_evidence=ev,
        original_name="x.jpg", content_type="image/jpeg", size=10, sha256=ev.sha256, source_unit=w.nanxing_team,
        collector_name="测试队员甲", collected_at=at(2026, 3, 1), added_by=w.mia, added_at=at(2026, 3, 1, 12),
    )  # fmt: skip
    assert scan("evidence_withdrawn").updated == 1
    a.refresh_from_db()
    assert (
        a.severity == "red" and {"type": "case", "id": case.pk, "label": f"案件 {case.number}"} in a.records
    )
    # Parameter: a withdrawal older than the look-back is no longer watched.
    clock.move_to(at(2026, 3, 20))
    tune(w, "evidence_withdrawn", window_days=10)
    assert scan("evidence_withdrawn").resolved == 1
    tune(w, "evidence_withdrawn", window_days=365)
    assert scan("evidence_withdrawn").reopened == 1
    # Fixed: the withdrawal was recorded in error and is taken back in the record.
    Evidence.objects.filter(pk=ev.pk).update(withdrawn_at=None, withdrawn_by=None, withdraw_reason="")
    assert scan("evidence_withdrawn").resolved == 1
