"""Checklist questions from real catalog titles (the demo's catalog: real items of Chinese law)."""

import csv
from pathlib import Path

import pytest

from zhifa.engine.questions import PROHIBITION, REQUIREMENT, conduct_of, question_for

CATALOG = Path(__file__).resolve().parents[2] / "zhifa" / "demo" / "data" / "catalog_items.csv"
TITLES = {row["code"]: row["name"] for row in csv.DictReader(CATALOG.open(encoding="utf-8"))}


@pytest.mark.parametrize(
    ("code", "question", "kind"),
    [
        # 3. a licence
        ("SJ0001", "是否取得食品经营许可？", REQUIREMENT),
        ("JT0001", "是否取得《网络预约出租汽车运输证》？", REQUIREMENT),
        # 4. an approval
        ("ZH0009", "设置大型户外广告是否经过同意？", REQUIREMENT),
        ("ZH0039", "进行临时建设是否经过批准？", REQUIREMENT),
        ("ZH0145", "改变物业管理用房用途是否经过业主大会同意？", REQUIREMENT),
        # 5. a duty, with its context, its list folded, its consequence and further offences cut
        ("SJ0009", "进货时是否查验许可证和相关证明文件并按规定建立并遵守进货查验记录制度？", REQUIREMENT),
        ("ZH0101", "是否安装油烟净化设施、正常使用油烟净化设施并采取其他油烟净化措施？", REQUIREMENT),
        ("ZH0046", "是否及时清运工程施工过程中产生的建筑垃圾？", REQUIREMENT),
        ("ZH0008", "临街工地是否设置护栏并作遮挡？", REQUIREMENT),
        ("ZH0155", "携犬出户是否束犬链、由成年人牵领？", REQUIREMENT),
        ("SJ0018", "是否按规定明码标价？", REQUIREMENT),
        # 2. the offender dropped, a list of them too
        ("YJ0002", "是否履行安全生产管理职责？", REQUIREMENT),
        ("SJ0017", "是否将营业执照置于住所或者主要经营场所醒目位置？", REQUIREMENT),
        # 6. prohibited conduct: "存在" is the violation
        ("ZH0017", "是否存在擅自设置招牌或者招牌设置不符合规范的情况？", PROHIBITION),
        ("SJ0004", "是否存在经营未按规定进行检疫或者检疫不合格的肉类的情况？", PROHIBITION),
        ("WJ0010", "是否存在安排未获得有效健康合格证明的从业人员从事直接为顾客服务工作的情况？", PROHIBITION),
        ("XF0006", "是否存在人员密集场所在门窗上设置影响逃生和灭火救援的障碍物的情况？", PROHIBITION),
        # an inspection item
        ("ZH0107", "油烟排放及油烟净化设施使用情况是否符合规定？", REQUIREMENT),
    ],
)
def test_the_rule_on_real_items(code, question, kind):
    got = question_for(TITLES[code])
    assert (got.text, got.kind, got.source) == (question, kind, "rule")


def test_every_real_item_gets_a_question_without_the_penalty_wording():
    for code, title in TITLES.items():
        q = question_for(title)
        assert "是否" in q.text and q.text.endswith("？"), code
        assert "行政处罚" not in q.text and not q.text.startswith("对"), (code, q.text)
        assert len(q.text) < len(title) + 8, (code, q.text)


def test_titles_of_another_shape_are_asked_as_they_are():
    assert conduct_of("燃气安全检查") is None
    assert question_for("燃气安全检查").text == "是否符合：燃气安全检查？"
    assert question_for("").text == "是否符合：？"
