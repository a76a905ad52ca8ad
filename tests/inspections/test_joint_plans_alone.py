"""A plan keeps what the same demands cost each department alone, and its page and API show it."""

import io

import pytest
from openpyxl import load_workbook

from tests.conftest import client_for
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.inspections.test_joint_plans import demands_for, make, town  # noqa: F401 (fixture)
from zhifa.inspections.models import JointPlan


@pytest.fixture
def plan(town):  # noqa: F811
    return make(town, max_visits_per_squad_day=4)


def test_the_plan_stores_each_department_alone_beside_the_joint_plan(town, plan):  # noqa: F811
    f = plan.figures
    alone = f["alone"]
    # 24 subjects, each due for 综合执法 and 市场监管: 24 joint visits, 24 + 24 by the two departments alone.
    assert f["joint_visits"] == alone["joint_visits"] == 24
    assert alone["alone_visits"] == 48 and alone["visit_saving"] == 0.5
    assert alone["overlap"] == 2.0 and alone["best_visit_saving"] == 0.5
    rows = {d["domain"]: d for d in alone["departments"]}
    assert set(rows) == {"comprehensive", "market"}
    assert rows["comprehensive"]["visits"] == rows["market"]["visits"] == 24
    # Each department alone sends its own squads of two: 4 visits a squad-day, so 6 squad-days each.
    assert rows["comprehensive"]["squad_days"] == rows["market"]["squad_days"] == 6
    assert alone["alone_officer_days"] == 24 and alone["alone_km"] == round(
        sum(r["km"] for r in rows.values()), 1
    )
    assert alone["alone_km"] > f["km"] > 0
    # Stored once with the plan: reading the plan back does not plan again.
    assert JointPlan.objects.get(pk=plan.pk).figures["alone"] == alone
    assert f["places"] >= 2 and f["place_days"] >= f["places"]


def test_the_figures_box_and_the_api_show_departments_alone(town, plan):  # noqa: F811
    w = town
    html = client_for(w.carol).get(f"/inspections/joint-plans/{plan.pk}/").content.decode()
    alone = plan.figures["alone"]
    assert '各部门单独 48 次（<strong class="ok">−50.0%</strong>）' in html
    assert "平均每户 2.00 个部门，一户一次最多可减 50.0%" in html
    assert f"各部门单独（各自优化路线）{alone['alone_km']:.1f} 公里" in html
    assert "各部门单独检查明细" in html and "综合执法" in html and "市场监管" in html
    body = client_for(w.carol).get(f"/api/v1/inspections/joint-plans/{plan.pk}").json()
    assert body["figures"]["alone"]["alone_visits"] == 48


def test_a_plan_made_before_the_baseline_still_shows_its_figures(town, plan):  # noqa: F811
    w = town
    figures = {k: v for k, v in plan.figures.items() if k not in ("alone", "places", "place_days")}
    JointPlan.objects.filter(pk=plan.pk).update(figures=figures)
    html = client_for(w.carol).get(f"/inspections/joint-plans/{plan.pk}/").content.decode()
    assert f"各部门单独 {figures['separate_visits']} 次" in html and "各部门单独检查明细" not in html


def test_the_xlsx_figures_sheet_has_departments_alone(town, plan):  # noqa: F811
    r = client_for(town.carol).get(f"/inspections/joint-plans/{plan.pk}.xlsx")
    book = load_workbook(io.BytesIO(r.content))
    rows = {row[0]: row[1:] for row in book["指标"].iter_rows(values_only=True) if row and row[0]}
    alone = plan.figures["alone"]
    assert rows["检查次数"][:3] == (24, 48, -50.0)
    assert rows["路线里程（公里，各部门各自优化路线）"][:2] == (plan.figures["km"], alone["alone_km"])
    assert rows["平均每户部门数"][0] == 2.0 and rows["一户一次最多可减（%）"][0] == 50.0
    assert rows["各部门单独检查"][:5] == ("需求", "检查次数", "人·日", "公里", "未排入")
    assert rows["综合执法"][:2] == (24, 24) and rows["市场监管"][:2] == (24, 24)
