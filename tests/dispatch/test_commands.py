"""Fixed-contract commands: route (JSONL in, JSONL out), router_train / router_predict (CSV)."""

import csv
import json

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
