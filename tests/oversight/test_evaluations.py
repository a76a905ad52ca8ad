"""五赋权一约束: the district opens periods with weighted criteria; departments score the subdistricts'
enforcement, subdistricts score the departments' support; computed criteria come from the records; results and
ranking per period; each side sees what it may."""

from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import client_for
from tests.oversight.conftest import scan, visit
from zhifa.audit.models import AuditRecord
from zhifa.oversight.evaluations.selectors import period_results, results_for_user
from zhifa.oversight.evaluations.services import (
    evaluation_period_close,
    evaluation_period_create,
    evaluation_score_submit,
    evaluation_weights_set,
)

EFFECTIVENESS = [
    {"name": "监督预警", "weight": 40, "metric": "warnings"},
    {"name": "执法规范与办案质量", "weight": 60, "metric": ""},
]


def period(w, kind="effectiveness", criteria=EFFECTIVENESS, by=None):
    return evaluation_period_create(
        name="2026 年一季度执法成效考核", kind=kind, start=date(2026, 1, 1), end=date(2026, 3, 31),
        criteria=criteria, by=by or w.carol,
    )  # fmt: skip


@pytest.mark.django_db
def test_effectiveness_scores_computed_criteria_and_ranking(ow):
    w = ow
    w.today = date(2026, 3, 2)
    v = visit(w)
    v.officers.set([w.nanxing_officer_record])
    scan("too_few_officers")  # one warning for 南星's team: 95 on the computed criterion
    p = period(w)
    quality = p.criteria.get(name="执法规范与办案质量")
    evaluation_score_submit(criterion=quality, target=w.nanxing_team, score=90, by=w.dora)
    evaluation_score_submit(criterion=quality, target=w.nanxing_team, score=80, by=w.rita)
    evaluation_score_submit(
        criterion=quality, target=w.jiubao_team, score=70, comment="办案文书不规范", by=w.dora
    )
    criteria, rows = period_results(p)
    by_unit = {r.unit.code: r for r in rows}
    assert [c.name for c in criteria] == ["监督预警", "执法规范与办案质量"]
    assert by_unit["ST-330102008"].values == [Decimal(95), Decimal("85.0")]  # 100 − 5; (90 + 80) / 2
    assert by_unit["ST-330102008"].total == Decimal("89.0")  # 0.4 × 95 + 0.6 × 85
    assert by_unit["ST-330102018"].total == Decimal("82.0")  # 0.4 × 100 + 0.6 × 70
    assert [r.unit.code for r in rows][:2] == ["ST-330102008", "ST-330102018"] and rows[0].rank == 1
    hub = by_unit["HUB-SJ"]
    assert (
        hub.total == Decimal("100.0") and hub.missing == ["执法规范与办案质量"] and hub.rank is None
    )  # unranked
    # A changed score replaces the unit's own, it is not a second one.
    evaluation_score_submit(criterion=quality, target=w.jiubao_team, score=100, by=w.dora)
    assert {r.unit.code: r.total for r in period_results(p)[1]}["ST-330102018"] == Decimal("100.0")
    assert AuditRecord.objects.filter(action="oversight.evaluation_score_submit").count() == 4


@pytest.mark.django_db
def test_who_scores_what_and_bad_input(ow):
    w = ow
    p = period(w)
    quality = p.criteria.get(name="执法规范与办案质量")
    warnings = p.criteria.get(name="监督预警")
    cases = [
        (
            dict(criterion=quality, target=w.nanxing_team, score=90, by=w.alice),
            "由区级部门评分",
        ),  # an officer
        (
            dict(criterion=quality, target=w.nanxing_team, score=90, by=w.nina),
            "由区级部门评分",
        ),  # a subdistrict
        (dict(criterion=quality, target=w.nanxing_team, score=90, by=w.olga), "由区级部门评分"),  # oversight
        (dict(criterion=quality, target=w.market_dept, score=90, by=w.dora), "不是本次评价的对象"),
        (dict(criterion=warnings, target=w.nanxing_team, score=90, by=w.dora), "由系统按记录计算"),
        (dict(criterion=quality, target=w.nanxing_team, score=101, by=w.dora), "得分应为 0–100 的数字"),
        (dict(criterion=quality, target=w.nanxing_team, score="九十", by=w.dora), "得分应为 0–100 的数字"),
        (dict(criterion=quality, target=w.nanxing_team, score=50, by=w.dora), "低于 60 分须写明评语"),
    ]
    for kwargs, message in cases:
        with pytest.raises(Exception) as exc:
            evaluation_score_submit(**kwargs)
        assert message in exc.value.message
    # Setting up: weights must add up to 100; only the district sets them.
    with pytest.raises(Exception) as exc:
        period(w, criteria=[{"name": "甲", "weight": 50}, {"name": "乙", "weight": 40}])
    assert "各项权重合计应为 100（现为 90）" in exc.value.message
    with pytest.raises(Exception) as exc:
        period(w, by=w.dora)
    assert exc.value.status == 403
    evaluation_weights_set(period=p, weights={warnings.pk: 30, quality.pk: 70}, by=w.olga)
    assert list(p.criteria.values_list("weight", flat=True)) == [30, 70]
    with pytest.raises(Exception) as exc:
        evaluation_weights_set(period=p, weights={warnings.pk: 50}, by=w.olga)
    assert "合计应为 100" in exc.value.message
    evaluation_period_close(period=p, by=w.carol)
    with pytest.raises(Exception) as exc:
        evaluation_score_submit(criterion=quality, target=w.nanxing_team, score=90, by=w.dora)
    assert exc.value.status == 409 and "评价已结束" in exc.value.message


