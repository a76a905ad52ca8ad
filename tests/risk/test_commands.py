"""risk_fit / risk_score end to end on temporary CSV files, including another city's table and bad inputs."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhifa.engine.risk_synthetic import OUTCOME_COLUMNS, synthetic_outcome_table, write_outcome_csv


def run(name, **kwargs) -> str:
    out = io.StringIO()
    call_command(name, stdout=out, **kwargs)
    return out.getvalue()


@pytest.fixture
def model(tmp_path):
    train = write_outcome_csv(tmp_path / "train.csv", 2000, seed=1, encoding="gb18030")
    path = tmp_path / "risk.pkl"
    printed = run("risk_fit", csv=str(train), target="发现违法", model=str(path))
    return path, printed


def test_fit_on_gb18030_prints_auc_ranking_and_coefficients(model):
    path, printed = model
    assert path.exists()
    lines = printed.splitlines()
    assert lines[0].startswith("样本 2000 行，“1”占")
    auc = float(next(line for line in lines if line.startswith("交叉验证 AUC")).split("：")[1].split(" ")[0])
    assert auc > 0.75
    ranking = lines.index("各列影响（对数几率贡献的标准差，从大到小）：")
    assert lines[ranking + 1].strip().startswith("近12月投诉")
    coefficients = lines.index("主要系数（前 10 个）：")
    assert lines[coefficients + 1].strip().startswith("近12月投诉（每增加一个标准差）\t+")
    assert len(lines[coefficients + 1 :]) == 11  # ten coefficients and the saved line
    assert "提示：列 主体编号 取值几乎各不相同（编号或名称），未作为特征" in lines
    assert "绿/黄/红 ≈ 70%/20%/10%" in printed


def test_score_writes_row_score_colour_from_a_utf8_bom_csv(model, tmp_path):
    path, _ = model
    new = write_outcome_csv(tmp_path / "new.csv", 300, seed=2, encoding="utf-8-sig")
    out = tmp_path / "scored.csv"
    printed = run("risk_score", model=str(path), csv=str(new), output=str(out))
    assert printed.startswith("已评分 300 行（绿码 ")
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert list(rows[0]) == ["row", "score", "colour"]
    assert [int(r["row"]) for r in rows] == list(range(1, 301))
    assert all(0 <= float(r["score"]) <= 100 for r in rows)
    assert {r["colour"] for r in rows} == {"green", "yellow", "red"}
    source = synthetic_outcome_table(300, seed=2)
    by_complaints = sorted(zip(source, rows, strict=True), key=lambda p: int(p[0]["近12月投诉"]))
    assert by_complaints[0][1]["colour"] == "green" and by_complaints[-1][1]["colour"] == "red"


def test_score_explain_adds_the_top_reasons(model, tmp_path):
    path, _ = model
    new = tmp_path / "one.csv"
    new.write_text(
        "主体编号,行业,信用等级,近12月投诉,距上次检查月数,噪声指标,片区\nTEST9,H62,D,7,30,50,东片\n",
        encoding="utf-8",
    )
    out = tmp_path / "scored.csv"
    run("risk_score", model=str(path), csv=str(new), output=str(out), explain=True)
    (row,) = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert row["colour"] == "red" and float(row["score"]) > 90
    assert row["reasons"].startswith("近12月投诉 +") and "信用等级 +" in row["reasons"]


def test_another_citys_table_unchanged_chicago_columns(tmp_path):
    """Columns as in the City of Chicago's food inspections export; Results has more than two values."""
    path = tmp_path / "food.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["Inspection ID", "DBA Name", "Facility Type", "Risk", "Zip", "Inspection Type", "Results"]
        )
        for i in range(400):
            risk = ["Risk 1 (High)", "Risk 2 (Medium)", "Risk 3 (Low)"][i % 3]
            fail = (i % 3 == 0 and i % 4 != 1) or i % 11 == 0
            result = "Fail" if fail else ["Pass", "Pass w/ Conditions"][i % 2]
            facility = ["Restaurant", "Grocery Store", "School"][i % 5 % 3]
            w.writerow([100000 + i, f"TEST DINER {i}", facility, risk, 60600 + i % 7, "Canvass", result])
    model = tmp_path / "food.pkl"
    with pytest.raises(CommandError, match="应为二值.*实际有 3 种取值.*--positive"):
        run("risk_fit", csv=str(path), target="Results", model=str(model))
    printed = run(
        "risk_fit",
        csv=str(path),
        target="Results",
        positive="Fail",
        features="Facility Type,Risk,Zip:cat,Inspection Type",
        model=str(model),
    )
    assert "特征：Facility Type（类别）、Risk（类别）、Zip（类别）、Inspection Type（类别）" in printed
    assert (
        printed.splitlines()[printed.splitlines().index("各列影响（对数几率贡献的标准差，从大到小）：") + 1]
        .strip()
        .startswith("Risk")
    )
    out = tmp_path / "scored.csv"
    run("risk_score", model=str(model), csv=str(path), output=str(out))
    assert len(out.read_text(encoding="utf-8").splitlines()) == 401


