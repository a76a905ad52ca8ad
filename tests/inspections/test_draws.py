"""双随机一公开 through the service and pages: reproducible, fair to the rules, scoped, published only on purpose."""

from datetime import date
from decimal import Decimal

import pytest

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.subjects.conftest import code
from zhifa.core.errors import PermissionError_, ServiceError
from zhifa.engine.draw import draw_verify
from zhifa.inspections.draws.services import conflict_declare, draw_create, draw_publish
from zhifa.inspections.models import RandomDraw
from zhifa.org.services import officer_create
from zhifa.subjects.models import Subject
from zhifa.subjects.services import subject_create


@pytest.fixture
def pool(district):  # noqa: F811
    """Twelve eateries in 南星, two in 九堡, five officers qualified for market supervision (one of them not)."""
    w = district
    for n in range(12):
        subject_create(
            by=w.carol,
            name=f"示例南星小吃店{n:02d}",
            kind="enterprise",
            industry="H62",
            uscc=code(100 + n),
            subdistrict="南星街道",
        )
    for n in range(2):
        subject_create(
            by=w.carol,
            name=f"示例九堡餐馆{n:02d}",
            kind="enterprise",
            industry="H62",
            uscc=code(200 + n),
            subdistrict="九堡街道",
        )
    w.inspectors = [
        officer_create(
            name=f"测试检查员{n}",
            birth_date=date(1985, 1, 1),
            certificate_no=f"ZJ-DRAW-{n:04d}",
            home_department=w.bureau,
            team=w.nanxing_team,
            domains=[w.market],
        )
        for n in range(4)
    ]
    return w


def test_the_draw_reruns_to_the_same_result_and_respects_conflicts(pool):
    w = pool
    shop = Subject.objects.get(name="示例南星小吃店03")
    conflict_declare(officer=w.inspectors[0], subject=shop, reason="亲属经营", by=w.carol)
    d = draw_create(
        name="餐饮抽查",
        domain="market",
        ratio="0.5",
        subdistrict="330102008",
        public_value="03 11 22",
        by=w.carol,
    )
    assert d.pool_size == 12 and len(d.record["assignments"]) + len(d.record["infeasible"]) == 6
    assert draw_verify(d.record).ok
    for subject, team in d.record["assignments"]:
        assert len(team) == 2
        officers = {int(i) for i in team}
        assert officers <= {o.pk for o in w.inspectors} | {w.jiubao_officer_record.pk}
        if int(subject) == shop.pk:
            assert w.inspectors[0].pk not in officers
    # A record whose seed or picks were changed afterwards no longer verifies.
    assert not draw_verify(dict(d.record, seed=d.record["seed"] + "0")).ok
    first_subject, team = d.record["assignments"][0]
    other = [i for i in map(str, (o.pk for o in w.inspectors)) if i not in team][0]
    forged = [[first_subject, [team[0], other]]] + d.record["assignments"][1:]
    assert not draw_verify(dict(d.record, assignments=forged)).ok


def test_not_the_same_inspectors_as_last_time(pool):
    w = pool
    first = draw_create(name="第一次", domain="market", count=12, subdistrict="330102008", by=w.carol)
    second = draw_create(name="第二次", domain="market", count=12, subdistrict="330102008", by=w.carol)
    before = {s: set(t) for s, t in first.record["assignments"]}
    for s, team in second.record["assignments"]:
        assert not set(team) & before.get(s, set())


def test_bad_input_and_permissions(pool):
    w = pool
    with pytest.raises(ServiceError, match="抽取比例“1.5”大于 1：如指百分之1.5，请写成 1.5%"):
        draw_create(name="x", domain="market", ratio="1.5", by=w.carol)
    with pytest.raises(ServiceError, match="抽取比例须大于 0 且不超过 100%"):
        draw_create(name="x", domain="market", ratio="120%", by=w.carol)
    with pytest.raises(ServiceError, match="无法识别的抽取比例“五个点”：抽取比例写成百分数或小数"):
        draw_create(name="x", domain="market", ratio="五个点", by=w.carol)
    with pytest.raises(ServiceError, match="抽取比例与抽取数量须且只能填写一项"):
        draw_create(name="x", domain="market", by=w.carol)
    with pytest.raises(ServiceError, match="抽查范围内没有存续的监管对象"):
        draw_create(name="x", domain="market", count=1, industry="A01", by=w.carol)  # no farms
    with pytest.raises(PermissionError_):
        draw_create(name="x", domain="market", count=1, by=w.alice)
    with pytest.raises(PermissionError_):
        draw_create(name="x", domain="market", count=1, by=w.olga)
    assert not RandomDraw.objects.exists()


