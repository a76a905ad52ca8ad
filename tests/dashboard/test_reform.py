"""改革成效 on the demo district: every figure equals a count made here independently, the page and the API agree,
each links where it lives, and a subdistrict sees its own page only."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.test import Client

from zhifa.accounts.models import User
from zhifa.catalog.models import EnforcementItem, FunctionalAreaLayer, Scenario
from zhifa.dashboard.reform import plan_year
from zhifa.demo.asof import REFERENCE_DAY
from zhifa.dispatch.models import Consultation, Escalation
from zhifa.org.models import Building, GridWorker, Officer, Region
from zhifa.subjects.models import Subject

pytestmark = pytest.mark.django_db

# The fixture builds the demo as of REFERENCE_DAY; the page counts "today", so the tests look from that day.
TODAY = REFERENCE_DAY


@pytest.fixture
def as_of_reference_day(monkeypatch):
    import zhifa.dashboard.reform as reform

    monkeypatch.setattr(reform, "today_local", lambda: TODAY)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _figures(body: dict) -> dict:
    return {f["key"]: f for s in body["sections"] for f in s["figures"]}


def _both_doors(client: Client, page: str, api: str) -> tuple[str, dict]:
    res = client.get(page)
    assert res.status_code == 200
    body = client.get(api)
    assert body.status_code == 200
    return res.content.decode(), _figures(body.json())


def test_district_figures_equal_independent_counts(demo_db, as_of_reference_day):
    html, figures = _both_doors(_client("command"), "/reform/", "/api/v1/reform")
    value = {k: f["value"] for k, f in figures.items()}

    items = EnforcementItem.objects.filter(status="active")
    assert value["items"] == items.count()
    delegated = items.filter(delegated=True, delegated_from__lte=TODAY).count()
    assert value["delegated"] == delegated
    assert value["delegated_percent"] == round(100 * delegated / items.count(), 1)

    # 下沉 from postings: departments' officers in subdistrict or stationed teams; subdistricts' own excluded.
    departments = Officer.objects.filter(active=True, home_department__kind="department")
    seconded = departments.filter(team__kind__in=["subdistrict_team", "stationed_team"]).count()
    own = Officer.objects.filter(active=True, home_department__kind="subdistrict_team").count()
    assert own > 0 and Officer.objects.filter(team__kind="subdistrict_team", seconded=False).count() == own
    assert value["seconded"] == seconded
    assert value["seconded_percent"] == round(100 * seconded / departments.count(), 1) >= 65
    assert value["core_teams"] == 6 and value["subdistrict_teams"] == 14

    sijiqing = Region.objects.get(name="四季青街道")
    assert (
        value["buildings_managed"]
        == Building.objects.filter(region__path__startswith=sijiqing.path, manager__isnull=False).count()
        == 92
    )
    staffed = {
        w.region_id
        for w in GridWorker.objects.filter(role="grid_worker", region__level="micro_grid")
        if w.region.path.startswith(sijiqing.path)
    }
    assert value["micro_grids_staffed"] == len(staffed) == 102
    assert value["inspection_objects"] == Subject.objects.filter(subdistrict=sijiqing).count()
    assert value["inspection_objects"] == demo_db.counts["subjects_sijiqing"]

    jiubao = Region.objects.get(name="九堡街道")
    assert value["focus_scenarios"] == Scenario.objects.filter(focus_regions=jiubao).count() == 12
    forces = set(GridWorker.objects.filter(unit__kind="auxiliary_brigade").values_list("force", flat=True))
    assert value["brigade_forces"] == len(forces) == 4

    # 南星: a few delegated categories carry most complaints, like the reference's 9 and 88.83 %.
    assert 6 <= value["plan_categories"] <= 12
    assert value["plan_percent"] >= 80
    plan = _client("command").get(
        "/inspections/plan/",
        {"year": plan_year(TODAY), "subdistrict": "330102008", "delegated": "1", "threshold": 10},
    )
    summary = plan.content.decode()
    assert f"{value['plan_categories']} 类，{value['plan_complaints']} 件" in summary

    hub_items = {
        i.code
        for layer in FunctionalAreaLayer.objects.filter(region__name="杭州东站枢纽")
        for i in layer.items.all()
        if i.scenes
    }
    assert value["hub_items"] == len(hub_items) > 0 and value["hub_units"] == 3

    year_ago = TODAY - timedelta(days=365)
    assert (
        value["consultations"]
        == Consultation.objects.filter(kind="consultation", held_at__date__gte=year_ago).count()
        > 0
    )
    assert (
        value["joint_meetings"]
        == Consultation.objects.filter(kind="joint_meeting", held_at__date__gte=year_ago).count()
        > 0
    )
    assert value["escalations"] == Escalation.objects.count() > 0

    # The page shows what the API says, beside the article's figure, linking where the figure lives.
    for key, href, reference in (
        ("delegated", "/catalog/?delegated=yes", "380 项"),
        ("seconded", "/org/officers/?seconded=1", "522 人"),
        ("inspection_objects", "/subjects/?subdistrict=330102014", "5,180 家"),
        ("micro_grids_staffed", "/org/regions/330102014/", "102 个微网格设网格员"),
        ("focus_scenarios", "/catalog/scenarios/?region=330102018", "12 个"),
        ("hub_items", "/org/regions/330102HUB/", "941 项"),
    ):
        row = html.split(f'id="fig-{key}"', 1)[1].split("</tr>", 1)[0]
        assert f'href="{href}"' in row, key
        assert f"<strong>{figures[key]['shown']}</strong>" in row, key
        assert reference in row, key


def test_subdistrict_sees_its_own_page_only(demo_db, as_of_reference_day):
    nanxing = _client("nanxing_cmd")
    res = nanxing.get("/reform/")
    assert res.status_code == 302 and res["Location"] == "/reform/330102008/"
    html, figures = _both_doors(nanxing, "/reform/330102008/", "/api/v1/reform/330102008")
    team_seconded = Officer.objects.filter(
        active=True, team__code="ST-330102008", home_department__kind="department"
    ).count()
    assert figures["seconded"]["value"] == team_seconded
    assert figures["seconded_percent"]["value"] is None  # the ratio is the district's
    assert "南星街道" in html
    # Another subdistrict's page, the district page and their API: as if they did not exist.
    assert nanxing.get("/reform/330102018/").status_code == 404
    assert nanxing.get("/api/v1/reform/330102018").status_code == 404
    assert nanxing.get("/api/v1/reform").status_code == 404
    # The district's users open any subdistrict's page; the figures are that subdistrict's.
    _, jiubao = _both_doors(_client("oversight"), "/reform/330102018/", "/api/v1/reform/330102018")
    assert jiubao["focus_scenarios"]["value"] == 12
    assert _client("command").get("/reform/330102HUB/").status_code == 404  # not a subdistrict


def test_region_pages_show_the_figures_where_they_live(demo_db):
    command = _client("command")
    sijiqing = command.get("/org/regions/330102014/").content.decode()
    assert "配有楼管员 <strong>92</strong> 幢" in sijiqing
    assert "配有网格员 <strong>102</strong> 个" in sijiqing
    total = Subject.objects.filter(region_path__startswith="/330102/330102014/").count()
    assert f"<strong>{total}</strong> 家" in sijiqing
    jiubao = command.get("/org/regions/330102018/").content.decode()
    assert "本街道高频“监管一件事”场景（12 个）" in jiubao
    assert "由 4 支辅助力量整合" in jiubao
    hub = command.get("/org/regions/330102HUB/").content.decode()
    for scene in "吃住行游购娱":
        assert f"<th>{scene}</th>" in hub
    for unit in ("东站枢纽综合执法队", "东站枢纽市场监管所", "东站枢纽交通运输执法中队"):
        assert unit in hub
    teams = command.get("/org/teams/", {"kind": "district_team"}).content.decode()
    assert teams.count(">1+5</span>") == 6


def test_plan_limited_to_delegated_items(demo_db):
    command = _client("command")
    query = {"year": plan_year(TODAY), "subdistrict": "330102008", "threshold": 3}
    everything = command.get("/inspections/plan/", query).content.decode()
    delegated_only = command.get("/inspections/plan/", {**query, "delegated": "1"}).content.decode()
    assert "仅赋权事项" in delegated_only and "仅赋权事项" not in everything.split("<form", 1)[0]
    codes = set(EnforcementItem.objects.filter(delegated=False).values_list("code", flat=True))
    table = delegated_only.split('id="table-plan"', 1)[1].split("</table>", 1)[0]
    assert not any(f">{c}</span>" in table for c in codes)
    assert any(f">{c}</span>" in everything.split('id="table-plan"', 1)[1] for c in codes)


def test_seconded_ratio_on_home_is_the_reform_pages(demo_db, as_of_reference_day):
    home = _client("command").get("/").content.decode()
    departments = Officer.objects.filter(active=True, home_department__kind="department")
    seconded = departments.filter(~Q(team__kind="district_team")).count()
    assert f"{seconded} / {departments.count()} 人" in home


def test_demo_inspections_from_draws_and_by_the_right_teams(demo_db, as_of_reference_day):
    from zhifa.inspections.draws.picks import draw_outcome
    from zhifa.inspections.models import Inspection, RandomDraw

    assert not Inspection.objects.filter(kind="draw", draw__isnull=True).exists()
    from_draws = Inspection.objects.filter(draw__isnull=False).prefetch_related("officers")
    assert from_draws.count() > 50 and RandomDraw.objects.count() >= 4
    picks = {
        (d.pk, p.subject_id): set(p.officer_ids)
        for d in RandomDraw.objects.all()
        for p in draw_outcome(d.record).picks
    }
    for inspection in from_draws:
        assert {o.pk for o in inspection.officers.all()} == picks[(inspection.draw_id, inspection.subject_id)]
    figures = _figures(_client("command").get("/api/v1/reform").json())
    assert figures["draw_inspections"]["value"] == from_draws.count()
    # Other past checks: two officers of the subject's subdistrict team, or of a district team.
    sample = (
        Inspection.objects.filter(draw__isnull=True, plan_visit__isnull=True)
        .select_related("subject__subdistrict")
        .prefetch_related("officers__team")
        .order_by("id")[:300]
    )
    for inspection in sample:
        teams = {(o.team.kind, o.team.region_id) for o in inspection.officers.all()}
        assert len(inspection.officers.all()) == 2
        assert all(
            kind == "district_team"
            or (kind == "subdistrict_team" and region == inspection.subject.subdistrict_id)
            for kind, region in teams
        ), inspection.pk
