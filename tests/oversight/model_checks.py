"""What every new model's test checks the same way: one warning per problem, and who sees it (the service's
selector and GET /api/v1/oversight/warnings)."""

from tests.conftest import client_for
from tests.oversight.conftest import scan
from zhifa.oversight.models import Alert, AlertRule
from zhifa.oversight.selectors import alert_list_for_user
from zhifa.oversight.services import alert_rule_update


def alerts(code: str):
    return Alert.objects.filter(rule__code=code)


def scan_again_adds_nothing(code: str) -> None:
    run = scan(code)
    counts = run.per_rule[code]
    assert (counts["created"], counts["updated"], counts["reopened"], counts["resolved"]) == (0, 0, 0, 0)


def tune(w, code: str, **params) -> None:
    rule = AlertRule.objects.get(code=code)
    alert_rule_update(rule=rule, params=params, active=True, by=w.olga)


def assert_scoped(w, code: str, *, owner, outsider, n: int = 1) -> None:
    """The unit's user sees its warnings of the model, another unit's user none — through the selector the
    pages use and through the API; oversight sees them all."""
    for user, expected in ((owner, n), (outsider, 0), (w.olga, n)):
        assert alert_list_for_user(user=user).filter(rule__code=code).count() == expected
        res = client_for(user).get(f"/api/v1/oversight/warnings?model={code}")
        assert res.status_code == 200 and res.json()["count"] == expected, (user, res.json())
    row = client_for(owner).get(f"/api/v1/oversight/warnings?model={code}").json()["results"][0]
    assert row["model"] == code and row["state"] == "new" and row["records"]