def test_pages_scope_and_publication(pool, clients, client):
    w = pool
    d = draw_create(name="南星餐饮抽查", domain="market", count=3, subdistrict="330102008", by=w.carol)
    assert clients["carol"].get("/inspections/draws/").content.decode().count("南星餐饮抽查") == 1
    assert clients["alice"].get(f"/inspections/draws/{d.pk}/").status_code == 200  # 南星's own pool
    assert clients["bob"].get(f"/inspections/draws/{d.pk}/").status_code == 404  # 九堡 cannot see it
    html = clients["carol"].get(f"/inspections/draws/{d.pk}/?verify=1").content.decode()
    assert "复核一致" in html and d.seed in html
    assert "抽中 3 户" in html and "12 户（街道 南星街道）" in html
    assert client.get(f"/inspections/public/draws/{d.pk}/").status_code == 404  # not yet published
    draw_publish(draw_obj=d, by=w.carol)
    public = client.get(f"/inspections/public/draws/{d.pk}/").content.decode()
    assert d.pool_digest in public and "测试检查员" not in public and "测*" in public
    r = clients["carol"].post("/inspections/draws/new/", {"name": "", "domain": "market", "count": "2"})
    assert r.status_code == 400 and "请填写抽查名称" in r.content.decode()
    r = clients["carol"].post(
        "/inspections/draws/new/",
        {"name": "页面抽查", "domain": "market", "count": "2", "subdistrict": "330102008"},
    )
    assert r.status_code == 302 and RandomDraw.objects.filter(name="页面抽查").exists()


def test_a_drawn_subject_is_inspected_by_the_drawn_team_and_the_result_is_shown(pool, clients, client):
    from zhifa.inspections.choices import InspectionKind
    from zhifa.inspections.models import Inspection
    from zhifa.inspections.records.services import inspection_answer, inspection_finish

    w = pool
    d = draw_create(name="南星餐饮抽查", domain="market", count=2, subdistrict="330102008", by=w.carol)
    (first_id, team), (second_id, _) = [(int(s), [int(i) for i in t]) for s, t in d.record["assignments"]]
    page = clients["alice"].get(f"/inspections/draws/{d.pk}/").content.decode()
    assert page.count("开始检查") == 2 and f"subject={first_id}&draw={d.pk}" in page

    new = clients["alice"].get(f"/inspections/records/new/?subject={first_id}&draw={d.pk}")
    assert new.status_code == 200 and "双随机抽查" in new.content.decode()
    assert sorted(new.context["chosen_domains"]) == ["market"]
    started = clients["alice"].post(
        "/inspections/records/new/",
        {"subject": first_id, "draw": d.pk, "visited_on": date.today().isoformat(), "officers": team,
         "domains": ["market"]},
    )  # fmt: skip
    assert started.status_code == 302
    record = Inspection.objects.get(draw=d, subject_id=first_id)
    assert record.kind == InspectionKind.DRAW and sorted(record.officers.values_list("pk", flat=True)) == team
    # Coming back to the drawn subject goes on with its record; the draw page shows it under way.
    again = clients["alice"].get(f"/inspections/records/new/?subject={first_id}&draw={d.pk}")
    assert again.status_code == 302 and again.url.endswith(f"/inspections/records/{record.pk}/")
    assert "检查中" in clients["alice"].get(f"/inspections/draws/{d.pk}/").content.decode()

    record = inspection_answer(
        inspection=record,
        answers=[{"item": "SJ0001", "result": "compliant"}],
        version=record.version,
        by=w.alice,
    )
    inspection_finish(inspection=record, summary="", by=w.alice)
    draw_publish(draw_obj=d, by=w.carol)
    public = client.get(f"/inspections/public/draws/{d.pk}/").content.decode()
    assert "未发现问题" in public and "未检查" in public and "开始检查" not in public

    # A subject that was not drawn cannot be inspected under the draw.
    outsider = (
        Subject.objects.exclude(pk__in=[first_id, second_id]).filter(subdistrict__code="330102008").first()
    )
    refused = clients["alice"].post(
        "/inspections/records/new/",
        {"subject": outsider.pk, "draw": d.pk, "visited_on": date.today().isoformat(), "officers": team,
         "domains": ["market"]},
    )  # fmt: skip
    assert refused.status_code == 400 and "该对象不在这次双随机抽查的结果中" in refused.content.decode()
    assert clients["bob"].get(f"/inspections/records/new/?subject={first_id}&draw={d.pk}").status_code == 404


