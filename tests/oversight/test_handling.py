"""Handling a warning through both doors: oversight assigns it with a due date, the unit answers (late answers
are marked), oversight verifies or sends it back, or closes it; every step audited; scope for every role."""

from datetime import date

import pytest

from tests.cases.conftest import at, photo
from tests.conftest import client_for
from tests.oversight.conftest import scan, visit
from zhifa.audit.models import AuditRecord
from zhifa.oversight.choices import AlertState, StepAction
from zhifa.oversight.models import Alert
from zhifa.oversight.services import alert_answer, alert_assign, alert_verify


@pytest.fixture
def warned(ow):
    """A 南星 visit recorded with one officer: one red warning for 南星's team, not yet assigned."""
    w = ow
    w.today = date(2026, 3, 2)
    w.visit = visit(w)
    w.visit.officers.set([w.nanxing_officer_record])
    scan("too_few_officers")
    w.alert = Alert.objects.get(rule__code="too_few_officers")
    return w


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.mark.django_db
def test_page_flow_assign_answer_verify(warned, clock):
    w = warned
    olga, nina = client_for(w.olga), client_for(w.nina)
    url = f"/oversight/warnings/{w.alert.pk}/"
    page = olga.get(url).content.decode()
    assert "仅 1 名执法人员" in page and f'href="/inspections/records/{w.visit.pk}/"' in page
    assert 'id="form-assign"' in page and 'id="form-answer"' not in page
    # The form offers ten days from today (2026-03-02) as the deadline until oversight picks another.
    assert 'id="assign-due" min="2026-03-02" value="2026-03-12"' in page
    # The unit cannot answer before oversight sends it the warning.
    assert 'id="form-answer"' not in nina.get(url).content.decode()
    res = olga.post(
        url + "assign/", {"unit": w.nanxing_team.pk, "due_on": "2026-03-09", "note": "请说明", "version": 1}
    )
    assert res.status_code == 302
    w.alert.refresh_from_db()
    assert (w.alert.state, w.alert.due_on, w.alert.unit) == (
        AlertState.ASSIGNED,
        date(2026, 3, 9),
        w.nanxing_team,
    )
    # 南星's command room answers for its team, with a photo.
    page = nina.get(url).content.decode()
    assert 'id="form-answer"' in page and 'id="form-verify"' not in page
    res = nina.post(
        url + "answer/",
        {
            "text": "经查，另一名队员到场但未录入，已补录并加强培训",
            "file": photo("fix.jpg"),
            "version": w.alert.version,
        },
    )
    assert res.status_code == 302
    w.alert.refresh_from_db()
    assert w.alert.state == AlertState.ANSWERED
    step = w.alert.steps.get(action=StepAction.ANSWER)
    assert (
        step.attachment_name == "fix.jpg"
        and len(step.attachment_sha256) == 64
        and step.unit == w.nanxing_command
    )
    assert olga.get(f"/oversight/steps/{step.pk}/file/").status_code == 200
    assert client_for(w.bob).get(f"/oversight/steps/{step.pk}/file/").status_code == 404  # 九堡: not his
    # Sent back with a new date, answered again, accepted.
    res = olga.post(
        url + "verify/",
        {"passed": "0", "note": "请附补录记录截图", "due_on": "2026-03-16", "version": w.alert.version},
    )
    w.alert.refresh_from_db()
    assert (
        res.status_code == 302
        and w.alert.state == AlertState.ASSIGNED
        and w.alert.due_on == date(2026, 3, 16)
    )
    nina.post(url + "answer/", {"text": "补录截图见附件", "version": w.alert.version})
    olga.post(url + "verify/", {"passed": "1", "note": "整改到位", "version": w.alert.version + 1})
    w.alert.refresh_from_db()
    assert w.alert.state == AlertState.CLOSED
    assert list(w.alert.steps.values_list("action", flat=True)) == [
        "open", "assign", "answer", "verify_fail", "answer", "verify_pass",
    ]  # fmt: skip
    actions = set(AuditRecord.objects.filter(object_type="oversight.alert").values_list("action", flat=True))
    assert actions == {"oversight.alert_assign", "oversight.alert_answer", "oversight.alert_verify"}


