"""The probe world: one user of every demo role (and anonymous) and one record of each kind in 南星街道, so the
probes can ask, as each role, for what belongs to 南星 — and see that 九堡's people and the public get nothing."""

import pytest

from tests.inspections.test_records import start
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.dispatch.events.intake import event_intake
from zhifa.inspections.draws.services import draw_create
from zhifa.org.choices import UnitKind
from zhifa.org.services import unit_create

PASSWORD = "Zhifa-test-2026"

# The roles of the demo district (README), by the name the probe world gives them.
ROLES = {
    "anon": None,
    "root": "系统管理员",
    "carol": "区协调指挥中心",
    "nina": "南星街道指挥室",
    "jack": "九堡街道指挥室",
    "alice": "南星街道执法队员",
    "bob": "九堡街道执法队员",
    "mara": "区级部门（市场监管）",
    "greg": "九堡街道网格员",
    "olga": "执法监督（只读）",
}


@pytest.fixture(autouse=True)
def _keys_in_tmp(settings, tmp_path):
    """Keys and the document CA made for the test, never the checkout's var/keys: what the probes see (the CA
    certificate page answers 404 until a CA exists) does not depend on which tests ran before."""
    settings.ZHIFA_KEYS_DIR = tmp_path / "keys"
    settings.ZHIFA_CODE_KEYS = ""
    settings.ZHIFA_CODE_KEYS_FILE = tmp_path / "keys" / "codes-jwks.json"
    settings.ZHIFA_PDF_SIGNING_DIR = tmp_path / "keys" / "pdf"


@pytest.fixture
def probe(rec):  # noqa: F811 (rec comes from the importing module)
    w = rec
    w.nanxing_cmd = unit_create(
        code="SC-330102008", name="南星街道指挥室", kind=UnitKind.SUBDISTRICT_COMMAND, region=w.nanxing
    )
    w.jiubao_cmd = unit_create(
        code="SC-330102018", name="九堡街道指挥室", kind=UnitKind.SUBDISTRICT_COMMAND, region=w.jiubao
    )
    w.nina = user_create(
        username="nina",
        password=PASSWORD,
        role=Role.SUBDISTRICT_COMMAND,
        unit=w.nanxing_cmd,
        full_name="南星指挥",
    )
    w.jack = user_create(
        username="jack",
        password=PASSWORD,
        role=Role.SUBDISTRICT_COMMAND,
        unit=w.jiubao_cmd,
        full_name="九堡指挥",
    )
    w.mara = user_create(
        username="mara", password=PASSWORD, role=Role.DEPARTMENT, unit=w.market_dept, full_name="市场监管局"
    )
    w.greg = user_create(
        username="greg", password=PASSWORD, role=Role.GRID_WORKER, unit=w.jiubao_cmd, full_name="九堡网格员"
    )
    # 南星's records: an event, an inspection record, a draw (unpublished), the shop subject and its building.
    w.event = event_intake(channel="12345", description="南星街道某饭店油烟扰民，示例投诉", by=w.carol)
    w.record = start(w)
    w.draw = draw_create(
        name="南星示例抽查", domain="comprehensive", count=1, subdistrict="330102008", by=w.nina
    )
    return w
