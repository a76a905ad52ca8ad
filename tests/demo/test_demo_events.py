"""The demo district's year of command-centre events: shaped like a real year, routed for real, deterministic."""

from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.cases.models import (
    Case,
    CaseDocument,
    CaseEvidence,
    CaseStep,
    CollectiveDiscussion,
    Extension,
    Hearing,
    LegalReview,
    PartyResponse,
    Payment,
    PublicService,
    StudyRecord,
)
from zhifa.catalog.models import EnforcementItem
from zhifa.demo import geography
from zhifa.demo.coordination import build_coordination
from zhifa.demo.events import calendar, demo_events_build
from zhifa.demo.events.texts import load_phrases
from zhifa.demo.fingerprint import demo_fingerprint
from zhifa.demo.sharing import build_shared_evidence
from zhifa.dispatch.choices import EventStatus
from zhifa.dispatch.directory import build_router, catalog_entries
from zhifa.dispatch.events.intake import CLASSIFY_TOP, DEFAULT_SLA
from zhifa.dispatch.models import (
    Consultation,
    Escalation,
    Event,
    EventItem,
    EventStatusChange,
    EventUnit,
    Evidence,
    EvidenceUse,
    SlaPolicy,
)
from zhifa.engine.classify import ItemClassifier, Match
from zhifa.engine.geo import RegionIndex
from zhifa.engine.layout import build_demo_district
from zhifa.engine.routing import ItemRef, Place, items_to_route
from zhifa.org.models import Domain, Region
from zhifa.subjects.models import SubjectEvent

pytestmark = pytest.mark.django_db

WORKFLOW = {
    "": {EventStatus.RECEIVED},
    EventStatus.RECEIVED: {EventStatus.DISPATCHED},
    EventStatus.DISPATCHED: {EventStatus.ACCEPTED, EventStatus.RETURNED},
    EventStatus.RETURNED: {EventStatus.DISPATCHED},
    EventStatus.ACCEPTED: {EventStatus.ON_SITE},
    EventStatus.ON_SITE: {EventStatus.RESOLVED},
    EventStatus.RESOLVED: {EventStatus.ANSWERED},
    EventStatus.ANSWERED: {EventStatus.CLOSED},
}
OPEN = (EventStatus.DISPATCHED, EventStatus.ACCEPTED, EventStatus.ON_SITE)


def _local_date(dt) -> date:
    return timezone.localtime(dt, calendar.TZ).date()


def test_counts_and_one_audit_record(demo_db):
    n = Event.objects.count()
    assert 5600 <= n <= 6400
    assert demo_db.counts["events"] == n
    assert EventStatusChange.objects.count() == demo_db.counts["status_changes"] >= 6 * n
    assert EventItem.objects.count() >= n
    assert not Event.objects.filter(event_items__isnull=True).exists()
    assert not Event.objects.filter(lead_unit__isnull=True).exists()
    assert Event.objects.values("receipt_no").distinct().count() == n
    days = Event.objects.values_list("received_at", flat=True)
    assert min(map(_local_date, days)) == calendar.FIRST_DAY
    assert max(map(_local_date, days)) == calendar.LAST_DAY
    audit = AuditRecord.objects.filter(action="demo.events_build")
    assert audit.count() == 1
    assert audit.get().after["events"] == n
    # No per-event audit records: the year is written in bulk.
    assert not AuditRecord.objects.filter(action="dispatch.event_intake").exists()


def test_channel_mix(demo_db):
    n = Event.objects.count()
    share = {c: k / n for c, k in Counter(Event.objects.values_list("channel", flat=True)).items()}
    assert share["12345"] == pytest.approx(0.45, abs=0.025)
    assert share["grid"] == pytest.approx(0.25, abs=0.02)
    assert share["patrol"] == pytest.approx(0.15, abs=0.02)
    assert share["web"] == pytest.approx(0.08, abs=0.015)
    assert share["department"] == pytest.approx(0.04, abs=0.01)
    assert share.get("open311", 0) + share.get("api", 0) == pytest.approx(0.03, abs=0.01)
    assert share.get("staff", 0) == 0


def test_721_resolution_mix_and_ratings(demo_db):
    modes = Counter(Event.objects.exclude(resolved_at=None).values_list("resolution_mode", flat=True))
    total = sum(modes.values())
    assert "" not in modes
    assert modes["service"] / total == pytest.approx(0.70, abs=0.025)
    assert modes["management"] / total == pytest.approx(0.20, abs=0.02)
    assert modes["enforcement"] / total == pytest.approx(0.10, abs=0.015)
    ratings = Counter(Event.objects.exclude(rating=None).values_list("rating", flat=True))
    rated = sum(ratings.values())
    assert rated > 2000
    assert (ratings[4] + ratings[5]) / rated > 0.8
    assert ratings[1] > 0  # not every reporter is happy
    assert not Event.objects.exclude(rating=None).exclude(status__in=["answered", "closed"]).exists()
    assert (
        not Event.objects.exclude(rating=None).filter(channel__in=["grid", "patrol", "department"]).exists()
    )


