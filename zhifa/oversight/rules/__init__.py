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
from zhifa.oversight.rules.inspections import (
    find_conflicted_officer,
    find_low_rating,
    find_over_inspected,
    find_same_pair,
    find_too_few_officers,
    find_unfinished_inspection,
    find_without_code,
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
