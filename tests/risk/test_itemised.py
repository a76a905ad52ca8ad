"""A risk score is the sum of the lines its page and API list (the policy's base points included); an
inspection's own 巡查发现 event is not a complaint; after an inspection is finished the score and its lines are
already current, so 重新评定 changes nothing."""

import re

import pytest

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.inspections.test_records import rec, start  # noqa: F401 (fixture)
from tests.subjects.conftest import subjects  # noqa: F401 (fixture)
from zhifa.dispatch.choices import Channel
from zhifa.dispatch.events.intake import event_intake
from zhifa.inspections.records.services import inspection_answer, inspection_finish
from zhifa.risk.models import SubjectRisk
from zhifa.risk.services import risk_assess, risk_policy_publish
from zhifa.subjects.services import subject_link_event


def _lines(html: str) -> tuple[list[tuple[str, float]], float]:
    """(factor label, points) of each row of the page's risk table, and the total the page states."""
    table = html[html.index('id="risk"') :]
    table = table[: table.index("</table>")]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td class=\"num\">(-?[\d.]+)</td></tr>", body)
    total = re.search(r'id="risk-total">(-?[\d.]+)<', table).group(1)
    return [(label, float(points)) for label, _, points in rows], float(total)


def _by_factor(risk: SubjectRisk) -> dict[str, dict]:
    return {r["factor"]: r for r in risk.reasons}


def test_page_and_api_list_lines_that_add_up_to_the_score(rec, clients):  # noqa: F811
    w = rec
    risk = SubjectRisk.objects.get(subject=w.nanxing_shop)
    # A-credit eatery (H62: high inherent risk) in one scenario, never inspected:
    # 10 base − 5 credit + 14 industry + 12 never inspected + 6 scenario = 37.
    assert risk.score == 37.0
    lines, total = _lines(clients["alice"].get(f"/subjects/{w.nanxing_shop.pk}/").content.decode())
    assert lines[0] == ("基础分", 10.0)
    assert ("距上次检查时间", 12.0) in lines and ("信用等级", -5.0) in lines
    assert total == 37.0 and sum(p for _, p in lines) == pytest.approx(37.0)
    body = clients["alice"].get(f"/api/v1/risk/subjects/{w.nanxing_shop.pk}").json()
    assert body["reasons"][0] == {
        "factor": "base",
        "factor_label": "基础分",
        "label": "每户的起点分（现行策略）",
        "points": 10.0,
    }
    assert sum(r["points"] for r in body["reasons"]) == pytest.approx(body["score"])
    # 九堡's firm is out of 南星's officer's sight, on the page and the API.
    assert clients["alice"].get(f"/subjects/{w.jiubao_firm.pk}/").status_code == 404
    assert clients["alice"].get(f"/api/v1/risk/subjects/{w.jiubao_firm.pk}").status_code == 404


def test_a_clipped_score_says_what_the_clip_took(rec, clients):  # noqa: F811
    w = rec
    risk_policy_publish(data={"intercept": 95}, note="测试封顶", by=w.carol)
    risk = risk_assess(subject=w.nanxing_shop, by=w.alice)
    assert risk.score == 100.0
    clip = _by_factor(risk)["clip"]
    assert (clip["factor_label"], clip["points"]) == ("计分范围", -22.0)  # 95 + 27 = 122, kept at 100
    assert sum(r["points"] for r in risk.reasons) == pytest.approx(100.0)
    lines, total = _lines(clients["alice"].get(f"/subjects/{w.nanxing_shop.pk}/").content.decode())
    assert ("计分范围", -22.0) in lines and total == 100.0


def test_a_finished_inspection_leaves_the_score_current(rec, clients):  # noqa: F811
    w = rec
    i = start(w)
    inspection_answer(
        inspection=i,
        answers=[
            {"item": "ZH0101", "result": "violation", "severity": "ordinary", "note": "排烟管道直排"},
            {"item": "SJ0001", "result": "compliant"},
        ],
        version=1,
        by=w.alice,
    )
    outcome = inspection_finish(inspection=i, summary="责令整改", start_event=True, by=w.alice)
    assert outcome.event_receipt_no  # its own 巡查发现 event, linked to the shop
    risk = SubjectRisk.objects.get(subject=w.nanxing_shop)
    lines = _by_factor(risk)
    assert lines["since_inspection"]["label"] == "距上次检查 0.0 个月"
    assert lines["since_inspection"]["points"] == 0.0
    assert lines["complaints"]["label"] == "近12个月投诉 0 件"  # the inspection's event is no complaint
    assert lines["violations"]["points"] == 6.0  # one 一般 violation today: weight 3 × 2
    # 37 − 12 (inspected today) + 6 (the violation) = 31: yellow by the score, and by the finding.
    assert (risk.score, risk.colour) == (31.0, "yellow")
    html = clients["alice"].get(f"/subjects/{w.nanxing_shop.pk}/").content.decode()
    assert "从未检查" not in html
    page_lines, total = _lines(html)
    assert total == 31.0 and sum(p for _, p in page_lines) == pytest.approx(31.0)
    again = risk_assess(subject=w.nanxing_shop, by=w.alice)
    assert (again.score, again.colour) == (31.0, "yellow")  # nothing was stale


def test_a_public_complaint_still_counts(rec):  # noqa: F811
    w = rec
    event = event_intake(
        channel=Channel.WEB,
        description="小吃店油烟直排，熏到楼上住户",
        lng=w.nanxing_shop.lng,
        lat=w.nanxing_shop.lat,
        address=w.nanxing_shop.address,
        by=None,
    )
    subject_link_event(subject=w.nanxing_shop, event=event, by=w.alice)
    risk = risk_assess(subject=w.nanxing_shop, by=w.alice)
    assert _by_factor(risk)["complaints"]["label"] == "近12个月投诉 1 件"
    assert risk.score == 41.0  # 37 + 4 for the complaint
