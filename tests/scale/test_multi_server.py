"""Several app servers for real: two gunicorn servers on different ports and one Celery worker against one
PostgreSQL (the test database) and one Redis. Runs where both are reachable (CI's PostgreSQL pass).

It shows: a catalog release on server A is routed by on server B within 2 s; the public report allowance and
the login throttle count across both servers; a long import started on A runs on the worker and its progress
is read from B; killing the worker mid-job keeps no half import and the job is reported failed."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.dispatch.conftest import HEADER as CATALOG_HEADER
from tests.dispatch.conftest import ROWS as CATALOG_ROWS
from tests.dispatch.test_import import HEADER, _row, csv_bytes
from zhifa.accounts.services import api_token_create
from zhifa.dispatch.models import Event

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS = os.environ.get("ZHIFA_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.multiserver,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="several servers share one PostgreSQL"),
    pytest.mark.skipif(not _reachable("127.0.0.1", 6379), reason="Redis is not running on 127.0.0.1:6379"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc, timeout: float = 40) -> None:
    import requests

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited: {proc.stdout.read().decode(errors='replace')[-2000:]}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise TimeoutError(url)


@pytest.fixture
def cluster(district, tmp_path):
    import redis

    s = connection.settings_dict
    db_url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    redis_db = (
        8 + os.getpid() % 8
    )  # one of Redis's databases 8–15, flushed: broker and cache of this test only
    redis_url = f"{REDIS}/{redis_db}"
    redis.Redis.from_url(redis_url).flushdb()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "DEBUG": "1",  # the development keys: this test is about sharing state, not the production start
        "ZHIFA_IMPORT_BACKGROUND_ROWS": "20",
        "ZHIFA_JOB_STALE_SECONDS": "3",
        "LOGIN_MAX_FAILURES": "3",
        "LOGIN_ADDRESS_MAX_FAILURES": "50",
        "PYTHONUNBUFFERED": "1",
    }
    procs = {}

    def start(name, args):
        procs[name] = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
        )
        return procs[name]

    ports = {"a": _free_port(), "b": _free_port()}
    for name, port in ports.items():
        start(
            name,
            [str(BIN / "gunicorn"), "zhifa.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--threads", "4"],
        )
    worker_args = [
        sys.executable, "-m", "celery", "-A", "zhifa.jobs.app", "worker", "--pool", "solo",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING",
    ]  # fmt: skip
    start("worker", worker_args)
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    for name, url in urls.items():
        _wait_http(url + "/accounts/login/", procs[name])
    c = type("Cluster", (), {})()
    c.a, c.b, c.procs, c.start_worker = urls["a"], urls["b"], procs, lambda: start("worker", worker_args)
    c.root_token = api_token_create(user=district.root, name="多服务器测试")[1]
    c.carol_token = api_token_create(user=district.carol, name="多服务器测试")[1]
    yield c
    for proc in procs.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs.values():
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _csrf_post(session, url: str, data: dict):
    page = session.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(url, data={**data, "csrfmiddlewaretoken": token}, allow_redirects=False)


@pytest.mark.django_db(transaction=True)
def test_two_app_servers_and_a_worker_share_state(cluster, district):
    import requests

    c = cluster
    # --- a catalog release on A is routed by on B within 2 s --------------------------------------------
    event = {
        "description": "共享单车占道乱停放，影响通行",
        "subdistrict": "330102018",
        "item_codes": ["ZH0777"],
    }
    before = requests.post(
        f"{c.b}/api/v1/dispatch/events", json=event, headers=_auth(c.carol_token), timeout=10
    )
    assert before.status_code == 400 and "未知的执法事项：ZH0777" in before.json()["message"]
    new_item = (
        CATALOG_ROWS[1].replace("ZH0018", "ZH0777", 1).replace("对擅自占用城市道路", "对共享单车占道停放", 1)
    )
    content = (CATALOG_HEADER + "\n".join([*CATALOG_ROWS, new_item]) + "\n").encode()
    created = requests.post(
        f"{c.a}/api/v1/catalog/releases",
        data={"version": "t-multi"},
        files={"file": ("items.csv", content, "text/csv")},
        headers=_auth(c.root_token),
        timeout=30,
    )
    assert created.status_code == 201, created.text
    applied = requests.post(
        f"{c.a}/api/v1/catalog/releases/{created.json()['id']}/apply", headers=_auth(c.root_token), timeout=30
    )
    assert applied.status_code == 200, applied.text
    published, routed = time.monotonic(), None
    while time.monotonic() - published < 2.0:
        res = requests.post(
            f"{c.b}/api/v1/dispatch/events", json=event, headers=_auth(c.carol_token), timeout=10
        )
        if res.status_code == 201:
            routed = res.json()
            break
        time.sleep(0.1)
    assert routed is not None, "server B still refuses the new item 2 s after the release on A"
    assert routed["lead_unit"]["code"] == district.jiubao_team.code

    # --- the public report allowance (5 per 10 minutes) counts across both servers --------------------------
    public = requests.Session()
    statuses = [
        _csrf_post(
            public, f"{(c.a, c.b)[i % 2]}/dispatch/report/", {"description": f"占道经营第{i}次"}
        ).status_code
        for i in range(7)
    ]
    assert statuses == [302] * 5 + [429, 429]

    # --- the login throttle counts across both servers ------------------------------------------------------
    login = requests.Session()
    pages = [
        _csrf_post(
            login, f"{(c.a, c.b)[i % 2]}/accounts/login/", {"username": "carol", "password": "wrong"}
        ).text
        for i in range(4)
    ]
    assert all("登录失败次数过多" not in p for p in pages[:3])
    assert "登录失败次数过多" in pages[3]

    # --- a long import started on A runs on the worker; its progress is read on B ----------------------------
    def upload(prefix: str, n: int) -> str:
        rows = [
            _row(**{"工单编号": f"{prefix}-{i:04d}", "事发地址": f"九堡街道某某路 {i} 号"}) for i in range(n)
        ]
        res = requests.post(
            f"{c.a}/api/v1/dispatch/imports/hotline",
            files={"file": ("big.csv", csv_bytes([HEADER, *rows]), "text/csv")},
            headers=_auth(c.carol_token),
            timeout=30,
        )
        assert res.status_code == 202, res.text
        return res.json()["job"]

    def status(job: str) -> dict:
        return requests.get(f"{c.b}/api/v1/jobs/{job}", headers=_auth(c.carol_token), timeout=10).json()

    job = upload("HZ-MULTI", 120)
    seen_running, end = [], time.monotonic() + 40
    while (s := status(job))["status"] != "succeeded" and time.monotonic() < end:
        assert s["status"] in ("queued", "running"), (s["error"], s["result"])
        if s["status"] == "running" and 0 < s["done"] < s["total"]:
            seen_running.append(s["done"])
        time.sleep(0.05)
    assert s["status"] == "succeeded" and s["result"]["count"] == 120, s
    assert seen_running, "server B never saw the job part-way"
    assert Event.objects.filter(external_no__startswith="HZ-MULTI-").count() == 120

    # --- the worker killed mid-job: no half import, the job reported failed -----------------------------------
    job = upload("HZ-KILLED", 400)
    end = time.monotonic() + 30
    while not ((s := status(job))["status"] == "running" and s["done"] >= 20) and time.monotonic() < end:
        time.sleep(0.05)
    assert s["status"] == "running", s
    os.killpg(c.procs["worker"].pid, signal.SIGKILL)
    c.procs["worker"].wait(10)
    end = time.monotonic() + 15
    while (s := status(job))["status"] == "running" and time.monotonic() < end:
        time.sleep(0.2)
    assert s["status"] == "failed" and "后台任务中断" in s["error"], s
    assert Event.objects.filter(external_no__startswith="HZ-KILLED-").count() == 0