def _item_share_by_month(code: str) -> dict[int, float]:
    events = Counter(_local_date(t).month for t in Event.objects.values_list("received_at", flat=True))
    with_item = Counter(
        _local_date(t).month
        for t in EventItem.objects.filter(item__code=code).values_list("event__received_at", flat=True)
    )
    return {m: with_item[m] / events[m] for m in events}


def test_summer_peak_of_cooking_fumes_and_night_building_work(demo_db):
    for code in ("ZH0101", "ZH0108"):
        share = _item_share_by_month(code)
        summer = (share[7] + share[8]) / 2
        winter = (share[12] + share[1] + share[2]) / 3
        assert summer > 2 * winter, code
    per_month = Counter(_local_date(t).month for t in Event.objects.values_list("received_at", flat=True))
    assert per_month[7] > per_month[12]


def test_spring_festival_fireworks_peak(demo_db):
    days = Counter(
        _local_date(t)
        for t in EventItem.objects.filter(item__code="YJ0022").values_list("event__received_at", flat=True)
    )
    eve = calendar.NEW_YEARS_EVE
    festival = sum(days[eve + timedelta(days=d)] for d in range(-3, 6))
    rest_of_year = sum(days.values()) - sum(
        days[eve + timedelta(days=d)] for d in range(-10, (calendar.LANTERN_FESTIVAL - eve).days + 1)
    )
    assert festival >= 25
    # Nine festival days hold more fireworks reports than the ~320 ordinary days together.
    assert festival > rest_of_year
    assert days[eve] + days[calendar.SPRING_FESTIVAL] >= 6


def test_day_night_and_weekday_weekend(demo_db):
    times = [timezone.localtime(t, calendar.TZ) for t in Event.objects.values_list("received_at", flat=True)]
    night = sum(1 for t in times if t.hour < 6)
    day = sum(1 for t in times if 9 <= t.hour < 15)
    assert day > 3 * night
    weekday = Counter(t.weekday() for t in times)
    assert (weekday[5] + weekday[6]) / 2 < 0.9 * sum(weekday[d] for d in range(5)) / 5


def test_every_domain_subdistricts_and_hub(demo_db):
    catalog_domains = set(EnforcementItem.objects.values_list("domain__code", flat=True).distinct())
    event_domains = set(EventItem.objects.values_list("item__domain__code", flat=True).distinct())
    assert catalog_domains == event_domains == set(Domain.objects.values_list("code", flat=True))
    per_sub = Counter(Event.objects.values_list("subdistrict__name", flat=True))
    assert len(per_sub) == 14
    assert per_sub["九堡街道"] > 1.5 * per_sub["清波街道"]  # weighted by load
    hub = [e for e in Event.objects.only("functional_area_codes", "description") if e.functional_area_codes]
    assert len(hub) >= 150
    assert sum("杭州东站" in e.description for e in hub) >= 150
    stationed = Event.objects.filter(lead_unit__kind="stationed_team")
    assert stationed.count() >= 50
    assert all(codes == ["330102HUB"] for codes in stationed.values_list("functional_area_codes", flat=True))
    # Points lie in the grid the event names.
    for e in Event.objects.select_related("region", "subdistrict").order_by("receipt_no")[:50]:
        assert e.region.path.startswith(e.subdistrict.path)
        assert e.region.level in ("grid", "micro_grid")


def test_points_lie_in_their_grids(demo_db):
    index = RegionIndex.build(build_demo_district(seed=42).regions)
    sample = list(
        Event.objects.order_by("receipt_no").values_list("lng", "lat", "region__code", "subdistrict__code")
    )
    sample = sample[::25]
    for lng, lat, region, subdistrict in sample:
        loc = index.locate(lng, lat)
        assert (loc.micro_grid_code or loc.grid_code, loc.subdistrict_code) == (region, subdistrict)
    assert len(sample) >= 200


