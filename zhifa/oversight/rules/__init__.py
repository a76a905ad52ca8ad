"""预警模型: each model is a named rule with tunable parameters, answered by queries over the records.

A model yields Findings (engine.oversight): one per problem, with a key that stays the same while the problem
stands, the unit that answers for it, and the records behind it. The scan (services.oversight_scan) turns them
into warnings. Models read cases, inspections, events and codes, and never write.
"""

from __future__ import annotations

from contextlib import suppress

from zhifa.codes.choices import LOW_SCORE
from zhifa.oversight.rules.base import WINDOW, Model, Param  # noqa: F401 (the package's names)
from zhifa.oversight.rules.cases import (
    find_case_clock,
    find_fine_at_maximum,
    find_fine_outside_band,
    find_fine_peer_outlier,
    find_major_without_review,
)
from zhifa.oversight.rules.events import find_event_low_rating, find_event_returned, find_event_unanswered
from zhifa.oversight.rules.evidence import find_evidence_missing, find_evidence_withdrawn
from zhifa.oversight.rules.inspections import (
    find_conflicted_officer,
    find_department_over_cap,
    find_low_rating,
    find_over_inspected,
    find_same_pair,
    find_too_few_officers,
    find_unfinished_inspection,
    find_unqualified_officer,
    find_without_code,
)
from zhifa.oversight.rules.outcomes import (
    find_fine_unpaid,
    find_first_violation_misuse,
    find_publish_late,
    find_violation_without_case,
)

