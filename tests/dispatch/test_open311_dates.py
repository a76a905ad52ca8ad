"""Open311 request lists: impossible, far-off or reversed dates are the spec's 400 error, never a server error."""

from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone

from zhifa.dispatch.events.intake import event_intake

URL = "/open311/v2/requests.{fmt}"


@pytest.fixture
def machine():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def reported(district):
    return event_intake(channel="12345", description="九堡街道某饭店油烟扰民")


W3C = "must be a W3C datetime, e.g. 2026-01-01T00:00:00+08:00"
RANGE = "must lie between the years 1900 and 2999"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start_date": "9999-12-31T23:59:59"}, "start_date " + RANGE),
        ({"end_date": "0001-01-01"}, "end_date " + RANGE),
        ({"start_date": "0001-01-01T00:00:00Z"}, "start_date " + RANGE),
        ({"end_date": "9999-12-31"}, "end_date " + RANGE),
        ({"start_date": "2026-13-45"}, "start_date " + W3C),
        ({"end_date": "2026-02-30T10:00:00"}, "end_date " + W3C),
        ({"start_date": "2026-01-01T25:61:00"}, "start_date " + W3C),
        ({"start_date": "2026-01-01T00:00:00+25:00"}, "start_date " + W3C),
        (
            {"start_date": "2026-03-02T00:00:00+08:00", "end_date": "2026-03-01T00:00:00+08:00"},
            "start_date must not be after end_date",
        ),
    ],
)
def test_bad_dates_are_400_with_the_spec_error(reported, machine, params, message):
    res = machine.get(URL.format(fmt="json"), params)
    assert res.status_code == 400
    assert res.json() == [{"code": 400, "description": message}]
    res = machine.get(URL.format(fmt="xml"), params)
    assert res.status_code == 400
    error = ET.fromstring(res.content).find("error")
    assert (error.findtext("code"), error.findtext("description")) == ("400", message)


def test_dates_inside_the_range_still_answer(reported, machine):
    day = timezone.localtime(reported.received_at).date()
    same_day = machine.get(
        URL.format(fmt="json"), {"start_date": str(day), "end_date": str(day + timedelta(1))}
    )
    assert same_day.status_code == 200
    assert [r["service_request_id"] for r in same_day.json()] == [reported.public_id]
    # The edges of the accepted years, each with its own 90-day window: nothing there, and no error.
    for params in ({"start_date": "2999-12-31T23:59:59"}, {"end_date": "1900-01-01"}):
        res = machine.get(URL.format(fmt="json"), params)
        assert (res.status_code, res.json()) == (200, [])
    # Equal start and end is a window of no length, not an error.
    moment = reported.received_at.isoformat()
    res = machine.get(URL.format(fmt="json"), {"start_date": moment, "end_date": moment})
    assert [r["service_request_id"] for r in res.json()] == [reported.public_id]
