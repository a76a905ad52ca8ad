"""公民身份号码 (GB 11643-1999): the check character, validation with Chinese messages, masking for display.

Positions: 1–6 address code (GB/T 2260), 7–14 birth date YYYYMMDD, 15–17 sequence (odd for men), 18 check
character: Σ(aᵢ·Wᵢ) mod 11 over the first 17 digits with Wᵢ = 2^(17−i) mod 11, mapped 0→1, 1→0, 2→X, 3→9 … 10→2.
Pure Python, no Django.
"""

from __future__ import annotations

from datetime import date

WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
CHECK = "10X98765432"
EARLIEST_BIRTH = date(1890, 1, 1)


def normalise(number: str) -> str:
    return "".join((number or "").split()).upper()


def id_check_char(first17: str) -> str:
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("需要前 17 位数字")
    return CHECK[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def id_birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_validate(number: str, *, today: date | None = None) -> list[str]:
    """Every problem of an 18-character citizen ID number, in Chinese; empty when valid."""
    number = normalise(number)
    if not number:
        return ["身份证号码不能为空"]
    if len(number) != 18:
        return [f"身份证号码应为 18 位（现为 {len(number)} 位）"]
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return ["身份证号码前 17 位应为数字，第 18 位为数字或 X"]
    problems = []
    if number[0] not in "123456789":
        problems.append("第 1–6 位地址码无效")
    born = id_birth_date(number)
    if born is None or born < EARLIEST_BIRTH or born > (today or date.today()):
        problems.append("第 7–14 位出生日期无效")
    expected = id_check_char(number[:17])
    if number[17] != expected:
        problems.append(f"校验位错误，应为 {expected}")
    return problems


def id_mask(number: str) -> str:
    """The number as shown: address code and last four kept (330102********123X)."""
    number = normalise(number)
    return number[:6] + "*" * 8 + number[-4:] if len(number) == 18 else "*" * len(number)


def id_make(*, area: str = "330102", born: date, sequence: int) -> str:
    """A well-formed number (for tests and demo data): valid, not real."""
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)