def test_histories_are_valid_sequences(demo_db):
    history = defaultdict(list)
    for eid, frm, to, at, unit_id in EventStatusChange.objects.order_by("event_id", "at", "id").values_list(
        "event_id", "from_status", "to_status", "at", "unit_id"
    ):
        history[eid].append((frm, to, at, unit_id))
    events = {e.pk: e for e in Event.objects.all()}
    assert set(history) == set(events)
    full = ["", "received", "dispatched", "accepted", "on_site", "resolved", "answered", "closed"]
    for eid, steps in history.items():
        e = events[eid]
        previous, last_at = "", None
        for frm, to, at, _unit in steps:
            assert frm == previous, (e.receipt_no, steps)
            assert to in WORKFLOW[frm], (e.receipt_no, steps)
            assert last_at is None or at > last_at, e.receipt_no
            previous, last_at = to, at
        assert e.status == previous
        assert steps[0][2] == e.received_at
        assert e.version == len(steps) + (e.rating is not None)
        if e.status == "closed":
            plain = [s[1] for s in steps if s[0] != "returned" and s[1] != "returned"]
            assert plain == full[1:] or plain == full[1:3] + full[2:], e.receipt_no
            assert e.received_at < e.dispatched_at < e.accepted_at < e.on_site_at < e.resolved_at
            assert e.resolved_at < e.answered_at < e.closed_at <= calendar.AS_OF
            assert e.result and e.answer and e.resolution_mode


def test_clocks_mostly_met_some_late_urgent_on_1315(demo_db):
    policies = {p.priority: p for p in SlaPolicy.objects.all()}
    assert policies["urgent"].code == DEFAULT_SLA["urgent"]["code"] == "1315"
    assert policies["normal"].on_site_minutes == DEFAULT_SLA["normal"]["on_site_minutes"]
    urgent = Event.objects.filter(priority="urgent")
    n = Event.objects.count()
    assert 0.01 <= urgent.count() / n <= 0.06
    assert set(urgent.values_list("sla__code", flat=True)) == {"1315"}
    closed = list(Event.objects.filter(status="closed").select_related("sla"))
    for clock, field in (("link", "accepted_at"), ("on_site", "on_site_at"), ("resolve", "resolved_at")):
        late = sum(
            1
            for e in closed
            if (getattr(e, field) - e.received_at).total_seconds() / 60 > getattr(e.sla, f"{clock}_minutes")
        )
        assert 0 < late / len(closed) < 0.1, clock
    urgent_on_site = [
        (e.on_site_at - e.received_at).total_seconds() / 60 for e in closed if e.priority == "urgent"
    ]
    assert sum(m <= 15 for m in urgent_on_site) / len(urgent_on_site) > 0.75


def test_returned_and_dispatched_again(demo_db):
    returned = Event.objects.filter(history__to_status="returned").distinct()
    n = Event.objects.count()
    assert 0.005 < returned.count() / n < 0.08
    e = returned.filter(status="closed").first()
    steps = list(e.history.order_by("at", "id"))
    back = next(i for i, s in enumerate(steps) if s.to_status == "returned")
    assert steps[back].unit_id != e.lead_unit_id and steps[back].note
    assert steps[back + 1].to_status == "dispatched" and steps[back + 1].unit.kind == "district_command"
    assert EventUnit.objects.filter(event=e, unit_id=steps[back].unit_id, active=False).exists()


def test_recent_two_weeks_partly_open(demo_db):
    since = calendar.AS_OF - timedelta(days=14)
    recent = Event.objects.filter(received_at__gte=since)
    open_recent = recent.filter(status__in=OPEN)
    # A normal morning's board: a couple of dozen open, most being handled within their clocks.
    assert open_recent.count() >= 15
    assert open_recent.count() < 0.2 * recent.count()
    assert set(open_recent.values_list("status", flat=True)) == set(OPEN)
    assert not Event.objects.filter(received_at__lt=since, status__in=OPEN + ("received",)).exists()
    for e in open_recent.filter(status="on_site")[:20]:
        assert e.on_site_at and not e.resolved_at and not e.closed_at and not e.result


def test_items_confirmed_for_closed_events(demo_db):
    assert not EventItem.objects.filter(event__status="closed", confirmed=False).exists()
    # Still open and never returned: nobody has confirmed the classifier's suggestion yet.
    unconfirmed = EventItem.objects.filter(event__status__in=OPEN).exclude(
        event__history__to_status="returned"
    )
    assert unconfirmed.exists()
    assert not unconfirmed.filter(confirmed=True).exists()
    # The classifier agrees with what people confirmed for most events (it is the check, not the source).
    closed = Event.objects.filter(status="closed").prefetch_related("event_items__item")
    agree = total = 0
    for e in closed.iterator(chunk_size=1000):
        lead_item = max(e.event_items.all(), key=lambda ei: ei.score).item.code
        top3 = [m["code"] for m in e.classification[:3]]
        agree += lead_item in top3
        total += 1
    assert agree / total > 0.85


def test_routing_consistency_with_the_real_router(demo_db):
    router = build_router()
    sample = Event.objects.order_by("receipt_no").select_related("subdistrict", "lead_unit")[::40]
    checked = 0
    for e in sample:
        refs = [
            ItemRef(ei.item.code, ei.item.domain.code, ei.item.delegated, ei.score)
            for ei in e.event_items.select_related("item__domain")
        ]
        place = Place(e.subdistrict.code, tuple(e.functional_area_codes))
        decision = router.route(refs, place, assist_ratio=0.0)
        assert decision.lead == e.lead_unit.code, e.receipt_no
        assert decision.explanation == e.route_explanation
        active = set(e.event_units.filter(active=True).values_list("unit__code", flat=True))
        assert active == {decision.lead, *decision.assisting}
        checked += 1
    assert checked >= 140