@pytest.mark.django_db
def test_bad_input_wrong_people_and_stale_versions(warned, clock):
    w = warned
    olga = client_for(w.olga)
    url = f"/oversight/warnings/{w.alert.pk}/"
    # Malformed and past dates: refused, nothing changed.
    res = olga.post(url + "assign/", {"unit": w.nanxing_team.pk, "due_on": "03/09/2026"})
    assert res.status_code == 400 and "请检查填写的内容" in res.content.decode()
    res = olga.post(url + "assign/", {"unit": w.nanxing_team.pk, "due_on": "2026-03-01"})
    assert res.status_code == 400 and "整改期限不能早于今天" in res.content.decode()
    assert olga.post(url + "assign/", {"unit": 999999, "due_on": "2026-03-09"}).status_code == 404
    assert olga.post(url + "nonsense/", {}).status_code == 404
    w.alert.refresh_from_db()
    assert w.alert.state == AlertState.NEW and w.alert.version == 1
    # Only oversight assigns; an officer of the unit cannot, the district command reads but cannot either.
    for who in (w.alice, w.carol, w.nina):
        res = client_for(who).post(url + "assign/", {"unit": w.nanxing_team.pk, "due_on": "2026-03-09"})
        assert res.status_code == 403 and "只有执法监督人员" in res.content.decode()
    alert_assign(alert=w.alert, unit=w.nanxing_team, due_on=date(2026, 3, 9), by=w.olga)
    # 九堡's officer and the market department are not the unit: they do not even see it.
    assert client_for(w.bob).get(url).status_code == 404
    assert client_for(w.dora).get(url).status_code == 404
    with pytest.raises(Exception) as exc:
        alert_answer(alert=w.alert, text="这不是我们的", by=w.bob)
    assert exc.value.status == 403
    # Two people answer from the same page: the second is told it changed under them.
    w.alert.refresh_from_db()
    version = w.alert.version
    alert_answer(alert=w.alert, text="已整改", by=w.alice, version=version)
    res = client_for(w.nina).post(url + "answer/", {"text": "另一份说明", "version": version})
    assert res.status_code == 409 and "该预警已被他人处理，请刷新后重试" in res.content.decode()
    # Oversight cannot send it back without a new date.
    with pytest.raises(Exception) as exc:
        alert_verify(alert=w.alert, passed=False, note="不充分", by=w.olga)
    assert "请填写整改期限" in exc.value.message


@pytest.mark.django_db
def test_late_answer_is_marked_and_overdue_is_listed(warned, clock):
    w = warned
    alert_assign(alert=w.alert, unit=w.nanxing_team, due_on=date(2026, 3, 4), by=w.olga)
    clock.move_to(at(2026, 3, 6))
    olga = client_for(w.olga)
    board = olga.get("/oversight/?overdue=1").content.decode()
    assert w.alert.title in board and "（逾期）" in board
    assert "已逾期" in olga.get(f"/oversight/warnings/{w.alert.pk}/").content.decode()
    alert_answer(alert=w.alert, text="已补录第二名执法人员", by=w.alice)
    assert w.alert.steps.get(action=StepAction.ANSWER).note.startswith("（逾期 2 天答复）")
    assert w.alert.title not in olga.get("/oversight/?overdue=1").content.decode()


