"""公民身份号码 (GB 11643-1999).

Worked by hand for the standard's example 11010519491231002X: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 over
1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 give 7 + 9 + 0 + 5 + 0 + 20 + 2 + 9 + 24 + 27 + 7 + 18 + 30 + 5 + 0 + 0 + 4
= 167, 167 mod 11 = 2 → "X".
"""

from datetime import date

import pytest

from zhifa.engine.idcard import WEIGHTS, id_check_char, id_make, id_mask, id_validate


def test_weights_are_powers_of_two_mod_11():
    assert WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def test_the_standards_example_is_valid():
    assert id_check_char("11010519491231002") == "X"
    assert id_validate("11010519491231002x") == []  # lower-case x is accepted


@pytest.mark.parametrize(
    "number, problem",
    [
        ("", "身份证号码不能为空"),
        ("1101051949123100", "身份证号码应为 18 位（现为 16 位）"),
        ("11010519491231002Y", "身份证号码前 17 位应为数字，第 18 位为数字或 X"),
        ("110105194912310021", "校验位错误，应为 X"),
        ("110105194913310029", "第 7–14 位出生日期无效"),
    ],
)
def test_problems_are_named(number, problem):
    assert problem in id_validate(number, today=date(2026, 1, 1))


def test_a_birth_date_after_today_is_refused():
    future = id_make(born=date(2027, 1, 1), sequence=1)
    assert id_validate(future, today=date(2026, 6, 1)) == ["第 7–14 位出生日期无效"]


def test_made_numbers_are_valid_and_masked_for_display():
    number = id_make(born=date(1990, 5, 1), sequence=123)
    assert id_validate(number) == []
    assert id_mask(number) == number[:6] + "********" + number[-4:]
    assert len(id_mask(number)) == 18
