"""The demo catalog's legal citations: every article number well formed, no repealed law, and a floor on how many
违则 / 罚则 carry an article (the rest name the law only because the article could not be confirmed)."""

import csv
import re
from pathlib import Path

import pytest

CATALOG = Path(__file__).resolve().parents[2] / "zhifa" / "demo" / "data" / "catalog_items.csv"

# Reached when the article numbers were filled from law texts (issue 15); lower only with a reason.
MIN_LEGAL_WITH_ARTICLE = 328
MIN_PENALTY_WITH_ARTICLE = 327

# Laws and regulations no longer in force, with what replaced them.
REPEALED = {
    "中华人民共和国环境噪声污染防治法": "中华人民共和国噪声污染防治法（2022年6月5日起施行）",
    "中华人民共和国执业医师法": "中华人民共和国医师法（2022年3月1日起施行）",
    "无照经营查处取缔办法": "无证无照经营查处办法（2017年10月1日起施行）",
    "中华人民共和国公司登记管理条例": "中华人民共和国市场主体登记管理条例（2022年3月1日起施行）",
    "中华人民共和国企业法人登记管理条例": "中华人民共和国市场主体登记管理条例（2022年3月1日起施行）",
    "中华人民共和国合伙企业登记管理办法": "中华人民共和国市场主体登记管理条例（2022年3月1日起施行）",
    "个体工商户条例": "促进个体工商户发展条例（2022年11月1日起施行）",
}

DIGIT = "一二三四五六七八九"
NUM = f"[零{DIGIT}十百]+"
ITEM = f"第(?:（{NUM}）|{NUM})项"
ONE_ARTICLE = f"第{NUM}条(?:第{NUM}款)?(?:{ITEM}(?:、{ITEM})*)?"
ARTICLES = re.compile(f"{ONE_ARTICLE}(?:、{ONE_ARTICLE})*")
NUMBER = re.compile(f"第（?({NUM})）?[条款项]")
CITATION = re.compile(r"《([^》]+)》([^《；]*)")


def chinese(n: int) -> str:
    """The way Chinese statutes write a number: 十, 十一, 二十, 一百, 一百零一, 一百一十."""
    if n < 10:
        return DIGIT[n - 1]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else DIGIT[tens - 1]) + "十" + (DIGIT[ones - 1] if ones else "")
    hundreds, rest = divmod(n, 100)
    head = DIGIT[hundreds - 1] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + DIGIT[rest - 1]
    tens, ones = divmod(rest, 10)
    return head + DIGIT[tens - 1] + "十" + (DIGIT[ones - 1] if ones else "")


CANONICAL = {chinese(n): n for n in range(1, 1000)}


def _rows() -> list[dict]:
    with open(CATALOG, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _cited(cell: str) -> str:
    """The citation part of a cell: the 罚则 column carries a short summary after the first '：'."""
    return cell.split("：", 1)[0]


def citation_problems(cell: str) -> list[str]:
    """What is wrong with the citations of one cell ('' → nothing)."""
    problems = []
    for segment in filter(None, _cited(cell).split("；")):
        matches = CITATION.findall(segment)
        if not matches or CITATION.sub("", segment).strip():
            problems.append(f"不是《法名》加条款的形式：{segment}")
            continue
        for law, tail in matches:
            if law in REPEALED:
                problems.append(f"《{law}》已废止，应引用《{REPEALED[law]}》")
            if not tail:
                continue
            if not ARTICLES.fullmatch(tail):
                problems.append(f"条款写法不规范：《{law}》{tail}")
                continue
            for number in NUMBER.findall(tail):
                if number not in CANONICAL:
                    problems.append(f"中文数字不规范：{number}（《{law}》{tail}）")
    return problems


def has_article(cell: str) -> bool:
    return any(tail for _, tail in CITATION.findall(_cited(cell)))


@pytest.mark.parametrize(
    ("number", "text"),
    [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (100, "一百"), (101, "一百零一"), (110, "一百一十")],
)
def test_chinese_numbers_as_statutes_write_them(number, text):
    assert chinese(number) == text


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("《中华人民共和国消防法》第五十八条第三款", None),
        ("《中华人民共和国消防法》第六十条第一款第（七）项：责令改正", None),
        ("《中华人民共和国噪声污染防治法》第七十七条第一项：责令改正", None),
        ("《中华人民共和国水污染防治法》第八十二条第（一）项、第（二）项", None),
        ("《中华人民共和国计量法》第十六条；《零售商品称重计量监督管理办法》第五条", None),
        ("《中华人民共和国食品安全法》第三十三条第一款第（五）项、第五十六条第二款", None),
        ("《中华人民共和国消防法》", None),
        ("《中华人民共和国消防法》第58条", "条款写法不规范"),
        ("《中华人民共和国消防法》第五十八条第3款", "条款写法不规范"),
        ("《中华人民共和国消防法》第五十八条之规定", "条款写法不规范"),
        ("《中华人民共和国消防法》第五十八条、", "条款写法不规范"),
        ("《中华人民共和国消防法》第一十条", "中文数字不规范"),
        ("《中华人民共和国消防法》第一百十条", "中文数字不规范"),
        ("《中华人民共和国消防法》第五十八条第（十十）项", "中文数字不规范"),
        ("中华人民共和国消防法第五十八条", "不是《法名》加条款的形式"),
        ("《中华人民共和国环境噪声污染防治法》第四十三条", "已废止"),
    ],
)
def test_citation_checker_accepts_statute_style_and_rejects_the_rest(cell, problem):
    found = citation_problems(cell)
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0], found


def test_every_cited_article_is_well_formed_and_no_law_is_repealed():
    problems = [
        f"{r['code']} {column}: {p}"
        for r in _rows()
        for column in ("legal_basis", "penalty_basis")
        for p in citation_problems(r[column])
    ]
    assert problems == []


def test_article_numbers_do_not_fall_below_what_was_confirmed():
    rows = _rows()
    assert len(rows) == 352
    legal = sum(has_article(r["legal_basis"]) for r in rows)
    penalty = sum(has_article(r["penalty_basis"]) for r in rows)
    assert legal >= MIN_LEGAL_WITH_ARTICLE, (
        f"违则带条款的 {legal} 条，少于已核实的 {MIN_LEGAL_WITH_ARTICLE} 条"
    )
    assert penalty >= MIN_PENALTY_WITH_ARTICLE, (
        f"罚则带条款的 {penalty} 条，少于已核实的 {MIN_PENALTY_WITH_ARTICLE} 条"
    )
