"""Drawing the demo year's case plans from its enforcement events and inspection violations, walking each, and
writing the rows in bulk with their numbers, counters and deadlines."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from zhifa.accounts.models import User
from zhifa.audit.services import audit_record
from zhifa.cases.choices import (
    NUMBERED_DOCUMENTS,
    DocumentKind,
    OfficerRole,
    Outcome,
    PartyKind,
    Procedure,
    Source,
    Stage,
)
from zhifa.cases.config import case_rules, district_calendar
from zhifa.cases.models import (
    Case,
    CaseCause,
    CaseCounter,
    CaseDocument,
    CaseOfficer,
    CaseParty,
    CaseStep,
    CollectiveDiscussion,
    Extension,
    FirstViolationItem,
    Hearing,
    LegalReview,
    PartyResponse,
    Payment,
    PublicService,
    StudyRecord,
)
from zhifa.cases.services import case_deadlines_refresh
from zhifa.cases.services.common import format_number
from zhifa.cases.services.opening import SUBDISTRICT_TEAMS, handled_domain, id_digest
from zhifa.catalog.choices import ItemKind
from zhifa.catalog.models import DiscretionBand, EnforcementItem, band_for
from zhifa.core.snapshot import to_jsonable
from zhifa.demo.cases.parts import Built, Plan, conduct
from zhifa.demo.cases.walk import Walker
from zhifa.demo.events import calendar
from zhifa.demo.names import NameMaker
from zhifa.demo.subjects import _reset_sequences
from zhifa.dispatch.choices import ResolutionMode
from zhifa.dispatch.models import Event, EventItem
from zhifa.engine import deadlines as dl
from zhifa.engine.idcard import id_make, id_mask
from zhifa.org.models import Officer, Unit
from zhifa.subjects.models import Subject, SubjectEvent, Violation

CASE_SHARE = 0.10  # cases per event of the year
ON_SPOT_SHARE = 0.08  # enforcement events settled on the spot (简易程序)
MIN_INSPECTION_CASES = 0.15  # at least this share of the cases come from inspection violations
FAST_SHARE = 0.06
NOT_FILED, WITHDRAWN, TRANSFERRED = 0.04, 0.02, 0.025
STALL = 0.05  # decision left past its 90 days
NON_PAYER = 0.06
# Inspection cases' outcomes; event cases end in a penalty (the event's 721 mode stays enforcement).
OUTCOMES = (
    (Outcome.PENALTY, 40),
    (Outcome.NO_PENALTY, 15),
    (Outcome.FIRST_VIOLATION, 20),
    (Outcome.STUDY, 13),
    (Outcome.PUBLIC_SERVICE, 12),
)
# Cases held at a stage at the as-of date (filed this many days before it), so every stage is on show.
SHOWCASE = (
    (Stage.FILED, 0, 2, 2),
    (Stage.INVESTIGATING, 6, 20, 4),
    (Stage.NOTIFIED, 22, 40, 4),
    (Stage.HEARING, 45, 75, 2),
    (Stage.REVIEW, 40, 75, 3),
    (Stage.DECIDED, 40, 75, 3),
    (Stage.SERVED, 40, 80, 3),
    (Stage.EXECUTING, 50, 100, 3),
    (Stage.NOTIFIED, 100, 150, 2),  # past the 90 days: overdue
)
FIRST_VIOLATION_LIST = 15
FIRST_VIOLATION_CONDITIONS = (
    "当事人首次实施该违法行为（两年内无同类违法记录），危害后果轻微，并在责令改正期限内改正"
    "（《中华人民共和国行政处罚法》第三十三条第一款，本区首违不罚清单）"
)


class CaseBuilder:
    """Draws the year's case plans from the demo's events and violations, walks them, writes the rows."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed * 17 + 11)
        self.names = NameMaker(random.Random(seed * 17 + 12))
        # The demo's "now" is the end of its last day: nothing happens on or after it.
        self.today = calendar.AS_OF.date()
        self.as_of = self.today - timedelta(days=1)
        self.first_day = self.as_of - timedelta(days=364)
        self.rules, self.cal = case_rules(), district_calendar()
        self.built = Built()
        self.team_of: dict[int, list[Officer]] = {}
        self._ids = {m: (m.objects.aggregate(m=Max("id"))["m"] or 0) for m in (Case, CaseParty, CaseDocument)}
        self._bands: dict[int, list[DiscretionBand]] = {}
        for b in DiscretionBand.objects.only("item_id", "level", "party", "min_fine", "max_fine"):
            self._bands.setdefault(b.item_id, []).append(b)

    def band(self, item_id: int, level: str, party_kind: str) -> tuple | None:
        """The discretion band for this 情节 and party kind, as the case services choose it."""
        b = band_for(self._bands.get(item_id, ()), level, party_kind)
        return (b.min_fine, b.max_fine) if b is not None else None

    def next_id(self, model) -> int:
        self._ids[model] += 1
        return self._ids[model]

    def workday(self, day: date) -> date:
        return self.cal.roll_forward(day)

    # --- what the district holds ------------------------------------------------------------------------------

    def load(self) -> None:
        self.items = {
            i.pk: i for i in EnforcementItem.objects.filter(kind=ItemKind.PENALTY).select_related("domain")
        }
        self.units = {u.pk: u for u in Unit.objects.select_related("region", "domain")}
        self.sd_team = {u.region_id: u for u in self.units.values() if u.kind in SUBDISTRICT_TEAMS}
        self.district_team = {u.domain_id: u for u in self.units.values() if u.kind == "district_team"}
        self.comprehensive = next(
            u.domain_id
            for u in self.units.values()
            if u.kind == "district_team" and u.domain.code == "comprehensive"
        )
        pool: dict[tuple[int, str], dict[int, Officer]] = defaultdict(dict)
        for o in (
            Officer.objects.filter(active=True)
            .exclude(certificate_no="")
            .select_related("team")
            .prefetch_related("qualified_domains")
            .order_by("certificate_no")
        ):
            for d in o.qualified_domains.all():
                for unit_id in (o.team_id, o.team.parent_id):
                    if unit_id:
                        pool[(unit_id, d.code)][o.pk] = o
        self.pool = {k: list(v.values()) for k, v in pool.items()}
        users = {u.username: u for u in User.objects.all()}
        self.admin = users["admin"]
        self.unit_user = {
            u.unit_id: u for u in users.values() if u.role == "officer" and u.unit_id is not None
        }
        self.market_user = users.get("market_dept")
        self.subjects = {
            sid: (name, uscc, address, sd)
            for sid, name, uscc, address, sd in Subject.objects.values_list(
                "id", "name", "uscc", "address", "subdistrict_id"
            )
        }
        self.violations_of: dict[tuple[int, int], list[tuple[int, date]]] = defaultdict(list)
        for vid, sid, item_id, found in Violation.objects.values_list(
            "id", "subject_id", "item_id", "found_on"
        ):
            self.violations_of[(sid, item_id)].append((vid, found))
        self.prefix = {u.pk: u.name for u in self.units.values()}
        for unit_id, prefix in Unit.case_settings.related.related_model.objects.values_list(
            "unit_id", "prefix"
        ):
            self.prefix[unit_id] = prefix

    def handler(self, item, subdistrict_id, preferred, day: date) -> Unit | None:
        delegated = item.delegated and item.delegated_from is not None and item.delegated_from <= day
        candidates = [preferred] if preferred else []
        candidates.append(
            self.sd_team.get(subdistrict_id) if delegated else self.district_team.get(item.domain_id)
        )
        for u in candidates:
            if u is None:
                continue
            fits = u.kind in SUBDISTRICT_TEAMS if delegated else u.domain_id == item.domain_id
            if fits and len(self.pool.get((u.pk, handled_domain(item)), [])) >= 2:
                return u
        return None

    # --- the plans ---------------------------------------------------------------------------------------------

    def event_plans(self) -> list[Plan]:
        items_of: dict[int, list[int]] = defaultdict(list)
        events = list(
            Event.objects.filter(resolution_mode=ResolutionMode.ENFORCEMENT, resolved_at__isnull=False)
            .order_by("id")
            .values_list(
                "id", "lead_unit_id", "subdistrict_id", "address", "received_at", "resolved_at", "channel"
            )
        )
        ids = [e[0] for e in events]
        for eid, item_id in (
            EventItem.objects.filter(event_id__in=ids)
            .order_by("event_id", "-confirmed", "-score", "id")
            .values_list("event_id", "item_id")
        ):
            items_of[eid].append(item_id)
        subject_of: dict[int, int] = {}
        for eid, sid in (
            SubjectEvent.objects.filter(event_id__in=ids).order_by("id").values_list("event_id", "subject_id")
        ):
            subject_of.setdefault(eid, sid)
        plans = []
        for eid, lead, sd, address, received, resolved, channel in events:
            found = timezone.localtime(received, calendar.TZ).date()
            filed = self.workday(
                timezone.localtime(resolved, calendar.TZ).date() + timedelta(days=self.rng.randint(0, 2))
            )
            if filed > self.as_of:
                continue
            for item_id in items_of[eid]:
                item = self.items.get(item_id)
                unit = self.handler(item, sd, self.units.get(lead), filed) if item else None
                if unit is not None:
                    break
            else:
                continue
            subject = subject_of.get(eid)
            on_spot = channel in ("patrol", "grid") and self.rng.random() < ON_SPOT_SHARE * 2.5
            plans.append(
                Plan(
                    source=Source.MANUAL if on_spot else Source.EVENT,
                    unit=unit,
                    item=item,
                    discovered_on=found,
                    filed_on=found if on_spot else filed,
                    place=address or "",
                    subject=self.subject_row(subject) if subject else None,
                    event_id=None if on_spot else eid,
                    procedure=Procedure.SIMPLE if on_spot else Procedure.ORDINARY,
                )
            )
        return plans

    def subject_row(self, sid: int) -> dict:
        name, uscc, address, sd = self.subjects[sid]
        return {"id": sid, "name": name, "uscc": uscc, "address": address, "subdistrict_id": sd}

    def violation_plans(self, n: int) -> list[Plan]:
        rows = list(
            Violation.objects.filter(found_on__gte=self.first_day, found_on__lte=self.as_of)
            .order_by("id")
            .values_list("id", "subject_id", "item_id", "found_on")
        )
        plans = []
        for vid, sid, item_id, found in self.rng.sample(rows, min(len(rows), n * 2)):
            item = self.items.get(item_id)
            subject = self.subject_row(sid)
            filed = self.workday(found + timedelta(days=self.rng.randint(0, 3)))
            unit = self.handler(item, subject["subdistrict_id"], None, filed) if item else None
            if unit is None or filed > self.as_of:
                continue
            plans.append(
                Plan(
                    source=Source.INSPECTION,
                    unit=unit,
                    item=item,
                    discovered_on=found,
                    filed_on=filed,
                    place=subject["address"],
                    subject=subject,
                    violation_id=vid,
                )
            )
            if len(plans) == n:
                break
        return plans

    def first_time(self, plan: Plan, lookback_years: int = 2) -> bool:
        if plan.subject is None:
            return True
        since = dl.add_years(plan.discovered_on, -lookback_years)
        return not any(
            vid != plan.violation_id and since <= found < plan.discovered_on
            for vid, found in self.violations_of[(plan.subject["id"], plan.item.pk)]
        )

    def draw(self, plans: list[Plan], listed: set[int]) -> None:
        rng = self.rng
        for p in plans:
            if p.procedure == Procedure.SIMPLE:
                continue
            r = rng.random()
            if r < NOT_FILED:
                p.ending = Stage.NOT_FILED
                continue
            if r < NOT_FILED + WITHDRAWN:
                p.ending = Stage.WITHDRAWN
            elif r < NOT_FILED + WITHDRAWN + TRANSFERRED:
                p.ending = Stage.TRANSFERRED
            if p.source == Source.INSPECTION:
                p.outcome = rng.choices(*zip(*OUTCOMES, strict=True))[0]
                if p.outcome == Outcome.FIRST_VIOLATION and not (p.item.pk in listed and self.first_time(p)):
                    p.outcome = Outcome.NO_PENALTY
            elif p.subject is None and rng.random() < 0.08:
                p.outcome = Outcome.PUBLIC_SERVICE
            if p.outcome == Outcome.PENALTY and rng.random() < 0.05:
                p.hearing = True
            elif p.outcome == Outcome.PENALTY and rng.random() < FAST_SHARE:
                p.procedure = Procedure.FAST
            p.stall = rng.random() < STALL
            p.non_payer = rng.random() < NON_PAYER

    def showcase(self, plans: list[Plan]) -> None:
        """Hold a few recent cases at each stage, so each stage has cases at the as-of date."""
        for stage, lo, hi, n in SHOWCASE:
            pool = [
                p
                for p in plans
                if not p.stop_at
                and not p.ending
                and p.procedure != Procedure.SIMPLE
                and self.as_of - timedelta(days=hi) <= p.filed_on <= self.as_of - timedelta(days=lo)
            ]
            for p in self.rng.sample(pool, min(n, len(pool))):
                p.stop_at, p.procedure, p.outcome, p.stall = (
                    stage,
                    Procedure.ORDINARY,
                    Outcome.PENALTY,
                    lo >= 90,
                )
                p.hearing, p.non_payer = stage in (Stage.HEARING, Stage.REVIEW), False

    # --- the rows ----------------------------------------------------------------------------------------------

    def party(self, plan: Plan, case_id: int) -> CaseParty:
        s = plan.subject
        if s and s["uscc"]:
            kind = PartyKind.PERSON if s["uscc"][:2] == "92" else PartyKind.ORGANISATION
            return CaseParty(
                id=self.next_id(CaseParty),
                case_id=case_id,
                kind=kind,
                name=s["name"],
                subject_id=s["id"],
                uscc=s["uscc"],
                address=s["address"],
            )
        born = date(1960, 1, 1) + timedelta(days=self.rng.randrange(40 * 365))
        number = id_make(area="330102", born=born, sequence=self.rng.randrange(1, 999))
        return CaseParty(
            id=self.next_id(CaseParty),
            case_id=case_id,
            kind=PartyKind.PERSON,
            name=self.names.person(),
            id_masked=id_mask(number),
            id_digest=id_digest(number),
            address=(s or {}).get("address") or plan.place,
            phone=self.names.phone(),
        )

    def build(self, plans: list[Plan]) -> None:
        serials: Counter = Counter()
        for p in plans:
            case_id = self.next_id(Case)
            filed = p.ending != Stage.NOT_FILED
            year = p.filed_on.year if filed else None
            if filed:
                serials[(p.unit.pk, year)] += 1
            serial = serials[(p.unit.pk, year)] if filed else None
            party = self.party(p, case_id)
            day = p.filed_on if filed else p.discovered_on
            creator = self.unit_user.get(p.unit.pk, self.admin)
            reviewer = self.market_user if p.unit.domain.code == "market" and self.market_user else self.admin
            case = Case(
                id=case_id,
                number=format_number(self.prefix[p.unit.pk], NUMBERED_DOCUMENTS["case"], year, serial)
                if filed
                else "",
                year=year,
                serial=serial,
                unit=p.unit,
                domain_id=p.unit.domain_id or self.comprehensive,
                region_path=p.unit.region.path,
                procedure=p.procedure,
                stage="",
                source=p.source,
                event_id=p.event_id,
                violation_id=p.violation_id,
                facts=(
                    f"{p.discovered_on:%Y年%m月%d日}，执法人员在{p.place or '辖区'}发现，"
                    f"当事人{party.name}存在{conduct(p.item)}的行为。"
                ),
                place=p.place[:200],
                conduct_ended_on=p.discovered_on,
                discovered_on=p.discovered_on,
                filed_on=day if filed else None,
                fast_consent_on=day if p.procedure == Procedure.FAST else None,
                created_by=creator,
                created_at=datetime.combine(day, time(9, 30), tzinfo=calendar.TZ),
            )
            cause = CaseCause(
                case_id=case_id,
                party=party,
                item=p.item,
                legal_basis=p.item.legal_basis,
                penalty_basis=p.item.penalty_basis,
            )
            officers = self.rng.sample(self.pool[(p.unit.pk, handled_domain(p.item))], 2)
            self.team_of[case_id] = officers
            steps_before = len(self.built.steps)
            Walker(self, case, p, [party], [cause], creator, reviewer).run()
            case.version = max(1, len(self.built.steps) - steps_before)
            self.built.cases.append(case)
            self.built.parties.append(party)
            if filed:
                self.built.causes.append(cause)
                self.built.officers += [
                    CaseOfficer(case_id=case_id, officer=o, role=role)
                    for o, role in zip(officers, (OfficerRole.LEAD, OfficerRole.ASSIST), strict=True)
                ]

    def number_documents(self) -> list[CaseCounter]:
        """Document numbers per prefix, word and year in the order the documents were issued; the counters."""
        cases = {c.pk: c for c in self.built.cases}
        last: dict[tuple[str, int], int] = {}
        for d in sorted(self.built.docs, key=lambda d: d.order):
            word = NUMBERED_DOCUMENTS.get(d.kind)
            if word is None:
                continue
            case = cases[d.row.case_id]
            key = (f"doc:{self.prefix[case.unit_id]}:{word}", d.row.issued_on.year)
            last[key] = last.get(key, 0) + 1
            d.row.number = format_number(self.prefix[case.unit_id], word, key[1], last[key])
            if d.kind in (
                DocumentKind.DECISION,
                DocumentKind.NO_PENALTY_DECISION,
                DocumentKind.ON_SPOT_DECISION,
            ):
                case.decision_number = d.row.number
        for d in self.built.docs:
            if isinstance(d.row.data.get("decision"), int):  # the case's id, for its decision's number
                d.row.data["decision"] = cases[d.row.case_id].decision_number
            d.row.data = to_jsonable(d.row.data)
        for c in self.built.cases:
            if c.serial:
                key = (f"case:{c.unit_id}", c.year)
                last[key] = max(last.get(key, 0), c.serial)
        return [CaseCounter(key=k, year=y, last=n) for (k, y), n in sorted(last.items())]

    def write(self, counters: list[CaseCounter], listed: list[FirstViolationItem]) -> None:
        b = self.built
        Case.objects.bulk_create(b.cases, batch_size=500)
        CaseParty.objects.bulk_create(b.parties, batch_size=500)
        for model, rows in (
            (CaseCause, b.causes),
            (CaseOfficer, b.officers),
            (CaseDocument, [d.row for d in b.docs]),
            (CaseStep, b.steps),
            (PartyResponse, b.responses),
            (Hearing, b.hearings),
            (LegalReview, b.reviews),
            (CollectiveDiscussion, b.discussions),
            (Extension, b.extensions),
            (Payment, b.payments),
            (StudyRecord, b.studies),
            (PublicService, b.services),
            (CaseCounter, counters),
            (FirstViolationItem, listed),
        ):
            model.objects.bulk_create(rows, batch_size=500)
        _reset_sequences(Case, CaseParty, CaseDocument)


