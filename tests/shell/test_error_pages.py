"""403 / 404 / 500 and the CSRF failure page: Chinese, in the site frame, saying why and where to go."""

import pytest
from django.test import Client, RequestFactory

from tests.conftest import client_for
from zhifa.errors import server_error


def test_404_for_an_unknown_address_in_chinese_with_the_way_back(db):
    res = Client().get("/no-such-page/")
    html = res.content.decode()
    assert res.status_code == 404
    assert '<h1 id="error-heading">找不到此页</h1>' in html and "地址 /no-such-page/ 不存在" in html
    assert 'class="topbar"' in html and 'id="main"' in html  # the site frame, with its landmarks
    assert 'href="/accounts/login/?next=/no-such-page/"' in html and 'href="/dispatch/report/"' in html
    assert "Not Found" not in html and "Page not found" not in html


def test_404_outside_the_jurisdiction_says_so_and_leads_to_the_start_page(world):
    res = client_for(world.alice).get("/dispatch/events/999999/")
    html = res.content.decode()
    assert res.status_code == 404
    assert "事件不存在或不在您的辖区内" in html
    assert '<a class="btn" href="/dispatch/tasks/">回到我的首页</a>' in html  # an officer's start page
    assert "南星队员" in html  # the header still shows who is signed in


def test_403_gives_the_views_reason_and_whom_to_ask(world):
    res = client_for(world.alice).get("/dispatch/events/new/")
    html = res.content.decode()
    assert res.status_code == 403
    assert "没有权限打开此页" in html and "只有指挥中心可以录入事件" in html and "系统管理员开通权限" in html
    assert "403 Forbidden" not in html


def test_403_without_a_chinese_reason_gives_the_general_one(rf, world):
    from django.core.exceptions import PermissionDenied

    from zhifa.errors import permission_denied

    request = rf.get("/x/")
    request.user = world.alice
    html = permission_denied(request, PermissionDenied("Forbidden")).content.decode()
    assert "您的角色或辖区不能查看或办理这项内容" in html and "Forbidden" not in html


def test_500_page_renders_without_the_database(db, django_assert_num_queries):
    request = RequestFactory().get("/boom/")
    with django_assert_num_queries(0):
        res = server_error(request)
    html = res.content.decode()
    assert res.status_code == 500
    assert "系统出错了" in html and "您提交的内容可能没有保存" in html and 'href="/"' in html
    assert 'lang="zh-hans"' in html and 'class="skip-link"' in html


@pytest.mark.django_db
def test_an_expired_form_gets_the_chinese_csrf_page():
    client = Client(enforce_csrf_checks=True)
    res = client.post("/dispatch/report/", {"description": "油烟"})
    html = res.content.decode()
    assert res.status_code == 403
    assert "页面已过期，请重新提交" in html and "CSRF verification failed" not in html


def test_api_docs_load_swagger_ui_from_local_static_files(db):
    res = Client().get("/api/v1/docs")
    html = res.content.decode()
    assert res.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
    assert "cdn" not in html.lower() and "https://" not in html
    # The files are there to serve (closed networks: nothing from outside).
    assert Client().get("/static/ninja/swagger-ui-bundle.js").status_code == 200
