"""The region page's section on inspection objects (检查对象): how many, in buildings and along the streets."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode

from zhifa.org.choices import RegionLevel
from zhifa.subjects.choices import SubjectStatus
from zhifa.subjects.models import Subject


def inspection_objects_section(user, region) -> dict | None:
    """The subjects entered for the region, in business or not (the caller has checked the region is in scope)."""
    if region.level not in (RegionLevel.SUBDISTRICT, RegionLevel.FUNCTIONAL_AREA):
        return None
    every = Subject.objects.filter(region_path__startswith=region.path)
    qs = every.filter(status=SubjectStatus.ACTIVE)
    agg = every.aggregate(
        total=Count("id"),
        in_buildings=Count("id", filter=Q(building__isnull=False)),
        active=Count("id", filter=Q(status=SubjectStatus.ACTIVE)),
    )
    if not agg["total"]:
        return None
    colours = dict(qs.values_list("risk__colour").annotate(n=Count("id")).order_by())
    query = urlencode({"subdistrict": region.code}) if region.level == RegionLevel.SUBDISTRICT else ""
    return {
        "template": "subjects/_region_section.html",
        "total": agg["total"],
        "in_buildings": agg["in_buildings"],
        "active": agg["active"],
        "on_streets": agg["total"] - agg["in_buildings"],
        "colours": [(label, colours.get(code, 0)) for code, label in COLOURS],
        "url": reverse("subjects:subject_list") + (f"?{query}" if query else ""),
    }


COLOURS = (("green", "绿码"), ("yellow", "黄码"), ("red", "红码"))