def build_cases(*, seed: int, by) -> dict[str, int]:
    """The demo year's cases; returns the counts for the build summary."""
    builder = CaseBuilder(seed)
    builder.load()
    events = Event.objects.count()
    plans = builder.event_plans()
    target = round(events * CASE_SHARE)
    inspection = max(target - len(plans), round(target * MIN_INSPECTION_CASES))
    plans += builder.violation_plans(inspection)
    frequent = Counter(p.item.pk for p in plans if p.item.delegated and p.source == Source.INSPECTION)
    listed_ids = {
        pk for pk, _n in sorted(frequent.items(), key=lambda kv: (-kv[1], kv[0]))[:FIRST_VIOLATION_LIST]
    }
    listed = [
        FirstViolationItem(
            item_id=pk,
            conditions=FIRST_VIOLATION_CONDITIONS,
            lookback_years=2,
            effective_from=date(2025, 1, 1),
        )
        for pk in sorted(listed_ids)
    ]
    builder.draw(plans, listed_ids)
    plans.sort(key=lambda p: (p.filed_on, p.discovered_on, p.event_id or 0, p.violation_id or 0))
    builder.showcase(plans)
    builder.build(plans)
    counters = builder.number_documents()
    builder.write(counters, listed)
    case_deadlines_refresh()
    cases = builder.built.cases
    counts = {
        "cases": len(cases),
        "cases_open": sum(
            c.stage not in (Stage.CLOSED, Stage.NOT_FILED, Stage.WITHDRAWN, Stage.TRANSFERRED) for c in cases
        ),
        "case_documents": len(builder.built.docs),
        "case_steps": len(builder.built.steps),
        "first_violation_items": len(listed),
    }
    audit_record(
        actor=by,
        action="demo.cases_build",
        object_type="demo",
        object_id=str(seed),
        object_repr=f"演示案件 seed={seed}",
        after=counts,
    )
    return counts
