"""三色赋码 from records: features by aggregate queries, only changes written, history kept, shown with reasons."""

from datetime import date

import pytest
from django.core.management import call_command
from django.http import Http404

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.subjects.conftest import subjects  # noqa: F401 (fixture)
from zhifa.audit.models import AuditRecord
from zhifa.catalog.models import EnforcementItem
from zhifa.core.errors import PermissionError_, ServiceError
from zhifa.risk.models import RiskColourChange, SubjectRisk
from zhifa.risk.services import risk_after_inspection, risk_recompute_all
from zhifa.subjects.services import violation_record


def test_records_drive_the_colour_and_reasons(subjects):  # noqa: F811
    w = subjects
    report = risk_recompute_all(batch_size=1)  # one subject per batch: the batches must not mix subjects
    assert report.subjects == 2 and report.changed == 2
    before = SubjectRisk.objects.get(subject=w.jiubao_firm)
    item = EnforcementItem.objects.get(code="SJ0001")
    for n in range(3):
        violation_record(
            subject=w.jiubao_firm,
            item=item,
            found_on=date(2026, 9, 1 + n),
            severity="serious",
            source="检查",
            by=w.carol,
        )
    risk_recompute_all()
    after = SubjectRisk.objects.get(subject=w.jiubao_firm)
    assert after.colour == "red" and after.score > before.score
    assert after.reasons[0]["factor"] == "base"  # the policy's base points are listed first
    top = [r for r in after.reasons[1:] if r["points"] > 0]
    assert top[0]["factor"] == "violations" and top[0]["factor_label"].startswith("历史违法")
    assert any(r["factor"] == "credit" and "C" in r["label"] for r in after.reasons)
    history = list(
        RiskColourChange.objects.filter(subject=w.jiubao_firm).values_list(
            "from_colour", "to_colour", "reason"
        )
    )
    assert history[0][2] == "首次赋码" and history[-1][1:] == ("red", "重新评分")
    # The 南星 shop (credit A, no violations) is untouched by the 九堡 firm's record.
    assert SubjectRisk.objects.get(subject=w.nanxing_shop).colour != "red"


def test_rerun_writes_nothing_and_audits_each_run(subjects):  # noqa: F811
    risk_recompute_all()
    again = risk_recompute_all()
    assert again.changed == 0 and sum(again.counts.values()) == 2
    assert RiskColourChange.objects.count() == 2
    assert AuditRecord.objects.filter(action="risk.recompute").count() == 2
    with pytest.raises(RuntimeError, match="append-only"):
        RiskColourChange.objects.first().save()


def test_command_and_subject_page(subjects, clients, capsys):  # noqa: F811
    call_command("risk_recompute", "--batch", "100")
    out = capsys.readouterr().out
    assert "已评定 2 户，变化 2 户" in out
    w = subjects
    html = clients["bob"].get(f"/subjects/{w.jiubao_firm.pk}/").content.decode()
    risk = SubjectRisk.objects.get(subject=w.jiubao_firm)
    assert "三色赋码" in html and risk.get_colour_display() in html and "信用等级" in html
    # Jurisdiction stays the subject page's: 南星's officer cannot open 九堡's firm.
    assert clients["alice"].get(f"/subjects/{w.jiubao_firm.pk}/").status_code == 404


def test_inspection_result_changes_the_colour_at_once(subjects):  # noqa: F811
    w = subjects
    risk_recompute_all()
    shop = SubjectRisk.objects.get(subject=w.nanxing_shop)
    assert shop.colour != "red"
    with pytest.raises(ServiceError, match="未知的违法情节：bad"):
        risk_after_inspection(subject=w.nanxing_shop, severities=["bad"], by=w.alice)
    with pytest.raises(Http404):
        risk_after_inspection(subject=w.nanxing_shop, severities=["serious"], by=w.bob)  # 九堡 officer
    with pytest.raises(PermissionError_):
        risk_after_inspection(subject=w.nanxing_shop, severities=["serious"], by=w.olga)
    red = risk_after_inspection(subject=w.nanxing_shop, severities=["minor", "serious"], by=w.alice)
    assert red.colour == "red"
    last = RiskColourChange.objects.filter(subject=w.nanxing_shop).last()
    assert (last.to_colour, last.reason) == ("red", "检查发现严重违法行为，立即赋红码")
    # A clean visit steps down one colour, not below what the score gives.
    after = risk_after_inspection(subject=w.nanxing_shop, severities=[], by=w.alice)
    assert after.colour == "yellow"  # red → yellow; the score (green or yellow) allows it


def test_overview_counts_in_jurisdiction(subjects, clients):  # noqa: F811
    risk_recompute_all()
    html = clients["carol"].get("/risk/").content.decode()
    assert "南星街道" in html and "九堡街道" in html and "无事不扰" in html
    html = clients["alice"].get("/risk/").content.decode()
    assert "南星街道" in html and "九堡街道" not in html.split('id="risk-table"')[1]