@pytest.mark.parametrize(
    ("written", "share"), [("50%", "0.5"), ("５０％", "0.5"), (" 50 % ", "0.5"), ("0.5", "0.5")]
)
def test_the_ratio_is_taken_as_people_write_it(pool, written, share):
    d = draw_create(name="百分比抽查", domain="market", ratio=written, by=pool.carol)
    assert d.ratio == Decimal(share)


def test_the_pool_is_described_by_names(pool, clients, client):
    w = pool
    d = draw_create(name="餐饮抽查", domain="market", count=2, industry="H62", by=w.carol)
    draft = clients["carol"].get(f"/inspections/draws/{d.pk}/").content.decode()
    assert "确定公开抽查结果？" in draft  # publishing asks first
    draw_publish(draw_obj=d, by=w.carol)
    public = client.get(f"/inspections/public/draws/{d.pk}/").content.decode()
    assert "行业 餐饮业（H62）" in public
    page = clients["carol"].post(
        "/inspections/draws/new/", {"name": "页面百分比", "domain": "market", "ratio": "50%"}
    )
    assert page.status_code == 302
    assert RandomDraw.objects.get(name="页面百分比").ratio == Decimal("0.5")


def test_officers_of_the_subjects_own_subdistrict_are_drawn_first(pool, clients):
    """九堡's eateries get 九堡's team (a seconded officer included) while 南星 has four qualified officers;
    where only one 九堡 officer may go (the other recused), he goes and one from elsewhere fills in."""
    w = pool
    local = officer_create(
        name="测试九堡下沉队员",
        birth_date=date(1988, 1, 1),
        certificate_no="ZJ-DRAW-0100",
        home_department=w.bureau,
        team=w.jiubao_team,
        seconded=True,
        domains=[w.market],
    )
    jiubao = {w.jiubao_officer_record.pk, local.pk}
    nanxing = {o.pk for o in w.inspectors}
    recused = Subject.objects.get(name="示例九堡餐馆00")
    conflict_declare(officer=local, subject=recused, reason="曾在该店任职", by=w.carol)
    d = draw_create(name="九堡餐饮", domain="market", count=14, public_value="7", by=w.carol)
    assert d.record["algorithm"] == "zhifa-draw/2" and draw_verify(d.record).ok
    assert set(d.record["local_pools"]) == {"330102008", "330102018"}
    assert (
        "本地优先：检查人员先从对象所在街道的执法队抽取"
        in clients["carol"].get(f"/inspections/draws/{d.pk}/").content.decode()
    )
    teams = {int(s): {int(i) for i in team} for s, team in d.record["assignments"]}
    assert len(teams) == 14
    for subject in Subject.objects.filter(pk__in=teams).exclude(pk=recused.pk):
        assert (
            teams[subject.pk] == jiubao if subject.subdistrict == w.jiubao else teams[subject.pk] <= nanxing
        )
    team = teams[recused.pk]
    assert w.jiubao_officer_record.pk in team and local.pk not in team and len(team) == 2
