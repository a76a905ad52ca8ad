"""API paging and the OpenAPI schema: every list pages through one pagination with one limit, answers bad page
parameters with the JSON error body (never a server error), and every published schema name is one class."""

import enum
import typing

import pytest
from django.core.exceptions import ImproperlyConfigured
from pydantic import BaseModel

from zhifa import env
from zhifa.api import api
from zhifa.core.pagination import LAST_PAGE, mapped, page_of

SCHEMA = "/api/v1/openapi.json"
MAX = 200  # ZHIFA_API_MAX_PAGE_SIZE's default

# The paged lists of issue 10's probe: each must be found by the walk below, so the walk cannot go quiet.
KNOWN_LISTS = {
    "/api/v1/catalog/items",
    "/api/v1/org/regions",
    "/api/v1/org/teams",
    "/api/v1/org/officers",
    "/api/v1/org/buildings",
    "/api/v1/dispatch/events",
    "/api/v1/dispatch/consultations",
    "/api/v1/subjects",
    "/api/v1/inspections/draws",
    "/api/v1/inspections/demands",
    "/api/v1/inspections/requests",
    "/api/v1/inspections/records",
    "/api/v1/inspections/joint-plans",
}
# GET operations answered with a whole array: small collections bounded by what they are. A new array answer
# must be paged (or, if it is bounded the same way, added here with the reason).
WHOLE_ARRAYS = {
    "/api/v1/catalog/domains": "one row per enforcement domain",
    "/api/v1/catalog/scenarios": "the district's 监管一件事 scenarios",
    "/api/v1/catalog/releases": "catalog releases, newest 200",
    "/api/v1/dispatch/events/{pk}/evidence": "one event's evidence",
    "/api/v1/inspections/records/officers": "an officer search, at most OFFICER_SEARCH_LIMIT rows",
    "/api/v1/oversight/trainings/years": "one row per year",
}


@pytest.fixture
def openapi(client, db):
    res = client.get(SCHEMA)
    assert res.status_code == 200
    return res.json()


def _resolve(schema: dict, openapi: dict) -> dict:
    ref = schema.get("$ref")
    return openapi["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def _ok_schema(op: dict, openapi: dict) -> dict:
    content = op["responses"].get("200", {}).get("content", {})
    return _resolve(content.get("application/json", {}).get("schema", {}), openapi)


def _is_page(schema: dict, openapi: dict) -> bool:
    props = schema.get("properties", {})
    return {"count", "page", "page_size", "results"} <= set(props)


def _holds_page(schema: dict, openapi: dict) -> bool:
    return _is_page(schema, openapi) or any(
        _is_page(_resolve(p, openapi), openapi) for p in schema.get("properties", {}).values()
    )


def _get_operations(openapi: dict):
    for path, ops in openapi["paths"].items():
        if "get" in ops:
            yield path, ops["get"]


def _parameters(op: dict) -> dict[str, dict]:
    return {p["name"]: p for p in op.get("parameters", [])}


def _list_operations(openapi: dict) -> dict[str, dict]:
    return {
        path: op for path, op in _get_operations(openapi) if _holds_page(_ok_schema(op, openapi), openapi)
    }


# --- the schema ------------------------------------------------------------------------------------------


def _models_in(annotation) -> typing.Iterator[type]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel | enum.Enum):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def _published_classes() -> dict[str, set[type]]:
    """Every model and enum reachable from an operation's parameters and answers, by the name it is published
    under."""
    seen: set[type] = set()
    todo: list[type] = []
    for _, router in api._routers:
        for view in router.path_operations.values():
            for op in view.operations:
                todo.extend(op.models)
                todo.extend(m for m in op.response_models.values() if isinstance(m, type))
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        if issubclass(cls, BaseModel):
            for field in cls.model_fields.values():
                todo.extend(_models_in(field.annotation))
    by_name: dict[str, set[type]] = {}
    for cls in seen:
        by_name.setdefault(cls.__name__, set()).add(cls)
    return by_name


def test_every_published_schema_name_is_one_class(openapi):
    classes = _published_classes()
    components = set(openapi["components"]["schemas"])
    assert components - set(classes) == set(), "a component the walk did not find"
    shared = {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in found) for name, found in classes.items()
    }
    assert {name: where for name, where in shared.items() if name in components and len(where) > 1} == {}


