"""智能分类准确率: the share of first suggestions kept after corrections, per domain and month, on the page and
the API, scoped by jurisdiction; the replay command beside it."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhifa.dispatch.events.accuracy import replay, routing_accuracy_for_user
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.events.services import event_correct


@pytest.fixture
def corrected(district):
    w = district

    def intake(text):
        return event_intake(channel="12345", description=text, reporter_name="测试", by=w.carol)

    w.nx_fumes = intake("南星街道某饭店油烟扰民")
    w.nx_shop = intake("南星街道某小吃店无证经营")
    w.jb_fumes = intake("九堡街道某饭店油烟扰民")
    w.jb_expired = intake("九堡街道超市卖过期食品")
    firsts = [e.classification[0]["code"] for e in (w.nx_fumes, w.nx_shop, w.jb_fumes, w.jb_expired)]
    assert firsts == ["ZH0101", "SJ0001", "ZH0101", "SJ0005"]
    # 更正事项: the 南星 shop was really selling expired food; the 九堡 fumes suggestion is confirmed as it was.
    event_correct(event=w.nx_shop, by=w.carol, item_codes=["SJ0005"])
    event_correct(event=w.jb_fumes, by=w.carol, item_codes=["ZH0101"])
    w.year = timezone.localdate().year
    w.month = f"{timezone.localdate():%Y-%m}"
    return w


def test_kept_share_per_domain_and_month_in_each_jurisdiction(corrected):
    w = corrected
    table = routing_accuracy_for_user(user=w.carol, year=w.year)
    assert table.months == [w.month]
    cells = {d: (t.events, t.top1) for (m, d), t in table.cells.items()}
    assert cells == {"comprehensive": (2, 2), "market": (2, 1)}
    south = routing_accuracy_for_user(user=w.alice, year=w.year)
    assert {d: (t.events, t.top1) for (m, d), t in south.cells.items()} == {
        "comprehensive": (1, 1),
        "market": (1, 0),
    }
    assert routing_accuracy_for_user(user=w.carol, year=w.year - 1).cells == {}


def test_page_and_api_agree(corrected, clients):
    w = corrected
    res = clients["carol"].get("/dispatch/accuracy/", {"year": w.year})
    assert res.status_code == 200
    page = res.content.decode()
    assert "智能分类准确率" in page
    assert [(r["name"], r["total"]["percent"], r["total"]["events"]) for r in res.context["rows"]] == [
        ("综合执法", 100, 2),
        ("市场监管", 50, 2),
    ]
    assert '<span class="poor">50%</span><small>2 件</small>' in page
    assert '<span class="good">100%</span>' in page and "75%" in page  # 3 of 4 overall
    api = clients["carol"].get("/api/v1/dispatch/routing-accuracy", {"year": w.year}).json()
    assert (api["events"], api["kept"], api["share"]) == (4, 3, 0.75)
    market = next(d for d in api["domains"] if d["code"] == "market")
    assert market["months"] == [{"month": w.month, "events": 2, "kept": 1, "share": 0.5}]
    # 九堡's officer sees only 九堡 on both doors.
    bob_api = clients["bob"].get("/api/v1/dispatch/routing-accuracy", {"year": w.year}).json()
    assert (bob_api["events"], bob_api["kept"]) == (2, 2)
    assert [r["total"]["events"] for r in clients["bob"].get("/dispatch/accuracy/").context["rows"]] == [1, 1]


def test_bad_year_and_no_login(corrected, clients):
    res = clients["carol"].get("/dispatch/accuracy/", {"year": "去年"})
    assert res.status_code == 400 and "年份应为 2000 年至明年之间的数字" in res.content.decode()
    assert clients["carol"].get("/api/v1/dispatch/routing-accuracy", {"year": 1999}).status_code == 422
    assert clients["carol"].get("/api/v1/dispatch/routing-accuracy").status_code == 422
    from django.test import Client

    assert Client().get("/dispatch/accuracy/").status_code == 302
    assert Client().get("/api/v1/dispatch/routing-accuracy", {"year": 2026}).status_code == 401


def test_replay_and_command(corrected):
    w = corrected
    replayed = replay(user=None, year=w.year)
    assert replayed.total().events == 4
    out = io.StringIO()
    call_command("router_prequential", year=w.year, stdout=out)
    printed = out.getvalue()
    assert f"{w.year} 年 4 件已分类事件" in printed
    assert "市场监管\t2\t 50.0%" in printed and "合计\t4\t 75.0%" in printed