@pytest.mark.django_db
def test_reverse_evaluation_and_what_each_side_sees(ow):
    w = ow
    p = period(w, kind="reverse", criteria=[{"name": "法律支撑与疑难会商", "weight": 100}])
    c = p.criteria.get()
    evaluation_score_submit(criterion=c, target=w.market_dept, score=88, evidence="会商纪要 3 份", by=w.nina)
    with pytest.raises(Exception) as exc:
        evaluation_score_submit(criterion=c, target=w.nanxing_team, score=88, by=w.nina)
    assert "不是本次评价的对象" in exc.value.message
    # The department sees its own row and rank, not who scored it; the district sees all; 南星 its scores given.
    dept = results_for_user(user=w.dora, period=p)
    assert [r.unit.name for r in dept["rows"]] == ["区市场监督管理局"] and dept["given"] == []
    assert dept["rows"][0].total == Decimal("88.0") and dept["rows"][0].rank == 1
    assert len(results_for_user(user=w.olga, period=p)["rows"]) == 2
    mine = results_for_user(user=w.nina, period=p)
    assert mine["rows"] == [] and [g.score for g in mine["given"]] == [Decimal("88.0")]
    # The pages: the department's page shows its total but not 南星's evidence; 南星 has the scoring form.
    page = client_for(w.dora).get(f"/oversight/evaluations/{p.pk}/").content.decode()
    assert "88.0" in page and "会商纪要" not in page and "本单位结果" in page
    page = client_for(w.nina).get(f"/oversight/evaluations/{p.pk}/").content.decode()
    assert 'id="score-form"' in page and "会商纪要 3 份" in page
    res = client_for(w.nina).post(f"/oversight/evaluations/{p.pk}/score/",
                                  {"criterion": c.pk, "target": w.bureau.pk, "score": "92"}, follow=True)  # fmt: skip
    assert "已评分：区综合行政执法局 · 法律支撑与疑难会商" in res.content.decode()
    res = client_for(w.alice).post(
        f"/oversight/evaluations/{p.pk}/score/", {"criterion": c.pk, "target": w.bureau.pk, "score": "92"}
    )
    assert res.status_code == 403


@pytest.mark.django_db
def test_period_pages_create_and_refuse(ow):
    w = ow
    carol = client_for(w.carol)
    page = carol.get("/oversight/evaluations/").content.decode()
    assert "开展评价" in page and "事件按时办结" in page
    form = {"name": "2026 年一季度执法成效考核", "kind": "effectiveness", "start": "2026-01-01", "end": "2026-03-31",
            "c0_name": "事件按时办结", "c0_weight": "50", "c0_metric": "event_on_time",
            "c1_name": "执法规范", "c1_weight": "50", "c1_metric": ""}  # fmt: skip
    res = carol.post("/oversight/evaluations/new/", form, follow=True)
    assert "已开展评价「2026 年一季度执法成效考核」" in res.content.decode()
    res = carol.post("/oversight/evaluations/new/", {**form, "end": "2025-12-31"}, follow=True)
    assert "结束日期不能早于开始日期" in res.content.decode()
    assert client_for(w.alice).post("/oversight/evaluations/new/", form).status_code == 403
    assert "开展评价" not in client_for(w.alice).get("/oversight/evaluations/").content.decode()


@pytest.mark.django_db
def test_api_periods_results_and_scores(ow):
    w = ow
    p = period(w)
    quality = p.criteria.get(name="执法规范与办案质量")
    res = client_for(w.dora).post(f"/api/v1/oversight/evaluations/{p.pk}/scores",
                                  {"criterion": quality.pk, "target": w.nanxing_team.pk, "score": 90},
                                  content_type="application/json")  # fmt: skip
    assert res.status_code == 201
    res = client_for(w.alice).post(f"/api/v1/oversight/evaluations/{p.pk}/scores",
                                   {"criterion": quality.pk, "target": w.nanxing_team.pk, "score": 90},
                                   content_type="application/json")  # fmt: skip
    assert res.status_code == 403 and "由区级部门评分" in res.json()["message"]
    assert client_for(w.olga).get("/api/v1/oversight/evaluations").json()["count"] == 1
    rows = client_for(w.olga).get(f"/api/v1/oversight/evaluations/{p.pk}/results").json()["rows"]
    assert rows[0]["unit"] == "南星街道综合行政执法队" and rows[0]["total"] == "94.0" and rows[0]["rank"] == 1
    own = client_for(w.alice).get(f"/api/v1/oversight/evaluations/{p.pk}/results").json()
    assert [r["unit"] for r in own["rows"]] == ["南星街道综合行政执法队"]
    assert client_for(w.olga).get("/api/v1/oversight/evaluations/999/results").status_code == 404
