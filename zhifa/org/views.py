"""Organisation pages: regions with their map, teams, officers and buildings, each scoped to the user."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from zhifa.core.htmx import render_page_or_fragment
from zhifa.core.pagination import paginate, query_without_page
from zhifa.org import selectors
from zhifa.org.choices import TEAM_KINDS, RegionLevel, UnitKind
from zhifa.org.sections import region_sections


def _text(request, name: str, max_length: int = 100) -> str:
    return request.GET.get(name, "").strip()[:max_length]


def _list_context(request, page, **extra) -> dict:
    return {"page": page, "query": query_without_page(request), **extra}


def _list_response(request, name: str, context: dict):
    """Full page, or only the results fragment for an htmx filter request."""
    response = render_page_or_fragment(request, f"org/{name}_list.html", f"org/_{name}_rows.html", context)
    # One URL answers with a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def region_list(request):
    level = _text(request, "level")
    if level not in RegionLevel.values:
        level = ""
    q = _text(request, "q")
    page = paginate(request, selectors.region_list(user=request.user, level=level, q=q))
    context = _list_context(
        request,
        page,
        active_nav="regions",
        level=level,
        q=q,
        levels=RegionLevel.choices,
        root=selectors.scope_root(user=request.user),
    )
    return _list_response(request, "region", context)


@login_required
def region_detail(request, code: str):
    region = selectors.region_get(user=request.user, code=code)
    features = selectors.region_map_features(region=region)
    for feature in features["features"]:
        feature["properties"]["url"] = reverse("org:region_detail", args=[feature["properties"]["code"]])
    context = {
        "active_nav": "regions",
        "region": region,
        "ancestors": selectors.region_ancestors(user=request.user, region=region),
        "children": selectors.region_children(region=region),
        "units": selectors.region_units(region=region),
        "workforce": selectors.region_workforce(region=region),
        "sections": region_sections(user=request.user, region=region),
        "map_data": {"code": region.code, "features": features, "point": None},
    }
    return render(request, "org/region_detail.html", context)


@login_required
def team_list(request):
    kind = _text(request, "kind")
    if kind not in TEAM_KINDS:
        kind = ""
    q = _text(request, "q")
    page = paginate(request, selectors.team_list(user=request.user, kind=kind, q=q))
    kinds = [(k.value, k.label) for k in TEAM_KINDS]
    context = _list_context(request, page, active_nav="teams", kind=kind, q=q, kinds=kinds)
    return _list_response(request, "team", context)


@login_required
def team_detail(request, code: str):
    team = selectors.team_get(user=request.user, code=code)
    context = {
        "active_nav": "teams",
        "team": team,
        "officers": selectors.team_officers(team=team),
        "squads": selectors.team_squads(team=team),
        "today": selectors.today_local(),
        "is_district_team": team.kind == UnitKind.DISTRICT_TEAM,
    }
    return render(request, "org/team_detail.html", context)


def _officer_filters(request) -> selectors.OfficerFilters:
    seconded = {"1": True, "0": False}.get(request.GET.get("seconded", ""))
    return selectors.OfficerFilters(
        q=_text(request, "q"),
        team=_text(request, "team", 40),
        seconded=seconded,
        domain=_text(request, "domain", 40),
        young=request.GET.get("young") == "1",
    )


@login_required
def officer_list(request):
    filters = _officer_filters(request)
    today = selectors.today_local()
    page = paginate(request, selectors.officer_list(user=request.user, filters=filters, today=today))
    page.object_list = list(page.object_list)
    for officer in page.object_list:
        officer.age = selectors.age_on(officer.birth_date, today)
    context = _list_context(
        request,
        page,
        active_nav="officers",
        filters=filters,
        seconded_value={True: "1", False: "0", None: ""}[filters.seconded],
        teams=selectors.team_choices(user=request.user),
        domains=selectors.domain_choices(),
        young_age=selectors.YOUNG_AGE,
    )
    return _list_response(request, "officer", context)


@login_required
def officer_detail(request, pk: int):
    officer = selectors.officer_get(user=request.user, pk=pk)
    context = {
        "active_nav": "officers",
        "officer": officer,
        "age": selectors.age_on(officer.birth_date, selectors.today_local()),
    }
    return render(request, "org/officer_detail.html", context)


@login_required
def building_list(request):
    q = _text(request, "q")
    subdistrict = _text(request, "subdistrict", 32)
    page = paginate(request, selectors.building_list(user=request.user, q=q, subdistrict=subdistrict))
    page.object_list = list(page.object_list)
    subdistricts = selectors.subdistrict_choices(user=request.user)
    names = selectors.subdistrict_names_for([b.region.path for b in page.object_list])
    for building in page.object_list:
        building.subdistrict_name = names.get(building.region.path, "")
    context = _list_context(
        request, page, active_nav="buildings", q=q, subdistrict=subdistrict, subdistricts=subdistricts
    )
    return _list_response(request, "building", context)


@login_required
def building_detail(request, code: str):
    building = selectors.building_get(user=request.user, code=code)
    grid = building.region
    features = {"type": "FeatureCollection", "features": []}
    if isinstance(grid.geometry, dict) and grid.geometry.get("type"):
        url = reverse("org:region_detail", args=[grid.code])
        features["features"].append(
            {
                "type": "Feature",
                "properties": {"name": grid.name, "code": grid.code, "url": url},
                "geometry": grid.geometry,
            }
        )
    context = {
        "active_nav": "buildings",
        "building": building,
        "ancestors": selectors.region_ancestors(user=request.user, region=grid),
        "map_data": {
            "code": f"building-{building.code}",
            "features": features,
            "point": {"name": building.name, "lng": building.lng, "lat": building.lat},
        },
    }
    return render(request, "org/building_detail.html", context)