MODELS: tuple[Model, ...] = (
    Model(
        "case_clock",
        "案件期限临近或超期",
        "《行政处罚法》第六十条（90 日内作出决定）、第六十一条（7 日内送达）、第六十七条（15 日内缴纳）及决定公示期限",
        "在办案件最近的法定期限在 N 天内到期（提醒）或已超期（预警），每个案件每项期限一条。",
        {"warn_days": Param("提前提醒天数", 3, 0, 30)},
        find_case_clock,
    ),
    Model(
        "fine_outside_band",
        "罚款超出裁量基准未经法制审核",
        "《行政处罚法》第三十四条（裁量基准）、第五十八条（法制审核）",
        "案由的拟罚款或决定罚款不在裁量基准范围内，且案件没有通过的法制审核。",
        {"window_days": WINDOW},
        find_fine_outside_band,
    ),
    Model(
        "fine_at_maximum",
        "罚款反复顶格",
        "《行政处罚法》第五条（过罚相当）",
        "某单位回看期内决定的罚款中，按裁量基准上限处罚的比例达到阈值。",
        {
            "window_days": WINDOW,
            "min_fines": Param("最少罚款笔数", 5, 2, 1000),
            "max_share": Param("顶格比例阈值（%）", 60, 1, 100),
        },
        find_fine_at_maximum,
    ),
    Model(
        "fine_peer_outlier",
        "同一事项罚款偏离同类单位",
        "《行政处罚法》第三十四条（裁量基准）：同类违法行为处罚相当",
        "某单位对同一事项决定罚款的中位数与其他单位的中位数相比，稳健 z 值超过阈值（点名比较单位）。",
        {
            "window_days": WINDOW,
            "min_cases": Param("每单位最少案件数", 3, 1, 100),
            "min_peers": Param("最少比较单位数", 3, 2, 50),
            "z": Param("稳健 z 值阈值", 3.5, 1, 10, integer=False),
        },
        find_fine_peer_outlier,
    ),
    Model(
        "major_without_review",
        "应审未审或审核人参与办案",
        "《行政处罚法》第五十八条",
        "有法制审核事由的案件已作出决定，但没有通过的法制审核，或审核人是本案办案人员。",
        {"window_days": WINDOW},
        find_major_without_review,
    ),
    Model(
        "too_few_officers",
        "执法人员少于两人",
        "《行政处罚法》第四十二条",
        "检查（执法体检除外）或案件的执法人员少于规定人数。",
        {"window_days": WINDOW, "min_officers": Param("最少执法人员", 2, 1, 5)},
        find_too_few_officers,
    ),
    Model(
        "conflicted_officer",
        "应回避未回避",
        "《行政处罚法》第四十三条（回避）",
        "已申报与某对象存在利害关系的执法人员参加了对该对象的检查。",
        {"window_days": WINDOW},
        find_conflicted_officer,
    ),
    Model(
        "over_inspected",
        "同一对象检查过频（扰企）",
        "《优化营商环境条例》关于减少检查频次、避免重复检查的规定",
        "同一监管对象在回看期内被各部门检查的次数合计超过全区上限。",
        {"window_days": WINDOW, "cap": Param("检查次数上限", 4, 1, 100)},
        find_over_inspected,
    ),
    Model(
        "same_pair",
        "同一组合反复检查同一对象",
        "双随机一公开：随机选派执法检查人员",
        "同一对执法人员在回看期内对同一对象同组检查达到 N 次。",
        {"window_days": WINDOW, "min_repeat": Param("同组检查次数", 3, 2, 50)},
        find_same_pair,
    ),
    Model(
        "without_code",
        "检查未亮行政行为码",
        "浙江省行政行为码应用规定：入企检查先亮码",
        "回看期内完成的检查没有签发行政行为码。",
        {"window_days": Param("回看天数", 90, 1, 3660)},
        find_without_code,
    ),
    Model(
        "low_rating",
        "企业评价低分未核查",
        "行政行为码评价：低分评价由执法监督核查",
        f"当事人对执法行为评分不高于 N 分（默认 {LOW_SCORE} 分），执法监督尚未核查。",
        {"window_days": WINDOW, "max_score": Param("低分上限", LOW_SCORE, 1, 4)},
        find_low_rating,
    ),
    Model(
        "unfinished_inspection",
        "检查开始后长期未完成",
        "《行政处罚法》第四十七条（全过程记录）",
        "检查记录开始后超过 N 天仍未完成。",
        {"max_days": Param("完成期限（天）", 3, 1, 90)},
        find_unfinished_inspection,
    ),
    Model(
        "event_unanswered",
        "事件办结未答复反映人",
        "《信访工作条例》及 12345 热线办理规范：办理结果答复诉求人",
        "有反映人的事件已办结，但没有答复内容或答复时间。",
        {"window_days": WINDOW},
        find_event_unanswered,
    ),
    Model(
        "event_returned",
        "事件多次退单",
        "区街两级协调指挥：首接负责、不推诿",
        "同一事件被退单达到 N 次。",
        {"window_days": WINDOW, "min_returns": Param("退单次数", 2, 1, 20)},
        find_event_returned,
    ),
    Model(
        "event_low_rating",
        "事件处置评价低",
        "群众满意度评价",
        "反映人对事件办理的评价不高于 N 分。",
        {"window_days": WINDOW, "max_score": Param("低分上限", 2, 1, 4)},
        find_event_low_rating,
    ),
    Model(
        "evidence_missing",
        "证据不全即告知或决定",
        "《行政处罚法》第四十条（事实不清、证据不足不得处罚）、第四十四条（告知）；执法事项证据清单",
        "案件已告知或已作出决定（简易程序除外），但执法事项证据清单要求的证据缺失或已撤回，或案件没有任何有效证据"
        "（导入的数据或绕过告知前的证据核验）。",
        {"window_days": WINDOW},
        find_evidence_missing,
    ),
    Model(
        "violation_without_case",
        "检查发现违法未立案",
        "《行政处罚法》第五十四条（发现违法行为应当立案）",
        "检查发现情节不低于设定等级（1 轻微、2 一般、3 严重）的违法行为，N 天后既未立案，也未记录不予立案或不予处罚的理由"
        "（检查所生事件以服务、管理方式办结的除外）。",
        {
            "window_days": WINDOW,
            "days": Param("立案期限（天）", 15, 1, 180),
            "min_severity": Param("情节起点（1 轻微、2 一般、3 严重）", 2, 1, 3),
        },
        find_violation_without_case,
    ),
    Model(
        "first_violation_misuse",
        "首违不罚适用不当",
        "《行政处罚法》第三十三条第一款；本区首违不罚清单",
        "清单事项的当事人首次违法、情节轻微、已改正且无危害后果却被罚款；或回看年限内已有同类违法（违法记录或案件）却按首违不罚处理。",
        {"window_days": WINDOW},
        find_first_violation_misuse,
    ),
    Model(
        "unqualified_officer",
        "执法人员无相应执法资格",
        "《行政处罚法》第四十二条（具有行政执法资格的执法人员实施）",
        "检查人员不具备该次检查任一领域的执法资格，或办案人员不具备案由所属领域（赋权事项为综合执法）的执法资格。",
        {"window_days": WINDOW},
        find_unqualified_officer,
    ),
    Model(
        "department_over_cap",
        "同一部门对同一对象检查过频",
        "《优化营商环境条例》关于减少检查频次的规定；部门检查频次上限",
        "同一执法单位（按检查人员所在队伍，联合检查各单位各计一次）在回看期内对同一对象的检查（投诉核查、执法体检除外）"
        "超过本单位上限（有的地方规定每个部门每年不超过 2 次；本区默认 3 次）。",
        {"window_days": WINDOW, "cap": Param("本单位检查次数上限", 3, 1, 50)},
        find_department_over_cap,
    ),
    Model(
        "publish_late",
        "处罚决定未按时公示",
        "《行政处罚法》第四十八条；本区决定公示期限（默认七个工作日，ZHIFA_CASE_RULES）",
        "应当公开的处罚决定超过公示期限（加宽限天数）仍未公示，在办或已结案均计。",
        {"window_days": WINDOW, "grace_days": Param("宽限天数", 0, 0, 60)},
        find_publish_late,
    ),
    Model(
        "fine_unpaid",
        "罚款逾期未缴未申请强制执行",
        "《行政处罚法》第七十二条；《行政强制法》第五十三条（期限届满之日起三个月内申请人民法院强制执行）",
        "罚款未缴清，当事人起诉期限届满 N 天后仍未申请强制执行；申请期限（届满后三个月）已过为红色。",
        {
            "window_days": Param("回看天数（送达日）", 730, 1, 3660),
            "grace_days": Param("起诉期限届满后天数", 30, 0, 90),
        },
        find_fine_unpaid,
    ),
    Model(
        "evidence_withdrawn",
        "证据被采纳后撤回",
        "证据互通互认：采纳的证据应保持来源可查、内容稳定",
        "事件证据被其他单位采纳或引入案件后被收集单位撤回，或移送案件采纳的证据在原案被撤回；由撤回单位说明，点名采纳单位。",
        {"window_days": WINDOW},
        find_evidence_withdrawn,
    ),
)

MODELS_BY_CODE = {m.code: m for m in MODELS}


def merged_params(model: Model, stored: dict) -> dict:
    """The model's defaults overlaid with the district's stored values (a new parameter gets its default)."""
    params = model.defaults()
    for key, value in (stored or {}).items():
        if key in model.params:
            # A stored value that no longer fits leaves the default in force.
            with suppress(ValueError):
                params[key] = model.params[key].clean(value)
    return params
