"""The page shell: each role lands on its own start page, and the menu is grouped by work."""

import re

import pytest

from tests.conftest import PASSWORD, client_for
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create


@pytest.mark.parametrize(
    ("who", "start"),
    [
        ("alice", "/dispatch/tasks/"),  # officer → 我的任务
        ("carol", "/dispatch/"),  # district command → 指挥调度
        ("olga", "/oversight/"),  # oversight → 监督预警
        ("root", "/"),
    ],
)
def test_login_lands_on_the_roles_start_page(world, client, who, start):
    res = client.post("/accounts/login/", {"username": who, "password": PASSWORD}, follow=False)
    assert res.status_code == 302 and res["Location"] == "/start/"
    assert client.get("/start/")["Location"] == start


def test_grid_worker_starts_at_field_report(world):
    grid = user_create(
        username="gina", password=PASSWORD, role=Role.GRID_WORKER, unit=world.nanxing_team, full_name="网格员"
    )
    assert client_for(grid).get("/start/")["Location"] == "/dispatch/report-in/"


def test_start_needs_login(client):
    res = client.get("/start/")
    assert res.status_code == 302 and res["Location"].startswith("/accounts/login/")


def _groups(html: str) -> list[str]:
    return re.findall(r"<summary>([^<]+)</summary>", html)


def test_menu_is_grouped_by_work_and_marks_the_current_group(clients):
    html = clients["carol"].get("/subjects/").content.decode()
    assert _groups(html) == ["指挥", "监管", "办案", "队伍与区域", "监督"]
    current = re.search(r'<details class="navgroup current" data-current>\s*<summary>([^<]+)</summary>', html)
    assert current and current.group(1) == "监管"
    assert 'aria-current="page">监管对象</a>' in html
    # The command centre imports 12345 orders; an officer does not see that entry, but has 现场上报.
    assert "12345 导入" in html
    officer = clients["alice"].get("/subjects/").content.decode()
    assert "12345 导入" not in officer and "现场上报" in officer and "我的检查日程" in officer


def test_login_from_the_site_root_goes_to_the_start_page(world, client):
    # A bookmark of the site root sends an officer to login with next=/; that means "where I start".
    res = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD, "next": "/"})
    assert res["Location"] == "/start/"
    res = client.post("/accounts/login/", {"username": "carol", "password": PASSWORD, "next": "/subjects/"})
    assert res["Location"] == "/subjects/"
