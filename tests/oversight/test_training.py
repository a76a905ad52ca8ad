"""Training and case reviews (培训与案件研讨) through both doors: a record created, edited (stale version → 409),
its materials (type judged from the bytes), its scope (a subdistrict reads its own and those its officers
attended), the count per year and officers' hours; every bad input refused with its Chinese message."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.cases.conftest import open_case, pdf
from tests.conftest import PASSWORD, client_for
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.audit.models import AuditRecord
from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.org.choices import UnitKind
from zhifa.org.services import unit_create
from zhifa.oversight.choices import TrainingKind
from zhifa.oversight.training import selectors as sel
from zhifa.oversight.training.models import Training
from zhifa.oversight.training.services import training_create, training_material_add, training_update


@pytest.fixture
def tw(ow):
    w = ow
    w.case = open_case(w)
    w.jiubao_command = unit_create(
        code="SC-330102009", name="九堡街道指挥室", kind=UnitKind.SUBDISTRICT_COMMAND, region=w.jiubao
    )
    w.jack = user_create(username="jack", password=PASSWORD, role=Role.SUBDISTRICT_COMMAND,
                         unit=w.jiubao_command, full_name="九堡指挥室")  # fmt: skip
    return w


def discussion(w, by=None, **kw):
    values = {
        "kind": TrainingKind.DISCUSSION,
        "topic": "油烟直排案件证据固定研讨",
        "held_on": date(2026, 2, 26),
        "organiser": w.nanxing_team,
        "hours": "2",
        "participants": [w.nanxing_officer_record.pk, w.partner.pk],
        "cases": [w.case.number],
    }
    values.update(kw)
    return training_create(by=by or w.nina, **values)


def form_data(w, **kw):
    data = {
        "kind": "training",
        "topic": "行政处罚法裁量基准专题培训",
        "held_on": "2026-02-20",
        "organiser": str(w.nanxing_team.pk),
        "hours": "1.5",
        "place": "南星街道会议室",
        "participants": [str(w.nanxing_officer_record.pk), str(w.partner.pk)],
        "cases": "",
        "summary": "讲解裁量基准的适用",
    }
    data.update(kw)
    return data


@pytest.mark.django_db
def test_create_links_cases_and_officers_and_is_audited(tw):
    w = tw
    t = discussion(w)
    assert t.region_path == w.nanxing.path and t.hours == Decimal("2")
    assert set(t.participants.all()) == {w.nanxing_officer_record, w.partner}
    assert list(t.cases.all()) == [w.case]
    assert list(w.case.trainings.all()) == [t]
    rec = AuditRecord.objects.get(action="oversight.training_create")
    assert rec.object_id == str(t.pk) and rec.after["cases"] == [w.case.number]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kind": "party"}, "kind", "请选择类型"),
        ({"topic": " "}, "topic", "请填写主题"),
        ({"held_on": None}, "held_on", "请填写日期（年-月-日）"),
        ({"held_on": date(2026, 3, 3)}, "held_on", "日期不能晚于今天（只登记已举办的培训研讨）"),
        ({"hours": "0.3"}, "hours", "学时应在 0.5 至 24 之间"),
        ({"hours": "1.3"}, "hours", "学时应为 0.5 的整数倍"),
        ({"hours": "两小时"}, "hours", "请填写学时（如 2 或 1.5）"),
        ({"participants": []}, "participants", "请选择参加人员"),
        ({"participants": [999999]}, "participants", "所选参加人员中有人不存在或已离岗，请重新选择"),
        ({"cases": []}, "cases", "疑难案件研讨应关联至少一件案件（填写案件编号）"),
        ({"cases": ["NOPE-1"]}, "cases", "案件编号不存在：NOPE-1"),
    ],
)
def test_bad_input_names_the_field_in_chinese_and_writes_nothing(tw, change, field, message):
    with pytest.raises(ServiceError) as err:
        discussion(tw, **change)
    assert {"field": field, "message": message} in err.value.errors
    assert not Training.objects.exists()


@pytest.mark.django_db
def test_a_subdistrict_records_only_its_own_units_and_cases(tw):
    w = tw
    with pytest.raises(ServiceError) as err:
        discussion(w, by=w.jack)  # 九堡 naming 南星's team and case
    assert {"field": "organiser", "message": "只能登记本辖区单位组织的培训研讨"} in err.value.errors
    with pytest.raises(ServiceError) as err:
        discussion(w, by=w.jack, organiser=w.jiubao_team)
    assert {"field": "cases", "message": f"案件不在您的辖区内：{w.case.number}"} in err.value.errors
    with pytest.raises(PermissionError_):
        discussion(w, by=w.alice)  # officers read; they do not record


@pytest.mark.django_db
def test_scope_own_records_and_those_its_officers_attended(tw):
    w = tw
    own = discussion(w)
    district = training_create(
        by=w.carol, kind=TrainingKind.TRAINING, topic="全区执法证件管理培训", held_on=date(2026, 2, 10),
        organiser=w.district_team, hours="3", participants=[w.jiubao_officer_record.pk],
    )  # fmt: skip
    seen = lambda u: set(sel.training_list_for_user(user=u))  # noqa: E731
    assert seen(w.olga) == seen(w.carol) == {own, district}
    assert seen(w.nina) == {own}
    assert seen(w.jack) == {district}  # organised by the district, attended by 九堡's officer
    assert seen(w.bob) == {district}
    # Pages: the other subdistrict's record is not found; a record attended but not organised is read-only.
    assert client_for(w.jack).get(f"/oversight/trainings/{own.pk}/").status_code == 404
    page = client_for(w.jack).get(f"/oversight/trainings/{district.pk}/")
    assert page.status_code == 200 and "全区执法证件管理培训" in page.content.decode()
    assert client_for(w.jack).get(f"/oversight/trainings/{district.pk}/edit/").status_code == 403
    body = {"kind": "training", "topic": "改成九堡的", "held_on": "2026-02-26", "organiser": w.jiubao_team.pk,
            "hours": "1", "participants": [w.jiubao_officer_record.pk], "version": 1}  # fmt: skip
    res = client_for(w.jack).put(
        f"/api/v1/oversight/trainings/{own.pk}", body, content_type="application/json"
    )
    assert res.status_code == 404
    res = client_for(w.jack).put(
        f"/api/v1/oversight/trainings/{district.pk}", body, content_type="application/json"
    )
    assert res.status_code == 403 and res.json()["message"] == "只能修改本辖区单位组织的培训研讨记录"
    assert client_for(w.jack).get(f"/api/v1/oversight/trainings/{own.pk}").status_code == 404


@pytest.mark.django_db
def test_page_create_edit_and_errors(tw):
    w = tw
    nina = client_for(w.nina)
    page = nina.get("/oversight/trainings/new/")
    assert page.status_code == 200 and "测试队员丙" in page.content.decode()
    bad = nina.post("/oversight/trainings/new/", form_data(w, hours="30", topic=""))
    body = bad.content.decode()
    assert bad.status_code == 400 and "学时应在 0.5 至 24 之间" in body and "请填写主题" in body
    assert not Training.objects.exists()
    res = nina.post("/oversight/trainings/new/", form_data(w))
    t = Training.objects.get()
    assert res.status_code == 302 and res["Location"] == f"/oversight/trainings/{t.pk}/"
    assert t.place == "南星街道会议室" and t.hours == Decimal("1.5")
    edit = nina.get(f"/oversight/trainings/{t.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in edit
    res = nina.post(f"/oversight/trainings/{t.pk}/edit/", form_data(w, hours="3", version="1"))
    assert res.status_code == 302
    t.refresh_from_db()
    assert (t.hours, t.version) == (Decimal("3"), 2)
    stale = nina.post(f"/oversight/trainings/{t.pk}/edit/", form_data(w, hours="4", version="1"))
    assert stale.status_code == 409 and "该记录在您编辑期间已被他人修改" in stale.content.decode()
    t.refresh_from_db()
    assert t.hours == Decimal("3")
    listing = nina.get("/oversight/trainings/?kind=training&q=裁量").content.decode()
    assert "行政处罚法裁量基准专题培训" in listing and 'id="training-years"' in listing


@pytest.mark.django_db
def test_api_create_list_update_and_conflict(tw):
    w = tw
    nina = client_for(w.nina)
    body = {"kind": "discussion", "topic": "占道经营案件定性研讨", "held_on": "2026-02-25",
            "organiser": w.nanxing_team.pk, "hours": "2.5",
            "participants": [w.nanxing_officer_record.pk, w.partner.pk], "cases": [w.case.number]}  # fmt: skip
    res = nina.post("/api/v1/oversight/trainings", body, content_type="application/json")
    assert res.status_code == 201, res.content
    out = res.json()
    assert out["cases"] == [{"id": w.case.pk, "number": w.case.number}] and out["version"] == 1
    bad = nina.post("/api/v1/oversight/trainings", {**body, "cases": []}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {"field": "cases", "message": "疑难案件研讨应关联至少一件案件（填写案件编号）"}
    ]
    # Ids past the database's integer columns are refused by name, not a server error (the API probe found it).
    huge = {**body, "organiser": 2**70, "participants": [w.partner.pk, 2**64]}
    bad = nina.post("/api/v1/oversight/trainings", huge, content_type="application/json")
    assert bad.status_code == 400
    assert {e["field"]: e["message"] for e in bad.json()["errors"]} == {
        "organiser": "请选择组织单位",
        "participants": "参加人员有误，请重新选择",
    }
    listed = nina.get("/api/v1/oversight/trainings?kind=discussion&since=2026-02-01").json()
    assert listed["count"] == 1 and listed["results"][0]["topic"] == "占道经营案件定性研讨"
    assert nina.get("/api/v1/oversight/trainings?kind=training").json()["count"] == 0
    url = f"/api/v1/oversight/trainings/{out['id']}"
    ok = nina.put(url, {**body, "hours": "3", "version": 1}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = nina.put(url, {**body, "hours": "4", "version": 1}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["message"] == "该记录已被他人修改，请刷新后重试"
    years = client_for(w.olga).get("/api/v1/oversight/trainings/years").json()
    assert years == [{"year": 2026, "total": 1, "training": 0, "discussion": 1, "file_review": 0,
                      "case_selection": 0}]  # fmt: skip


@pytest.mark.django_db
def test_service_update_conflict_and_permission(tw):
    w = tw
    t = discussion(w)
    fields = {"kind": t.kind, "topic": t.topic, "held_on": t.held_on, "organiser": w.nanxing_team,
              "hours": "2", "participants": [w.partner.pk], "cases": [w.case.number]}  # fmt: skip
    training_update(training=t, by=w.carol, version=1, **fields)
    with pytest.raises(Conflict):
        training_update(training=t, by=w.nina, version=1, **fields)
    with pytest.raises(PermissionError_):
        training_update(training=t, by=w.jack, version=2, **fields)


@pytest.mark.django_db
def test_materials_checked_by_their_bytes_and_read_in_scope(tw):
    w = tw
    t = discussion(w)
    nina = client_for(w.nina)
    bad = nina.post(
        f"/oversight/trainings/{t.pk}/materials/",
        {"file": SimpleUploadedFile("slides.pdf", b"not really a pdf", content_type="application/pdf")},
    )
    assert bad.status_code == 400
    assert "文件类型不支持：证据只接受图片（JPG、PNG、GIF、WebP、HEIC）或 PDF 文件" in bad.content.decode()
    assert (
        client_for(w.jack).post(f"/oversight/trainings/{t.pk}/materials/", {"file": pdf()}).status_code == 404
    )
    res = nina.post(f"/oversight/trainings/{t.pk}/materials/", {"file": pdf("课件.pdf")})
    assert res.status_code == 302
    m = t.materials.get()
    assert m.name == "课件.pdf" and m.content_type == "application/pdf" and len(m.sha256) == 64
    got = client_for(w.olga).get(f"/oversight/trainings/materials/{m.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert client_for(w.jack).get(f"/oversight/trainings/materials/{m.pk}/").status_code == 404
    with pytest.raises(PermissionError_):
        training_material_add(training=t, file=pdf(), by=w.alice)


@pytest.mark.django_db
def test_hours_per_officer_and_team(tw):
    w = tw
    discussion(w)  # 2 h for both 南星 officers
    training_create(by=w.nina, kind=TrainingKind.TRAINING, topic="执法记录仪使用培训", held_on=date(2026, 1, 5),
                    organiser=w.nanxing_team, hours="1.5", participants=[w.partner.pk])  # fmt: skip
    h = sel.training_hours(user=w.nina, since=date(2026, 1, 1), until=date(2026, 3, 2))
    hours = {o.name: (o.sessions, o.hours) for o in h["officers"]}
    assert hours[w.partner.name] == (2, Decimal("3.5"))
    assert hours[w.nanxing_officer_record.name] == (1, Decimal("2"))
    assert w.jiubao_officer_record.name not in hours  # another subdistrict's officer
    team = next(t for t in h["units"] if t["unit"] == w.nanxing_team)
    assert team["hours"] == Decimal("5.5") and team["sessions"] == 3
    page = (
        client_for(w.olga)
        .get("/oversight/trainings/hours/?since=2026-01-01&until=2026-03-02")
        .content.decode()
    )
    assert "测试队员丙" in page and w.jiubao_officer_record.name in page  # district-wide: 0 h shown too
    api = client_for(w.nina).get("/api/v1/oversight/trainings/hours?since=2026-02-01").json()
    assert {o["name"]: o["hours"] for o in api["officers"]}[w.partner.name] == 2.0


@pytest.mark.django_db
def test_list_pages_keep_their_query_budget(tw, django_assert_max_num_queries):
    w = tw
    for i in range(12):
        discussion(w, topic=f"第 {i + 1} 次疑难案件研讨")
    olga, nina = client_for(w.olga), client_for(w.nina)
    olga.get("/oversight/trainings/")  # warm the session and the process memos
    with django_assert_max_num_queries(8):
        assert olga.get("/oversight/trainings/").status_code == 200
    with django_assert_max_num_queries(8):
        assert nina.get("/oversight/trainings/?q=研讨").status_code == 200
    with django_assert_max_num_queries(9):
        body = olga.get("/api/v1/oversight/trainings").json()
    assert body["count"] == 12 and all(r["cases"] for r in body["results"])
