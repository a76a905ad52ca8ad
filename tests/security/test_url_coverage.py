"""Every URL of the project, asked as anonymous and as each role of the demo district (probe world in
conftest.py): the status each gets is written down below, and what belongs to 南星街道 never shows to 九堡's
people or to the public. POSTs by those who may not write (anonymous, 九堡's command room, officer and grid
worker, oversight) write nothing: the audit chain does not grow. A URL pattern added without a line here fails
`test_every_url_pattern_has_an_expectation`, which prints the line the URL gets today, to review and paste.

Issue 10, "probes that stay": this is the cross-role, cross-jurisdiction suite, run in every CI run."""

import io
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import client_for
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.inspections.test_records import rec  # noqa: F401 (fixture)
from tests.security.conftest import ROLES
from tests.subjects.conftest import subjects  # noqa: F401 (fixture)
from zhifa.audit.models import AuditRecord

GET_ROLES = list(ROLES)  # anon root carol nina jack alice bob mara greg olga
POST_ROLES = ["anon", "jack", "bob", "greg", "olga"]  # none of them may write anything of 南星's
OUTSIDERS = {"anon", "jack", "bob", "greg"}  # never see 南星's records

# route → "GET statuses of anon root carol nina jack alice bob mara greg olga | POST statuses of anon jack bob
# greg olga". Pages answer anonymous with 302 (to the login page), the API with 401; an object outside the
# asker's jurisdiction is 404, exactly like a missing one.
EXPECT: dict[str, str] = {
    "": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "start/": "302 302 302 302 302 302 302 302 302 302 | 302 302 302 302 302",
    "reform/": "302 200 200 302 302 302 302 200 302 200 | 405 405 405 405 405",
    "reform/<str:code>/": "302 404 404 404 404 404 404 404 404 404 | 405 405 405 405 405",
    "api/v1/reform": "401 200 200 404 404 404 404 200 404 200 | 405 405 405 405 405",
    "api/v1/reform/<code>": "401 404 404 404 404 404 404 404 404 404 | 405 405 405 405 405",
    "accounts/login/": "200 200 200 200 200 200 200 200 200 200 | 400 400 400 400 400",
    "accounts/logout/": "405 405 405 405 405 405 405 405 405 405 | 302 302 302 302 302",
    "accounts/tokens/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "accounts/tokens/<int:pk>/revoke/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 404",
    "accounts/password/": "302 200 200 200 200 200 200 200 200 200 | 302 400 400 400 400",
    "accounts/users/": "302 200 403 403 403 403 403 403 403 403 | 302 403 403 403 403",
    "accounts/users/<int:pk>/password-reset/": "302 404 403 403 403 403 403 403 403 403 | 302 403 403 403 403",
    "org/regions/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "org/regions/<str:code>/": "302 200 200 200 404 200 404 200 404 200 | 302 404 404 404 200",
    "org/teams/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "org/teams/<str:code>/": "302 200 200 200 404 200 404 200 404 200 | 302 404 404 404 200",
    "org/officers/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "org/officers/<int:pk>/": "302 200 200 200 404 200 404 200 404 200 | 302 404 404 404 200",
    "org/buildings/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "org/buildings/<str:code>/": "302 200 200 200 404 200 404 200 404 200 | 302 404 404 404 200",
    "catalog/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "catalog/export.xlsx": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "catalog/items/<str:code>/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "catalog/scenarios/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "catalog/scenarios/<str:code>/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "catalog/releases/": "302 200 403 403 403 403 403 403 403 403 | 302 403 403 403 403",
    "catalog/releases/new/": "302 200 403 403 403 403 403 403 403 403 | 302 403 403 403 403",
    "catalog/releases/<int:pk>/": "302 404 403 403 403 403 403 403 403 403 | 302 403 403 403 403",
    "catalog/releases/<int:pk>/apply/": "405 405 405 405 405 405 405 405 405 405 | 302 403 403 403 403",
    "catalog/releases/<int:pk>/discard/": "405 405 405 405 405 405 405 405 405 405 | 302 403 403 403 403",
    "dispatch/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "dispatch/events/new/": "302 200 200 200 200 403 403 403 403 403 | 302 400 403 403 403",
    "dispatch/events/<int:pk>/": "302 200 200 200 404 200 404 200 404 200 | 302 404 404 404 200",
    "dispatch/events/<int:pk>/<slug:action>/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 403",
    "dispatch/tasks/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "dispatch/report-in/": "302 403 403 403 403 200 200 200 200 403 | 302 403 400 400 403",
    "dispatch/ledger.xlsx": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "dispatch/consultations/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "dispatch/consultations/<int:pk>/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "dispatch/consultations/<int:pk>/record/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 404",
    "dispatch/events/<int:pk>/consultations/new/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 403",
    "dispatch/events/<int:pk>/evidence/new/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 403",
    "dispatch/evidence/<int:pk>/file/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "dispatch/evidence/<int:pk>/withdraw/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 404",
    "dispatch/evidence/<int:pk>/adopt/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 404",
    "dispatch/imports/hotline/": "302 200 200 403 403 403 403 403 403 403 | 302 403 403 403 403",
    "dispatch/imports/hotline/template.xlsx": "302 200 200 403 403 403 403 403 403 403 | 302 403 403 403 403",
    "dispatch/report/": "200 200 200 200 200 200 200 200 200 200 | 400 400 400 400 400",
    "dispatch/track/": "200 200 200 200 200 200 200 200 200 200 | 200 200 200 200 200",
    "dispatch/track/<str:receipt>/": "200 200 200 200 200 200 200 200 200 200 | 200 200 200 200 200",
    "dispatch/track/<str:receipt>/rate/": "405 405 405 405 405 405 405 405 405 405 | 400 400 400 400 400",
    "subjects/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "subjects/new/": "302 200 200 200 200 200 200 200 200 403 | 302 400 400 400 403",
    "subjects/import/": "302 200 200 200 200 200 200 200 200 403 | 302 400 400 400 403",
    "subjects/<int:pk>/edit/": "302 200 200 200 404 200 404 200 404 403 | 302 404 404 404 403",
    "subjects/<int:pk>/": "302 200 200 200 404 200 404 200 404 200 | 302 404 404 404 200",
    "inspections/plan/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "inspections/plan.xlsx": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "inspections/demands/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "inspections/requests/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "inspections/requests/new/": "302 200 200 403 403 403 403 200 403 403 | 302 403 403 403 403",
    "inspections/requests/<int:pk>/cancel/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 404",
    "inspections/draws/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "inspections/draws/new/": "302 200 200 200 200 403 403 200 403 403 | 302 400 403 403 403",
    "inspections/draws/<int:pk>/": "302 200 200 200 404 200 404 200 404 200 | 302 404 404 404 200",
    "inspections/draws/<int:pk>/publish/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 302",
    "inspections/joint-plans/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "inspections/joint-plans/new/": "302 200 200 200 200 200 200 403 403 403 | 302 400 400 403 403",
    "inspections/joint-plans/<int:pk>/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "inspections/joint-plans/<int:pk>/days/<int:day_pk>/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "inspections/joint-plans/<int:pk>/publish/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 404",
    "inspections/joint-plans/<int:pk>/withdraw/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 404",
    "inspections/joint-plans/<int:pk>.xlsx": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "inspections/joint-plans/visits/<int:visit_pk>/mark/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 404",
    "inspections/my-days/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "inspections/public/draws/<int:pk>/": "404 404 404 404 404 404 404 404 404 404 | 404 404 404 404 404",
    "inspections/records/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "inspections/records/new/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "inspections/records/<int:pk>/": "302 200 200 200 404 200 404 200 404 200 | 302 404 404 404 400",
    "inspections/records/photos/<int:pk>/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "inspections/guidance/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "risk/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "risk/recompute/": "302 405 405 405 405 405 405 405 405 405 | 302 403 403 403 403",
    "risk/policy/": "302 200 200 200 200 200 200 200 200 200 | 302 403 403 403 403",
    "risk/subjects/<int:pk>/assess/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 403",
    "cases/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "cases/new/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "cases/on-spot/": "302 200 200 200 200 200 200 200 200 200 | 302 400 400 400 400",
    "cases/<int:pk>/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "cases/<int:pk>/act/<str:name>/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 404",
    "cases/<int:pk>/evidence/<int:evidence_pk>/file/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "cases/<int:pk>/documents/<int:document_pk>/pdf/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "cases/<int:pk>/documents/<int:document_pk>/signature/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "c/": "200 200 200 200 200 200 200 200 200 200 | 200 200 200 200 200",
    "c/id/<str:code_id>": "404 404 404 404 404 404 404 404 404 404 | 404 404 404 404 404",
    "c/<str:token>": "200 200 200 200 200 200 200 200 200 200 | 200 200 200 200 200",
    "c/<str:token>/rate": "405 405 405 405 405 405 405 405 405 405 | 400 400 400 400 400",
    "s/<str:token>": "404 404 404 404 404 404 404 404 404 404 | 404 404 404 404 404",
    "codes/jwks.json": "200 200 200 200 200 200 200 200 200 200 | 200 200 200 200 200",
    "codes/pdf-ca.pem": "404 404 404 404 404 404 404 404 404 404 | 404 404 404 404 404",
    "codes/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "codes/ratings/": "302 200 200 403 403 403 403 403 403 200 | 302 403 403 403 200",
    "codes/ratings/<int:pk>/review": "302 405 405 405 405 405 405 405 405 405 | 302 403 403 403 404",
    "codes/shop/<int:subject_id>/": "302 200 200 200 404 200 404 200 404 200 | 302 404 404 404 302",
    "codes/<str:code_id>/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "open311/v2/^services\\.(?P<fmt>json|xml)$": "200 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "open311/v2/^services/(?P<service_code>[^/]+)\\.(?P<fmt>json|xml)$": "200 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "open311/v2/^requests\\.(?P<fmt>json|xml)$": "200 200 200 200 200 200 200 200 200 200 | 403 403 403 403 403",
    "open311/v2/^requests/(?P<request_id>[^/]+)\\.(?P<fmt>json|xml)$": "404 404 404 404 404 404 404 404 404 404 | 405 405 405 405 405",
    "api/v1/openapi.json": "200 |",
    "api/v1/docs": "200 200 200 200 200 200 200 200 200 200 | 200 200 200 200 200",
    "api/v1/org/regions": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/org/regions/<code>": "401 200 200 200 404 200 404 200 404 200 | 405 405 405 405 405",
    "api/v1/org/teams": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/org/teams/<code>": "401 200 200 200 404 200 404 200 404 200 | 405 405 405 405 405",
    "api/v1/org/officers": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/org/officers/<int:officer_id>": "401 200 200 200 404 200 404 200 404 200 | 405 405 405 405 405",
    "api/v1/org/buildings": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/org/buildings/<code>": "401 200 200 200 404 200 404 200 404 200 | 405 405 405 405 405",
    "api/v1/org/locate": "401 422 422 422 422 422 422 422 422 422 | 405 405 405 405 405",
    "api/v1/catalog/items": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/catalog/items/<code>": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/catalog/domains": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/catalog/scenarios": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/catalog/scenarios/<code>": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/catalog/releases": "401 200 403 403 403 403 403 403 403 403 | 401 422 422 422 422",
    "api/v1/catalog/releases/<int:release_id>": "401 404 403 403 403 403 403 403 403 403 | 405 405 405 405 405",
    "api/v1/catalog/releases/<int:release_id>/apply": "405 405 405 405 405 405 405 405 405 405 | 401 403 403 403 403",
    "api/v1/catalog/releases/<int:release_id>/discard": "405 405 405 405 405 405 405 405 405 405 | 401 403 403 403 403",
    "api/v1/dispatch/geocode": "401 422 422 422 422 422 422 422 422 422 | 405 405 405 405 405",
    "api/v1/dispatch/events": "401 200 200 200 200 200 200 200 200 200 | 401 422 422 422 422",
    "api/v1/dispatch/events/<int:pk>": "401 200 200 200 404 200 404 200 404 200 | 405 405 405 405 405",
    "api/v1/dispatch/events/<int:pk>/accept": "405 405 405 405 405 405 405 405 405 405 | 401 404 404 404 403",
    "api/v1/dispatch/events/<int:pk>/arrive": "405 405 405 405 405 405 405 405 405 405 | 401 404 404 404 403",
    "api/v1/dispatch/events/<int:pk>/resolve": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/dispatch/events/<int:pk>/answer": "405 405 405 405 405 405 405 405 405 405 | 401 404 404 404 400",
    "api/v1/dispatch/events/<int:pk>/close": "405 405 405 405 405 405 405 405 405 405 | 401 404 404 404 403",
    "api/v1/dispatch/events/<int:pk>/return": "405 405 405 405 405 405 405 405 405 405 | 401 404 404 404 400",
    "api/v1/dispatch/events/<int:pk>/dispatch": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/dispatch/events/<int:pk>/correct": "405 405 405 405 405 405 405 405 405 405 | 401 404 404 404 403",
    "api/v1/dispatch/events/<int:pk>/merge": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/dispatch/consultations": "401 200 200 200 200 200 200 200 200 200 | 401 422 422 422 422",
    "api/v1/dispatch/consultations/<int:pk>": "401 404 404 404 404 404 404 404 404 404 | 405 405 405 405 405",
    "api/v1/dispatch/consultations/<int:pk>/record": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/dispatch/events/<int:pk>/evidence": "401 200 200 200 404 200 404 200 404 200 | 401 422 422 422 422",
    "api/v1/dispatch/evidence/<int:pk>": "401 404 404 404 404 404 404 404 404 404 | 405 405 405 405 405",
    "api/v1/dispatch/evidence/<int:pk>/withdraw": "405 405 405 405 405 405 405 405 405 405 | 401 404 404 404 404",
    "api/v1/dispatch/evidence/<int:pk>/adopt": "405 405 405 405 405 405 405 405 405 405 | 401 404 404 404 404",
    "api/v1/dispatch/imports/hotline": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/subjects": "401 200 200 200 200 200 200 200 200 200 | 401 422 422 422 422",
    "api/v1/subjects/<int:subject_id>": "401 200 200 200 404 200 404 200 404 200 | 405 405 405 405 405",
    "api/v1/subjects/import": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/risk/subjects/<int:subject_id>": "401 200 200 200 404 200 404 200 404 200 | 405 405 405 405 405",
    "api/v1/risk/subjects/<int:subject_id>/assess": "405 405 405 405 405 405 405 405 405 405 | 401 404 404 404 403",
    "api/v1/risk/recompute": "405 405 405 405 405 405 405 405 405 405 | 401 403 403 403 403",
    "api/v1/risk/policy": "401 200 200 200 200 200 200 200 200 200 | 401 422 422 422 422",
    "api/v1/inspections/draws": "401 200 200 200 200 200 200 200 200 200 | 401 422 422 422 422",
    "api/v1/inspections/draws/<int:draw_id>": "401 200 200 200 404 200 404 200 404 200 | 405 405 405 405 405",
    "api/v1/inspections/draws/<int:draw_id>/verify": "401 200 200 200 404 200 404 200 404 200 | 405 405 405 405 405",
    "api/v1/inspections/draws/<int:draw_id>/publish": "405 405 405 405 405 405 405 405 405 405 | 401 404 404 404 403",
    "api/v1/inspections/demands": "401 422 422 422 422 422 422 422 422 422 | 405 405 405 405 405",
    "api/v1/inspections/requests": "401 200 200 200 200 200 200 200 200 200 | 401 422 422 422 422",
    "api/v1/inspections/requests/<int:request_id>/cancel": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/inspections/records": "401 200 200 200 200 200 200 200 200 200 | 401 422 422 422 422",
    "api/v1/inspections/records/<int:record_id>": "401 200 200 200 404 200 404 200 404 200 | 405 405 405 405 405",
    "api/v1/inspections/records/<int:record_id>/answers": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/inspections/records/<int:record_id>/finish": "405 405 405 405 405 405 405 405 405 405 | 401 404 404 404 403",
    "api/v1/inspections/records/officers": "401 422 422 422 422 422 422 422 422 422 | 405 405 405 405 405",
    "api/v1/inspections/joint-plans/jobs": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/inspections/joint-plans": "401 200 200 200 200 200 200 200 200 200 | 401 422 422 422 422",
    "api/v1/inspections/joint-plans/<plan_id>": "401 422 422 422 422 422 422 422 422 422 | 405 405 405 405 405",
    "api/v1/inspections/joint-plans/<plan_id>/publish": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases": "401 200 200 200 200 200 200 200 200 200 | 401 422 422 422 422",
    "api/v1/cases/outcomes": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/cases/<int:case_id>": "401 404 404 404 404 404 404 404 404 404 | 405 405 405 405 405",
    "api/v1/cases/<int:case_id>/documents/<int:document_id>/pdf": "401 404 404 404 404 404 404 404 404 404 | 405 405 405 405 405",
    "api/v1/cases/<int:case_id>/evidence/<int:evidence_id>/file": "401 404 404 404 404 404 404 404 404 404 | 405 405 405 405 405",
    "api/v1/cases/decline": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/on-spot": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/investigate": "405 405 405 405 405 405 405 405 405 405 | 401 404 404 404 404",
    "api/v1/cases/<int:case_id>/correction": "405 405 405 405 405 405 405 405 405 405 | 401 404 404 404 404",
    "api/v1/cases/<int:case_id>/notify": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/respond": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/study": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/hearing": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/hearing-report": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/review": "405 405 405 405 405 405 405 405 405 405 | 401 404 404 404 404",
    "api/v1/cases/<int:case_id>/review-opinion": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/discussion": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/decide": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/serve": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/payment": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/public-service": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/enforcement": "405 405 405 405 405 405 405 405 405 405 | 401 404 404 404 404",
    "api/v1/cases/<int:case_id>/publish": "405 405 405 405 405 405 405 405 405 405 | 401 404 404 404 404",
    "api/v1/cases/<int:case_id>/credit-repair": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/close": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/extend": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/transfer": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/withdraw": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/evidence": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/evidence/upload": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/cases/<int:case_id>/evidence/<int:evidence_id>/withdraw": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/codes/verify": "422 422 422 422 422 422 422 422 422 422 | 405 405 405 405 405",
    "api/v1/codes/rate": "405 405 405 405 405 405 405 405 405 405 | 422 422 422 422 422",
    "api/v1/codes": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/codes/ratings/figures": "401 200 200 403 403 403 403 403 403 200 | 405 405 405 405 405",
    "api/v1/codes/<code_id>": "401 404 404 404 404 404 404 404 404 404 | 405 405 405 405 405",
    "api/v1/codes/<code_id>/revoke": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/": "404 404 404 404 404 404 404 404 404 404 | 404 404 404 404 404",
    # Landed with the oversight, jobs, learning, accessibility and case-document work (reviewed at the merge).
    "accounts/display/": "405 405 405 405 405 405 405 405 405 405 | 400 400 400 400 400",
    "dispatch/accuracy/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "cases/<int:pk>/site-record/pdf/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "oversight/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "oversight/warnings.xlsx": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "oversight/scan/": "302 405 405 405 405 405 405 405 405 405 | 302 403 403 403 302",
    "oversight/report/": "302 200 200 200 200 200 200 200 403 200 | 302 200 200 403 200",
    "oversight/report.xlsx": "302 200 200 200 200 200 200 200 403 200 | 302 200 200 403 200",
    "oversight/report/generate/": "302 405 405 405 405 405 405 405 405 405 | 302 302 302 403 302",
    "oversight/report/jobs/<uuid:job_id>/<slug:fmt>/": "404 404 404 404 404 404 404 404 404 404 | 404 404 404 404 404",
    "oversight/models/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "oversight/models/<str:code>/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 404",
    "oversight/trainings/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "oversight/trainings/new/": "302 200 200 200 200 403 403 200 403 200 | 302 400 403 403 400",
    "oversight/trainings/hours/": "302 200 200 200 200 200 200 200 403 200 | 302 200 200 403 200",
    "oversight/trainings/<int:pk>/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "oversight/trainings/<int:pk>/edit/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "oversight/trainings/<int:pk>/materials/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 404",
    "oversight/trainings/materials/<int:pk>/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "api/v1/oversight/trainings": "401 200 200 200 200 200 200 200 200 200 | 401 422 422 422 422",
    "api/v1/oversight/trainings/years": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/oversight/trainings/hours": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/oversight/trainings/<pk>": "401 422 422 422 422 422 422 422 422 422 | 405 405 405 405 405",
    "oversight/warnings/<int:pk>/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "oversight/warnings/<int:pk>/<slug:action>/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 404",
    "oversight/steps/<int:pk>/file/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "oversight/evaluations/": "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200",
    "oversight/evaluations/new/": "302 405 405 405 405 405 405 405 405 405 | 302 403 403 403 302",
    "oversight/evaluations/<int:pk>/": "302 404 404 404 404 404 404 404 404 404 | 302 404 404 404 404",
    "oversight/evaluations/<int:pk>/score/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 404",
    "oversight/evaluations/<int:pk>/weights/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 404",
    "oversight/evaluations/<int:pk>/close/": "302 405 405 405 405 405 405 405 405 405 | 302 404 404 404 404",
    "jobs/<uuid:job_id>/": "404 404 404 404 404 404 404 404 404 404 | 404 404 404 404 404",
    "api/v1/accounts/me/display": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/dispatch/routing-accuracy": "401 422 422 422 422 422 422 422 422 422 | 405 405 405 405 405",
    "api/v1/cases/<int:case_id>/site-record/pdf": "401 404 404 404 404 404 404 404 404 404 | 405 405 405 405 405",
    "api/v1/cases/<int:case_id>/inquiry": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/oversight/warnings": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/oversight/warnings/figures": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/oversight/warnings/<pk>": "401 422 422 422 422 422 422 422 422 422 | 405 405 405 405 405",
    "api/v1/oversight/warnings/<pk>/assign": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/oversight/warnings/<pk>/answer": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/oversight/warnings/<pk>/verify": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/oversight/warnings/<pk>/close": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/oversight/models": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/oversight/scan": "405 405 405 405 405 405 405 405 405 405 | 401 403 403 403 200",
    "api/v1/oversight/evaluations": "401 200 200 200 200 200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/oversight/evaluations/<pk>/results": "401 422 422 422 422 422 422 422 422 422 | 405 405 405 405 405",
    "api/v1/oversight/evaluations/<pk>/scores": "405 405 405 405 405 405 405 405 405 405 | 401 422 422 422 422",
    "api/v1/jobs/<job_id>": "401 422 422 422 422 422 422 422 422 422 | 405 405 405 405 405",
}