def _write(path, header, rows, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return str(path)


def test_fit_bad_inputs(tmp_path):
    model = str(tmp_path / "m.pkl")
    rows = [[f"TEST{i}", i % 4, "是" if i % 3 == 0 else "否"] for i in range(30)]
    good = _write(tmp_path / "good.csv", ["编号", "投诉", "违法"], rows)
    with pytest.raises(CommandError, match="缺少目标列：结果"):
        run("risk_fit", csv=good, target="结果", model=model)
    with pytest.raises(CommandError, match="缺少列：信用等级"):
        run("risk_fit", csv=good, target="违法", features="投诉,信用等级", model=model)
    bad = [list(r) for r in rows]
    bad[9][1] = "十"
    with pytest.raises(CommandError, match="第 11 行 投诉 列的值“十”不是数字"):
        run(
            "risk_fit",
            csv=_write(tmp_path / "bad.csv", ["编号", "投诉", "违法"], bad),
            target="违法",
            model=model,
        )
    many = [[r[0], r[1], ["合格", "不合格", "整改"][i % 3]] for i, r in enumerate(rows)]
    with pytest.raises(CommandError, match="目标列 违法 应为二值"):
        run(
            "risk_fit",
            csv=_write(tmp_path / "many.csv", ["编号", "投诉", "违法"], many),
            target="违法",
            model=model,
        )
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="是空文件"):
        run("risk_fit", csv=str(empty), target="违法", model=model)
    with pytest.raises(CommandError, match="找不到文件"):
        run("risk_fit", csv=str(tmp_path / "missing.csv"), target="违法", model=model)
    with pytest.raises(CommandError, match="--mix 应为三个"):
        run("risk_fit", csv=good, target="违法", model=model, mix="70,30")
    assert not (tmp_path / "m.pkl").exists()
    run("risk_fit", csv=good, target="违法", model=model, mix="60,30,10")
    assert (tmp_path / "m.pkl").exists()


def test_score_bad_inputs(model, tmp_path):
    path, _ = model
    out = str(tmp_path / "out.csv")
    header = [c for c in OUTCOME_COLUMNS if c != "发现违法"]
    no_col = _write(
        tmp_path / "nocol.csv",
        [h for h in header if h != "信用等级"],
        [["TEST1", "甲", "H62", "1", "2", "50", "东片"]],
    )
    with pytest.raises(CommandError, match="缺少列：信用等级"):
        run("risk_score", model=str(path), csv=no_col, output=out)
    rows = [
        ["TEST1", "甲", "H62", "A", "1", "2", "50", "东片"],
        ["TEST2", "乙", "H62", "B", "两次", "2", "50", "东片"],
    ]
    bad = _write(tmp_path / "bad.csv", header, rows)
    with pytest.raises(CommandError, match="第 3 行 近12月投诉 列的值“两次”不是数字"):
        run("risk_score", model=str(path), csv=bad, output=out)
    not_model = tmp_path / "x.pkl"
    not_model.write_text("hello", encoding="utf-8")
    with pytest.raises(CommandError, match="无法读取模型：.*不是 zhifa 风险模型"):
        run("risk_score", model=str(not_model), csv=bad, output=out)
    with pytest.raises(CommandError, match="无法读取模型"):
        run("risk_score", model=str(tmp_path / "none.pkl"), csv=bad, output=out)


def test_fit_with_dates_and_subjects_compares_models_and_reports_capture(tmp_path):
    import csv as _csv

    from zhifa.engine.risk_synthetic import HISTORY_COLUMNS, synthetic_inspection_history

    path = tmp_path / "history.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = _csv.DictWriter(fh, fieldnames=HISTORY_COLUMNS)
        w.writeheader()
        w.writerows(synthetic_inspection_history(300, seed=4))
    model = tmp_path / "risk.pkl"
    printed = run(
        "risk_fit",
        csv=str(path),
        target="发现违法",
        model=str(model),
        date="检查日期",
        subject="主体编号",
        licence_date="开业日期",
    )
    assert "验证方式：按时间顺序（先训练较早的，再检验较晚的）" in printed
    assert (
        "候选 正则化逻辑回归：交叉验证 AUC" in printed
        and "候选 梯度提升树（HistGradientBoosting）" in printed
    )
    assert "概率校准：Platt" in printed
    assert "留出检验（最晚" in printed and "按日期顺序检查（基线）" in printed
    assert "历史发现问题比例（数值）" in printed
    scored = tmp_path / "scored.csv"
    run("risk_score", model=str(model), csv=str(path), output=str(scored), explain=True)
    lines = scored.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "row,score,colour,reasons" and len(lines) > 300
    with pytest.raises(CommandError, match="需要同时给出日期列"):
        run("risk_fit", csv=str(path), target="发现违法", model=str(model), subject="主体编号")
