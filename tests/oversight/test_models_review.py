"""major_without_review after its query left out decisions that need no review in the database: a decision with
a review reason and no passed review still warns; one without a reason does not."""

from datetime import date

import pytest

from tests.cases.conftest import open_case
from tests.oversight.conftest import scan
from tests.oversight.model_checks import alerts, scan_again_adds_nothing
from zhifa.cases.models import Case, LegalReview


@pytest.mark.django_db
def test_major_without_review(ow):
    w = ow
    plain = open_case(w)
    Case.objects.filter(pk=plain.pk).update(stage="decided", outcome="penalty", decided_on=date(2026, 3, 2))
    assert scan("major_without_review").created == 0  # no review reason: a near miss
    major = open_case(w)
    Case.objects.filter(pk=major.pk).update(
        stage="decided", outcome="penalty", decided_on=date(2026, 3, 2), review_reasons=["罚款 20 万元"]
    )
    scan("major_without_review")
    a = alerts("major_without_review").get()
    assert a.key == str(major.pk) and "未经法制审核通过" in a.title
    scan_again_adds_nothing("major_without_review")
    LegalReview.objects.create(
        case=major, reviewer=w.rita, reviewed_on=date(2026, 3, 2), passed=True, opinion="同意",
        created_at=major.created_at,
    )  # fmt: skip
    assert scan("major_without_review").resolved == 1
