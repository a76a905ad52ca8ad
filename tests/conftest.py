"""Standard people and places for tests, made through the services.

Like Healthchecks' alice/bob/charlie: a 南星街道 officer, a 九堡街道 officer, district command, oversight, an outsider.
"""

import copy
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from tests.dbsnapshot import Snapshot, snapshot_restore, snapshot_take
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.demo import asof
from zhifa.demo.asof import REFERENCE_DAY
from zhifa.demo.builder import DemoSummary, demo_district_build
from zhifa.demo.fingerprint import demo_fingerprint
from zhifa.org.choices import RegionLevel, UnitKind
from zhifa.org.services import domain_create, officer_create, region_create, unit_create

PASSWORD = "Zhifa-test-2026"
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    """Tests marked `one_database` (the page audit: what a browser sees does not depend on the database) run on
    the embedded default only; `.ci/run` runs the suite on both, so each still runs once per CI run."""
    if not ON_POSTGRESQL:
        return
    skip = pytest.mark.skip(reason="one_database：与数据库无关的页面审计，只在 SQLite 上运行")
    for item in items:
        if item.get_closest_marker("one_database"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_process_memos():
    # Tests empty or roll back the database under the process (no model signal tells the memos), and a
    # transactional test leaves memos built on rows that the next test no longer has.
    from zhifa.core.memo import memo_clear_all

    memo_clear_all()
    yield
    memo_clear_all()


@pytest.fixture
def world(db):
    """A small district: two subdistricts with a grid each, two domains, teams, and one user per role."""
    w = type("World", (), {})()
    w.district = region_create(code="330102", name="上城区", level=RegionLevel.DISTRICT)
    w.nanxing = region_create(
        code="330102008", name="南星街道", level=RegionLevel.SUBDISTRICT, parent=w.district
    )
    w.jiubao = region_create(
        code="330102018", name="九堡街道", level=RegionLevel.SUBDISTRICT, parent=w.district
    )
    w.nanxing_grid = region_create(
        code="33010200800101", name="南星第1社区第1网格", level=RegionLevel.GRID, parent=w.nanxing
    )
    w.jiubao_grid = region_create(
        code="33010201800101", name="九堡第1社区第1网格", level=RegionLevel.GRID, parent=w.jiubao
    )
    w.comprehensive = domain_create(code="comprehensive", name="综合执法", is_core=True, sort=1)
    w.market = domain_create(code="market", name="市场监管", is_core=True, sort=2)
    w.command = unit_create(
        code="DC", name="区协调指挥中心", kind=UnitKind.DISTRICT_COMMAND, region=w.district
    )
    w.oversight_office = unit_create(
        code="OV", name="区司法局执法监督科", kind=UnitKind.OVERSIGHT_OFFICE, region=w.district
    )
    w.bureau = unit_create(
        code="DEP-ZH",
        name="区综合行政执法局",
        kind=UnitKind.DEPARTMENT,
        region=w.district,
        domain=w.comprehensive,
    )
    w.district_team = unit_create(
        code="DT-ZH",
        name="区综合行政执法大队",
        kind=UnitKind.DISTRICT_TEAM,
        region=w.district,
        domain=w.comprehensive,
        parent=w.bureau,
    )
    w.nanxing_team = unit_create(
        code="ST-330102008", name="南星街道综合行政执法队", kind=UnitKind.SUBDISTRICT_TEAM, region=w.nanxing
    )
    w.jiubao_team = unit_create(
        code="ST-330102018", name="九堡街道综合行政执法队", kind=UnitKind.SUBDISTRICT_TEAM, region=w.jiubao
    )
    w.nanxing_officer_record = officer_create(
        name="测试队员甲",
        birth_date=date(1990, 5, 1),
        certificate_no="ZJ-TEST-0001",
        home_department=w.bureau,
        team=w.nanxing_team,
        seconded=True,
        domains=[w.comprehensive],
    )
    w.jiubao_officer_record = officer_create(
        name="测试队员乙",
        birth_date=date(1975, 3, 1),
        certificate_no="ZJ-TEST-0002",
        home_department=w.bureau,
        team=w.jiubao_team,
        seconded=True,
        domains=[w.comprehensive, w.market],
    )
    w.alice = user_create(
        username="alice",
        password=PASSWORD,
        role=Role.OFFICER,
        unit=w.nanxing_team,
        full_name="南星队员",
        officer=w.nanxing_officer_record,
    )
    w.bob = user_create(
        username="bob",
        password=PASSWORD,
        role=Role.OFFICER,
        unit=w.jiubao_team,
        full_name="九堡队员",
        officer=w.jiubao_officer_record,
    )
    w.carol = user_create(
        username="carol", password=PASSWORD, role=Role.DISTRICT_COMMAND, unit=w.command, full_name="指挥中心"
    )
    w.olga = user_create(
        username="olga", password=PASSWORD, role=Role.OVERSIGHT, unit=w.oversight_office, full_name="执法监督"
    )
    w.otto = user_create(username="otto", password=PASSWORD, role=Role.OFFICER, unit=None, full_name="无单位")
    w.root = user_create(
        username="root",
        password=PASSWORD,
        role=Role.ADMIN,
        unit=w.command,
        full_name="管理员",
        is_staff=True,
        is_superuser=True,
    )
    return w


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clients(world):
    return {
        name: client_for(getattr(world, name)) for name in ("alice", "bob", "carol", "olga", "otto", "root")
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings, request):
    """Argon2 costs ~0.1 s per user; tests that are not about hashing use a fast hasher."""
    if "argon2" not in request.node.name:
        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.Argon2PasswordHasher",
        ]


