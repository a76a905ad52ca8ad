"""现场上报: grid workers, officers and departments report from the phone with photos and location."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import PASSWORD
from tests.dispatch.test_coordination import JPEG, png_bytes
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.dispatch.models import Event, Evidence


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files(media) -> list[Path]:
    return [p for p in Path(media).rglob("*") if p.is_file()]


@pytest.fixture
def gridder(district, client):
    user_create(
        username="gina",
        password=PASSWORD,
        role=Role.GRID_WORKER,
        unit=district.jiubao_team,
        full_name="测试网格员",
    )
    client.login(username="gina", password=PASSWORD)
    return client


def _photo(name="a.png", data=None):
    return SimpleUploadedFile(name, data or png_bytes(), content_type="image/png")


def test_grid_worker_whistles_with_photos_and_is_routed(gridder, media):
    page = gridder.get("/dispatch/report-in/")
    assert (
        page.status_code == 200
        and "获取当前位置" in page.content.decode()
        and 'capture="environment"' in page.content.decode()
    )
    r = gridder.post(
        "/dispatch/report-in/",
        {
            "description": "九堡街道某烧烤店油烟扰民，现场排烟很大",
            "photos": [_photo(), _photo("b.jpg", JPEG)],
            "urgent": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()[:500]
    event = Event.objects.get()
    assert event.channel == "grid" and event.priority == "urgent" and event.sla.code == "1315"
    assert event.lead_unit.code == "ST-330102018"
    photos = list(Evidence.objects.filter(event=event).order_by("id"))
    assert [p.method for p in photos] == ["photo", "photo"]
    assert photos[0].unit.code == "ST-330102018" and photos[0].collector_name == "测试网格员"
    assert photos[0].description.startswith("网格吹哨现场照片 1/2")
    assert len(files(media)) == 2


def test_one_bad_photo_stores_nothing(gridder, media):
    r = gridder.post(
        "/dispatch/report-in/",
        {
            "description": "九堡街道某烧烤店油烟扰民",
            "photos": [_photo(), SimpleUploadedFile("x.png", b"not an image")],
        },
    )
    assert r.status_code == 400
    assert "文件类型不支持" in r.content.decode()
    assert not Event.objects.exists() and not Evidence.objects.exists() and files(media) == []


def test_officer_reports_as_patrol_with_location(district, clients, media):
    r = clients["bob"].post(
        "/dispatch/report-in/",
        {
            "description": "巡查发现路边有人摆摊占道经营",
            "subdistrict": "330102018",
            "lng": "120.3",
            "lat": "30.3",
            "accuracy": "12",
        },
    )
    assert r.status_code == 302
    event = Event.objects.get()
    assert event.channel == "patrol" and event.subdistrict.code == "330102018"
    assert (event.lng, event.lat) == (120.3, 30.3)


def test_empty_text_and_who_may_report(district, clients, gridder):
    r = gridder.post("/dispatch/report-in/", {"description": "  "})
    assert r.status_code == 400 and "请填写诉求内容" in r.content.decode()
    assert not Event.objects.exists()
    assert (
        clients["carol"].get("/dispatch/report-in/").status_code == 403
    )  # the command centre uses its own form
    assert clients["olga"].get("/dispatch/report-in/").status_code == 403
    too_many = [_photo(f"{i}.png") for i in range(7)]
    r = gridder.post("/dispatch/report-in/", {"description": "九堡街道油烟扰民", "photos": too_many})
    assert r.status_code == 400 and "最多上传 6 张照片" in r.content.decode()