def test_subjects_list_is_documented_with_its_own_row(openapi):
    op = openapi["paths"]["/api/v1/subjects"]["get"]
    page = _ok_schema(op, openapi)
    row = _resolve(page["properties"]["results"]["items"], openapi)
    assert {"uscc", "credit_class", "colour_label"} <= set(row["properties"])
    # A subject not yet coded has no colour: the schema says so.
    assert row["properties"]["colour"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
    demands = _resolve(openapi["paths"]["/api/v1/inspections/demands"]["get"]["responses"]["200"], openapi)
    assert demands["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/DemandsOut"}
    assert "DemandSubjectOut" in openapi["components"]["schemas"]


def test_every_list_documents_page_and_page_size(openapi):
    lists = _list_operations(openapi)
    assert set(lists) >= KNOWN_LISTS
    for path, op in lists.items():
        params = _parameters(op)
        assert params["page"]["schema"]["minimum"] == 1, path
        assert params["page"]["schema"]["maximum"] == LAST_PAGE, path
        assert params["page_size"]["schema"]["minimum"] == 1, path
        assert params["page_size"]["schema"]["maximum"] == MAX, path
    arrays = {path for path, op in _get_operations(openapi) if _ok_schema(op, openapi).get("type") == "array"}
    assert arrays == set(WHOLE_ARRAYS)


# --- every list, asked badly and well --------------------------------------------------------------------


def _required(op: dict, world) -> dict:
    samples = {"region": world.nanxing.code}
    needed = {name for name, p in _parameters(op).items() if p.get("required")}
    assert needed <= set(samples), f"add a sample value for {needed - set(samples)}"
    return {name: samples[name] for name in needed}


def _page_in(body: dict) -> dict:
    if "results" in body:
        return body
    (page,) = [v for v in body.values() if isinstance(v, dict) and "results" in v]
    return page


BAD = [
    ({"page": "99999999999999999999"}, "page", f"不能大于 {LAST_PAGE}"),
    ({"page": "0"}, "page", "不能小于 1"),
    ({"page": "-3"}, "page", "不能小于 1"),
    ({"page": "abc"}, "page", "应为整数"),
    ({"page": "1.5"}, "page", "应为整数"),
    ({"page_size": "100000"}, "page_size", f"不能大于 {MAX}"),
    ({"page_size": str(MAX + 1)}, "page_size", f"不能大于 {MAX}"),
    ({"page_size": "0"}, "page_size", "不能小于 1"),
]


def test_every_list_refuses_bad_paging_with_the_json_error_body(clients, world, openapi):
    carol = clients["carol"]
    for path, op in _list_operations(openapi).items():
        required = _required(op, world)
        for params, field, message in BAD:
            res = carol.get(path, {**required, **params})
            assert res.status_code == 422, (path, params, res.status_code)
            assert res.json() == {
                "message": "请求参数有误",
                "errors": [{"field": field, "message": message}],
            }, (
                path,
                params,
            )


def test_every_list_answers_a_normal_page_and_an_empty_one_past_the_end(clients, world, openapi):
    carol = clients["carol"]
    for path, op in _list_operations(openapi).items():
        required = _required(op, world)
        res = carol.get(path, {**required, "page": 1, "page_size": 2})
        assert res.status_code == 200, (path, res.content[:300])
        page = _page_in(res.json())
        assert (page["page"], page["page_size"]) == (1, 2), path
        assert len(page["results"]) == min(2, page["count"]), path
        res = carol.get(path, {**required, "page": LAST_PAGE, "page_size": MAX})
        assert res.status_code == 200, (path, res.content[:300])
        page = _page_in(res.json())
        assert (page["page"], page["page_size"], page["results"]) == (LAST_PAGE, MAX, []), path


def test_default_page_size_and_pages_in_order(clients, world):
    res = clients["carol"].get("/api/v1/org/regions")
    body = res.json()
    assert (res.status_code, body["page"], body["page_size"], body["count"]) == (200, 1, 50, 2)
    assert [r["code"] for r in body["results"]] == [world.nanxing.code, world.jiubao.code]
    paged = [
        r["code"]
        for n in (1, 2, 3)
        for r in clients["carol"].get("/api/v1/org/regions", {"page": n, "page_size": 1}).json()["results"]
    ]
    assert paged == [world.nanxing.code, world.jiubao.code]


def test_the_anonymous_are_refused_before_paging(client, world):
    res = client.get("/api/v1/org/regions", {"page": "0"})
    assert res.status_code == 401
    assert res.json() == {"message": "未登录或令牌无效", "errors": []}


# --- the pieces ------------------------------------------------------------------------------------------


def test_page_of_a_list_converts_only_its_page():
    seen = []

    def convert(n):
        seen.append(n)
        return {"n": n}

    page = page_of(mapped(list(range(7)), convert), page=2, page_size=3)
    assert page == {"count": 7, "page": 2, "page_size": 3, "results": [{"n": 3}, {"n": 4}, {"n": 5}]}
    assert seen == [3, 4, 5]
    assert page_of([1, 2], page=5, page_size=3) == {"count": 2, "page": 5, "page_size": 3, "results": []}


def test_max_page_size_setting_is_checked_at_start(monkeypatch):
    monkeypatch.setenv("ZHIFA_API_MAX_PAGE_SIZE", "5000")
    with pytest.raises(ImproperlyConfigured, match="ZHIFA_API_MAX_PAGE_SIZE=5000 must be at most 1000"):
        env.envint("ZHIFA_API_MAX_PAGE_SIZE", 200, minimum=1, maximum=1000)
    monkeypatch.setenv("ZHIFA_API_MAX_PAGE_SIZE", "0")
    with pytest.raises(ImproperlyConfigured, match="must be at least 1"):
        env.envint("ZHIFA_API_MAX_PAGE_SIZE", 200, minimum=1, maximum=1000)


def test_bad_max_page_size_stops_startup():
    import os
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={**os.environ, "ZHIFA_API_MAX_PAGE_SIZE": "lots"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "ZHIFA_API_MAX_PAGE_SIZE='lots' is not an integer" in proc.stderr
