"""Risk coding engine: reasons, thresholds, frequency policy, colour after a result, vectorised == per-record,
and the learned model on a table whose true signal is known."""

import json
import math
import pickle
import random
from datetime import date, timedelta

import numpy as np
import pytest

from zhifa.engine.risk import (
    COLOURS,
    DEFAULT_POLICY,
    FACTORS,
    RiskPolicy,
    RiskRecord,
    after_inspection,
    columns_from_records,
    due_inspections,
    score_many,
    score_one,
    violation_load,
)
from zhifa.engine.risk_model import RiskModel, TableError, read_table
from zhifa.engine.risk_synthetic import synthetic_outcome_table, synthetic_population


def test_credit_d_and_five_complaints_are_the_top_reasons_with_their_points():
    result = score_one(RiskRecord(credit="D", complaints_12m=5, months_since_inspection=3, industry="F52"))
    first, second = result.reasons[:2]
    assert (first.factor, first.label, first.value, first.points) == ("credit", "信用等级 D 级", "D", 25.0)
    assert (second.factor, second.label, second.value, second.points) == (
        "complaints",
        "近12个月投诉 5 件",
        5,
        20.0,
    )
    assert [r.factor for r in result.reasons[2:4]] == ["industry", "since_inspection"]
    assert result.reasons[2].points == 6.0 and result.reasons[3].points == pytest.approx(1.0)
    # 10 (base) + 25 + 20 + 6 + 1
    assert result.score == pytest.approx(62.0)
    assert result.colour == "red" and result.colour_label == "红码"
    assert result.top(2)[0].text == "信用等级 D 级（+25.0 分）"
    assert len(result.reasons) == len(FACTORS)


def test_a_credit_a_wholesaler_recently_inspected_is_green_and_says_why():
    result = score_one(
        RiskRecord(credit="A", months_since_inspection=2, industry="F5132", months_open=60, complaints_12m=0)
    )
    assert result.colour == "green"
    assert result.score == pytest.approx(10 - 5 + 4 * 2 / 12)
    assert result.reasons[-1].factor == "credit" and result.reasons[-1].points == -5.0
    assert [r.factor for r in result.top()] == ["since_inspection"]
    industry = next(r for r in result.reasons if r.factor == "industry")
    assert industry.label == "行业固有风险低（F5132）" and industry.points == 0.0


def test_never_inspected_new_restaurant_and_its_labels():
    result = score_one(RiskRecord(industry="H6210", months_open=2, scenarios=1))
    labels = {r.factor: (r.label, r.points) for r in result.reasons}
    assert labels["since_inspection"] == ("从未检查", 12.0)
    assert labels["new_business"] == ("开业 2.0 个月（新开业）", 8.0)
    assert labels["industry"] == ("行业固有风险高（H6210）", 14.0)
    assert labels["credit"] == ("信用等级未评定（按 B 级计）", 0.0)
    assert labels["scenarios"] == ("属于 1 个高风险场景", 6.0)
    assert result.score == pytest.approx(10 + 12 + 8 + 14 + 6)
    assert result.colour == "red"
    older = score_one(RiskRecord(industry="H6210", months_open=7, scenarios=1))
    assert older.score == pytest.approx(result.score - 8) and older.colour == "yellow"


def test_violations_weigh_by_severity_and_fade_with_time():
    assert violation_load([("严重", 0)]) == pytest.approx(4.0)
    assert violation_load([("轻微", 24)]) == pytest.approx(0.25)
    assert violation_load([("一般", 12), ("一般", 12)]) == pytest.approx(2.0)
    recent = score_one(RiskRecord(violations=[("严重", 1)], months_since_inspection=1))
    old = score_one(RiskRecord(violations=[("严重", 36)], months_since_inspection=1))
    assert recent.reasons[0].factor == "violations" and recent.reasons[0].label == "历史违法加权 3.78"
    assert recent.score - old.score == pytest.approx(3 * (4 * 0.5 ** (1 / 12) - 4 * 0.5**3))
    capped = score_one(RiskRecord(violations=[("严重", 0)] * 10))
    assert next(r.points for r in capped.reasons if r.factor == "violations") == 30.0
    with pytest.raises(ValueError, match="未知的违法严重程度：很严重"):
        violation_load([("很严重", 0)])


