"""Sample data for every enforcement document: for previewing a district's templates, the tests and the
benchmark. Names, numbers and codes are synthetic (示例); the legal bases are real articles.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

_TZ = ZoneInfo("Asia/Shanghai")

AGENCY = {
    "name": "杭州市上城区综合行政执法局",
    "review_body": "杭州市上城区人民政府",
    "address": "杭州市上城区示例路1号",
    "contact": "王示例",
    "phone": "0571-00000000",
}
COMPANY = {
    "kind": "organisation",
    "name": "示例某某餐饮管理有限公司",
    "uscc": "91330102MA2CEK8Q63",
    "address": "杭州市上城区示例街88号",
    "legal_representative": "测试甲",
    "phone": "13800000000",
}
PERSON = {
    "kind": "person",
    "name": "测试乙",
    "id_number": "330102199001010000",
    "address": "杭州市上城区示例小区1幢1单元101室",
    "phone": "13900000000",
}
OFFICERS = [
    {"name": "王示例", "certificate_number": "33010000TEST01"},
    {"name": "李示例", "certificate_number": "33010000TEST02"},
]
CAUSE = "未经同意擅自设置大型户外广告影响市容"
LEGAL_BASIS = "《城市市容和环境卫生管理条例》第十一条"
PENALTY_BASIS = "《城市市容和环境卫生管理条例》第三十六条第（一）项"
FACTS = (
    "2026年1月12日，执法人员在日常巡查中发现，当事人在其经营场所楼顶擅自设置大型广告牌一块"
    "（长6米、高2米），未经市容环境卫生行政主管部门同意，影响市容。\n"
    "当事人于2026年1月13日自行拆除了上述广告牌。"
)
EVIDENCE = [
    "现场检查笔录一份",
    "询问笔录一份",
    "现场照片四张",
    "当事人营业执照复印件一份",
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=_TZ)


def document_samples() -> dict[str, dict]:
    """A complete context for each document, by template name."""
    found = dt.date(2026, 1, 12)
    filed = dt.date(2026, 1, 14)
    return {
        "case_filing_approval": {
            "agency": AGENCY,
            "number": "杭上综执立字〔2026〕第35号",
            "cause": CAUSE,
            "source": "日常巡查",
            "found_on": found,
            "parties": [COMPANY],
            "facts": FACTS,
            "legal_basis": LEGAL_BASIS,
            "officers": OFFICERS,
            "proposal": "当事人涉嫌违反" + LEGAL_BASIS + "的规定，符合立案条件，建议立案调查。",
            "proposed_on": found,
            "department_opinion": {"text": "同意立案。", "signer": "赵示例", "signed_on": filed},
            "leader_opinion": None,
        },
        "site_inspection_record": {
            "agency": AGENCY,
            "started_at": _at(found, 9, 30),
            "ended_at": _at(found, 10, 15),
            "place": "杭州市上城区示例街88号",
            "inspectors": OFFICERS,
            "recorder": "李示例",
            "party": COMPANY,
            "present_person": {"name": "测试丙", "position": "店长", "phone": "13700000000"},
            "findings": (
                "经检查，当事人经营场所楼顶设有大型广告牌一块，长约6米、高约2米，"
                "内容为该店促销信息。现场负责人未能出示市容环境卫生行政主管部门同意设置的文件。"
            ),
            "evidence": ["现场拍摄照片四张", "执法记录仪录像一段"],
            "measures": "当场告知当事人立即自行拆除。",
            "party_opinion": "情况属实，我们马上拆除。",
        },
        "inquiry_record": {
            "agency": AGENCY,
            "cause": CAUSE,
            "started_at": _at(dt.date(2026, 1, 15), 14, 0),
            "ended_at": _at(dt.date(2026, 1, 15), 14, 40),
            "place": "杭州市上城区综合行政执法局询问室",
            "interviewers": OFFICERS,
            "recorder": "李示例",
            "interviewee": {
                "name": "测试丙",
                "gender": "女",
                "id_number": "330102199202020000",
                "phone": "13700000000",
                "employer": COMPANY["name"],
                "position": "店长",
                "relation": "当事人的店长，受法定代表人委托",
            },
            "questions": [
                {"question": "楼顶的广告牌是谁设置的？", "answer": "是我们店里设置的，用于宣传促销活动。"},
                {"question": "设置前是否取得有关部门的批准？", "answer": "没有，我们不知道需要审批。"},
                {"question": "广告牌设置了多长时间？", "answer": "大约一个星期，1月13日已经拆除。"},
            ],
        },
        "correction_order": {
            "agency": AGENCY,
            "number": "杭上综执责改字〔2026〕第7号",
            "party": COMPANY,
            "facts": "经查，" + FACTS.splitlines()[0],
            "legal_basis": LEGAL_BASIS,
            "order_basis": "《中华人民共和国行政处罚法》第二十八条第一款",
            "deadline": dt.date(2026, 1, 15),
            "requirements": "自行拆除擅自设置的大型广告牌。",
            "issued_on": found,
        },
        "penalty_notice": {
            "agency": AGENCY,
            "number": "杭上综执罚告字〔2026〕第9号",
            "party": COMPANY,
            "cause": CAUSE,
            "filed_on": filed,
            "facts": FACTS,
            "evidence": EVIDENCE,
            "legal_basis": LEGAL_BASIS,
            "penalty_basis": PENALTY_BASIS,
            "discretion": "鉴于当事人能主动拆除，依据本局裁量基准，属一般情形。",
            "penalties": [],
            "fine": Decimal("5000"),
            "hearing_right": True,
            "issued_on": dt.date(2026, 2, 2),
        },
        "hearing_notice": {
            "agency": AGENCY,
            "number": "杭上综执听通字〔2026〕第2号",
            "party": COMPANY,
            "cause": CAUSE,
            "requested_on": dt.date(2026, 2, 4),
            "hearing_at": _at(dt.date(2026, 2, 16), 9, 30),
            "place": "杭州市上城区综合行政执法局听证室",
            "host": "周示例",
            "members": ["吴示例"],
            "clerk": "郑示例",
            "notified_on": dt.date(2026, 2, 6),
        },
        "penalty_decision": {
            "agency": AGENCY,
            "number": "杭上综执罚决字〔2026〕第12号",
            "party": COMPANY,
            "cause": CAUSE,
            "filed_on": filed,
            "facts": FACTS,
            "evidence": EVIDENCE,
            "notice_number": "杭上综执罚告字〔2026〕第9号",
            "notice_served_on": dt.date(2026, 2, 2),
            "statement": "当事人在法定期限内未提出陈述、申辩，也未要求听证。",
            "legal_basis": LEGAL_BASIS,
            "penalty_basis": PENALTY_BASIS,
            "discretion": "鉴于当事人能主动拆除，依据本局裁量基准，属一般情形。",
            "penalties": [],
            "fine": Decimal("5000"),
            "issued_on": dt.date(2026, 2, 20),
        },
        "no_penalty_decision": {
            "agency": AGENCY,
            "number": "杭上综执不罚字〔2026〕第3号",
            "party": PERSON,
            "cause": "擅自在公共场所堆放杂物",
            "filed_on": filed,
            "facts": "2026年1月12日，当事人在其住所楼道公共区域堆放纸箱等杂物，经执法人员指出后当即清理完毕。",
            "evidence": ["现场检查笔录一份", "现场照片二张"],
            "legal_basis": "《杭州市城市市容和环境卫生管理条例》",
            "reasons": "当事人的违法行为轻微并及时改正，没有造成危害后果",
            "no_penalty_basis": "《中华人民共和国行政处罚法》第三十三条第一款",
            "education": "本机关已对当事人进行了批评教育。",
            "issued_on": dt.date(2026, 1, 20),
        },
        "service_receipt": {
            "agency": AGENCY,
            "case_number": "杭上综执立字〔2026〕第35号",
            "documents": [{"title": "行政处罚决定书", "number": "杭上综执罚决字〔2026〕第12号"}],
            "recipient": COMPANY["name"],
            "address": COMPANY["address"],
            "method": "直接送达",
            "servers": ["王示例", "李示例"],
            "served_at": None,
        },
        "case_closing_report": {
            "agency": AGENCY,
            "case_number": "杭上综执立字〔2026〕第35号",
            "cause": CAUSE,
            "parties": [COMPANY],
            "filed_on": filed,
            "decision_number": "杭上综执罚决字〔2026〕第12号",
            "decided_on": dt.date(2026, 2, 20),
            "outcome": "罚款人民币伍仟元整。",
            "fine": Decimal("5000"),
            "paid": Decimal("5000"),
            "execution": "当事人于2026年2月27日通过电子支付系统缴纳罚款人民币5,000.00元。",
            "closing_reason": "行政处罚决定已执行完毕。",
            "officers": OFFICERS,
            "proposed_on": dt.date(2026, 3, 2),
        },
        "record_form": {
            "agency": AGENCY,
            "heading": "法制审核意见书",
            "number": "杭上综执立字〔2026〕第35号",
            "rows": [
                {"label": "当事人", "text": COMPANY["name"]},
                {"label": "案由", "text": CAUSE},
                {"label": "审核意见", "text": "事实清楚，证据确凿，适用依据正确，程序合法，处罚适当。"},
                {"label": "审核人", "text": "赵示例"},
            ],
            "issued_on": dt.date(2026, 2, 18),
        },
    }
