"""A plan visit's sources (需求来源) in one stored shape, read and written only through plans/sources.py; the data
migration turns the old two shapes into it and back."""

import importlib
import io
import json

import pytest
from django.apps import apps
from django.utils import timezone
from openpyxl import load_workbook

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.inspections.test_joint_plans import Q2, demands_for, make, town  # noqa: F401 (fixture)
from zhifa.engine.planning import Demand
from zhifa.inspections.models import InspectionRequest, PlanVisit
from zhifa.inspections.plans.sources import (
    BadVisitSources,
    VisitSource,
    request_ids,
    sources_json,
    sources_of_demands,
    sources_text,
    visit_sources,
)

MIGRATION = importlib.import_module("zhifa.inspections.migrations.0003_plan_visit_sources_one_shape")


@pytest.mark.parametrize(
    ("source", "request_id", "message"),
    [
        ("rumour", None, "未知的需求来源"),
        ("request", None, "部门需求来源须带需求编号"),
        ("request", 0, "部门需求来源须带需求编号"),
        ("request", "12", "部门需求来源须带需求编号"),
        ("request", True, "部门需求来源须带需求编号"),
        ("policy", 12, "只有部门需求来源带需求编号"),
    ],
)
def test_a_source_is_valid_or_refused(source, request_id, message):
    with pytest.raises(BadVisitSources, match=message):
        VisitSource(source, request_id)


def test_the_reader_takes_the_one_shape_and_refuses_the_old_bare_value():
    stored = [{"source": "policy", "request": None}, {"source": "request", "request": 12}]
    assert visit_sources(stored) == [VisitSource("policy"), VisitSource("request", 12)]
    assert sources_json(visit_sources(stored)) == stored
    assert visit_sources([]) == []
    for bad in (
        ["policy"],
        [{"source": "policy"}],
        [{"source": "policy", "request": None, "x": 1}],
        "policy",
    ):
        with pytest.raises(BadVisitSources):
            visit_sources(bad)


def test_sources_of_demands_are_distinct_in_order_and_in_words():
    a, b = Q2
    demands = [
        Demand(1, "market", a, b, (), "scenario"),
        Demand(1, "fire", a, b, (), "policy"),
        Demand(1, "comprehensive", a, b, (), "scenario"),
        Demand(1, "market", a, b, (), "request", 7),
        Demand(1, "fire", a, b, (), "request", 8),
        Demand(1, "fire", a, b, (), "request", 7),
    ]
    found = sources_of_demands(demands)
    assert found == [
        VisitSource("scenario"),
        VisitSource("policy"),
        VisitSource("request", 7),
        VisitSource("request", 8),
    ]
    stored = sources_json(found)
    assert sources_text(stored) == "场景监管、赋码频次、部门需求"
    assert request_ids([stored, [{"source": "request", "request": 9}], []]) == {7, 8, 9}


@pytest.fixture
def planned(town):  # noqa: F811
    """A draft plan over 南星 where one subject is also a market department's request."""
    w = town
    w.request = InspectionRequest.objects.create(
        unit=w.market_dept,
        domain=w.market,
        subject=w.subjects[2],
        due_from=Q2[0],
        due_to=Q2[1],
        reason="部门需求",
        region_path=w.subjects[2].region_path,
        created_by=w.carol,
        created_at=timezone.now(),
    )
    demands = [*demands_for(w), Demand(w.subjects[2].pk, "market", Q2[0], Q2[1], (), "request", w.request.pk)]
    w.plan = make(w, demands=demands)
    w.requested = PlanVisit.objects.get(plan=w.plan, subject=w.subjects[2])
    return w


def test_a_new_plan_stores_the_one_shape_and_the_pages_read_it(planned, clients):
    w = planned
    for stored in PlanVisit.objects.filter(plan=w.plan).values_list("sources", flat=True):
        assert stored and all(set(s) == {"source", "request"} for s in stored)
    assert w.requested.sources == [
        {"source": "policy", "request": None},
        {"source": "scenario", "request": None},
        {"source": "request", "request": w.request.pk},
    ]
    c = clients["carol"]
    detail = c.get(f"/api/v1/inspections/joint-plans/{w.plan.pk}").json()
    (visit,) = [v for sd in detail["squad_days"] for v in sd["visits"] if v["id"] == w.requested.pk]
    assert visit["sources"] == w.requested.sources
    book = load_workbook(io.BytesIO(c.get(f"/inspections/joint-plans/{w.plan.pk}.xlsx").content))
    rows = list(book["日程"].iter_rows(values_only=True))
    column = rows[0].index("需求来源")
    (row,) = [r for r in rows[1:] if r[5] == w.subjects[2].name]
    assert row[column] == "赋码频次、场景监管、部门需求"


def test_the_migration_turns_the_two_old_shapes_into_one_and_back(planned):
    w = planned
    visits = PlanVisit.objects.filter(plan=w.plan)
    new_shape = dict(visits.values_list("pk", "sources"))
    old_shape = {
        pk: [
            s["source"] if s["request"] is None else {"source": "request", "request": s["request"]} for s in v
        ]
        for pk, v in new_shape.items()
    }
    for pk, sources in old_shape.items():
        PlanVisit.objects.filter(pk=pk).update(sources=sources)
    assert PlanVisit.objects.get(pk=w.requested.pk).sources == [
        "policy",
        "scenario",
        {"source": "request", "request": w.request.pk},
    ]

    MIGRATION.sources_one_shape(apps, None)
    assert dict(visits.values_list("pk", "sources")) == new_shape
    MIGRATION.sources_one_shape(apps, None)  # run twice: nothing changes
    assert dict(visits.values_list("pk", "sources")) == new_shape
    MIGRATION.sources_two_shapes(apps, None)
    assert dict(visits.values_list("pk", "sources")) == old_shape


def test_the_migration_names_a_row_it_cannot_read(planned):
    w = planned
    PlanVisit.objects.filter(pk=w.requested.pk).update(sources=[["policy"]])
    with pytest.raises(ValueError, match=f"inspections_planvisit {w.requested.pk}: unknown source entry"):
        MIGRATION.sources_one_shape(apps, None)
    assert json.dumps(PlanVisit.objects.get(pk=w.requested.pk).sources) == '[["policy"]]'