@pytest.mark.django_db
def test_api_list_filters_scope_and_steps(warned, clock):
    w = warned
    olga = client_for(w.olga)
    res = olga.get("/api/v1/oversight/warnings?model=too_few_officers&state=new")
    body = res.json()
    assert res.status_code == 200 and body["count"] == 1
    row = body["results"][0]
    assert (row["model"], row["unit"], row["state"]) == ("too_few_officers", "南星街道综合行政执法队", "new")
    assert row["records"] == [
        {"type": "inspection", "id": w.visit.pk, "label": "2026-03-02 检查 杭州示例0001小吃店",
         "url": f"/inspections/records/{w.visit.pk}/"}
    ]  # fmt: skip
    assert row["opened_at"].startswith("2026-03-02")
    assert olga.get("/api/v1/oversight/warnings?since=2026-03-03").json()["count"] == 0
    assert olga.get("/api/v1/oversight/warnings?since=bad").status_code == 422
    assert olga.get("/api/v1/oversight/warnings?page_size=0").status_code == 422
    # Scope: 南星's officer sees it, 九堡's officer and the market department do not; a grid worker neither.
    assert client_for(w.alice).get("/api/v1/oversight/warnings").json()["count"] == 1
    assert client_for(w.bob).get("/api/v1/oversight/warnings").json()["count"] == 0
    assert client_for(w.dora).get("/api/v1/oversight/warnings").json()["count"] == 0
    assert client_for(w.otto).get("/api/v1/oversight/warnings").json()["count"] == 0
    assert client_for(w.bob).get(f"/api/v1/oversight/warnings/{w.alert.pk}").status_code == 404
    # The whole handling through the API.
    url = f"/api/v1/oversight/warnings/{w.alert.pk}"
    res = post_json(client_for(w.alice), url + "/assign", {"due_on": "2026-03-09"})
    assert res.status_code == 403 and res.json()["message"] == "只有执法监督人员可以办理此操作"
    res = post_json(olga, url + "/assign", {"due_on": "2026-03-09", "version": 1})
    assert (
        res.status_code == 200 and res.json()["state"] == "assigned" and res.json()["due_on"] == "2026-03-09"
    )
    res = post_json(olga, url + "/assign", {"due_on": "2026-03-10", "version": 1})
    assert res.status_code == 409
    res = post_json(client_for(w.alice), url + "/answer", {"text": ""})
    assert res.status_code == 400 and res.json()["errors"][0]["field"] == "text"
    assert post_json(client_for(w.alice), url + "/answer", {"text": "已补录"}).json()["state"] == "answered"
    res = post_json(olga, url + "/verify", {"passed": True, "note": "核查通过"})
    assert res.json()["state"] == "closed"
    res = post_json(olga, url + "/close", {"note": "再办结一次"})
    assert res.status_code == 409 and "已无需办结" in res.json()["message"]
    # Scans on request: oversight only.
    assert client_for(w.alice).post("/api/v1/oversight/scan").status_code == 403
    res = olga.post("/api/v1/oversight/scan")
    assert res.status_code == 200 and "too_few_officers" in res.json()["per_rule"]


@pytest.mark.django_db
def test_board_figures_and_xlsx_and_models_page(warned, django_capture_on_commit_callbacks):
    w = warned
    olga = client_for(w.olga)
    page = olga.get("/oversight/").content.decode()
    assert "立即扫描" in page and "执法人员少于两人" in page and "南星街道综合行政执法队" in page
    assert 'id="table-model"' in page and 'id="chart-unit"' in page  # charts with their text equivalents
    assert "立即扫描" not in client_for(w.carol).get("/oversight/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        res = olga.post("/oversight/scan/")
    assert res.status_code == 302 and res["Location"].startswith("/jobs/")  # a background job with its page
    assert "扫描完成：新增 0 条" in olga.get(res["Location"]).content.decode()
    assert client_for(w.alice).post("/oversight/scan/").status_code == 403
    res = olga.get("/oversight/warnings.xlsx")
    assert res.status_code == 200 and res["Content-Type"].startswith("application/vnd.openxmlformats")
    models = olga.get("/oversight/models/").content.decode()
    assert "提前提醒天数" in models and "《行政处罚法》第四十二条" in models
    res = olga.post(
        "/oversight/models/over_inspected/", {"window_days": "365", "cap": "0", "active": "1"}, follow=True
    )
    assert "检查次数上限应在 1 至 100 之间" in res.content.decode()
    olga.post("/oversight/models/over_inspected/", {"window_days": "180", "cap": "6", "active": "1"})
    models = {m["code"]: m for m in client_for(w.olga).get("/api/v1/oversight/models").json()["models"]}
    assert [(p["name"], p["value"]) for p in models["over_inspected"]["params"]] == [
        ("window_days", 180),
        ("cap", 6),
    ]
    assert client_for(w.alice).post("/oversight/models/over_inspected/", {"cap": "9"}).status_code == 403


@pytest.mark.django_db
def test_board_and_api_list_stay_within_their_query_budget(warned, django_assert_max_num_queries):
    w = warned
    for _ in range(3):
        v = visit(w)
        v.officers.set([w.partner])
    scan("too_few_officers")
    assert Alert.objects.count() == 4
    olga = client_for(w.olga)
    olga.get("/oversight/")  # session and nav warmed
    with django_assert_max_num_queries(16):
        assert olga.get("/oversight/").status_code == 200
    with django_assert_max_num_queries(8):
        assert olga.get("/api/v1/oversight/warnings").json()["count"] == 4
