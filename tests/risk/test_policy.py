"""The risk policy: validated and versioned, one active, district-level only, and it drives the colours."""

import pytest

from tests.conftest import client_for
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.subjects.conftest import subjects  # noqa: F401 (fixture)
from zhifa.audit.models import AuditRecord
from zhifa.core.errors import PermissionError_, ServiceError
from zhifa.engine.risk import DEFAULT_POLICY
from zhifa.risk.forms import RiskPolicyForm
from zhifa.risk.models import RiskColourChange, RiskPolicyVersion, SubjectRisk
from zhifa.risk.policy import risk_policy_current
from zhifa.risk.services import risk_overview, risk_policy_publish, risk_recompute_all


def _errors(data, by, note="调整"):
    with pytest.raises(ServiceError) as exc:
        risk_policy_publish(data=data, note=note, by=by)
    return exc.value.errors


def test_bad_policies_are_refused_with_the_setting_named(subjects):  # noqa: F811
    carol = subjects.carol
    assert _errors({"thresholds": [45, 30]}, carol) == [
        {"field": "thresholds", "message": "阈值应满足 0 ≤ 绿/黄分界 < 黄/红分界 ≤ 100，实际为 [45.0, 30.0]"}
    ]
    assert _errors({"thresholds": [30]}, carol)[0] == {
        "field": "thresholds",
        "message": "赋码阈值应为两个数字：[绿码/黄码分界, 黄码/红码分界]",
    }
    assert _errors({"weights": {"complaints": "很多"}}, carol) == [
        {"field": "weights.complaints", "message": "因素权重中“complaints”应为数字"}
    ]
    errors = _errors({"frequency": {"yellow": {"per_year": 6}}}, carol)
    assert errors[0]["field"] == "frequency" and errors[0]["message"].startswith(
        "检查频次应为非负数且 绿 ≤ 黄 ≤ 红"
    )
    assert _errors({"colour_blind": 1}, carol)[0] == {
        "field": "data",
        "message": "未知的风险策略项：colour_blind",
    }
    assert _errors({"weights": {"complaints": 4, "likes": 1}}, carol)[0]["field"] == "weights"
    assert _errors({}, carol, note=" ")[0] == {
        "field": "note",
        "message": "请填写修改说明（如：依据某文件调整阈值）",
    }
    assert not RiskPolicyVersion.objects.exists()


def test_only_district_command_and_admin_publish(subjects):  # noqa: F811
    with pytest.raises(PermissionError_, match="只有区协调指挥中心和系统管理员可以修改风险赋码策略"):
        risk_policy_publish(data={}, note="x", by=subjects.alice)
    with pytest.raises(PermissionError_, match="只读"):
        risk_policy_publish(data={}, note="x", by=subjects.olga)
    assert not RiskPolicyVersion.objects.exists()


def test_versions_one_active_memo_follows(subjects):  # noqa: F811
    assert risk_policy_current() is DEFAULT_POLICY
    first = risk_policy_publish(data={"thresholds": [20, 40]}, note="第一版", by=subjects.carol)
    assert risk_policy_current().thresholds == (20.0, 40.0)
    second = risk_policy_publish(
        data={"thresholds": [25, 50], "frequency": {"green": {"per_year": 0.5, "on_cause_only": False}}},
        note="第二版",
        by=subjects.root,
    )
    first.refresh_from_db()
    assert (first.active, second.active) == (False, True)
    assert RiskPolicyVersion.objects.filter(active=True).count() == 1
    current = risk_policy_current()
    assert current.thresholds == (25.0, 50.0) and current.frequency["green"].per_year == 0.5
    assert second.data["weights"] == dict(DEFAULT_POLICY.weights)  # the rest stays the default, stored whole
    audit = AuditRecord.objects.filter(action="risk.policy_publish").order_by("id").last()
    assert audit.before["thresholds"] == [20.0, 40.0] and audit.after["note"] == "第二版"
    assert "industry_levels" not in audit.after
    texts = {p["colour"]: p["text"] for p in risk_overview(user=subjects.carol)["policy"]}
    assert texts["green"] == "每年例行检查 0.5 次"


def test_a_new_policy_changes_colours_on_recompute(subjects):  # noqa: F811
    risk_recompute_all()
    before = dict(SubjectRisk.objects.values_list("subject_id", "colour"))
    risk_policy_publish(data={"thresholds": [1, 2]}, note="全部赋红码（测试）", by=subjects.carol)
    report = risk_recompute_all()
    assert report.counts == {"green": 0, "yellow": 0, "red": 2}
    assert set(SubjectRisk.objects.values_list("colour", flat=True)) == {"red"}
    changed = [sid for sid, colour in before.items() if colour != "red"]
    assert changed and all(
        RiskColourChange.objects.filter(subject_id=sid).last().reason == "重新评分" for sid in changed
    )
    risk_policy_publish(data={"thresholds": [99, 100]}, note="全部绿码（测试）", by=subjects.carol)
    assert risk_recompute_all().counts == {"green": 2, "yellow": 0, "red": 0}