def test_open_events_route_like_intake(demo_db):
    """Unconfirmed events carry the classifier's routed items, as intake would store them."""
    checked = 0
    for e in Event.objects.filter(status__in=OPEN).exclude(history__to_status="returned")[:20]:
        stored = set(e.event_items.values_list("item__code", flat=True))
        assert stored == {m.code for m in items_to_route(_as_matches(e.classification))}
        checked += 1
    assert checked == 20


def test_stored_suggestion_is_the_classifiers(demo_db):
    """The suggestion stored on an event is what the catalog classifier says about one of the phrases."""
    catalog_only = ItemClassifier(catalog_entries())
    said = {
        tuple((m.code, m.score) for m in found)
        for found in catalog_only.classify_many([p.core() for p in load_phrases()], k=CLASSIFY_TOP)
    }
    stored = {
        tuple((m["code"], m["score"]) for m in c)
        for c in Event.objects.values_list("classification", flat=True)
    }
    assert stored <= said
    assert len(stored) > 100


def _as_matches(rows):
    return [Match(r["code"], r["name"], r["domain"], r["score"], tuple(r["matched"])) for r in rows]


def test_phrases_are_the_demos_own(demo_db):
    phrases = load_phrases()
    assert len(phrases) >= 150
    assert len({p.text for p in phrases}) == len(phrases)
    descriptions = list(Event.objects.values_list("description", flat=True)[:500])
    assert all("{" not in d and "}" not in d for d in descriptions)


def test_same_seed_same_year(demo_db):
    """The year alone is rebuilt (inside the test's transaction): the same seed gives the same events."""
    # The year's cases hang on its events (and are rebuilt with them by the district build): they go first,
    # with their evidence (in the digest, and rebuilt with the cases, not here).
    CaseEvidence.objects.all().delete()
    for model in (CaseStep, PartyResponse, Hearing, LegalReview, CollectiveDiscussion, Extension, Payment):
        model.objects.all().delete()
    for model in (StudyRecord, PublicService, CaseDocument, Case):
        model.objects.all().delete()
    first = demo_fingerprint()
    SubjectEvent.objects.all().delete()  # complaints tied to businesses (rebuilt with the inspections)
    # Meetings and escalations about the events (zhifa.demo.coordination): rebuilt after the events below.
    Escalation.objects.all().delete()
    Consultation.objects.all().delete()
    # Evidence collected on the events and its adoptions (zhifa.demo.sharing): rebuilt after the meetings.
    EvidenceUse.objects.all().delete()
    Evidence.shared_with.through.objects.all().delete()
    Evidence.objects.all().delete()
    EventStatusChange.objects.all().delete()
    EventItem.objects.all().delete()
    EventUnit.objects.all().delete()
    Event.objects.all().delete()
    assert demo_fingerprint() != first
    regions = {r.code: r for r in Region.objects.all()}
    counts = demo_events_build(seed=42, layout=geography.build_layout(42), regions=regions, by="test")
    assert counts == {k: demo_db.counts[k] for k in counts}
    build_coordination(seed=42)
    build_shared_evidence(seed=42)
    assert demo_fingerprint() == first


def test_nanxing_plan_has_the_reference_shape(demo_db):
    """南星's plan from a year of complaints, limited to delegated items as there: about nine categories
    carrying ~89 % of ~370 complaints (the reference: 9, 374, 88.83 %) — counted by the plan from the records."""
    from zhifa.accounts.models import User
    from zhifa.catalog.models import EnforcementItem
    from zhifa.dashboard.reform import plan_year
    from zhifa.demo.asof import REFERENCE_DAY
    from zhifa.inspections.annual.selectors import annual_plan

    admin = User.objects.get(username="admin")
    year = plan_year(REFERENCE_DAY)
    plan = annual_plan(user=admin, year=year, threshold=10, subdistrict="330102008", delegated_only=True)
    assert len(plan.rows) == 9
    assert 340 <= plan.total <= 420
    assert 84 <= plan.focus_percent <= 92
    assert plan.focus_percent == round(100 * sum(r.count for r in plan.rows) / plan.total, 2)
    assert all(r.count >= 10 for r in plan.rows)
    codes = [r.code for r in plan.rows]
    assert EnforcementItem.objects.filter(code__in=codes, delegated=True).count() == 9
    # Another subdistrict keeps its own, smaller year: 南星's raised weight is its own.
    other = annual_plan(user=admin, year=year, threshold=10, subdistrict="330102001", delegated_only=True)
    assert 0 < other.total < plan.total / 1.5
