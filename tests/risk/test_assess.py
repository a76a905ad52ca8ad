"""重新评定 one subject, the since-inspection factor from real inspection records, the risk API, the colour
filter of the subject list."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.subjects.conftest import code, subjects  # noqa: F401 (fixture)
from zhifa.audit.models import AuditRecord
from zhifa.core.errors import PermissionError_
from zhifa.inspections.choices import InspectionKind, InspectionStatus
from zhifa.inspections.models import Inspection
from zhifa.risk.models import RiskColourChange, SubjectRisk
from zhifa.risk.services import risk_after_inspection, risk_assess, risk_policy_publish, risk_recompute_all
from zhifa.subjects.services import subject_create


def _inspect(subject, by, days_ago: int, status=InspectionStatus.FINISHED) -> Inspection:
    now = timezone.now()
    return Inspection.objects.create(
        subject=subject,
        kind=InspectionKind.ROUTINE,
        visited_on=timezone.localdate() - timedelta(days=days_ago),
        status=status,
        region_path=subject.region_path,
        created_by=by,
        created_at=now,
        finished_at=now if status == InspectionStatus.FINISHED else None,
    )


def _since(risk: SubjectRisk) -> dict:
    return next(r for r in risk.reasons if r["factor"] == "since_inspection")


def test_assess_writes_colour_history_and_audit(subjects):  # noqa: F811
    w = subjects
    risk = risk_assess(subject=w.nanxing_shop, by=w.alice)
    first = RiskColourChange.objects.get(subject=w.nanxing_shop)
    assert (first.from_colour, first.to_colour, first.reason) == ("", risk.colour, "首次赋码")
    # A stricter policy, then reassessment: the colour changes and the change is kept.
    risk_policy_publish(data={"thresholds": [1, 2]}, note="测试", by=w.carol)
    again = risk_assess(subject=w.nanxing_shop, by=w.alice)
    assert again.colour == "red" and again.score == risk.score
    last = RiskColourChange.objects.filter(subject=w.nanxing_shop).last()
    assert (last.from_colour, last.to_colour, last.reason) == (risk.colour, "red", "重新评定")
    audit = AuditRecord.objects.filter(action="risk.assess", object_id=str(w.nanxing_shop.pk)).last()
    assert audit.before["colour"] == risk.colour and audit.after["colour"] == "red"
    with pytest.raises(Http404):
        risk_assess(subject=w.nanxing_shop, by=w.bob)
    with pytest.raises(PermissionError_):
        risk_assess(subject=w.nanxing_shop, by=w.olga)
    assert RiskColourChange.objects.filter(subject=w.nanxing_shop).count() == 2


def test_since_inspection_comes_from_the_last_finished_inspection(subjects):  # noqa: F811
    w = subjects
    never = risk_assess(subject=w.nanxing_shop, by=w.alice)
    assert _since(never)["label"] == "从未检查" and _since(never)["points"] == 12.0  # 4 × the 3-year cap
    _inspect(w.nanxing_shop, w.alice, days_ago=400)
    _inspect(w.nanxing_shop, w.alice, days_ago=61)  # the latest finished one counts
    _inspect(w.nanxing_shop, w.alice, days_ago=5, status=InspectionStatus.OPEN)  # not finished: ignored
    after = risk_assess(subject=w.nanxing_shop, by=w.alice)
    assert _since(after)["label"] == "距上次检查 2.0 个月"
    assert _since(after)["points"] == pytest.approx(0.7)
    assert after.score == pytest.approx(never.score - 11.3, abs=0.1)
    # The batch uses the same features: same score, and the never-inspected firm keeps the cap.
    SubjectRisk.objects.all().delete()
    risk_recompute_all(batch_size=1)
    assert SubjectRisk.objects.get(subject=w.nanxing_shop).score == after.score
    assert _since(SubjectRisk.objects.get(subject=w.jiubao_firm))["label"] == "从未检查"


def test_assess_button_and_page(subjects, clients):  # noqa: F811
    w = subjects
    url = f"/subjects/{w.nanxing_shop.pk}/"
    html = clients["alice"].get(url).content.decode()
    assert "重新评定" in html and "尚未赋码" in html
    assert "重新评定</button>" not in clients["olga"].get(url).content.decode()
    res = clients["alice"].post(f"/risk/subjects/{w.nanxing_shop.pk}/assess/")
    assert res.status_code == 302 and res["Location"] == f"{url}#risk"
    html = clients["alice"].get(url).content.decode()
    risk = SubjectRisk.objects.get(subject=w.nanxing_shop)
    assert "已重新评定" in html and risk.get_colour_display() in html and "赋码变化记录（1）" in html
    assert clients["bob"].post(f"/risk/subjects/{w.nanxing_shop.pk}/assess/").status_code == 404
    assert clients["olga"].post(f"/risk/subjects/{w.nanxing_shop.pk}/assess/").status_code == 403
    assert clients["alice"].get(f"/risk/subjects/{w.nanxing_shop.pk}/assess/").status_code == 405


def test_risk_api_subject(subjects, clients):  # noqa: F811
    w = subjects
    url = f"/api/v1/risk/subjects/{w.nanxing_shop.pk}"
    body = clients["alice"].get(url).json()
    assert body["colour"] is None and body["colour_label"] == "未赋码" and body["history"] == []
    risk_recompute_all()
    risk_after_inspection(subject=w.nanxing_shop, severities=["serious"], by=w.alice)
    res = clients["alice"].get(url)
    assert res.status_code == 200
    body = res.json()
    assert body["colour"] == "red" and body["colour_label"] == "红码"
    assert [h["reason"] for h in body["history"]] == ["首次赋码", "检查发现严重违法行为，立即赋红码"]
    assert {r["factor"] for r in body["reasons"]} >= {"credit", "since_inspection"}
    assert (
        body["computed_at"] is not None
        and body["score"] == SubjectRisk.objects.get(subject=w.nanxing_shop).score
    )
    res = clients["bob"].get(url)
    assert res.status_code == 404 and res.json()["message"] == "记录不存在或不在您的辖区内"
    assert clients["alice"].get("/api/v1/risk/subjects/999999").status_code == 404
    res = clients["olga"].post(f"{url}/assess")
    assert res.status_code == 403 and res.json()["message"] == "您的角色为只读，不能进行此操作"
    res = clients["alice"].post(f"{url}/assess")
    assert res.status_code == 200 and res.json()["history"][-1]["reason"] in (
        "重新评定",
        "检查发现严重违法行为，立即赋红码",
    )


def test_subject_list_colour_filter_and_column(subjects, clients):  # noqa: F811
    w = subjects
    risk_recompute_all()
    risk_after_inspection(subject=w.jiubao_firm, severities=["serious"], by=w.bob)
    shop_colour = SubjectRisk.objects.get(subject=w.nanxing_shop).colour
    assert shop_colour != "red"
    new = subject_create(
        by=w.carol,
        name="示例未赋码商店",
        kind="enterprise",
        industry="F52",
        uscc=code(700),
        subdistrict="南星街道",
    )
    html = clients["carol"].get("/subjects/", {"colour": "red"}).content.decode()
    assert "直播科技" in html and "小吃店" not in html and "未赋码商店" not in html
    assert '<span class="risk-badge risk-red">红码</span>' in html
    html = clients["carol"].get("/subjects/", {"colour": "none"}).content.decode()
    assert "未赋码商店" in html and "直播科技" not in html and "小吃店" not in html
    html = clients["carol"].get("/subjects/", {"colour": "purple"}).content.decode()  # unknown: ignored
    assert "未赋码商店" in html and "直播科技" in html
    # Scoped as ever: 南星's officer filtering red sees none of 九堡's red firms.
    html = clients["alice"].get("/subjects/", {"colour": "red"}).content.decode()
    assert "直播科技" not in html and "共 0 个" in html
    res = clients["carol"].get("/api/v1/subjects", {"colour": shop_colour})
    assert [(r["name"], r["colour"]) for r in res.json()["results"]] == [("杭州示例0001小吃店", shop_colour)]
    res = clients["carol"].get("/api/v1/subjects", {"colour": "none"})
    assert [(r["id"], r["colour"], r["colour_label"]) for r in res.json()["results"]] == [
        (new.pk, None, "未赋码")
    ]
