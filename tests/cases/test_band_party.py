"""Discretion bands by kind of party: where the standard fines 公民 and 法人或者其他组织 on different scales, a
person's fine is held to the person's band and a shop's to the organisation's; a band for either applies to both."""

from datetime import date

import pytest

from tests.cases.conftest import add_required_evidence, open_case
from tests.conftest import client_for
from tests.subjects.conftest import code
from zhifa.cases import services as svc
from zhifa.catalog.models import DiscretionBand
from zhifa.core.errors import ServiceError
from zhifa.engine.idcard import id_make


@pytest.fixture
def split(cw):
    """ZH0101's 一般 band split: 公民 200–2,000 元, 法人或者其他组织 5,000–50,000 元; the other levels for either."""
    w = cw
    DiscretionBand.objects.filter(item=w.zh0101, level="一般").delete()
    DiscretionBand.objects.create(
        item=w.zh0101, level="一般", party="person", condition="个人一般情形", min_fine=200, max_fine=2000
    )
    DiscretionBand.objects.create(
        item=w.zh0101,
        level="一般",
        party="organisation",
        condition="单位一般情形",
        min_fine=5000,
        max_fine=50000,
    )
    return w


def _firm(n):
    """A company (法人): a unified social credit code of registration 9, category 1 (enterprise)."""
    return [{"kind": "organisation", "name": f"杭州示例{n}有限公司", "uscc": code(900 + n)}]


def _notify(w, case, fine):
    svc.case_investigate(case=case, by=w.alice)
    add_required_evidence(w, case)
    penalties = [{"cause": "ZH0101", "circumstance": "一般", "kinds": ["fine"], "fine": fine}]
    return svc.case_notify(case=case, penalties=penalties, by=w.alice)


def test_a_company_is_held_to_the_organisation_band(split, clock):
    w = split
    with pytest.raises(ServiceError) as err:
        _notify(w, open_case(w, parties=_firm(1)), 3000)  # 3,000 is under the organisation's 5,000 floor
    assert err.value.message == (
        "ZH0101 罚款 3,000 元超出裁量基准（一般：5,000–50,000 元），须说明理由并经法制审核"
    )
    case = _notify(w, open_case(w, parties=_firm(2)), 8000)
    cause = case.causes.get()
    assert (cause.band_min, cause.band_max) == (5000, 50000) and case.review_reasons == []


def test_a_person_is_held_to_the_person_band(split, clock):
    w = split
    person = [{"kind": "person", "name": "王五", "id_number": id_make(born=date(1990, 1, 1), sequence=21)}]
    with pytest.raises(ServiceError) as err:
        _notify(w, open_case(w, parties=person), 8000)  # within the organisation band, above the person's
    assert err.value.message == (
        "ZH0101 罚款 8,000 元超出裁量基准（一般：200–2,000 元），须说明理由并经法制审核"
    )
    person[0]["id_number"] = id_make(born=date(1990, 1, 1), sequence=22)
    case = _notify(w, open_case(w, parties=person), 1500)
    assert (case.causes.get().band_min, case.causes.get().band_max) == (200, 2000)


def test_a_band_for_either_applies_to_both(split, clock):
    w = split
    person = [{"kind": "person", "name": "赵六", "id_number": id_make(born=date(1991, 2, 2), sequence=5)}]
    for parties in (_firm(3), person):
        case = open_case(w, parties=parties)
        svc.case_investigate(case=case, by=w.alice)
        add_required_evidence(w, case)
        penalties = [{"cause": "ZH0101", "circumstance": "较重", "kinds": ["fine"], "fine": 60000}]
        with pytest.raises(ServiceError, match=r"超出裁量基准（较重：5,000–50,000 元）"):
            svc.case_notify(case=case, penalties=penalties, by=w.alice)


def test_the_case_page_lists_only_the_partys_bands(split, clock):
    w = split
    firm = open_case(w, parties=_firm(4))
    shop = open_case(w)  # a 个体工商户 (credit code category 92) is fined as a 公民
    for case in (firm, shop):
        svc.case_investigate(case=case, by=w.alice)
    client = client_for(w.alice)
    page = client.get(f"/cases/{firm.pk}/").content.decode()
    assert "一般 5000–50000 元" in page and "一般 200–2000 元" not in page
    page = client.get(f"/cases/{shop.pk}/").content.decode()
    assert "一般 200–2000 元" in page and "一般 5000–50000 元" not in page
