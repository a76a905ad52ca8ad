"""Figures of the home dashboard, computed from records for the user's jurisdiction in a fixed number of queries."""

from datetime import date

from django.conf import settings
from django.db.models import Count, Q

from zhifa.catalog.choices import ItemStatus
from zhifa.catalog.models import EnforcementItem
from zhifa.org.choices import TEAM_KINDS, UnitKind
from zhifa.org.models import Domain, Officer, Unit
from zhifa.org.scope import scope_for
from zhifa.org.selectors import SECONDED_HERE, YOUNG_AGE, born_on_or_before_for_age, today_local, young_q

# Age bands of the chart: (label, youngest age, oldest age); None means open-ended.
AGE_BANDS = (
    ("30岁及以下", None, 30),
    ("31–35岁", 31, 35),
    ("36–40岁", 36, 40),
    ("41–45岁", 41, 45),
    ("46–50岁", 46, 50),
    ("51–55岁", 51, 55),
    ("56岁及以上", 56, None),
)


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percent(part: int, whole: int) -> float | None:
    """Percentage rounded to one decimal, None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def _age_band_q(low: int | None, high: int | None, today: date) -> Q:
    q = Q()
    if high is not None:  # age <= high ⇔ born after the latest birth date of someone aged high + 1
        q &= Q(birth_date__gt=born_on_or_before_for_age(high + 1, today))
    if low is not None:  # age >= low
        q &= Q(birth_date__lte=born_on_or_before_for_age(low, today))
    return q


OF_DEPARTMENTS = Q(home_department__kind=UnitKind.DEPARTMENT)
POSTED = Q(team__kind__in=(UnitKind.SUBDISTRICT_TEAM, UnitKind.STATIONED_TEAM))


def postings(officers, today: date | None = None) -> dict:
    """下沉 counted from postings: of the district departments' officers (`total`), those working in a
    subdistrict or stationed team (`seconded`), and of these the young. Officers on a subdistrict's own
    establishment are neither seconded nor in the ratio, whatever their flag says."""
    of_departments = officers.filter(OF_DEPARTMENTS)
    posted = POSTED
    # Aliases must not shadow field names ("seconded").
    agg = of_departments.aggregate(
        n_total=Count("id"),
        n_seconded=Count("id", filter=posted),
        n_young=Count("id", filter=posted & young_q(today or today_local())),
    )
    return {"total": agg["n_total"], "seconded": agg["n_seconded"], "seconded_young": agg["n_young"]}


def _seconded_block(total: int, seconded: int, target: float) -> dict:
    r = ratio(seconded, total)
    return {
        "total": total,
        "seconded": seconded,
        "ratio": r,
        "percent": percent(seconded, total),
        "target": target,
        "target_percent": round(target * 100, 1),
        "ok": r is not None and r >= target,
    }


def _catalog() -> dict:
    active = EnforcementItem.objects.filter(status=ItemStatus.ACTIVE)
    agg = active.aggregate(
        n_total=Count("id"),
        n_delegated=Count("id", filter=Q(delegated=True)),
        n_high_frequency=Count("id", filter=Q(high_frequency=True)),
    )
    totals = {
        "total": agg["n_total"],
        "delegated": agg["n_delegated"],
        "high_frequency": agg["n_high_frequency"],
    }
    item_active = Q(items__status=ItemStatus.ACTIVE)
    domains = (
        Domain.objects.annotate(
            active=Count("items", filter=item_active),
            delegated=Count("items", filter=item_active & Q(items__delegated=True)),
        )
        .filter(active__gt=0)
        .order_by("sort", "code")
        .values("code", "name", "active", "delegated")
    )
    by_domain = [
        {
            **d,
            "not_delegated": d["active"] - d["delegated"],
            "delegated_percent": percent(d["delegated"], d["active"]),
        }
        for d in domains
    ]
    return {
        **totals,
        "delegated_percent": percent(totals["delegated"], totals["total"]),
        "by_domain": by_domain,
    }


def home_stats(*, user, today: date | None = None) -> dict:
    """Everything the home page shows; the catalog is district-wide, the organisation follows the scope."""
    today = today or today_local()
    scope = scope_for(user)
    # A user without a unit sees no organisation figures at all, not even district totals.
    bound = scope.district_wide or scope.unit_id is not None
    target = settings.ZHIFA_SECONDED_TARGET

    teams = list(
        scope.filter(Unit.objects.filter(kind__in=TEAM_KINDS, active=True), "region__path")
        .annotate(
            officer_count=Count("officers", filter=Q(officers__active=True)),
            seconded_count=Count("officers", filter=SECONDED_HERE),
        )
        .order_by("kind", "code")
        .values("code", "name", "kind", "officer_count", "seconded_count")
    )

    officers = scope.filter(Officer.objects.filter(active=True), "team__region__path")
    young = young_q(today)
    band_aggregates = {
        f"band_{i}": Count("id", filter=_age_band_q(low, high, today))
        for i, (_, low, high) in enumerate(AGE_BANDS)
    }
    # Aliases must not shadow field names ("seconded"), or later filters would refer to the aggregate.
    agg = officers.aggregate(
        n_total=Count("id"),
        n_seconded=Count("id", filter=Q(seconded=True)),
        n_young=Count("id", filter=young),
        n_seconded_young=Count("id", filter=young & Q(seconded=True)),
        n_departments=Count("id", filter=OF_DEPARTMENTS),
        n_posted=Count("id", filter=OF_DEPARTMENTS & POSTED),
        **band_aggregates,
    )
    by_kind_rows = dict(officers.order_by().values_list("team__kind").annotate(n=Count("id")))
    kind_labels = dict(UnitKind.choices)
    officers_by_kind = [
        {"kind": k, "label": kind_labels[k], "count": by_kind_rows.get(k, 0)} for k in TEAM_KINDS
    ]

    # The district's ratio from postings, as the 改革成效 page counts it (one definition, one place); for a
    # district-wide user the officers above are all of them, so the figures come from the same query.
    district = {"total": 0, "seconded": 0}
    if scope.district_wide:
        district = {"total": agg["n_departments"], "seconded": agg["n_posted"]}
    elif bound:
        district = postings(Officer.objects.filter(active=True), today)

    # Subdistrict teams first (the 下沉 story), then the stationed teams of functional areas.
    field_teams = sorted(
        (t for t in teams if t["kind"] in (UnitKind.SUBDISTRICT_TEAM, UnitKind.STATIONED_TEAM)),
        key=lambda t: (t["kind"] != UnitKind.SUBDISTRICT_TEAM, t["code"]),
    )
    return {
        "today": today,
        "district_wide": scope.district_wide,
        "bound": bound,
        "catalog": _catalog(),
        "teams": {
            "count": len(teams),
            "by_kind": {k: sum(1 for t in teams if t["kind"] == k) for k in TEAM_KINDS},
            "rows": teams,
        },
        "officers": {
            "total": agg["n_total"],
            "seconded": agg["n_seconded"],
            "by_kind": officers_by_kind,
        },
        "seconded": {
            "district": _seconded_block(district["total"], district["seconded"], target) if bound else None,
            # A subdistrict user's own teams, shown beside the district figure the target applies to.
            "scope": None
            if scope.district_wide or not bound
            else _seconded_block(agg["n_total"], agg["n_seconded"], target),
        },
        "young": {
            "age": YOUNG_AGE,
            "count": agg["n_young"],
            "total": agg["n_total"],
            "percent": percent(agg["n_young"], agg["n_total"]),
            "seconded_count": agg["n_seconded_young"],
            "seconded_total": agg["n_seconded"],
            "seconded_percent": percent(agg["n_seconded_young"], agg["n_seconded"]),
        },
        "age_bands": [
            {"label": label, "count": agg[f"band_{i}"]} for i, (label, _, _) in enumerate(AGE_BANDS)
        ],
        "field_teams": field_teams,
    }


def short_team_name(name: str) -> str:
    """ "南星街道综合行政执法队" → "南星街道": axis labels on a phone have room for a few characters only."""
    return name.removesuffix("综合行政执法队") or name


def home_charts(stats: dict) -> dict:
    """The plain data the page's charts draw, passed through json_script."""
    return {
        "teams": {
            "names": [t["name"] for t in stats["field_teams"]],
            "labels": [short_team_name(t["name"]) for t in stats["field_teams"]],
            "seconded": [t["seconded_count"] for t in stats["field_teams"]],
            "other": [t["officer_count"] - t["seconded_count"] for t in stats["field_teams"]],
        },
        "domains": {
            "names": [d["name"] for d in stats["catalog"]["by_domain"]],
            "delegated": [d["delegated"] for d in stats["catalog"]["by_domain"]],
            "not_delegated": [d["not_delegated"] for d in stats["catalog"]["by_domain"]],
        },
        "ages": {
            "names": [b["label"] for b in stats["age_bands"]],
            "counts": [b["count"] for b in stats["age_bands"]],
        },
    }
