"""The API shell: OpenAPI schema, JSON error bodies, oversight can read but not write."""

import pytest

from zhifa.core.errors import PermissionError_
from zhifa.org.services import officer_transfer


def test_openapi_schema_lists_the_routers(client, db):
    res = client.get("/api/v1/openapi.json")
    assert res.status_code == 200
    paths = res.json()["paths"]
    assert "/api/v1/catalog/items" in paths
    assert "/api/v1/org/locate" in paths


def test_validation_error_body_names_the_field(clients):
    res = clients["carol"].get("/api/v1/catalog/items", {"page": "abc"})
    assert res.status_code == 422
    body = res.json()
    assert body["message"] == "请求参数有误"
    assert body["errors"][0]["field"] == "page"


def test_oversight_reads_but_cannot_write(clients, world):
    assert clients["olga"].get("/api/v1/org/officers").json()["count"] == 2
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("items.csv", b"code,name\n", content_type="text/csv")
    res = clients["olga"].post("/api/v1/catalog/releases", {"version": "x", "file": upload})
    assert res.status_code == 403
    assert "message" in res.json()


def test_org_services_refuse_read_only_and_field_roles(world):
    for user in (world.olga, world.alice):
        with pytest.raises(PermissionError_, match="只有系统管理员或区协调指挥中心"):
            officer_transfer(
                officer=world.jiubao_officer_record, team=world.nanxing_team, seconded=True, by=user
            )
    moved = officer_transfer(
        officer=world.jiubao_officer_record, team=world.nanxing_team, seconded=True, by=world.carol
    )
    assert moved.team == world.nanxing_team
