"""Pages and API of subjects: scoped list and detail, search and filters, create and import, read-only roles."""

import pytest

from tests.conftest import client_for
from tests.subjects.conftest import code


def test_list_scoped_and_filtered(subjects, clients):
    res = clients["alice"].get("/subjects/")
    assert res.status_code == 200
    body = res.content.decode()
    assert "杭州示例0001小吃店" in body and "直播科技" not in body
    res = clients["carol"].get("/subjects/", {"credit_class": "C"})
    body = res.content.decode()
    assert "直播科技" in body and "小吃店" not in body
    res = clients["carol"].get("/subjects/", {"q": subjects.jiubao_firm.uscc[:10]})
    assert "直播科技" in res.content.decode() and "小吃店" not in res.content.decode()
    res = clients["carol"].get(
        "/subjects/", {"industry": "H62", "subdistrict": "330102008"}, HTTP_HX_REQUEST="true"
    )
    assert res.status_code == 200 and "<h1>" not in res.content.decode() and "小吃店" in res.content.decode()


def test_detail_jurisdiction(subjects, clients):
    url = f"/subjects/{subjects.nanxing_shop.pk}/"
    assert clients["alice"].get(url).status_code == 200
    assert clients["bob"].get(url).status_code == 404
    assert clients["otto"].get(url).status_code == 404
    assert clients["olga"].get(url).status_code == 200


def test_api_list_detail_scope(subjects, clients):
    res = clients["bob"].get("/api/v1/subjects")
    assert res.status_code == 200
    assert [r["name"] for r in res.json()["results"]] == ["杭州示例0002直播科技有限公司"]
    res = clients["bob"].get(f"/api/v1/subjects/{subjects.nanxing_shop.pk}")
    assert res.status_code == 404
    assert res.json()["message"] == "记录不存在或不在您的辖区内"
    res = clients["alice"].get(f"/api/v1/subjects/{subjects.nanxing_shop.pk}")
    data = res.json()
    assert data["industry_name"] == "餐饮业" and data["scenarios"] == [{"code": "SC03", "name": "小餐饮"}]


def test_api_create(subjects, clients):
    payload = {
        "name": "示例API公司",
        "kind": "企业",
        "industry": "F52",
        "uscc": code(300),
        "subdistrict": "南星街道",
    }
    res = clients["alice"].post("/api/v1/subjects", payload, content_type="application/json")
    assert res.status_code == 201, res.content
    assert res.json()["subdistrict"] == {"code": "330102008", "name": "南星街道"}
    res = clients["alice"].post("/api/v1/subjects", payload, content_type="application/json")
    assert res.status_code == 409
    bad = {**payload, "uscc": "12345"}
    res = clients["alice"].post("/api/v1/subjects", bad, content_type="application/json")
    assert res.status_code == 400
    assert res.json()["errors"][0]["field"] == "uscc"
    res = clients["olga"].post(
        "/api/v1/subjects", {**payload, "uscc": code(301)}, content_type="application/json"
    )
    assert res.status_code == 403


def test_api_import(subjects, clients):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = f"统一社会信用代码,名称,类型,行业,街道\n{code(302)},示例导入,企业,F52,南星街道\n".encode()
    res = clients["alice"].post("/api/v1/subjects/import", {"file": SimpleUploadedFile("s.csv", content)})
    assert res.status_code == 201 and res.json() == {"created": 1, "filename": "s.csv"}
    res = clients["alice"].post("/api/v1/subjects/import", {"file": SimpleUploadedFile("s.csv", content)})
    assert res.status_code == 400
    assert res.json()["errors"][0]["field"] == "第2行·统一社会信用代码"
    res = clients["olga"].post("/api/v1/subjects/import", {"file": SimpleUploadedFile("s.csv", content)})
    assert res.status_code == 403


def test_import_page(subjects, clients):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert clients["olga"].get("/subjects/import/").status_code == 403
    assert clients["alice"].get("/subjects/import/").status_code == 200
    bad = "统一社会信用代码,名称,类型,行业,街道\n913301020000000194,示例,企业,F52,南星街道\n".encode()
    res = clients["alice"].post("/subjects/import/", {"file": SimpleUploadedFile("s.csv", bad)})
    assert res.status_code == 400
    assert "校验位错误，应为 3" in res.content.decode() and "第2行" in res.content.decode()


@pytest.mark.parametrize("name", ["alice", "carol"])
def test_list_query_count_is_flat(subjects, name, django_assert_max_num_queries):
    from zhifa.subjects.services import subject_create

    for i in range(15):
        subject_create(
            by=subjects.carol,
            name=f"示例{i}",
            kind="企业",
            industry="F52",
            uscc=code(400 + i),
            subdistrict="南星街道",
        )
    client = client_for(getattr(subjects, name))
    with django_assert_max_num_queries(12):
        assert client.get("/subjects/").status_code == 200