# Django's admin: every view behind the staff login (anonymous and non-staff are sent to /admin/login/).
ADMIN_PREFIX = "admin/"
# The admin's own doors, open to all: its login page (throttled like the app's) and logout (a GET is sent back
# to the admin's start, which sends it on to the login).
ADMIN_OPEN = {"admin/login/": {200}, "admin/logout/": {302, 405}}

MISSING = 2_000_000_001  # an id no table of the test database reaches


def walk(resolver=None, prefix=""):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            yield from walk(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def routes() -> list[str]:
    return list(dict.fromkeys(walk()))


# Which 南星 record fills a route's parameters: (route prefix, parameter) → attribute path on the world.
PARAMS = [
    ("dispatch/events/", "pk", "event.pk"),
    ("dispatch/track/", "receipt", "event.receipt_no"),
    ("subjects/", "pk", "nanxing_shop.pk"),
    ("risk/subjects/", "pk", "nanxing_shop.pk"),
    ("inspections/records/photos/", "pk", None),
    ("inspections/records/", "pk", "record.pk"),
    ("inspections/draws/", "pk", "draw.pk"),
    ("inspections/public/draws/", "pk", "draw.pk"),
    ("org/regions/", "code", "nanxing.code"),
    ("org/teams/", "code", "nanxing_team.code"),
    ("org/officers/", "pk", "nanxing_officer_record.pk"),
    ("org/buildings/", "code", "building.code"),
    ("catalog/items/", "code", "=ZH0101"),
    ("catalog/scenarios/", "code", "scenario.code"),
    ("codes/shop/", "subject_id", "nanxing_shop.pk"),
    ("api/v1/dispatch/events/", "pk", "event.pk"),
    ("api/v1/subjects/", "subject_id", "nanxing_shop.pk"),
    ("api/v1/risk/subjects/", "subject_id", "nanxing_shop.pk"),
    ("api/v1/inspections/records/", "record_id", "record.pk"),
    ("api/v1/inspections/draws/", "draw_id", "draw.pk"),
    ("api/v1/org/regions/", "code", "nanxing.code"),
    ("api/v1/org/teams/", "code", "nanxing_team.code"),
    ("api/v1/org/officers/", "officer_id", "nanxing_officer_record.pk"),
    ("api/v1/org/buildings/", "code", "building.code"),
    ("api/v1/catalog/items/", "code", "=ZH0101"),
    ("api/v1/catalog/scenarios/", "code", "scenario.code"),
    ("dispatch/events/<int:pk>/", "action", "=accept"),
    ("cases/<int:pk>/act/", "name", "=investigate"),
]
OPEN311 = {
    r"open311/v2/^services\.(?P<fmt>json|xml)$": "open311/v2/services.json",
    r"open311/v2/^services/(?P<service_code>[^/]+)\.(?P<fmt>json|xml)$": "open311/v2/services/ZH0101.json",
    r"open311/v2/^requests\.(?P<fmt>json|xml)$": "open311/v2/requests.json",
    r"open311/v2/^requests/(?P<request_id>[^/]+)\.(?P<fmt>json|xml)$": "open311/v2/requests/missing.json",
}


def _value(w, path: str | None):
    if path is None:
        return MISSING
    if path.startswith("="):
        return path[1:]
    value = w
    for part in path.split("."):
        value = getattr(value, part)
    return value


def url_for(route: str, w) -> str:
    if route in OPEN311:
        return "/" + OPEN311[route]

    def fill(m):
        name = m.group(2)
        for prefix, param, path in PARAMS:
            if param == name and route.startswith(prefix):
                return str(_value(w, path))
        return str(MISSING) if m.group(1) in ("int:", "") and name.endswith(("id", "pk")) else "missing"

    return "/" + re.sub(r"<(\w+:)?(\w+)>", fill, route)


def _text(response) -> str:
    streaming = getattr(response, "streaming", False)
    body = b"".join(response.streaming_content) if streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return " ".join(
            str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
        )
    return body.decode("utf-8", "replace")


def _markers(w, route: str) -> list[str]:
    markers = [w.nanxing_shop.name, w.nanxing_shop.uscc, "南星街道某饭店油烟扰民", w.draw.name]
    # The receipt number is the reporter's key: its own tracking page shows it, nothing else does.
    return markers if route.startswith("dispatch/track/") else [*markers, w.event.receipt_no]


# The schema is one document for everyone and costs most to build: asked once, anonymously.
ANONYMOUS_ONLY = {"api/v1/openapi.json"}


def observe(route: str, w, clients: dict) -> tuple[str, list[str]]:
    """The line a route gets today, and the problems seen on the way (leaks, writes)."""
    url, problems = url_for(route, w), []
    markers = _markers(w, route)
    got = []
    if route in ANONYMOUS_ONLY:
        r = clients["anon"].get(url)
        return f"{r.status_code} |", [] if r.status_code == 200 else [f"GET {url}: {r.status_code}"]
    for role in GET_ROLES:
        r = clients[role].get(url)
        got.append(str(r.status_code))
        if r.status_code == 500:
            problems.append(f"GET {url} as {role}: 500")
        if role in OUTSIDERS and r.status_code == 200:
            text = _text(r)
            leaked = [m for m in markers if m and m in text]
            if leaked:
                problems.append(f"GET {url} as {role} shows 南星's {leaked}")
    posted = []
    for role in POST_ROLES:
        before = AuditRecord.objects.count()
        if route.startswith("api/"):  # past the body parser: the API reads JSON
            r = clients[role].post(url, "{}", content_type="application/json")
        else:
            r = clients[role].post(url, {})
        posted.append(str(r.status_code))
        if r.status_code == 500:
            problems.append(f"POST {url} as {role}: 500")
        if AuditRecord.objects.count() != before:
            problems.append(f"POST {url} as {role} wrote an audit record (a write)")
        if route == "accounts/logout/":
            clients[role] = _client(w, role)
    return " ".join(got) + " | " + " ".join(posted), problems


def _client(w, role: str) -> Client:
    return Client() if role == "anon" else client_for(getattr(w, role))


@pytest.fixture
def clients_all(probe):
    return {role: _client(probe, role) for role in ROLES}


def test_every_url_as_every_role(probe, clients_all):
    w, problems, unexpected, missing = probe, [], [], []
    for route in routes():
        if route.startswith(ADMIN_PREFIX):
            continue
        line, seen = observe(route, w, clients_all)
        problems += seen
        if route not in EXPECT:
            missing.append(f"    {route!r}: {line!r},")
        elif EXPECT[route] != line:
            unexpected.append(f"{route}: expected {EXPECT[route]!r}, got {line!r}")
    assert not problems, "\n".join(problems)
    assert not unexpected, "\n".join(unexpected)
    assert not missing, "URL patterns without an expectation (review, then paste into EXPECT):\n" + "\n".join(
        missing
    )


def test_no_expectation_outlives_its_url():
    stale = sorted(set(EXPECT) - set(routes()))
    assert not stale, f"EXPECT names URL patterns that no longer exist: {stale}"


def test_admin_is_behind_the_staff_login(probe):
    """Every /admin/ view sends anonymous and non-staff users to the admin login; none answers them itself."""
    w = probe
    for role in ("anon", "carol", "olga"):
        client = _client(w, role)
        for route in routes():
            if not route.startswith(ADMIN_PREFIX):
                continue
            url = url_for(route, w)
            r = client.get(url)
            if route in ADMIN_OPEN:
                assert r.status_code in ADMIN_OPEN[route], (route, role, r.status_code)
                continue
            assert r.status_code == 302 and r["Location"].startswith("/admin/login/"), (
                route,
                role,
                r.status_code,
            )
    root = _client(w, "root")
    assert root.get("/admin/").status_code == 200
    assert root.get("/admin/accounts/user/").status_code == 200
