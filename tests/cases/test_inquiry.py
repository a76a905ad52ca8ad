"""询问笔录 made in the system: typed as 问／答, checked, numbered per case, printed with the interviewers'
certificates for signing; both doors; refused outside the investigation and for other subdistricts."""

import json
from datetime import date

import pytest

from tests.cases.conftest import at, open_case, printed
from tests.conftest import client_for
from zhifa.cases import services as svc
from zhifa.cases.choices import DocumentKind
from zhifa.cases.forms import questions_from_text
from zhifa.core.errors import ServiceError
from zhifa.engine.idcard import id_make

VALID_ID = id_make(born=date(1990, 1, 1), sequence=123)
WRONG_CHECK = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
QA = [
    {
        "question": "我们是南星街道综合行政执法队的执法人员，这是我们的执法证件，请你看一下。",
        "answer": "看清楚了。",
    },
    {"question": "你店的油烟净化设施是否正常使用？", "answer": "这几天坏了，还没修。"},
]


def _record(w, case, **kw):
    values = {
        "case": case,
        "interviewee": {"name": "测试店长", "relation": "负责人", "phone": "13900000000"},
        "started_at": at(2026, 3, 2, 9),
        "ended_at": at(2026, 3, 2, 10),
        "place": "南星街道示例路8号店内",
        "questions": QA,
        "by": w.alice,
    }
    values.update(kw)
    return svc.case_inquiry_record(**values)


def test_an_inquiry_is_numbered_and_prints_for_signing(cw, clock):
    w = cw
    clock.move_to(at(2026, 3, 2, 11))
    case = svc.case_investigate(case=open_case(w), by=w.alice)
    _record(w, case)
    _record(w, case, questions=[{"question": "还有补充吗？", "answer": "没有了。"}])
    first, second = case.documents.filter(kind=DocumentKind.INQUIRY).order_by("pk")
    assert (first.data["sequence"], second.data["sequence"]) == (1, 2)
    assert first.data["interviewee"]["relation"] == "负责人" and first.data["recorder"] == "测试队员甲"
    text = printed(first)
    assert "询问笔录" in text and "测试店长" in text and "南星街道示例路8号店内" in text
    assert "你店的油烟净化设施是否正常使用？" in text and "这几天坏了，还没修。" in text
    assert "ZJ-TEST-0001" in text and "ZJ-TEST-0003" in text  # two officers with their certificates
    assert case.steps.filter(action="inquiry").count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"questions": []}, "请至少记录一问一答"),
        ({"questions": [{"question": "你是谁？", "answer": ""}]}, "请填写第 1 问的回答"),
        ({"ended_at": at(2026, 3, 2, 8)}, "询问结束时间不能早于开始时间"),
        ({"ended_at": at(2026, 3, 3, 9), "started_at": at(2026, 3, 3, 8)}, "询问结束时间不能晚于现在"),
        ({"interviewee": {"name": ""}}, "请填写被询问人姓名"),
        ({"interviewee": {"name": "测试店长", "id_number": WRONG_CHECK}}, "被询问人身份证号码有误"),
    ],
)
def test_bad_records_are_refused_with_their_reason_and_nothing_written(cw, clock, change, message):
    w = cw
    clock.move_to(at(2026, 3, 2, 11))
    case = svc.case_investigate(case=open_case(w), by=w.alice)
    with pytest.raises(ServiceError, match=message):
        _record(w, case, **change)
    assert not case.documents.filter(kind=DocumentKind.INQUIRY).exists()


def test_typed_questions_and_answers_are_paired():
    assert questions_from_text(
        "问：你是谁？\n答：店长。\n问：营业执照呢？\n答：在墙上\n挂着。\n\n问：还有吗？"
    ) == [
        {"question": "你是谁？", "answer": "店长。"},
        {"question": "营业执照呢？", "answer": "在墙上\n挂着。"},
        {"question": "还有吗？", "answer": ""},
    ]


def test_both_doors_and_the_other_side(cw, clock):
    w = cw
    clock.move_to(at(2026, 3, 2, 11))
    case = svc.case_investigate(case=open_case(w), by=w.alice)
    form = {
        "interviewee": "测试店长",
        "relation": "负责人",
        "started_at": "2026-03-02T09:00",
        "ended_at": "2026-03-02T09:40",
        "place": "店内",
        "qa": "问：油烟净化器开着吗？\n答：没开。",
    }
    alice = client_for(w.alice)
    assert "制作询问笔录" in alice.get(f"/cases/{case.pk}/").content.decode()
    res = alice.post(f"/cases/{case.pk}/act/inquiry/", form)
    assert res.status_code == 302
    res = alice.post(f"/cases/{case.pk}/act/inquiry/", {**form, "qa": "问：油烟净化器开着吗？"})
    assert res.status_code == 400 and "请填写第 1 问的回答" in res.content.decode()
    body = {
        "interviewee": {"name": "测试员工", "relation": "员工"},
        "started_at": "2026-03-02T10:00:00+08:00",
        "ended_at": "2026-03-02T10:20:00+08:00",
        "place": "店内",
        "questions": [{"question": "你在店里做什么？", "answer": "厨师。"}],
    }
    res = alice.post(f"/api/v1/cases/{case.pk}/inquiry", json.dumps(body), content_type="application/json")
    assert res.status_code == 200, res.content
    assert [d["kind"] for d in res.json()["documents"]].count("inquiry") == 2
    url = f"/api/v1/cases/{case.pk}/inquiry"
    assert client_for(w.bob).post(url, json.dumps(body), content_type="application/json").status_code == 404
    res = client_for(w.olga).post(url, json.dumps(body), content_type="application/json")
    assert res.status_code == 403
    assert case.documents.filter(kind=DocumentKind.INQUIRY).count() == 2
