"""risk_fit's model choice: logistic regression vs gradient boosting by CV AUC, time-aware validation, features
from each subject's earlier inspections, calibrated probabilities and the capture report against date order."""

import numpy as np
import pytest

from zhifa.engine.risk_history import History, engineer, parse_date
from zhifa.engine.risk_model import RiskModel, TableError, capture
from zhifa.engine.risk_synthetic import synthetic_inspection_history


@pytest.fixture(scope="module")
def history_rows():
    return synthetic_inspection_history(400, seed=1)


@pytest.fixture(scope="module")
def with_history(history_rows):
    return RiskModel().fit(history_rows, "发现违法", date="检查日期", subject="主体编号", licence="开业日期")


def test_earlier_inspections_become_features_without_leaking_the_row_itself():
    rows = [
        {"id": "A", "d": "2024-03-01", "lic": "2024-01-01", "y": "1"},
        {"id": "A", "d": "2024-01-10", "lic": "2024-01-01", "y": "1"},
        {"id": "B", "d": "2024-01-10", "lic": "", "y": "0"},
        {"id": "A", "d": "2024-01-10", "lic": "2024-01-01", "y": "0"},  # same day as row 2: not seen by it
    ]
    out, order = engineer(
        rows,
        date_col="d",
        subject_col="id",
        licence_col="lic",
        outcomes=[1, 1, 0, 0],
        history=History(),
        error=ValueError,
    )
    assert order == [1, 2, 3, 0]
    assert (out[1]["历史检查次数"], out[1]["距上次检查天数"], out[1]["上次是否发现问题"]) == ("0", "", "")
    assert out[3]["历史检查次数"] == "0"
    assert out[0]["历史检查次数"] == "2" and out[0]["历史发现问题次数"] == "1"
    assert out[0]["距上次检查天数"] == "51" and out[0]["开业天数"] == "60"
    assert out[2]["开业天数"] == ""
    assert parse_date("03/05/2026").isoformat() == "2026-03-05"
    assert parse_date("2026-03-05T00:00:00.000").isoformat() == "2026-03-05"
    assert parse_date("去年") is None
    with pytest.raises(ValueError, match="第 3 行 d 列的日期“昨天”无法识别"):
        engineer(
            [{"d": "2024-01-01"}, {"d": "昨天"}],
            date_col="d",
            subject_col=None,
            licence_col=None,
            outcomes=None,
            history=History(),
            error=ValueError,
        )


def test_history_features_lift_auc_and_capture_above_date_order(history_rows, with_history):
    plain = RiskModel().fit(history_rows, "发现违法", ["行业", "片区", "检查类型"], date="检查日期")
    m = with_history
    assert {"历史发现问题比例", "距上次检查天数", "开业天数"} <= {f.name for f in m.features}
    assert "主体编号" not in {f.name for f in m.features} and "检查日期" not in {f.name for f in m.features}
    assert [c["kind"] for c in m.candidates] == ["lr", "hgb"]
    assert m.validation.startswith("按时间顺序")
    chosen = next(c for c in m.candidates if c["kind"] == m.kind)
    # The choice follows the CV AUC (boosting needs a margin).
    lr, hgb = m.candidates
    assert m.kind == ("hgb" if hgb["cv_auc"] > lr["cv_auc"] + 0.005 else "lr")
    assert m.cv_auc[0] > plain.cv_auc[0] + 0.03
    b10, b50 = m.report["baseline"]
    assert chosen["top10"] > b10 + 0.05 and chosen["top50"] > b50 + 0.05
    assert chosen["holdout_auc"] > 0.65


def test_calibrated_probabilities_match_the_rate(with_history, history_rows):
    result = with_history.predict(history_rows)
    y = np.array([r["发现违法"] == "1" for r in history_rows])
    assert result.probability.mean() == pytest.approx(y.mean(), abs=0.03)
    # Reasons stay readable: column names with signed log-odds.
    top = int(np.argmax(result.probability))
    assert all(isinstance(name, str) and points > 0 for name, points in result.reasons(top))


def test_scoring_needs_the_history_columns(with_history):
    with pytest.raises(TableError, match="缺少列：检查日期"):
        with_history.predict(
            [
                {
                    "主体编号": "TEST00001",
                    "开业日期": "2020-01-01",
                    "行业": "H62",
                    "片区": "东片",
                    "检查类型": "双随机",
                }
            ]
        )
    # A subject the model has seen gets its history; an unknown one starts at zero.
    rows = [
        {
            "主体编号": "TEST00001",
            "检查日期": "2026-01-05",
            "开业日期": "2020-01-01",
            "行业": "H62",
            "片区": "东片",
            "检查类型": "双随机",
        },
        {
            "主体编号": "NEW",
            "检查日期": "2026-01-05",
            "开业日期": "2025-12-01",
            "行业": "H62",
            "片区": "东片",
            "检查类型": "双随机",
        },
    ]
    assert len(with_history.predict(rows).probability) == 2


def test_forced_kind_and_bad_arguments(history_rows):
    m = RiskModel().fit(history_rows[:800], "发现违法", ["行业", "检查类型"], kind="hgb")
    assert m.kind == "hgb" and m.coefficients() == [] and len(m.candidates) == 1
    assert m.validation == "分层随机"
    with pytest.raises(TableError, match="需要同时给出日期列"):
        RiskModel().fit(history_rows, "发现违法", subject="主体编号")
    with pytest.raises(TableError, match="缺少日期列：日期"):
        RiskModel().fit(history_rows, "发现违法", date="日期")
    with pytest.raises(TableError, match="模型类型只能是"):
        RiskModel().fit(history_rows, "发现违法", kind="svm")


def test_capture():
    y = np.array([1, 0, 0, 1, 0, 0, 0, 0, 0, 1])
    assert capture(np.arange(10)[::-1].astype(float), y, 0.1) == pytest.approx(1 / 3)
    assert capture(y.astype(float), y, 0.3) == 1.0
