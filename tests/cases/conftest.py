"""Cases on top of the standard world and the small catalog: time stands still at Monday 2 March 2026, 09:00
in Hangzhou (tests move it on); 南星 has three officers, the market team two; a reviewer (区综合行政执法局), a
hearing host; ZH0101 needs two pieces of evidence and has four discretion bands; ZH0018 is on the district's
first-violation list."""

import importlib
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import PASSWORD
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.subjects.conftest import code, subjects  # noqa: F401 (fixture)
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.cases import services as svc
from zhifa.cases.choices import EvidenceKind
from zhifa.cases.models import FirstViolationItem, Holiday
from zhifa.catalog.models import DiscretionBand, EnforcementItem
from zhifa.org.services import officer_create

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def at(year, month, day, hour=9) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def clock():
    """Time frozen before the world is built; `clock.move_to(at(...))` moves it."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def seed_calendar() -> None:
    """The 2026 calendar as the migration seeds it (another module's flush may have emptied the table)."""
    if not Holiday.objects.filter(day__year=2026).exists():
        migration = importlib.import_module("zhifa.cases.migrations.0002_holidays_2026")
        from django.apps import apps

        migration.seed(apps, None)


def photo(name="photo.jpg", content=JPEG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def pdf(name="record.pdf", body=b"1") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + body, content_type="application/pdf")


@pytest.fixture
def cw(subjects, settings, tmp_path):  # noqa: F811
    """The case world."""
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_calendar()
    w = subjects
    w.partner = officer_create(
        name="测试队员丙",
        birth_date=date(1988, 7, 1),
        certificate_no="ZJ-TEST-0003",
        home_department=w.bureau,
        team=w.nanxing_team,
        seconded=True,
        domains=[w.comprehensive, w.market],
    )
    w.third = officer_create(
        name="测试队员丁",
        birth_date=date(1992, 1, 1),
        certificate_no="ZJ-TEST-0004",
        home_department=w.bureau,
        team=w.nanxing_team,
        seconded=True,
        domains=[w.comprehensive],
    )
    w.hank = user_create(
        username="hank",
        password=PASSWORD,
        role=Role.OFFICER,
        unit=w.nanxing_team,
        full_name="听证主持",
        officer=w.third,
    )
    w.rita = user_create(
        username="rita", password=PASSWORD, role=Role.DEPARTMENT, unit=w.bureau, full_name="法制审核员"
    )
    w.market_a = officer_create(
        name="市场队员甲",
        birth_date=date(1985, 1, 1),
        certificate_no="ZJ-SJ-0001",
        home_department=w.market_dept,
        team=w.market_team,
        domains=[w.market],
    )
    w.market_b = officer_create(
        name="市场队员乙",
        birth_date=date(1986, 1, 1),
        certificate_no="ZJ-SJ-0002",
        home_department=w.market_dept,
        team=w.market_team,
        domains=[w.market],
    )
    w.mia = user_create(
        username="mia",
        password=PASSWORD,
        role=Role.OFFICER,
        unit=w.market_team,
        full_name="市场队员",
        officer=w.market_a,
    )
    w.zh0101 = EnforcementItem.objects.get(code="ZH0101")
    w.zh0101.required_evidence = ["询问笔录", "现场照片或视频"]
    w.zh0101.save()
    for level, lo, hi in (
        ("轻微", 0, 500),
        ("一般", 500, 5000),
        ("较重", 5000, 50000),
        ("严重", 50000, 100000),
    ):
        DiscretionBand.objects.create(
            item=w.zh0101, level=level, condition=f"{level}情形", min_fine=lo, max_fine=hi
        )
    w.zh0018 = EnforcementItem.objects.get(code="ZH0018")
    for level, lo, hi in (("轻微", 0, 0), ("一般", 50, 200), ("较重", 200, 2000)):
        DiscretionBand.objects.create(
            item=w.zh0018, level=level, condition=f"{level}情形", min_fine=lo, max_fine=hi
        )
    FirstViolationItem.objects.create(
        item=w.zh0018,
        conditions="首次占道经营、经劝导立即改正、未造成危害后果",
        lookback_years=2,
        effective_from=date(2025, 1, 1),
    )
    return w


def open_case(w, **kw):
    values = {
        "source": "manual",
        "parties": [{"subject": w.nanxing_shop.pk}],
        "causes": [{"item": "ZH0101"}],
        "officers": [w.nanxing_officer_record, w.partner],
        "facts": "该店油烟净化设施未正常使用，油烟直排",
        "place": "南星街道示例路8号",
        "conduct_ended_on": date(2026, 2, 27),
        "by": w.alice,
    }
    values.update(kw)
    return svc.case_open(**values)


def add_required_evidence(w, case, by=None):
    """The two pieces ZH0101 requires, uploaded."""
    svc.case_evidence_upload(
        case=case,
        file=pdf("ask.pdf", b"ask"),
        kind=EvidenceKind.PARTY,
        requirement="询问笔录",
        description="对负责人的询问笔录",
        by=by or w.alice,
    )
    svc.case_evidence_upload(
        case=case,
        file=photo("smoke.jpg", JPEG + b"smoke"),
        kind=EvidenceKind.AUDIOVISUAL,
        requirement="现场照片或视频",
        description="油烟直排现场照片",
        device="执法记录仪 DSJ-01",
        place="示例路8号后厨",
        by=by or w.alice,
    )


def notified_case(w, fine=2000, circumstance="一般", **kw):
    case = open_case(w, **kw)
    svc.case_investigate(case=case, by=w.alice)
    add_required_evidence(w, case)
    return svc.case_notify(
        case=case,
        penalties=[{"cause": "ZH0101", "circumstance": circumstance, "kinds": ["fine"], "fine": fine}],
        by=w.alice,
    )


def after_window(clock, days=10):
    clock.shift(timedelta(days=days))


def money(x) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.01"))


def png_bytes() -> BytesIO:
    return BytesIO(PNG)


def enforcement_event(w):
    """A 南星 event worked by alice's team and resolved by enforcement (执法)."""
    from zhifa.dispatch.events.intake import event_intake
    from zhifa.dispatch.events.services import event_accept, event_resolve

    event = event_intake(channel="12345", description="南星街道某饭店油烟扰民", by=w.carol)
    event = event_accept(event=event, by=w.alice)
    return event_resolve(event=event, mode="enforcement", result="油烟直排，转立案查处", by=w.alice)


def printed_pdf(pdf: bytes) -> str:
    """The text of a PDF, white space removed (justified lines break inside sentences)."""
    import io
    import re

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def printed(document) -> str:
    """The text of a case document's PDF."""
    from zhifa.cases.documents import render

    return printed_pdf(render(document))
