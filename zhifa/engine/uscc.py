"""统一社会信用代码 (GB 32100-2015): check character, validation with Chinese messages, synthetic codes.

Positions: 1 登记管理部门代码, 2 机构类别代码, 3–8 登记管理机关行政区划码, 9–17 主体标识码 (the organisation code of
GB 11714, whose 9th character is its own check digit), 18 校验码. Pure Python, no Django.
"""

from __future__ import annotations

# The 31 characters of the code: digits and capitals without I, O, Z, S, V (easily confused).
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {c: i for i, c in enumerate(ALPHABET)}
# Weight of position i (from 0) is 3^i mod 31.
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

# GB 11714 organisation code: 8 body characters weighted 3,7,9,10,5,8,4,2, check = 11 − (Σ mod 11),
# 10 → "X", 11 → "0"; a letter counts as its place in the full Latin alphabet (A = 10 … Z = 35).
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# 登记管理部门代码 → its 机构类别代码 (GB 32100-2015 table 1 and later assignments).
REGISTRATION_CATEGORIES = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "2": {"1": "外国常驻新闻机构", "9": "其他"},
    "3": {
        "1": "律师执业机构",
        "2": "公证处",
        "3": "基层法律服务所",
        "4": "司法鉴定机构",
        "5": "仲裁委员会",
        "9": "其他",
    },
    "4": {"1": "外国在华文化中心", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "6": {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"},
    "7": {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
    "8": {"1": "基层工会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "A": {"1": "军队事业单位", "9": "其他"},
    "N": {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    "Y": {"1": "其他"},
}
REGISTRATION_NAMES = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "市场监管（工商）",
    "A": "中央军委改革和编制办公室",
    "N": "农业农村",
    "Y": "其他",
}


def normalise(code: str) -> str:
    """Upper case without spaces or hyphens: people type "91330102 mA2…" and paste with separators."""
    return "".join((code or "").split()).replace("-", "").upper()


def uscc_check_char(first17: str) -> str:
    """The 18th character for the first 17 (already upper case, all in ALPHABET)."""
    if len(first17) != 17:
        raise ValueError("需要前 17 位")
    total = sum(VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def _org_value(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def org_code_check_char(body8: str) -> str:
    """Check character of a GB 11714 organisation code body (8 digits or capitals)."""
    if len(body8) != 8:
        raise ValueError("需要 8 位本体代码")
    c = 11 - sum(_org_value(ch) * w for ch, w in zip(body8, ORG_WEIGHTS, strict=True)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_validate(code: str, *, check_org_code: bool = True) -> list[str]:
    """Every problem of a code, in Chinese; an empty list means valid. The code is normalised first."""
    code = normalise(code)
    if not code:
        return ["统一社会信用代码不能为空"]
    problems: list[str] = []
    if len(code) != 18:
        problems.append(f"长度应为 18 位（现为 {len(code)} 位）")
    bad = sorted({c for c in code if c not in VALUE})
    if bad:
        problems.append(f"含非法字符：{'、'.join(bad)}（不得使用 I、O、Z、S、V 及标点）")
    if problems:
        return problems
    registration, category = code[0], code[1]
    categories = REGISTRATION_CATEGORIES.get(registration)
    if categories is None:
        problems.append(f"第 1 位登记管理部门代码“{registration}”不存在")
    elif category not in categories:
        problems.append(
            f"第 2 位机构类别代码“{category}”不属于登记管理部门“{REGISTRATION_NAMES[registration]}”"
        )
    if not code[2:8].isdigit():
        problems.append("第 3–8 位应为 6 位数字的行政区划码")
    if check_org_code:
        expected_org = org_code_check_char(code[8:16])
        if code[16] != expected_org:
            problems.append(f"第 17 位主体标识码（组织机构代码）校验位错误，应为 {expected_org}")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        problems.append(f"校验位错误，应为 {expected}")
    return problems


def uscc_is_valid(code: str, *, check_org_code: bool = True) -> bool:
    return not uscc_validate(code, check_org_code=check_org_code)


def uscc_make(*, body: str, registration: str = "9", category: str = "1", area: str = "330102") -> str:
    """A well-formed code from its parts: `body` is the 8-character organisation-code body (its check digit and
    the code's check character are computed). For demo data and tests: the result is valid, not real."""
    body = normalise(body)
    if len(body) != 8 or any(c not in VALUE for c in body):
        raise ValueError("主体标识码本体应为 8 位数字或字母（不含 I、O、Z、S、V）")
    if category not in REGISTRATION_CATEGORIES.get(registration, {}):
        raise ValueError(f"登记管理部门 {registration} 没有机构类别 {category}")
    if len(area) != 6 or not area.isdigit():
        raise ValueError("行政区划码应为 6 位数字")
    first17 = registration + category + area + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)
