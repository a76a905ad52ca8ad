"""The shape of the demo district: domains, departments, teams and how many officers each has."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DomainSpec:
    code: str
    name: str
    core: bool
    department: str
    district_team: str
    district_officers: int  # officers who stay in the district team (not seconded)
    seconded_share: float  # share of the seconded officers whose home department is this one


DOMAINS = (
    DomainSpec("comprehensive", "综合执法", True, "区综合行政执法局", "区综合行政执法大队", 78, 0.74),
    DomainSpec("market", "市场监管", True, "区市场监督管理局", "区市场监管综合执法大队", 46, 0.12),
    DomainSpec("culture", "文化市场", True, "区文化和广电旅游体育局", "区文化市场综合行政执法队", 16, 0.03),
    DomainSpec("emergency", "应急管理", True, "区应急管理局", "区应急管理综合行政执法大队", 16, 0.04),
    DomainSpec("natural_resources", "自然资源", True, "区规划和自然资源分局", "区自然资源执法大队", 13, 0.02),
    DomainSpec("health", "卫生健康", True, "区卫生健康局", "区卫生健康综合监督执法队", 16, 0.03),
    DomainSpec("fire", "消防", False, "区消防救援大队", "区消防监督执法队", 10, 0.01),
    DomainSpec("transport", "交通运输", False, "区交通运输局", "区交通运输执法中队", 10, 0.005),
    DomainSpec("ecology", "生态环境", False, "市生态环境局上城分局", "区生态环境执法队", 8, 0.005),
)

# Seconded officers per subdistrict team, roughly by population and enforcement load (sums to 504).
SUBDISTRICT_OFFICERS = {
    "330102001": 26,  # 清波
    "330102003": 30,  # 湖滨
    "330102004": 28,  # 小营
    "330102008": 36,  # 南星
    "330102009": 30,  # 紫阳
    "330102010": 32,  # 望江
    "330102011": 32,  # 凯旋
    "330102012": 34,  # 采荷
    "330102013": 36,  # 闸弄口
    "330102014": 44,  # 四季青
    "330102015": 44,  # 彭埠
    "330102016": 40,  # 笕桥
    "330102017": 38,  # 丁兰
    "330102018": 54,  # 九堡
}

HUB_CODE = "330102HUB"
# Stationed units at the hub and the travel scenes (吃住行游购娱) their management layer covers.
HUB_UNITS = (
    ("HUB-ZH", "东站枢纽综合执法队", "comprehensive", ("住", "游", "娱"), 10),
    ("HUB-SJ", "东站枢纽市场监管所", "market", ("吃", "购"), 5),
    ("HUB-JT", "东站枢纽交通运输执法中队", "transport", ("行",), 3),
)
SIJIQING = "330102014"
SIJIQING_MICRO_GRIDS = 102
SIJIQING_BUILDINGS = 92
DEMO_PASSWORD = "zhifa-demo-2026"
# Birth dates, like every date of the demo, are drawn against its day (zhifa.demo.asof): same seed and day, same district.
