"""Django admin of the organisation: every model opens, and region lists never load the boundaries."""

import pytest

from tests.conftest import client_for
from zhifa.org.models import Squad


@pytest.fixture
def admin_client(world):
    return client_for(world.root)


@pytest.mark.parametrize("model", ["region", "domain", "unit", "squad", "officer", "gridworker", "building"])
def test_changelists_open(admin_client, model):
    assert admin_client.get(f"/admin/org/{model}/").status_code == 200


def test_region_change_form_summarises_geometry(admin_client, world):
    world.nanxing.geometry = {
        "type": "Polygon",
        "coordinates": [[[120.1, 30.1], [120.2, 30.1], [120.2, 30.2], [120.1, 30.1]]],
    }
    world.nanxing.save(update_fields=["geometry"])
    res = admin_client.get(f"/admin/org/region/{world.nanxing.pk}/change/")
    assert res.status_code == 200
    body = res.content.decode()
    assert "Polygon，4 个顶点" in body
    assert 'name="geometry"' not in body


def test_region_changelist_filters_and_search(admin_client, world):
    res = admin_client.get("/admin/org/region/", {"level__exact": "subdistrict", "q": "南星"})
    assert [r.code for r in res.context["cl"].result_list] == ["330102008"]
    assert "geometry" in res.context["cl"].queryset.query.deferred_loading[0]


def test_officer_admin_search_and_team_kind_filter(admin_client, world):
    res = admin_client.get("/admin/org/officer/", {"q": "ZJ-TEST-0002"})
    assert [o.name for o in res.context["cl"].result_list] == ["测试队员乙"]
    res = admin_client.get("/admin/org/officer/", {"team__kind__exact": "district_team"})
    assert list(res.context["cl"].result_list) == []
    squad = Squad.objects.create(team=world.nanxing_team, name="第一混编组")
    assert admin_client.get(f"/admin/org/squad/{squad.pk}/change/").status_code == 200
    assert (
        admin_client.get(f"/admin/org/officer/{world.nanxing_officer_record.pk}/change/").status_code == 200
    )


def test_admin_is_closed_to_officers(clients):
    res = clients["alice"].get("/admin/org/officer/")
    assert res.status_code == 302