def test_industry_table_longest_prefix_wins_and_unlisted_codes_are_medium():
    assert DEFAULT_POLICY.industry_level("F5221") == ("high", True)  # 食品专门零售 inside 零售业
    assert DEFAULT_POLICY.industry_level("F5211") == ("medium", True)
    assert DEFAULT_POLICY.industry_level("f5132") == ("low", True)
    assert DEFAULT_POLICY.industry_level("G5942") == ("high", True)  # 危险化学品仓储
    assert DEFAULT_POLICY.industry_level("X99") == ("medium", False)
    assert DEFAULT_POLICY.industry_level("") == ("medium", False)
    unlisted = score_one(RiskRecord(industry="X99", months_since_inspection=0))
    assert next(r.label for r in unlisted.reasons if r.factor == "industry") == "行业固有风险中（X99 未列明）"


def test_thresholds_come_from_the_policy_and_the_lower_bound_is_inclusive():
    record = RiskRecord(
        credit="C", complaints_12m=3, months_since_inspection=0, industry="L72"
    )  # 10+10+12 = 32
    assert score_one(record).score == pytest.approx(32.0)
    assert score_one(record).colour == "yellow"
    assert score_one(record, RiskPolicy.from_dict({"thresholds": [20, 32]})).colour == "red"
    assert score_one(record, RiskPolicy.from_json('{"thresholds": [32.5, 60]}')).colour == "green"
    assert score_one(record, RiskPolicy.from_dict({"thresholds": [32, 60]})).colour == "yellow"


def test_policy_json_file_partial_override_and_round_trip(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(
        json.dumps({"weights": {"complaints": 10}, "frequency": {"red": {"per_year": 6}}, "intercept": 0}),
        encoding="utf-8",
    )
    policy = RiskPolicy.from_json(path)
    assert policy.weights["complaints"] == 10 and policy.weights["violations"] == 3.0
    assert policy.frequency["red"].per_year == 6 and policy.frequency["red"].targeted is True
    assert (
        score_one(RiskRecord(complaints_12m=2, months_since_inspection=0, industry="L72"), policy).score == 20
    )
    again = RiskPolicy.from_dict(json.loads(json.dumps(policy.to_dict(), ensure_ascii=False)))
    assert again == policy


@pytest.mark.parametrize(
    "data, message",
    [
        ({"thresholds": [60, 40]}, "阈值应满足"),
        ({"thresholds": [10]}, "阈值应满足"),
        ({"threshold": [10, 20]}, "未知的风险策略项：threshold"),
        ({"weights": {"complaint": 3}}, "weights 应恰好包含"),
        ({"credit_points": {"E": 40}}, "credit_points 应恰好包含"),
        ({"frequency": {"green": {"per_year": 3}}}, "绿 ≤ 黄 ≤ 红"),
        ({"frequency": {"blue": 1}}, "未知的颜色：blue"),
        ({"industry_levels": {"H62": "extreme"}}, "行业风险等级只能是"),
    ],
)
def test_bad_policies_are_refused(data, message):
    with pytest.raises(ValueError, match=message):
        RiskPolicy.from_dict(data)


def test_bad_policy_json_is_refused():
    with pytest.raises(ValueError, match="不是合法的 JSON"):
        RiskPolicy.from_json('{"thresholds": [30, }')


# --- frequency -----------------------------------------------------------------------------------------------

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
Q1 = (date(2025, 1, 1), date(2025, 3, 31))


def test_default_frequency_green_only_on_cause_yellow_twice_red_quarterly():
    assert [due_inspections(c, None, *YEAR) for c in COLOURS] == [0, 2, 4]
    assert [due_inspections(c, None, *Q1) for c in COLOURS] == [0, 1, 1]
    assert DEFAULT_POLICY.frequency["red"].targeted and DEFAULT_POLICY.frequency["green"].on_cause_only
    # leap year: still four
    assert due_inspections("red", None, date(2024, 1, 1), date(2024, 12, 31)) == 4


def test_due_counts_from_the_last_inspection_and_overdue_checks_do_not_pile_up():
    assert due_inspections("yellow", date(2024, 11, 1), *Q1) == 0  # next due in May
    assert due_inspections("yellow", date(2024, 7, 1), *Q1) == 1  # due 31 Dec, overdue → once
    assert due_inspections("red", date(2020, 1, 1), *YEAR) == 4
    assert due_inspections("red", date(2025, 3, 1), *YEAR) == 3  # 31 May, 30 Aug, 29 Nov


def test_green_never_more_than_once_a_year_and_red_never_more_than_four_times():
    policy = RiskPolicy.from_dict({"frequency": {"green": {"on_cause_only": False}}})
    rng = random.Random(5)
    for _ in range(500):
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(730))
        end = start + timedelta(days=364)
        last = None if rng.random() < 0.2 else start - timedelta(days=rng.randrange(800))
        assert due_inspections("green", last, start, end, policy) <= 1
        assert due_inspections("red", last, start, end, policy) <= 4
        assert due_inspections("green", last, start, end) == 0
    assert due_inspections("green", None, *YEAR, policy) == 1


