"""Fixed-contract commands: route (JSONL in, JSONL out), router_train / router_predict (CSV)."""

import csv
import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_route_command_contract(district, tmp_path):
    src = tmp_path / "in.jsonl"
    rows = [
        {"text": "饭店油烟扰民", "subdistrict": "九堡街道"},
        {"text": "小吃店无证经营", "subdistrict": "330102008"},
        {"text": "站里小吃店卖过期食品", "address": "杭州东站枢纽"},
        {"text": "南星街道路口流动摊贩占道经营，卖过期食品"},
    ]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    call_command("route", input=str(src), output=str(out))
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(got) == 4
    assert set(got[0]) == {"items", "region", "unit", "assisting_units", "explanation"}
    assert set(got[0]["items"][0]) == {"code", "name", "domain", "score"}
    assert got[0]["items"][0]["code"] == "ZH0101"
    assert got[0]["region"] == {"code": "330102018", "name": "九堡街道"}
    assert got[0]["unit"] == {"code": "ST-330102018", "name": "九堡街道综合行政执法队"}
    assert got[1]["unit"]["code"] == "DT-market"
    assert got[2]["unit"]["code"] == "HUB-SJ"
    assert got[3]["unit"]["code"] == "ST-330102008"
    assert [u["code"] for u in got[3]["assisting_units"]] == ["DT-market"]
    assert "油烟" in got[0]["explanation"]


def test_route_command_bad_line(district, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "油烟"}\n{not json}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="第 2 行不是合法的 JSON"):
        call_command("route", input=str(src))
    src.write_text('{"txt": "油烟"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="第 1 行缺少文本字段 text"):
        call_command("route", input=str(src))


def test_router_train_and_predict(tmp_path, db):
    train = tmp_path / "h.csv"
    with open(train, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["内容", "部门"])
        for text, label in [
            ("饭店油烟扰民", "综合执法"),
            ("夜间施工噪声", "综合执法"),
            ("路边摆摊占道", "综合执法"),
            ("小吃店无证经营", "市场监管"),
            ("超市卖过期食品", "市场监管"),
            ("缺斤短两", "市场监管"),
        ] * 2:
            w.writerow([text, label])
    model = tmp_path / "m.pkl"
    call_command("router_train", csv=str(train), text_col="内容", label_col="部门", model=str(model))
    new = tmp_path / "new.csv"
    new.write_text("内容\n楼下烧烤店油烟扰民\n菜场卖过期食品\n", encoding="utf-8")
    out = tmp_path / "pred.csv"
    call_command("router_predict", model=str(model), csv=str(new), text_col="内容", output=str(out))
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [(r["row"], r["label"]) for r in rows] == [("1", "综合执法"), ("2", "市场监管")]
    assert all(0 < float(r["score"]) <= 1 for r in rows)
    with pytest.raises(CommandError, match="缺少列：类别"):
        call_command("router_train", csv=str(train), text_col="内容", label_col="类别", model=str(model))


def test_router_train_selects_prints_and_reports(tmp_path, db):
    from zhifa.engine.text_synthetic import messages

    train = tmp_path / "msgs.csv"
    rows = messages(seed=3, scale=0.6)
    with open(train, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["标题", "留言", "一级分类"])
        w.writerows(rows)
    model, report = tmp_path / "m.pkl", tmp_path / "confusion.csv"
    out = io.StringIO()
    call_command(
        "router_train",
        csv=str(train),
        text_col="留言",
        title_col="标题",
        label_col="一级分类",
        model=str(model),
        folds=3,
        report=str(report),
        stdout=out,
    )
    printed = out.getvalue()
    assert f"样本 {len(rows)} 条，7 个标签；3 折分层交叉验证" in printed
    assert "字符 n-gram TF-IDF + 线性 SVM（基线）" in printed
    chosen = re.search(r"选用：.+，准确率 ([0-9.]+)，宏平均 F1 ([0-9.]+)", printed)
    base = re.search(r"基线：准确率 ([0-9.]+)", printed)
    assert chosen and base and "次优：" in printed
    assert float(chosen[1]) >= float(base[1]) > 0.5
    table = list(csv.reader(report.read_text(encoding="utf-8-sig").splitlines()))
    assert table[0][:5] == ["真实标签", "样本数", "精确率", "召回率", "F1"] and len(table[0]) == 5 + 7
    assert sum(int(r[1]) for r in table[1:]) == len(rows) and len(table) == 8
    # The diagonal of the confusion over all rows is the printed accuracy.
    hits = sum(int(r[5 + i]) for i, r in enumerate(table[1:]))
    assert hits / len(rows) == pytest.approx(float(chosen[1]), abs=1e-3)
    new = tmp_path / "new.csv"
    new.write_text("标题,留言\n公司欠薪,老板拖欠工资半年不签劳动合同\n", encoding="utf-8")
    pred = tmp_path / "pred.csv"
    call_command(
        "router_predict", model=str(model), csv=str(new), text_col="留言", title_col="标题", output=str(pred)
    )
    assert list(csv.DictReader(pred.read_text(encoding="utf-8").splitlines()))[0]["label"] == "劳动和社会保障"


def test_router_train_bad_inputs(tmp_path, db):
    one = tmp_path / "one.csv"
    one.write_text("内容,部门\n油烟,综合执法\n噪声,综合执法\n", encoding="utf-8")
    with pytest.raises(CommandError, match="至少需要两种不同的标签"):
        call_command(
            "router_train", csv=str(one), text_col="内容", label_col="部门", model=str(tmp_path / "m")
        )
    with pytest.raises(CommandError, match="--folds 至少为 2"):
        call_command("router_train", csv=str(one), text_col="内容", label_col="部门", model="m", folds=1)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("内容,部门\n油烟,综合执法\n".encode("gb18030"))
    with pytest.raises(CommandError, match="不是 UTF-8 编码"):
        call_command("router_train", csv=str(gbk), text_col="内容", label_col="部门", model="m")
    old = tmp_path / "old.pkl"
    old.write_bytes(__import__("pickle").dumps({"format": "zhifa.textmodel/1"}))
    with pytest.raises(CommandError, match="请用当前版本的 router_train 重新训练"):
        call_command(
            "router_predict", model=str(old), csv=str(one), text_col="内容", output=str(tmp_path / "o")
        )