def _post_data(**over) -> dict:
    initial = RiskPolicyForm.initial_from(DEFAULT_POLICY)
    data = {k: v for k, v in initial.items() if v is not False}
    data["note"] = "依据年度监管计划调整"
    data.update(over)
    return data


def test_policy_page(subjects, clients):  # noqa: F811
    html = clients["carol"].get("/risk/policy/").content.decode()
    assert "默认策略（尚未发布过）" in html and 'id="policy-form"' in html and "每年例行检查" in html
    assert "绿码每年例行检查次数" in html and "发布新版本" in html
    alice = clients["alice"].get("/risk/policy/")
    assert alice.status_code == 200 and 'id="policy-form"' not in alice.content.decode()
    assert clients["alice"].post("/risk/policy/", _post_data()).status_code == 403
    assert clients["olga"].post("/risk/policy/", _post_data()).status_code == 403
    res = clients["carol"].post("/risk/policy/", _post_data(threshold_yellow="50", threshold_red="40"))
    assert res.status_code == 400
    assert "阈值应满足 0 ≤ 绿/黄分界 &lt; 黄/红分界 ≤ 100，实际为 [50.0, 40.0]" in res.content.decode()
    res = clients["carol"].post("/risk/policy/", _post_data(advanced="{not json"))
    assert res.status_code == 400 and "不是合法的 JSON：第 1 行第 2 列附近有误" in res.content.decode()
    res = clients["carol"].post("/risk/policy/", _post_data(advanced='{"caps": {"complaints": -1}}'))
    assert res.status_code == 400 and "上限和违法记录半衰期必须为正数" in res.content.decode()
    assert not RiskPolicyVersion.objects.exists()
    res = clients["carol"].post(
        "/risk/policy/", _post_data(threshold_yellow="25", weight_complaints="5", freq_red_per_year="6")
    )
    assert res.status_code == 302 and res["Location"] == "/risk/policy/"
    version = RiskPolicyVersion.objects.get(active=True)
    assert version.data["thresholds"] == [25.0, 45.0] and version.data["weights"]["complaints"] == 5.0
    assert version.data["frequency"]["red"] == {"per_year": 6.0, "on_cause_only": False, "targeted": True}
    html = client_for(subjects.alice).get("/risk/policy/").content.decode()
    assert f"第 {version.pk} 版" in html and "依据年度监管计划调整" in html and "现行" in html


def test_policy_api(subjects, clients):  # noqa: F811
    res = clients["alice"].get("/api/v1/risk/policy")
    assert res.status_code == 200
    body = res.json()
    assert body["version"] is None and body["policy"]["thresholds"] == [30.0, 45.0]
    assert body["policy"]["frequency"]["green"] == {"per_year": 1.0, "on_cause_only": True, "targeted": False}
    payload = {"policy": {"thresholds": [35, 30]}, "note": "调整阈值"}
    res = clients["alice"].post("/api/v1/risk/policy", payload, content_type="application/json")
    assert (
        res.status_code == 403
        and res.json()["message"] == "只有区协调指挥中心和系统管理员可以修改风险赋码策略"
    )
    res = clients["carol"].post("/api/v1/risk/policy", payload, content_type="application/json")
    assert res.status_code == 400 and res.json()["errors"][0]["field"] == "thresholds"
    res = clients["carol"].post("/api/v1/risk/policy", {"policy": {}}, content_type="application/json")
    assert res.status_code == 422 and res.json()["message"] == "请求参数有误"
    payload["policy"]["thresholds"] = [25, 40]
    res = clients["carol"].post("/api/v1/risk/policy", payload, content_type="application/json")
    assert res.status_code == 201 and res.json()["policy"]["thresholds"] == [25.0, 40.0]
    assert clients["olga"].get("/api/v1/risk/policy").json()["note"] == "调整阈值"


def test_policy_form_errors_in_chinese(subjects, clients):  # noqa: F811
    res = clients["carol"].post(
        "/risk/policy/",
        _post_data(threshold_red="很高", freq_green_per_year="-1", note=""),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = res.content.decode()
    assert res.status_code == 400
    assert (
        "红码起点（分）应为数字" in html
        and "绿码每年例行检查次数不能小于 0" in html
        and "请填写修改说明" in html
    )
    assert not RiskPolicyVersion.objects.exists()
