"""The party's rating: only with the one-time secret, only after the visit, only once (also when two arrive at
once, on PostgreSQL), anonymous to the officers, read one by one by oversight, figures per unit and officer."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.codes.models import CodeRating
from zhifa.codes.selectors import rating_figures, rating_list_for_user
from zhifa.codes.services import code_rate, code_revoke, code_secret, rating_review
from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.inspections.records.services import inspection_answer, inspection_finish


def finish(w, result="compliant"):
    answers = [{"item": code, "result": result, "severity": "ordinary" if result == "violation" else ""}
               for code in ("ZH0101", "SJ0001")]  # fmt: skip
    inspection_answer(inspection=w.inspection, answers=answers, version=w.inspection.version, by=w.alice)
    inspection_finish(inspection=w.inspection, summary="", by=w.alice)
    w.inspection.refresh_from_db()


@pytest.fixture
def done(visit):
    finish(visit)
    return visit


def test_rating_needs_the_secret_and_works_once(done):
    w = done
    secret = code_secret(w.code)
    with pytest.raises(PermissionError_, match="评价码不正确"):
        code_rate(code=w.code, secret="AAAA-BBBB", score=1, problems=[])
    with pytest.raises(PermissionError_, match="评价码不正确"):
        code_rate(code=w.code, secret="", score=1, problems=[])
    assert CodeRating.objects.count() == 0
    rating = code_rate(code=w.code, secret=secret.lower().replace("-", " "), score=2, problems=["attitude"])
    assert (rating.score, rating.problems) == (2, ["attitude"])
    with pytest.raises(Conflict, match="只能使用一次"):
        code_rate(code=w.code, secret=secret, score=5, problems=[])
    assert CodeRating.objects.get().score == 2
    audit = AuditRecord.objects.get(action="codes.code_rate")
    assert audit.actor is None and audit.actor_repr == "公众（匿名评价）"


def test_bad_ratings_change_nothing(done):
    w = done
    secret = code_secret(w.code)
    for kwargs, field in (
        ({"score": 0}, "score"),
        ({"score": 6}, "score"),
        ({"score": "x"}, "score"),
        ({"score": 3, "problems": ["bribe"]}, "problems"),
        ({"score": 3, "comment": "长" * 501}, "comment"),
    ):
        with pytest.raises(ServiceError) as err:
            code_rate(code=w.code, secret=secret, **{"problems": [], **kwargs})
        assert err.value.errors[0]["field"] == field
    assert CodeRating.objects.count() == 0


def test_not_before_the_visit_is_done_nor_after_revocation_nor_too_late(visit, settings):
    w = visit
    secret = code_secret(w.code)
    with pytest.raises(ServiceError, match="尚未完成"):
        code_rate(code=w.code, secret=secret, score=4, problems=[])
    finish(w)
    later = timezone.now() + timedelta(days=settings.ZHIFA_CODE_RATING_DAYS + 1)
    with time_machine.travel(later), pytest.raises(ServiceError, match="已超过评价期限"):
        code_rate(code=w.code, secret=secret, score=4, problems=[])
    code_revoke(code=w.code, reason="误签发", by=w.alice)
    w.code.refresh_from_db()
    with pytest.raises(Conflict, match="已撤销"):
        code_rate(code=w.code, secret=secret, score=4, problems=[])
    assert CodeRating.objects.count() == 0


def test_guessing_the_secret_is_stopped(done):
    w = done
    for _ in range(10):
        with pytest.raises(PermissionError_, match="评价码不正确"):
            code_rate(code=w.code, secret="0000-0000", score=1, problems=[])
    with pytest.raises(PermissionError_, match="输错次数过多"):
        code_rate(code=w.code, secret=code_secret(w.code), score=1, problems=[])


def test_rating_on_the_public_page(done):
    w = done
    client = Client()
    page = client.get(f"/c/{w.code.token}").content.decode()
    assert 'id="rate"' in page and "未发现问题" in page  # the published result
    passer_by = client.post(f"/c/{w.code.token}/rate", {"secret": "", "score": "1"})
    assert passer_by.status_code == 400 and "请填写评价码" in passer_by.content.decode()
    wrong = client.post(f"/c/{w.code.token}/rate", {"secret": "ZZZZ-ZZZZ", "score": "1"})
    assert wrong.status_code == 403 and "评价码不正确" in wrong.content.decode()
    assert CodeRating.objects.count() == 0
    ok = client.post(
        f"/c/{w.code.token}/rate",
        {"secret": code_secret(w.code), "score": "4", "problems": ["disruption"], "comment": "时间稍长"},
    )
    assert ok.status_code == 302
    after = client.get(f"/c/{w.code.token}").content.decode()
    assert "感谢您的评价" in after and 'id="rate"' not in after
    again = client.post(f"/c/{w.code.token}/rate", {"secret": code_secret(w.code), "score": "1"})
    assert again.status_code == 409 and CodeRating.objects.get().score == 4


def test_rating_through_the_api(done):
    w = done
    url = "/api/v1/codes/rate"
    body = {"token": w.code.token, "secret": "1111-2222", "score": 5}
    assert Client().post(url, body, content_type="application/json").status_code == 403
    body["secret"] = code_secret(w.code)
    assert Client().post(url, body, content_type="application/json").status_code == 201
    assert Client().post(url, body, content_type="application/json").status_code == 409
    forged = {**body, "token": w.code.token[:-3] + "AAA"}
    assert Client().post(url, forged, content_type="application/json").status_code == 400


def test_ratings_are_anonymous_to_the_officers(done, clients):
    w = done
    code_rate(
        code=w.code, secret=code_secret(w.code), score=1, problems=["attitude", "rights"], comment="态度差"
    )
    with pytest.raises(PermissionError_):
        rating_list_for_user(user=w.alice)
    with pytest.raises(PermissionError_):
        rating_list_for_user(user=w.carol)  # the district command sees figures, not who said what
    with pytest.raises(PermissionError_):
        rating_figures(user=w.alice)
    assert [r.code.subject for r in rating_list_for_user(user=w.olga)] == [w.nanxing_shop]
    for name in ("alice", "bob", "otto"):
        assert clients[name].get("/codes/ratings/").status_code == 403, name
        assert clients[name].get("/api/v1/codes/ratings/figures").status_code == 403, name
    for name in ("alice", "olga", "carol"):  # the record and code pages do not tell the officers either
        record = clients[name].get(f"/inspections/records/{w.inspection.pk}/").content.decode()
        code_page = clients[name].get(f"/codes/{w.code.code_id}/").content.decode()
        for page in (record, code_page):
            assert "态度差" not in page and "1 分" not in page
    command = clients["carol"].get("/codes/ratings/").content.decode()
    assert (
        "南星街道综合行政执法队" in command and "态度差" not in command and w.nanxing_shop.name not in command
    )
    oversight = clients["olga"].get("/codes/ratings/").content.decode()
    assert "态度差" in oversight and w.nanxing_shop.name in oversight


def test_figures_per_unit_and_officer_and_review(done):
    w = done
    code_rate(code=w.code, secret=code_secret(w.code), score=2, problems=["attitude"])
    figures = rating_figures(user=w.carol)
    assert figures["total"]["n"] == 1 and figures["total"]["low_open"] == 1
    assert figures["units"] == [
        {"n": 1, "avg": 2.0, "low": 1, "low_open": 1, "unit": "南星街道综合行政执法队"}
    ]
    assert sorted(o["certificate_no"] for o in figures["officers"]) == ["ZJ-TEST-0001", "ZJ-TEST-0003"]
    assert figures["problems"] == [{"problem": "attitude", "label": "态度生硬、不文明", "n": 1}]
    rating = CodeRating.objects.get()
    with pytest.raises(PermissionError_):
        rating_review(rating=rating, note="已约谈", by=w.carol)
    with pytest.raises(ServiceError, match="请填写核查情况"):
        rating_review(rating=rating, note="", by=w.olga)
    rating_review(rating=rating, note="已调取执法记录仪视频并约谈", by=w.olga)
    assert rating_figures(user=w.olga)["total"]["low_open"] == 0
    with pytest.raises(Conflict):
        rating_review(rating=rating, note="再次", by=w.olga)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two connections at once: PostgreSQL's row locks"
)
def test_two_ratings_at_once_only_one_counts(rec, settings):
    """Two phones send the secret at the same moment: one rating is kept, the other is refused."""
    from tests.inspections.test_records import start
    from zhifa.codes.models import ActionCode

    w = rec
    w.inspection = start(w)
    finish(w)
    code = ActionCode.objects.get(inspection=w.inspection)
    secret = code_secret(code)
    barrier = threading.Barrier(2)
    outcomes = []

    def rate_once(score):
        try:
            barrier.wait(timeout=10)
            code_rate(code=code, secret=secret, score=score, problems=[])
            outcomes.append("ok")
        except Exception as err:  # anything else is a failure the assertion below shows
            outcomes.append(type(err).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=rate_once, args=(s,)) for s in (1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["Conflict", "ok"], outcomes
    assert CodeRating.objects.count() == 1


def test_dashboard_section(done, clients):
    w = done
    code_rate(code=w.code, secret=code_secret(w.code), score=1, problems=[])
    command = clients["carol"].get("/").content.decode()
    assert (
        'id="codes"' in command and '检查亮码率 <strong class="ok">100.0%</strong>（1 / 1 次检查）' in command
    )
    assert '低分待核查 <strong class="bad">1</strong> 条' in command and "南星街道综合行政执法队" in command
    officer = clients["alice"].get("/").content.decode()
    assert 'id="code-share"' in officer and 'id="code-low-open"' not in officer  # no ratings for officers
    assert 'id="codes"' not in clients["otto"].get("/").content.decode()
