"""The shared cache: settings, memos that learn of another server's change through a version key, and
allowances (rate limits) counted atomically."""

import os
import subprocess
import sys
import threading
import time

import pytest
from django.core.cache import cache
from django.test import Client

from zhifa.catalog.models import EnforcementItem
from zhifa.core.memo import VERSION_PREFIX
from zhifa.core.ratelimit import allowance_give_back, allowance_take
from zhifa.dispatch.directory import items_by_code
from zhifa.dispatch.models import Event


@pytest.fixture
def shared(settings):
    """This process behaves as one of several servers sharing the cache (the local cache stands in for it)."""
    settings.ZHIFA_SHARED_CACHE = True
    settings.ZHIFA_MEMO_VERSION_SECONDS = 0.05
    settings.ZHIFA_MEMO_RECHECK_SECONDS = 3600  # the signature query would not notice within the test
    cache.clear()
    yield settings
    cache.clear()


def _check(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='zhifa.settings'; "
            "django.setup(); from django.conf import settings as s; print(s.CACHES['default']['BACKEND'], s.ZHIFA_SHARED_CACHE)",
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_redis_url_selects_the_redis_cache_and_a_bad_one_is_refused_at_start():
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    plain = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='zhifa.settings'; "
            "django.setup(); from django.conf import settings as s; print(s.CACHES['default']['BACKEND'], s.ZHIFA_SHARED_CACHE)",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert plain.stdout.split() == ["django.core.cache.backends.locmem.LocMemCache", "False"]
    redis = _check(REDIS_URL="redis://127.0.0.1:6379/5")
    assert redis.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "True"]
    bad = _check(REDIS_URL="http://127.0.0.1:6379")
    assert bad.returncode != 0
    assert "REDIS_URL='http://127.0.0.1:6379' must start with redis://, rediss:// or unix://" in bad.stderr


@pytest.mark.django_db(transaction=True)
def test_another_servers_change_is_seen_through_its_version_within_a_second(district, shared):
    assert items_by_code()["ZH0101"].name.startswith("对餐饮服务业经营者")
    # Another server renames the item; this process hears nothing (no signal here, signature not asked).
    EnforcementItem.objects.filter(code="ZH0101").update(name="对餐饮油烟超标排放的行政处罚（新）")
    time.sleep(0.1)
    assert items_by_code()["ZH0101"].name.startswith("对餐饮服务业经营者")
    # … then it bumps the item table's version in the shared cache, as its commit does.
    cache.add(VERSION_PREFIX + "catalog.EnforcementItem", 0, None)
    cache.incr(VERSION_PREFIX + "catalog.EnforcementItem")
    time.sleep(0.1)
    assert items_by_code()["ZH0101"].name == "对餐饮油烟超标排放的行政处罚（新）"


@pytest.mark.django_db(transaction=True)
def test_a_release_and_a_saved_unit_bump_their_versions_on_commit(district, shared):
    from django.db import transaction

    from tests.dispatch.conftest import HEADER, ROWS
    from zhifa.catalog.services import release_apply, release_import

    items_by_code()
    key = VERSION_PREFIX + "catalog.EnforcementItem"
    before = cache.get(key, 0)
    content = (HEADER + "\n".join([*ROWS, ROWS[0].replace("ZH0101", "ZH0199", 1)]) + "\n").encode()
    release = release_import(content=content, filename="items.csv", version="t-2", by=district.root)
    release_apply(release=release, by=district.root)
    assert cache.get(key, 0) > before
    assert "ZH0199" in items_by_code()
    unit_key = VERSION_PREFIX + "org.Unit"
    before = cache.get(unit_key, 0)
    district.nanxing_team.name = "南星街道综合行政执法队（改）"
    district.nanxing_team.save()
    assert cache.get(unit_key) == before + 1
    # Rolled back: nothing is published.
    with pytest.raises(ValueError), transaction.atomic():
        district.jiubao_team.save()
        raise ValueError("rolled back")
    assert cache.get(unit_key) == before + 1


def test_allowance_holds_for_requests_arriving_at_once():
    cache.clear()
    barrier, taken = threading.Barrier(20), []

    def take():
        barrier.wait()
        taken.append(allowance_take("test:burst", limit=5, window_seconds=60))

    threads = [threading.Thread(target=take) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == [False] * 15 + [True] * 5
    allowance_give_back("test:burst")
    assert allowance_take("test:burst", limit=5, window_seconds=60) is True
    assert allowance_take("test:burst", limit=5, window_seconds=60) is False


def test_allowance_starts_again_after_its_window():
    cache.clear()
    assert allowance_take("test:window", limit=1, window_seconds=1)
    assert not allowance_take("test:window", limit=1, window_seconds=1)
    time.sleep(1.1)
    assert allowance_take("test:window", limit=1, window_seconds=1)


@pytest.mark.django_db
def test_refused_reports_do_not_use_up_the_public_allowance(district):
    cache.clear()
    client = Client(REMOTE_ADDR="10.9.8.7")
    for _ in range(6):
        assert client.post("/dispatch/report/", {"description": ""}).status_code == 400
    for i in range(5):
        assert client.post("/dispatch/report/", {"description": f"占道经营第{i}次"}).status_code == 302
    res = client.post("/dispatch/report/", {"description": "占道经营第6次"})
    assert res.status_code == 429 and "提交过于频繁，请稍后再试" in res.content.decode()
    assert Event.objects.count() == 5
