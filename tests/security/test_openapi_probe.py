"""schemathesis against /api/v1/openapi.json (issue 10, "probes that stay"): every operation of the API gets
generated requests — a bounded number each, so the run stays well inside CI's time — with a district command
centre's API token, over the probe world (tests/security/conftest.py). Wanted: no server error, and every
documented response matching its schema (a `null` where the schema promises a string is a failure)."""

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hsettings

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.inspections.test_records import rec  # noqa: F401 (fixture)
from tests.subjects.conftest import subjects  # noqa: F401 (fixture)
from zhifa.accounts.services import api_token_create

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

EXAMPLES_PER_OPERATION = 6  # 125 operations × 6 requests: about 20 s of CPU on this project's 2-core machine


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler inside the test's transaction: the handler must not close the test's connection
    between requests (the test client disconnects the same signal)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def run_operation(operation, headers: dict, answered: dict, failures: list) -> None:
    """A bounded, reproducible batch of generated requests to one operation; problems are collected, not
    raised, so one run reports every operation that fails."""
    label = operation.label

    @seed(20261203)
    @hsettings(
        max_examples=EXAMPLES_PER_OPERATION,
        phases=[Phase.explicit, Phase.generate],
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def probe_operation(case):
        response = case.call(headers=headers)
        answered.setdefault(label, set()).add(response.status_code)
        try:
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance], headers=headers
            )
        except Exception as exc:  # noqa: BLE001 (a check failed: collected and reported together)
            failures.append(f"{label}: {(str(exc).strip() or repr(exc))[:500]}")

    probe_operation()


def test_every_api_operation_answers_within_its_schema(probe, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    _, raw = api_token_create(user=probe.carol, name="schemathesis")
    headers = {"Authorization": f"Bearer {raw}"}
    failures, operations, answered = [], 0, {}
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        run_operation(operation, headers, answered, failures)
    assert operations >= 100, f"only {operations} operations in the schema"
    # Not a run of refusals: the token gets through, and reads of the probe world answer with data.
    succeeded = [label for label, codes in answered.items() if any(200 <= c < 300 for c in codes)]
    assert len(succeeded) >= 20 and 401 not in set().union(*answered.values()), sorted(answered.items())
    assert not failures, "\n".join(dict.fromkeys(failures))