def test_due_inspections_bad_input():
    with pytest.raises(ValueError, match="结束日期早于开始日期"):
        due_inspections("red", None, date(2025, 3, 1), date(2025, 1, 1))
    with pytest.raises(ValueError, match="未知的颜色：purple"):
        due_inspections("purple", None, *YEAR)


# --- colour after an inspection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "current, found, score_colour, expected",
    [
        ("green", ["严重"], "green", "red"),
        ("yellow", ["轻微", "严重"], None, "red"),
        ("green", ["一般"], "green", "yellow"),
        ("red", ["一般"], "green", "red"),
        ("yellow", ["轻微"], "green", "yellow"),
        ("red", [], "green", "yellow"),  # one step at a time
        ("yellow", [], "green", "green"),
        ("yellow", [], "yellow", "yellow"),  # not below what the score says
        ("red", [], "red", "red"),
        ("green", [], None, "green"),
        ("red", [], None, "yellow"),
    ],
)
def test_colour_after_an_inspection(current, found, score_colour, expected):
    assert after_inspection(current, found, score_colour=score_colour).colour == expected


def test_colour_change_reasons_and_bad_input():
    assert after_inspection("green", ["严重"]).reason == "检查发现严重违法行为，立即赋红码"
    assert after_inspection("red", []).reason == "检查未发现问题，由红码降为黄码"
    assert after_inspection("yellow", [], score_colour="yellow").reason.startswith(
        "检查未发现问题，但风险评分不支持降级"
    )
    with pytest.raises(ValueError, match="未知的违法严重程度：重大"):
        after_inspection("green", ["重大"])
    with pytest.raises(ValueError, match="未知的颜色：grey"):
        after_inspection("grey", [])


# --- vectorised ------------------------------------------------------------------------------------------------


def _random_record(rng: random.Random) -> RiskRecord:
    return RiskRecord(
        credit=rng.choice(["A", "B", "C", "D", "", None, "d"]),
        complaints_12m=rng.choice([0, 0, 0, 1, 2, 5, 14]),
        violations=[
            (rng.choice(["轻微", "一般", "严重"]), rng.uniform(0, 60))
            for _ in range(rng.choice([0, 0, 1, 3]))
        ],
        months_since_inspection=None if rng.random() < 0.15 else rng.uniform(0, 50),
        industry=rng.choice(["H62", "H6210", "F5132", "F5221", "K7040", "X99", "", "g594"]),
        months_open=None if rng.random() < 0.1 else rng.uniform(0, 100),
        scenarios=rng.choice([0, 0, 1, 2, 5]),
    )


