"""Words of the demo events: phrase templates per catalog item, place names, channel wording, results, answers.

The phrase file is written for the demo; it is not the classifier's held-out test set (tests/data), which the
demo must never copy, because demo events become the classifier's training history.
"""

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from zhifa.demo.complaint_mix import concentrate

PHRASES = Path(__file__).resolve().parents[1] / "data" / "complaint_phrases.csv"

# Slot fillers used when the phrase alone is classified (place words carry no meaning for the item).
NEUTRAL_SHOP = "示例"
SHOP_MARKS = "甲乙丙丁戊己庚辛壬癸"
STREET_SUFFIXES = ("示范一路", "示范二路", "示范三路", "示范街", "示范巷", "示范横街")
HUB_SPOTS = (
    "东广场",
    "西广场",
    "南出站口",
    "北出站口",
    "到达层",
    "地下出租车上客区",
    "长途汽车站旁",
    "地铁站口",
)
NEAR = ("", "附近", "旁边", "一带", "门口")
PUBLIC_CHANNELS = frozenset({"12345", "web", "open311", "api"})

ASKS = (
    "希望尽快处理",
    "请相关部门来管一管",
    "之前反映过一次，希望这次能解决",
    "请核实处理并回复",
    "麻烦派人来看一下",
    "严重影响生活，请尽快解决",
)

RESULTS = {
    "service": (
        "执法队员到场后向当事人宣传相关规定，当事人当场整改",
        "经上门劝导，当事人表示理解并已自行整改",
        "现场指导当事人落实整改措施，复查已整改到位",
        "联系社区共同上门做工作，问题已解决",
        "对当事人进行提醒告知并签订承诺书，现场已恢复",
    ),
    "management": (
        "已责令当事人限期整改，并纳入日常巡查重点",
        "已督促责任主体落实管理责任，建立长效管理台账",
        "已约谈当事人，下发责令整改通知书，复查整改到位",
        "已协调相关单位加强巡查和管理，问题得到控制",
    ),
    "enforcement": (
        "经调查取证，对当事人依法立案查处",
        "现场固定证据后依法作出行政处罚，当事人已改正",
        "当事人拒不整改，已依法立案调查并责令停止违法行为",
    ),
}

ANSWERS = {
    "public": "您好，您反映的“{title}”问题已由{unit}处理：{result}。感谢您的监督与支持。",
    "grid": "已向上报网格员反馈：{unit}已处理“{title}”，{result}。",
    "patrol": "巡查发现的“{title}”问题已由{unit}处理：{result}。",
    "department": "已向移交部门反馈：{unit}已处理“{title}”，{result}。",
}


def answer_text(channel: str, *, title: str, unit: str, result: str) -> str:
    key = "public" if channel in PUBLIC_CHANNELS else channel
    return ANSWERS.get(key, ANSWERS["public"]).format(title=title, unit=unit, result=result)


@dataclass(frozen=True)
class Phrase:
    items: tuple[str, ...]
    title: str
    weight: float
    season: str
    hours: str
    urgent: float
    hub: bool
    text: str

    @property
    def first_person(self) -> bool:
        # "我在…买的…" reads as a citizen's own words: only public channels use such phrases.
        return "我" in self.text

    def core(self) -> str:
        """The phrase with neutral slot fillers: what the classifier is asked about it."""
        return self.text.format(addr="", shop=NEUTRAL_SHOP)


def load_phrases(path: Path = PHRASES) -> list[Phrase]:
    """The phrase table, its town weights shaped like the reference's complaints (zhifa.demo.complaint_mix)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return concentrate(
        [
            Phrase(
                items=tuple(c for c in r["items"].split("|") if c),
                title=r["title"],
                weight=float(r["weight"]),
                season=r["season"],
                hours=r["hours"],
                urgent=float(r["urgent"] or 0),
                hub=r["place"] == "hub",
                text=r["text"],
            )
            for r in rows
        ]
    )


def streets_of(subdistrict_name: str) -> list[str]:
    short = subdistrict_name.removesuffix("街道")
    return [short + s for s in STREET_SUFFIXES]


def shop_name(rng: random.Random) -> str:
    return f"示例{rng.choice(SHOP_MARKS)}记"


def place_words(
    rng: random.Random, *, subdistrict: str, community: str, building: str | None, hub: bool
) -> tuple[str, str]:
    """(words for the text, address field) of one event."""
    if hub:
        spot = rng.choice(HUB_SPOTS)
        return spot, f"上城区杭州东站枢纽{spot}"
    if building:
        return building + rng.choice(NEAR), f"上城区{subdistrict}{building}"
    street = rng.choice(streets_of(subdistrict))
    number = rng.randrange(1, 400)
    form = rng.random()
    if form < 0.45:
        said = f"{community}{street}{number}号{rng.choice(NEAR)}"
    elif form < 0.8:
        said = f"{street}{number}号{rng.choice(NEAR)}"
    else:
        said = f"{subdistrict}{community}"
    return said, f"上城区{subdistrict}{community}{street}{number}号"


def description(rng: random.Random, phrase: Phrase, channel: str, said: str, hub: bool) -> str:
    if hub and not phrase.hub:
        said = "杭州东站" + said  # hub phrases name the station themselves
    body = phrase.text.format(addr=said, shop=shop_name(rng))
    ask = rng.choice(ASKS)
    if channel == "12345":
        return f"市民来电反映：{body}，{ask}。"
    if channel == "web":
        return f"{body}，{ask}。"
    if channel == "grid":
        return f"网格员巡查上报：{body}。"
    if channel == "patrol":
        return f"执法队员日常巡查发现：{body}。"
    if channel == "department":
        return f"部门移交：群众向本部门反映，{body}，请属地核查处置。"
    return f"{body}。"


def result_text(rng: random.Random, mode: str) -> str:
    return rng.choice(RESULTS[mode])