@pytest.fixture(autouse=True)
def _audit_anchors_elsewhere(settings, tmp_path_factory):
    """No test reads or writes the developer's own anchor file and key (./var/): each test gets empty paths."""
    where = tmp_path_factory.mktemp("audit-anchors", numbered=True)
    settings.ZHIFA_AUDIT_ANCHOR_FILE = where / "anchors.jsonl"
    settings.ZHIFA_AUDIT_ANCHOR_KEY_FILE = where / "anchor-key.pem"


# The demo district, built once per session (it takes the better part of a minute), its database contents and
# evidence files kept aside, and put back for each test module that asks for it: every such module starts from the
# same pristine district whatever the modules before it changed, and the district is removed after the module (other
# modules' tests expect an empty database around their own data).
@dataclass
class DemoBuild:
    summary: DemoSummary
    snapshot: Snapshot
    media: Path
    # Taken right after the build, before any test could change it: the determinism test compares a second build
    # of the same seed with it.
    fingerprint: str


@pytest.fixture(scope="session")
def demo_build(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo district, built once for the session as of the reference day (so the suite's expectations do
    not move with the calendar). Its evidence files go to a temporary media folder (not the developer's ./media)."""
    media = tmp_path_factory.mktemp("demo-media-built")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        call_command("flush", "--noinput")
        summary = demo_district_build(seed=42, as_of=REFERENCE_DAY)
        build = DemoBuild(
            summary=summary, snapshot=snapshot_take(), media=media, fingerprint=demo_fingerprint()
        )
        call_command("flush", "--noinput")
    return build


@pytest.fixture(scope="module")
def demo(demo_build, django_db_blocker, tmp_path_factory):
    """The session's demo district put back for the module (database and a copy of its evidence files of its
    own), removed afterwards."""
    media = tmp_path_factory.mktemp("demo-media", numbered=True)
    shutil.copytree(demo_build.media, media, dirs_exist_ok=True)
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        snapshot_restore(demo_build.snapshot)
        asof.set_as_of(demo_build.summary.as_of)  # as the build left it
        yield copy.deepcopy(demo_build.summary)
        call_command("flush", "--noinput")


@pytest.fixture
def demo_db(demo, django_db_blocker):
    with django_db_blocker.unblock():
        yield demo
