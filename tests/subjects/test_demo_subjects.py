"""The demo's regulated subjects: 四季青 ≈ 5,180 mostly in its buildings, 九堡 and 南星 shaped like the reference."""

from collections import Counter

import pytest
from django.db.models import F

from zhifa.engine.uscc import uscc_validate
from zhifa.subjects.models import Subject, Violation

pytestmark = pytest.mark.django_db

SJQ = "/330102/330102014/"


def test_sijiqing_count_and_buildings(demo_db):
    sjq = Subject.objects.filter(region_path__startswith=SJQ)
    n = sjq.count()
    assert abs(n - 5180) <= 0.05 * 5180
    in_buildings = sjq.filter(building__isnull=False).count()
    assert in_buildings / n > 0.8
    # Every one of the 92 buildings holds subjects, and they sit in the building's own grid.
    assert sjq.values("building").exclude(building=None).distinct().count() == 92
    assert not sjq.exclude(building=None).exclude(grid_id=F("building__region_id")).exists()
    industries = Counter(sjq.values_list("industry_code", flat=True))
    assert industries.most_common(1)[0][0] == "F51"
    assert demo_db.counts["subjects_sijiqing"] == n


def test_population_elsewhere(demo_db):
    total = Subject.objects.count()
    assert 3000 <= total - Subject.objects.filter(region_path__startswith=SJQ).count() <= 5000
    jiubao = Subject.objects.filter(region_path__startswith="/330102/330102018/")
    assert jiubao.filter(industry_code="I64", scenarios__code="SC01").count() >= 300
    assert jiubao.filter(kind="place", industry_code="K70", uscc="").count() >= 400
    nanxing = Subject.objects.filter(region_path__startswith="/330102/330102008/")
    assert nanxing.filter(scenarios__code__in=["SC03", "SC04"]).count() >= 163
    # Every subdistrict has subjects, each placed in a grid of its own subdistrict.
    assert Subject.objects.values("subdistrict").distinct().count() == 14
    assert not Subject.objects.filter(grid__isnull=True).exists()
    for s in Subject.objects.select_related("subdistrict", "grid")[::97]:
        assert s.grid.path.startswith(s.subdistrict.path) and s.region_path == s.grid.path


def test_codes_names_credit_history(demo_db):
    codes = list(Subject.objects.exclude(uscc="").values_list("uscc", flat=True))
    assert len(codes) == len(set(codes))
    assert all(uscc_validate(c) == [] and c[2:8] == "330102" for c in codes)
    assert not Subject.objects.exclude(kind="place").filter(uscc="").exists()
    assert all("示例" in name for name in Subject.objects.values_list("name", flat=True))
    credit = Counter(Subject.objects.values_list("credit_class", flat=True))
    assert (credit["A"] + credit["B"]) / sum(credit.values()) > 0.8 and credit["D"] > 0
    violations = Violation.objects.count()
    assert violations == demo_db.counts["violations"] > 500
    # Violations cluster in the low credit classes.
    bad = Violation.objects.filter(subject__credit_class__in="CD").values("subject").distinct().count()
    low = credit["C"] + credit["D"]
    good = Violation.objects.filter(subject__credit_class__in="AB").values("subject").distinct().count()
    assert bad / low > 2 * good / (credit["A"] + credit["B"])
    assert Subject.objects.filter(opened_on__gte="2026-01-01").count() > 100  # new businesses


def test_subject_pages_on_demo(demo_db):
    from django.test import Client

    from zhifa.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="jiubao_cmd"))
    res = client.get("/subjects/", {"subdistrict": "330102014"})
    assert res.status_code == 200 and "共 0 个" in res.content.decode()
    res = client.get("/subjects/")
    assert "九堡" in res.content.decode()
    sjq_subject = Subject.objects.filter(region_path__startswith=SJQ).first()
    assert client.get(f"/subjects/{sjq_subject.pk}/").status_code == 404