@pytest.mark.parametrize(
    "policy", [DEFAULT_POLICY, RiskPolicy.from_dict({"thresholds": [20, 40], "intercept": 0})]
)
def test_score_many_equals_score_one_for_every_record(policy):
    rng = random.Random(11)
    records = [_random_record(rng) for _ in range(3000)]
    many = score_many(columns_from_records(records, policy), policy)
    assert sum(many.counts().values()) == 3000 and min(many.counts().values()) > 0
    for i, record in enumerate(records):
        one, vec = score_one(record, policy), many.result(i)
        assert vec.colour == one.colour, i
        assert vec.score == pytest.approx(one.score, abs=1e-9)
        assert [(r.factor, r.label, r.value) for r in vec.reasons] == [
            (r.factor, r.label, r.value) for r in one.reasons
        ]
        assert [r.points for r in vec.reasons] == pytest.approx([r.points for r in one.reasons], abs=1e-9)


def test_score_many_on_a_synthetic_population_and_bad_credit():
    many = score_many(synthetic_population(20000, seed=3))
    shares = {c: n / 20000 for c, n in many.counts().items()}
    assert 0.6 < shares["green"] < 0.8 and 0.03 < shares["red"] < 0.15
    assert list(many.colours()[:5]) == [COLOURS[c] for c in many.colour[:5]]
    assert np.all((many.score >= 0) & (many.score <= 100))
    empty = score_many(columns_from_records([]))
    assert empty.counts() == {"green": 0, "yellow": 0, "red": 0}
    with pytest.raises(ValueError, match="未知的信用等级：E"):
        score_many(columns_from_records([RiskRecord(credit="E")]))
    with pytest.raises(ValueError, match="未知的信用等级：E"):
        score_one(RiskRecord(credit="E"))
    with pytest.raises(ValueError, match="不能为负数"):
        score_one(RiskRecord(complaints_12m=-1))
    with pytest.raises(ValueError, match="不能为负数"):
        score_many(columns_from_records([RiskRecord(), RiskRecord(scenarios=-2)]))


# --- learned model ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fitted():
    return RiskModel().fit(synthetic_outcome_table(3000, seed=1), "发现违法")


def test_learned_model_ranks_the_true_signal_first_and_separates_outcomes(fitted):
    assert fitted.importance[0][0] == "近12月投诉"
    assert fitted.importance[1][0] == "信用等级"
    assert fitted.cv_auc[0] > 0.75
    assert fitted.positive == "1"
    assert {f.name: f.kind for f in fitted.features} == {
        "行业": "cat",
        "信用等级": "cat",
        "近12月投诉": "num",
        "距上次检查月数": "num",
        "噪声指标": "num",
        "片区": "cat",
    }
    assert any("主体编号" in note for note in fitted.notes)
    assert fitted.coefficients()[0][0] == "近12月投诉（每增加一个标准差）" and fitted.coefficients()[0][1] > 0
    new = synthetic_outcome_table(2000, seed=2)
    result = fitted.predict(new)
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score([r["发现违法"] == "1" for r in new], result.probability) > 0.75


def test_learned_model_explains_each_prediction_and_splits_training_70_20_10(fitted):
    rows = synthetic_outcome_table(3000, seed=1)
    result = fitted.predict(rows)
    intercept = fitted.pipeline.named_steps["model"].intercept_[0]
    # The contributions add up to the regression's own log-odds; the probability shown is that, calibrated
    # (a monotone map, so the order of the subjects is the regression's).
    logit = fitted.pipeline.decision_function(fitted._matrix(rows))
    assert np.allclose(result.contributions.sum(axis=1) + intercept, logit)
    order = np.argsort(logit)
    assert (np.diff(result.probability[order]) >= -1e-9).all()
    shares = np.bincount(result.colour, minlength=3) / len(rows)
    assert shares == pytest.approx([0.7, 0.2, 0.1], abs=0.02)
    many = max(range(len(rows)), key=lambda i: int(rows[i]["近12月投诉"]))
    assert result.reasons(many)[0][0] == "近12月投诉"
    assert result.colours()[many] == "red"


