"""A small district with one of everything a page shows (an event, a meeting, an inspection with its code, a case,
a draw, a joint plan), and one user per role, all made through the services: the world the accessibility audit
walks. Built inside the one audit test (a live server flushes the database after each test)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.cases.conftest import cw, open_case, seed_calendar  # noqa: F401 (fixture)
from tests.conftest import PASSWORD
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.subjects.conftest import subjects  # noqa: F401 (fixture)
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.catalog.models import CatalogRelease
from zhifa.codes.models import ActionCode
from zhifa.codes.services import shop_code_for
from zhifa.dispatch.coordination import services as coordination
from zhifa.dispatch.events.intake import event_intake
from zhifa.engine.planning import Demand
from zhifa.inspections.draws.services import draw_create, draw_publish
from zhifa.inspections.plans.services import joint_plan_create
from zhifa.inspections.records.services import inspection_answer, inspection_finish, inspection_start
from zhifa.org.choices import UnitKind
from zhifa.org.services import grid_worker_create, unit_create
from zhifa.oversight.evaluations.services import evaluation_period_create
from zhifa.oversight.models import Alert
from zhifa.oversight.services import oversight_scan
from zhifa.oversight.training.services import training_create
from zhifa.risk.services import risk_recompute_submit


@pytest.fixture(autouse=True)
def _keys_in_tmp(settings, tmp_path):
    """Codes are signed with keys made for the test, never the developer's var/keys."""
    settings.ZHIFA_KEYS_DIR = tmp_path / "keys"
    settings.ZHIFA_CODE_KEYS = ""
    settings.ZHIFA_CODE_KEYS_FILE = tmp_path / "keys" / "codes-jwks.json"
    settings.ZHIFA_PDF_SIGNING_DIR = tmp_path / "keys" / "pdf"
    settings.ZHIFA_KEYS_AUTOCREATE = True
    cache.clear()
    yield
    cache.clear()


def build_site(w):
    """On top of the case world (`cw`): the missing roles and one record of each kind."""
    w.nanxing_command = unit_create(
        code="SC-330102008",
        name="南星街道综合信息指挥室",
        kind=UnitKind.SUBDISTRICT_COMMAND,
        region=w.nanxing,
    )
    w.sam = user_create(
        username="sam",
        password=PASSWORD,
        role=Role.SUBDISTRICT_COMMAND,
        unit=w.nanxing_command,
        full_name="南星指挥员（测试）",
    )
    worker = grid_worker_create(name="测试网格员甲", role="grid_worker", region=w.nanxing_grid, by=w.root)
    w.gina = user_create(
        username="gina",
        password=PASSWORD,
        role=Role.GRID_WORKER,
        unit=w.nanxing_command,
        full_name="测试网格员甲",
        grid_worker=worker,
    )
    w.dept = user_create(
        username="dept",
        password=PASSWORD,
        role=Role.DEPARTMENT,
        unit=w.market_dept,
        full_name="市场监管联络员",
    )
    w.event = event_intake(
        channel="web",
        description="南星街道某小吃店油烟扰民，晚上十点后仍在排烟",
        subdistrict="南星街道",
        address="南星街道示例路 8 号",
        item_codes=["ZH0101"],
        by=None,
    )
    w.meeting = coordination.consultation_create(
        kind="consultation",
        topic="南星某小吃店油烟扰民联合处置",
        held_at=timezone.now() - timedelta(hours=1),
        place="南星街道指挥室",
        participants=[w.market_team],
        events=[w.event],
        by=w.alice,
    )
    w.scenario.items.set(w.zh0101.__class__.objects.filter(code__in=["ZH0101"]))
    today = timezone.localdate()
    w.record = inspection_start(
        subject=w.nanxing_shop,
        kind="routine",
        visited_on=today,
        officers=[w.nanxing_officer_record, w.partner],
        domains=["comprehensive"],
        by=w.alice,
    )
    w.code = ActionCode.objects.get(inspection=w.record)
    w.record = inspection_answer(
        inspection=w.record,
        answers=[{"item": "ZH0101", "result": "violation", "severity": "ordinary", "note": "油烟直排"}],
        version=w.record.version,
        by=w.alice,
    )
    inspection_finish(inspection=w.record, summary="发现油烟直排", by=w.alice)
    w.case = open_case(w)
    w.shop_code = shop_code_for(subject=w.nanxing_shop, by=w.carol)
    w.draw = draw_create(name="餐饮抽查（测试）", domain="comprehensive", count=1, by=w.carol)
    draw_publish(draw_obj=w.draw, by=w.carol)
    # Routes need places: the shop and the subdistrict get coordinates (as the demo's have).
    type(w.nanxing_shop).objects.filter(pk=w.nanxing_shop.pk).update(lng=120.171, lat=30.223)
    w.nanxing.centroid_lng, w.nanxing.centroid_lat = 120.170, 30.222
    # Outlines, so the board draws its map (and its text list) as it does for the demo.
    for region, x, y in ((w.nanxing, 120.16, 30.21), (w.jiubao, 120.25, 30.30)):
        ring = [[x, y], [x + 0.03, y], [x + 0.03, y + 0.03], [x, y + 0.03], [x, y]]
        region.geometry = {"type": "Polygon", "coordinates": [ring]}
    w.nanxing.save()
    w.jiubao.save()
    start = today + timedelta(days=7)
    end = start + timedelta(days=13)
    w.plan = joint_plan_create(
        region=w.nanxing,
        period_start=start,
        period_end=end,
        name="南星综合查一次（测试）",
        demands=[Demand(w.nanxing_shop.pk, "comprehensive", start, end, ("ZH0101",), "policy")],
        by=w.carol,
    )
    w.squad_day = w.plan.squad_days.first()
    w.release_pk = CatalogRelease.objects.order_by("-pk").values_list("pk", flat=True).first()
    # Oversight: a visit recorded with one officer (a warning the scan finds) and an evaluation period.
    lone = inspection_start(
        subject=w.nanxing_shop,
        kind="routine",
        visited_on=today,
        officers=[w.nanxing_officer_record, w.partner],
        domains=["comprehensive"],
        by=w.alice,
    )
    lone.officers.set([w.nanxing_officer_record])
    oversight_scan(codes=["too_few_officers"])
    w.alert = Alert.objects.get(rule__code="too_few_officers")
    w.period = evaluation_period_create(
        name="2026 年执法成效考核（测试）",
        kind="effectiveness",
        start=today - timedelta(days=90),
        end=today,
        criteria=[
            {"name": "监督预警", "weight": 40, "metric": "warnings"},
            {"name": "执法规范与办案质量", "weight": 60, "metric": ""},
        ],
        by=w.carol,
    )
    w.training = training_create(
        by=w.sam, kind="discussion", topic="油烟直排案件证据固定研讨（测试）", held_on=today - timedelta(days=3),
        organiser=w.nanxing_team, hours="2", participants=[w.nanxing_officer_record.pk, w.partner.pk],
        cases=[w.case.number], place="南星街道会议室",
    )  # fmt: skip
    # A background job the command centre started (no broker here: it has run in-process, the page shows its end).
    w.job = risk_recompute_submit(by=w.carol)
    return w


@pytest.fixture
def site(cw):  # noqa: F811
    seed_calendar()
    return build_site(cw)
