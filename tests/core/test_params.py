"""List filters read from the query string: anything unreadable leaves the filter off — a page, not an error."""

from datetime import date

import pytest

from tests.conftest import client_for
from tests.oversight.conftest import clock, cw, district, ow, subjects  # noqa: F401 (fixtures)
from zhifa.core.params import date_or_none, int_or_none


def test_int_or_none():
    assert int_or_none(" 12 ") == 12
    assert int_or_none("0") == 0
    for bad in (None, "", "-3", "1.5", "abc", "１２x", "99999999999"):  # the last: past the integer columns
        assert int_or_none(bad) is None, bad


def test_date_or_none():
    assert date_or_none("2026-03-01") == date(2026, 3, 1)
    for bad in (None, "", "2026-02-30", "昨天", "3月1日"):
        assert date_or_none(bad) is None, bad


@pytest.mark.parametrize(
    "url",
    [
        "/oversight/?unit=99999999999&since=2026-02-30",
        "/oversight/trainings/?unit=99999999999&since=x&until=2026-13-01",
        "/oversight/trainings/hours/?since=nonsense",
    ],
)
def test_oversight_lists_ignore_what_they_cannot_read(ow, url):  # noqa: F811
    assert client_for(ow.olga).get(url).status_code == 200