def test_learned_model_save_load_and_refuses_other_pickles(fitted, tmp_path):
    path = tmp_path / "m.pkl"
    fitted.save(path)
    rows = synthetic_outcome_table(50, seed=9)
    assert np.array_equal(RiskModel.load(path).predict(rows).probability, fitted.predict(rows).probability)
    other = tmp_path / "other.pkl"
    other.write_bytes(pickle.dumps({"format": "zhifa.textmodel/1", "model": None}))
    with pytest.raises(ValueError, match="不是 zhifa 风险模型"):
        RiskModel.load(other)
    other.write_bytes(b"not a pickle at all")
    with pytest.raises(ValueError, match="不是 zhifa 风险模型"):
        RiskModel.load(other)


def _rows(n=40):
    return [
        {"投诉": str(i % 5), "行业": "H62" if i % 2 else "F52", "结果": "是" if i % 3 == 0 else "否"}
        for i in range(n)
    ]


def test_fit_errors_name_the_problem():
    rows = _rows()
    with pytest.raises(TableError, match="缺少目标列：违法"):
        RiskModel().fit(rows, "违法")
    with pytest.raises(TableError, match="缺少列：信用"):
        RiskModel().fit(rows, "结果", ["投诉", "信用"])
    three = [{**r, "结果": ["合格", "不合格", "责令整改"][i % 3]} for i, r in enumerate(rows)]
    with pytest.raises(TableError, match="应为二值.*实际有 3 种取值"):
        RiskModel().fit(three, "结果")
    assert RiskModel().fit(three, "结果", positive="不合格").positive == "不合格"
    with pytest.raises(TableError, match="只有一种结果"):
        RiskModel().fit([{**r, "结果": "否"} for r in rows], "结果")
    bad = [dict(r) for r in rows]
    bad[4]["投诉"] = "很多"
    with pytest.raises(TableError, match="第 6 行 投诉 列的值“很多”不是数字"):
        RiskModel().fit(bad, "结果")
    with pytest.raises(TableError, match="第 6 行 投诉 列的值“很多”不是数字"):
        RiskModel().fit(bad, "结果", ["投诉:num", "行业"])
    assert RiskModel().fit(bad, "结果", ["投诉:cat", "行业"]).features[0].kind == "cat"
    with pytest.raises(TableError, match="只能是 :num 或 :cat"):
        RiskModel().fit(rows, "结果", ["投诉:int"])
    with pytest.raises(TableError, match="第 3 行的目标列 结果 为空"):
        RiskModel().fit([{**r, "结果": ""} if i == 1 else r for i, r in enumerate(rows)], "结果")
    with pytest.raises(ValueError, match="颜色比例"):
        RiskModel(mix=(0.5, 0.2, 0.1))


def test_read_table_encodings_and_bad_files(tmp_path):
    text = "名称,投诉,结果\n测试示例餐馆,3,是\n测试某某便利店,0,否\n"
    for encoding in ("utf-8", "utf-8-sig", "gb18030"):
        path = tmp_path / f"{encoding}.csv"
        path.write_text(text, encoding=encoding)
        header, rows = read_table(path)
        assert header == ["名称", "投诉", "结果"]
        assert rows[0] == {"_line": 2, "名称": "测试示例餐馆", "投诉": "3", "结果": "是"}
    empty = tmp_path / "empty.csv"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(TableError, match="是空文件"):
        read_table(empty)
    empty.write_text("名称,结果\n", encoding="utf-8")
    with pytest.raises(TableError, match="没有数据"):
        read_table(empty)
    empty.write_text("名称,结果\n甲,是\n乙\n", encoding="utf-8")
    with pytest.raises(TableError, match="第 3 行有 1 列，表头有 2 列"):
        read_table(empty)
    empty.write_text("名称,名称\n甲,是\n", encoding="utf-8")
    with pytest.raises(TableError, match="重复或空白的列名：名称"):
        read_table(empty)
    with pytest.raises(TableError, match="找不到文件"):
        read_table(tmp_path / "nope.csv")


def test_numbers_parse_with_thousands_separators_and_blanks_are_imputed():
    rows = [
        {"金额": "1,200" if i % 4 else "", "结果": "1" if i % 2 else "0", "片": "东" if i < 20 else "西"}
        for i in range(40)
    ]
    model = RiskModel().fit(rows, "结果")
    assert [f.kind for f in model.features] == ["num", "cat"]
    assert math.isfinite(model.predict(rows).probability.sum())
