"""统一社会信用代码 (GB 32100-2015) with its organisation-code check (GB 11714).

Worked by hand (weights 3^i mod 31 = 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28; values 0–9, A=10 … Y=30
skipping I O S V Z):

* 9 1 330102 0000000 1 ?: the organisation body 00000001 weighs 1×2 = 2, its check is 11 − 2 = 9; the first 17
  are 91330102000000019, Σ = 9·1 + 1·3 + 3·9 + 3·27 + 1·26 + 2·17 + 1·30 + 9·28 = 462, 462 mod 31 = 28,
  31 − 28 = 3 → 913301020000000193.
* 91110000600037341L (a published example): body 60003734 weighs 6·3 + 3·5 + 7·8 + 3·4 + 4·2 = 109,
  109 mod 11 = 10, check 11 − 10 = 1 ✓; Σ of the first 17 = 9 + 3 + 9 + 27 + 6·20 + 3·8 + 7·24 + 3·10 + 4·30
  + 1·28 = 538, 538 mod 31 = 11, 31 − 11 = 20 → "L" ✓.
"""

import random

import pytest

from zhifa.engine.uscc import (
    ALPHABET,
    WEIGHTS,
    org_code_check_char,
    uscc_check_char,
    uscc_is_valid,
    uscc_make,
    uscc_validate,
)


def test_weights_are_powers_of_three_mod_31():
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(ALPHABET) == 31 and not set("IOZSV") & set(ALPHABET)


@pytest.mark.parametrize("code", ["913301020000000193", "91110000600037341L"])
def test_hand_computed_codes_are_valid(code):
    assert uscc_validate(code) == []
    assert uscc_check_char(code[:17]) == code[17]


def test_org_code_check_digit_cases():
    assert org_code_check_char("00000001") == "9"
    assert org_code_check_char("60003734") == "1"
    # Σ = 0 → 11 − 0 = 11 → "0"; Σ ≡ 1 (mod 11) → 10 → "X".
    assert org_code_check_char("00000000") == "0"
    assert org_code_check_char("00000006") == "X"  # 6 × 2 = 12 ≡ 1 → 11 − 1 = 10 → "X"


def test_bad_check_character_names_the_right_one():
    problems = uscc_validate("913301020000000194")
    assert problems == ["校验位错误，应为 3"]


def test_bad_org_code_check_digit():
    # Changing position 17 alone breaks the organisation code (and the final check).
    problems = uscc_validate("913301020000000183")
    assert "第 17 位主体标识码（组织机构代码）校验位错误，应为 9" in problems
    assert uscc_validate("913301020000000183", check_org_code=False) == [
        f"校验位错误，应为 {uscc_check_char('91330102000000018')}"
    ]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91330102000000019", "长度应为 18 位（现为 17 位）"),
        ("9133010200000001933", "长度应为 18 位（现为 19 位）"),
        ("", "统一社会信用代码不能为空"),
    ],
)
def test_wrong_length(code, message):
    assert message in uscc_validate(code)


def test_lower_case_spaces_and_hyphens_are_normalised():
    assert uscc_validate("91110000600037341l") == []
    assert uscc_validate(" 9111 0000-6000 37341L ") == []
    assert uscc_is_valid("913301020000000193")


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_illegal_letters(letter):
    code = "91330102MA" + letter + "000001"
    problems = uscc_validate(code + "0")
    assert problems == [f"含非法字符：{letter}（不得使用 I、O、Z、S、V 及标点）"]


def test_punctuation_is_illegal():
    assert uscc_validate("9133010200000001.3")[0].startswith("含非法字符：.")


def test_unknown_registration_and_category():
    first17 = "B1330102000000019"
    assert "第 1 位登记管理部门代码“B”不存在" in uscc_validate(first17 + uscc_check_char(first17))
    first17 = "95330102000000019"
    assert "第 2 位机构类别代码“5”不属于登记管理部门“市场监管（工商）”" in uscc_validate(
        first17 + uscc_check_char(first17)
    )


def test_area_must_be_digits():
    first17 = "9133A102000000019"
    assert "第 3–8 位应为 6 位数字的行政区划码" in uscc_validate(first17 + uscc_check_char(first17))


def test_make_gives_valid_codes_and_every_single_change_is_caught():
    rng = random.Random(5)
    for _ in range(300):
        body = "".join(rng.choice(ALPHABET) for _ in range(8))
        code = uscc_make(body=body, category=rng.choice("123"))
        assert code[:8] in {"91330102", "92330102", "93330102"}
        assert uscc_validate(code) == [], code
        pos = rng.randrange(18)
        other = rng.choice([c for c in ALPHABET if c != code[pos]])
        changed = code[:pos] + other + code[pos + 1 :]
        # One changed character always breaks the mod-31 check (31 is prime, weights are non-zero).
        assert uscc_validate(changed, check_org_code=False) != [], changed


def test_make_refuses_bad_parts():
    with pytest.raises(ValueError):
        uscc_make(body="0000000I")
    with pytest.raises(ValueError):
        uscc_make(body="00000001", registration="9", category="5")
    with pytest.raises(ValueError):
        uscc_make(body="00000001", area="33A102")
