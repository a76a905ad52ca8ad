"""Demo cases (办案): the year's enforcement work as penalty cases, shaped as the case services record them.

About a tenth of the year's events end in a case: each event resolved by enforcement (执法) opens one in the
unit that worked it (a few of them settled on the spot by the simple procedure), and violations found on
inspections add the rest. Each case walks the procedure day by day — investigation, notice, the party's
answer, hearing and legal review where the law asks for them, decision, service, payment or public service,
publication, closing — until the demo's as-of date; cases filed late in the year are still running, a few are
stalled past a deadline. Soft outcomes (不予处罚, 首违不罚, 以学代罚) come from inspection cases only, so the
events' 721 modes stay as they are. Numbers follow the services' numbering and the counters are left so the
next case opened by hand gets the next number; next_due is computed by case_deadlines_refresh. Bulk inserts.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from zhifa.accounts.models import User
from zhifa.audit.services import audit_record
from zhifa.cases.choices import (
    HEAVY_PENALTIES,
    NO_PENALTY_OUTCOMES,
    NUMBERED_DOCUMENTS,
    Circumstance,
    DocumentKind,
    NoticeKind,
    OfficerRole,
    Outcome,
    PartyKind,
    PenaltyKind,
    Procedure,
    ResponseKind,
    ServiceMethod,
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
from zhifa.cases.services.decision import PAYMENT_TERMS, REMEDIES
from zhifa.cases.services.opening import SUBDISTRICT_TEAMS, handled_domain, id_digest
from zhifa.catalog.choices import ItemKind
from zhifa.catalog.models import EnforcementItem
from zhifa.core.snapshot import to_jsonable
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
TRANSFER_TO = ("杭州市公安局上城区分局",)
WITHDRAW_REASONS = (
    "经调查，违法事实不能成立，撤销立案",
    "经核实，当事人并非违法行为实施者，撤销立案",
)
NOT_FILED_REASONS = (
    "经核查，现场未发现违法行为，不予立案",
    "违法行为轻微并已当场改正，没有造成危害后果，不予立案",
    "经核查，该问题已由其他部门立案查处，不予立案",
)
SERVICE_CONTENT = ("参加社区环境卫生整治志愿服务", "协助网格员开展文明劝导", "参加垃圾分类宣传志愿服务")
CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
RANGE = re.compile(r"([一二两三四五六七八九十百千万零\d]+)元以上([一二两三四五六七八九十百千万零\d]+)元以下")
LAW = re.compile(r"《[^》]+》")


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch.isdigit():
            digit = digit * 10 + int(ch)
        elif ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch == "万":
            total += (section + digit) * 10000
            section = digit = 0
        else:
            section += (digit or 1) * CN_UNITS[ch]
            digit = 0
    return total + section + digit


def _fine_range(item) -> tuple[int, int] | None:
    """The fine the 罚则 allows (the first "X元以上Y元以下"), or None for an item without a fine."""
    m = RANGE.search(item.penalty_basis or "")
    if m:
        return _cn_number(m.group(1)), _cn_number(m.group(2))
    return (200, 2000) if "罚款" in (item.penalty_basis or "") else None


def _conduct(item) -> str:
    name = item.name.removeprefix("对")
    for end in ("的行政处罚", "的处罚"):
        name = name.removesuffix(end)
    return name


@dataclass
class Plan:
    """One case as drawn, before its procedure is walked."""

    source: str
    unit: Unit
    item: EnforcementItem
    discovered_on: date
    filed_on: date
    place: str
    subject: dict | None = None  # a subject row (id, name, uscc, address)
    event_id: int | None = None
    violation_id: int | None = None
    procedure: str = Procedure.ORDINARY
    ending: str = ""  # not_filed / withdrawn / transferred, or "" for a case that runs its course
    outcome: str = Outcome.PENALTY
    hearing: bool = False  # the party will ask for a hearing (a fine large enough to give it the right)
    stall: bool = False
    non_payer: bool = False
    stop_at: str = ""  # the stage the case is held at (showcase)


@dataclass
class _Doc:
    row: CaseDocument
    kind: str
    order: tuple


@dataclass
class _Built:
    cases: list = field(default_factory=list)
    parties: list = field(default_factory=list)
    causes: list = field(default_factory=list)
    officers: list = field(default_factory=list)
    docs: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    responses: list = field(default_factory=list)
    hearings: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    discussions: list = field(default_factory=list)
    extensions: list = field(default_factory=list)
    payments: list = field(default_factory=list)
    studies: list = field(default_factory=list)
    services: list = field(default_factory=list)


class _Walker:
    """Walks one case through its procedure up to the as-of date, collecting its rows."""

    def __init__(self, builder: CaseBuilder, case: Case, plan: Plan, parties, causes, creator, reviewer):
        self.b, self.c, self.p = builder, case, plan
        self.parties, self.causes = parties, causes
        self.creator, self.reviewer = creator, reviewer
        self.rng = builder.rng
        self.seq = 0

    # --- plumbing --------------------------------------------------------------------------------------------

    def at(self, day: date) -> datetime:
        self.seq += 1
        clock = time(min(9 + self.seq // 2, 17), (self.seq * 7) % 60)
        return datetime.combine(day, clock, tzinfo=calendar.TZ)

    def open(self, day: date) -> bool:
        """Whether the step on `day` happens: before the as-of date and not past the stage the case is held at."""
        return day <= self.b.as_of and not (self.p.stop_at and self.c.stage == self.p.stop_at)

    def doc(self, kind: str, day: date, data: dict, by=None) -> CaseDocument:
        row = CaseDocument(
            id=self.b.next_id(CaseDocument),
            case_id=self.c.pk,
            kind=kind,
            issued_on=day,
            by=by or self.creator,
            data=data,
            created_at=self.at(day),
        )
        self.b.built.docs.append(_Doc(row, kind, (day, self.c.pk, row.id)))
        return row

    def step(self, day: date, action: str, *, to: str = "", note: str = "", document=None, by=None) -> None:
        frm = self.c.stage
        if to:
            self.c.stage = to
        self.b.built.steps.append(
            CaseStep(
                case_id=self.c.pk,
                at=self.at(day),
                by=by or self.creator,
                action=action,
                from_stage=frm,
                to_stage=to if to != frm else "",
                note=note,
                document=document,
            )
        )

    # --- the procedure ---------------------------------------------------------------------------------------

    def run(self) -> None:
        c, p, rng = self.c, self.p, self.rng
        if p.ending == Stage.NOT_FILED:
            return self.decline()
        if p.procedure == Procedure.SIMPLE:
            return self.on_spot()
        self.step(c.filed_on, "open", to=Stage.FILED, note=Source(c.source).label, document=self.filing())
        day = self.b.workday(c.filed_on + timedelta(days=rng.randint(0, 3)))
        if not self.open(day):
            return
        soft = p.outcome in NO_PENALTY_OUTCOMES
        document = None
        if soft or rng.random() < 0.4:
            c.correction_due = day + timedelta(days=rng.randint(7, 15))
            data = {"order": f"立即停止{_conduct(p.item)}的行为，并依法改正", "due": c.correction_due}
            document = self.doc(
                DocumentKind.CORRECTION, day, {**data, "parties": [x.name for x in self.parties]}
            )
        self.step(day, "investigate", to=Stage.INVESTIGATING, document=document)
        if p.ending in (Stage.WITHDRAWN, Stage.TRANSFERRED):
            return self.end_early(day)
        if soft or (c.correction_due and rng.random() < 0.7):
            corrected = day + timedelta(days=rng.randint(2, 6))
            if not self.open(corrected):
                return
            c.corrected_on = corrected
            self.step(corrected, "correction", note="当事人已按要求改正")
        if p.outcome == Outcome.STUDY:
            studied = (c.corrected_on or day) + timedelta(days=rng.randint(1, 5))
            if not self.open(studied):
                return
            law = (LAW.findall(p.item.legal_basis) or ["相关法律法规"])[0]
            topic = f"{law}及本行业经营规范"
            self.b.built.studies.append(
                StudyRecord(
                    case_id=c.pk,
                    topic=topic,
                    studied_on=studied,
                    minutes=rng.choice((60, 90, 120)),
                    recorded_by=self.creator,
                    created_at=self.at(studied),
                )
            )
            self.step(studied, "study", note=topic)
        notify = self.notify_day(day)
        if not self.open(notify):
            return
        self.notify(notify)
        decide_from = self.party(notify)
        if decide_from is None:
            return
        if p.stall and rng.random() < 0.5:
            approved = c.filed_on + timedelta(days=rng.randint(70, 85))
            if approved <= self.b.as_of and approved > notify:
                self.extend(approved)
        decide_from = self.review(decide_from)
        if decide_from is None:
            return
        if p.stall:
            decided = c.filed_on + timedelta(days=rng.randint(95, 140))
        elif p.procedure == Procedure.FAST:
            decided = decide_from
        else:
            decided = decide_from + timedelta(days=rng.randint(0, 8))
        decided = max(decided, decide_from)
        if not self.open(decided):
            return
        self.decide(decided)
        self.execute(decided)

    def filing(self) -> CaseDocument:
        c = self.c
        data = {
            "number": c.number,
            "unit": self.p.unit.name,
            "procedure": c.get_procedure_display(),
            "source": c.get_source_display(),
            "facts": c.facts,
            "place": c.place,
            "discovered_on": c.discovered_on,
            "conduct_ended_on": c.conduct_ended_on,
            "limitation_end": dl.limitation_end(c.conduct_ended_on, c.harmed),
            "parties": [
                {"kind": x.get_kind_display(), "name": x.name, "id": x.identifier, "address": x.address}
                for x in self.parties
            ],
            "causes": [
                {
                    "party": self.parties[0].name,
                    "item": k.item.code,
                    "name": k.item.name,
                    "legal_basis": k.legal_basis,
                    "penalty_basis": k.penalty_basis,
                }
                for k in self.causes
            ],
            "officers": [
                {"name": o.name, "certificate_no": o.certificate_no} for o in self.b.team_of[self.c.pk]
            ],
            "transfer_from": "",
        }
        return self.doc(DocumentKind.FILING, c.filed_on, data)

    def decline(self) -> None:
        c, reason = self.c, self.rng.choice(NOT_FILED_REASONS)
        c.stage, c.end_reason = Stage.NOT_FILED, reason
        data = {"source": c.get_source_display(), "facts": c.facts, "reason": reason}
        document = self.doc(DocumentKind.NOT_FILED, c.discovered_on, data)
        c.stage = ""
        self.step(c.discovered_on, "decline", to=Stage.NOT_FILED, note=reason, document=document)

    def end_early(self, day: date) -> None:
        c, rng = self.c, self.rng
        end = day + timedelta(days=rng.randint(3, 15))
        if not self.open(end):
            return
        if self.p.ending == Stage.WITHDRAWN:
            reason = rng.choice(WITHDRAW_REASONS)
            c.end_reason = reason
            document = self.doc(DocumentKind.WITHDRAWAL, end, {"reason": reason})
            self.step(end, "withdraw", to=Stage.WITHDRAWN, note=reason, document=document)
            return
        to = rng.choice(TRANSFER_TO)
        reason = "经调查，当事人的行为涉嫌犯罪，依法移送司法机关（《中华人民共和国行政处罚法》第二十七条）"
        c.end_reason, c.transfer_to_name = reason, to
        document = self.doc(DocumentKind.TRANSFER, end, {"to": to, "reason": reason, "evidence": 0})
        self.step(end, "transfer", to=Stage.TRANSFERRED, note=f"移送{to}", document=document)

    def notify_day(self, investigated: date) -> date:
        if self.p.procedure == Procedure.FAST:
            return self.b.cal.add_working_days(self.c.filed_on, 1)
        return max(investigated, self.c.corrected_on or investigated) + timedelta(
            days=self.rng.randint(6, 25)
        )

    def proposals(self) -> None:
        """Circumstance, penalty and fine of each cause, inside its discretion band (or the 罚则's range)."""
        p, rng = self.p, self.rng
        soft = p.outcome in NO_PENALTY_OUTCOMES
        for k in self.causes:
            if soft:
                k.circumstance = Circumstance.MINOR
            elif p.hearing:
                k.circumstance = Circumstance.GRAVE
            else:
                k.circumstance = rng.choices(
                    (Circumstance.MINOR, Circumstance.ORDINARY, Circumstance.SERIOUS), (30, 55, 15)
                )[0]
            band = self.b.bands.get((k.item_id, k.circumstance))
            allowed = _fine_range(k.item)
            if band:
                k.band_min, k.band_max = band
                low, high = int(band[0]), int(band[1])
            elif allowed:
                low, high = allowed
            else:
                low = high = 0
            if high <= 0 or (k.circumstance == Circumstance.MINOR and (not allowed or rng.random() < 0.15)):
                k.proposed_kinds, k.proposed_fine = [PenaltyKind.WARNING], Decimal("0.00")
                continue
            # Most fines sit in the lower part of what the law allows; serious conduct reaches higher.
            reach = {Circumstance.MINOR: 0.1, Circumstance.ORDINARY: 0.3}.get(k.circumstance, 0.6)
            fine = Decimal(max(50, int(low + (high - low) * rng.random() * reach) // 50 * 50))
            if p.hearing:
                party = self.parties[0]
                threshold = self.b.rules.hearing_fine_person
                if party.kind == PartyKind.ORGANISATION:
                    threshold = self.b.rules.hearing_fine_org
                if fine < threshold:
                    fine = Decimal(threshold)
                    if k.band_max is not None and fine > k.band_max:
                        k.outside_band_reason = "当事人违法行为持续时间长、经责令改正拒不改正，依法从重处罚"
            k.proposed_kinds, k.proposed_fine = [PenaltyKind.FINE], fine

    def totals(self):
        fine = sum(
            (k.proposed_fine for k in self.causes if PenaltyKind.FINE in k.proposed_kinds), Decimal("0")
        )
        kinds = {x for k in self.causes for x in k.proposed_kinds}
        return fine, kinds

    def notify(self, day: date) -> None:
        c, rules, party = self.c, self.b.rules, self.parties[0]
        soft = self.p.outcome in NO_PENALTY_OUTCOMES
        self.proposals()
        fine, kinds = self.totals()
        person = party.kind == PartyKind.PERSON
        hearing = []
        limit = rules.hearing_fine_person if person else rules.hearing_fine_org
        if fine >= limit:
            hearing.append(f"{party.name}拟罚款 {fine:,.0f} 元，达到较大数额（{limit:,} 元）")
        review = []
        major = rules.major_fine_person if person else rules.major_fine_org
        if fine >= major:
            review.append(f"{party.name}罚款 {fine:,.0f} 元，达到重大案件标准（{major:,} 元）")
        review += [f"拟{PenaltyKind(k).label}" for k in HEAVY_PENALTIES if k in kinds]
        review += [f"{k.item.code} 罚款超出裁量基准" for k in self.causes if k.outside_band]
        collective = rules.collective_fine_person if person else rules.collective_fine_org
        c.review_reasons = review
        c.discussion_reasons = (
            [f"{party.name}罚款 {fine:,.0f} 元，达到集体讨论标准（{collective:,} 元）"]
            if fine >= collective
            else []
        )
        c.notice_kind = NoticeKind.HEARING if hearing else NoticeKind.STATEMENT
        c.notified_on, c.notified_fine = day, fine
        window = dl.party_window_end(day, rules, self.b.cal)
        data = {
            "kind": NoticeKind(c.notice_kind).label,
            "facts": c.facts,
            "penalties": [
                {
                    "party": party.name,
                    "item": k.item.code,
                    "name": k.item.name,
                    "legal_basis": k.legal_basis,
                    "penalty_basis": k.penalty_basis,
                    "circumstance": k.circumstance,
                    "kinds": [PenaltyKind(x).label for x in k.proposed_kinds],
                    "fine": k.proposed_fine,
                    "outside_band_reason": k.outside_band_reason,
                }
                for k in self.causes
            ],
            "rights": ["陈述", "申辩"] + (["要求听证"] if hearing else []),
            "hearing_reasons": hearing,
            "answer_by": window,
        }
        if soft:  # the notice of a soft outcome tells the party no penalty is proposed
            data["penalties"] = [{**x, "kinds": [], "fine": Decimal("0.00")} for x in data["penalties"]]
        self.step(day, "notify", to=Stage.NOTIFIED, document=self.doc(DocumentKind.NOTICE, day, data))

    def party(self, notified: date) -> date | None:
        """The party's answer, a hearing if asked for; returns the first day the decision may be made."""
        c, p, rng, cal = self.c, self.p, self.rng, self.b.cal
        window = dl.party_window_end(notified, self.b.rules, cal)
        if p.procedure == Procedure.FAST:
            return self.respond(notified, ResponseKind.WAIVER) and cal.add_working_days(notified, 1)
        if p.hearing and c.notice_kind == NoticeKind.HEARING:
            asked = cal.add_working_days(notified, rng.randint(1, 4))
            if not self.respond(
                asked, ResponseKind.HEARING_REQUEST, "当事人对拟处罚数额有异议，要求举行听证"
            ):
                return None
            notice_on = asked + timedelta(days=rng.randint(1, 3))
            if not self.open(notice_on):
                return None
            held_on = dl.earliest_hearing(notice_on, self.b.rules, cal) + timedelta(days=rng.randint(0, 3))
            hearing = Hearing(
                case_id=c.pk,
                requested_on=asked,
                notice_on=notice_on,
                held_on=held_on,
                place=f"{p.unit.name}听证室",
                host=self.reviewer,
                public=True,
            )
            self.b.built.hearings.append(hearing)
            data = {
                "held_on": held_on,
                "place": hearing.place,
                "host": str(self.reviewer),
                "public": True,
                "parties": [x.name for x in self.parties],
            }
            document = self.doc(DocumentKind.HEARING_NOTICE, notice_on, data)
            self.step(notice_on, "hearing_schedule", to=Stage.HEARING, document=document)
            if not self.open(held_on):
                return None
            hearing.held = True
            hearing.report = "听证会依法公开举行，当事人进行了陈述和申辩；调查人员提出的事实、证据和处罚建议成立，建议维持拟处罚意见。"
            c.review_reasons = [*c.review_reasons, "经过听证程序"]
            document = self.doc(
                DocumentKind.HEARING_REPORT, held_on, {"held_on": held_on, "report": hearing.report}
            )
            self.step(held_on, "hearing_record", document=document)
            return held_on + timedelta(days=1)
        if rng.random() < 0.6:
            kind = rng.choices(
                (ResponseKind.WAIVER, ResponseKind.STATEMENT, ResponseKind.DEFENCE), (60, 25, 15)
            )[0]
            answered = notified + timedelta(days=rng.randint(1, 4))
            content = {
                ResponseKind.STATEMENT: "当事人陈述：已认识到错误，已整改完毕，请求从轻处理。",
                ResponseKind.DEFENCE: "当事人申辩：系初次经营，对相关规定不了解，请求从轻处理。",
            }.get(kind, "")
            if not self.respond(answered, kind, content):
                return None
            return answered + timedelta(days=1)
        return window + timedelta(days=1)

    def respond(self, day: date, kind: str, content: str = "") -> bool:
        if not self.open(day):
            return False
        self.b.built.responses.append(
            PartyResponse(
                case_id=self.c.pk,
                party=self.parties[0],
                kind=kind,
                received_on=day,
                content=content,
                recorded_by=self.creator,
                recorded_at=self.at(day),
            )
        )
        self.c.party_done_on = self.c.party_done_on or day
        self.step(day, "respond", note=ResponseKind(kind).label)
        return True

    def extend(self, day: date) -> None:
        reason = "案情复杂，需进一步调查核实违法所得及涉案物品，经负责人批准延长办案期限"
        self.b.built.extensions.append(
            Extension(
                case_id=self.c.pk,
                days=30,
                reason=reason,
                approver=self.reviewer,
                approved_on=day,
                recorded_by=self.creator,
                created_at=self.at(day),
            )
        )
        self.c.extension_days += 30
        data = {"days": 30, "reason": reason, "approver": str(self.reviewer)}
        self.step(day, "extend", document=self.doc(DocumentKind.EXTENSION, day, data))

    def review(self, start: date) -> date | None:
        c, rng = self.c, self.rng
        if not c.review_reasons:
            return start
        submitted = start
        if not self.open(submitted):
            return None
        self.step(submitted, "review_submit", to=Stage.REVIEW)
        reviewed = submitted + timedelta(days=rng.randint(1, 5))
        if not self.open(reviewed):
            return None
        opinion = "事实清楚，证据确凿，适用依据正确，程序合法，处罚适当，同意作出处罚决定。"
        self.b.built.reviews.append(
            LegalReview(
                case_id=c.pk,
                reviewer=self.reviewer,
                reviewed_on=reviewed,
                passed=True,
                opinion=opinion,
                created_at=self.at(reviewed),
            )
        )
        data = {
            "passed": True,
            "opinion": opinion,
            "reviewer": str(self.reviewer),
            "reasons": c.review_reasons,
        }
        self.step(
            reviewed, "review_record", document=self.doc(DocumentKind.REVIEW, reviewed, data, self.reviewer)
        )
        if c.discussion_reasons:
            held = reviewed + timedelta(days=rng.randint(1, 3))
            if not self.open(held):
                return None
            attendees = f"{self.p.unit.name}负责人、法制审核人员、承办人员"
            conclusion = "经集体讨论，同意按拟处罚意见作出行政处罚决定。"
            self.b.built.discussions.append(
                CollectiveDiscussion(
                    case_id=c.pk,
                    held_on=held,
                    attendees=attendees,
                    conclusion=conclusion,
                    recorded_by=self.creator,
                    created_at=self.at(held),
                )
            )
            data = {
                "held_on": held,
                "attendees": attendees,
                "conclusion": conclusion,
                "reasons": c.discussion_reasons,
            }
            self.step(held, "discussion", document=self.doc(DocumentKind.DISCUSSION, held, data))
            reviewed = held
        return reviewed + timedelta(days=1)

    def decide(self, day: date) -> None:
        c, p, rng = self.c, self.p, self.rng
        soft = p.outcome in NO_PENALTY_OUTCOMES
        for k in self.causes:
            k.decided_kinds = [] if soft else list(k.proposed_kinds)
            k.decided_fine = (
                Decimal("0.00") if soft or PenaltyKind.FINE not in k.proposed_kinds else k.proposed_fine
            )
        fine_total = sum((k.decided_fine for k in self.causes), Decimal("0.00"))
        extra: dict = {}
        if p.outcome == Outcome.PUBLIC_SERVICE and fine_total > 0:
            hours = rng.randint(4, 16)
            cap = (fine_total * self.b.rules.service_offset_max_percent / 100).quantize(Decimal("0.01"))
            offset = min(Decimal(hours * self.b.rules.service_hour_yuan), cap)
            service = PublicService(
                case_id=c.pk,
                hours=hours,
                offset_amount=offset,
                content=rng.choice(SERVICE_CONTENT),
                due_on=day + timedelta(days=30),
            )
            self.b.built.services.append(service)
            c.offset_amount = offset
            info = {"hours": hours, "content": service.content, "due_on": service.due_on, "offset": offset}
            extra["public_service"] = {**info, "payable": fine_total - offset}
        elif p.outcome == Outcome.PUBLIC_SERVICE:
            p.outcome = Outcome.PENALTY  # a warning only: nothing to offset
        if p.outcome == Outcome.STUDY:
            extra["study"] = [
                {"topic": s.topic, "on": s.studied_on, "minutes": s.minutes}
                for s in self.b.built.studies
                if s.case_id == c.pk
            ]
        if soft:
            extra["corrected_on"] = c.corrected_on
        c.outcome, c.decided_on, c.fine_total = p.outcome, day, fine_total
        c.publish_required = not soft and (fine_total >= 5000 or rng.random() < 0.2)
        data = {
            "outcome": Outcome(p.outcome).label,
            "unit": p.unit.name,
            "case_number": c.number,
            "parties": [
                {"name": x.name, "kind": x.get_kind_display(), "id": x.identifier, "address": x.address}
                for x in self.parties
            ],
            "facts": c.facts,
            "evidence": [],
            "causes": [
                {
                    "party": self.parties[0].name,
                    "item": k.item.code,
                    "name": k.item.name,
                    "legal_basis": k.legal_basis,
                    "penalty_basis": k.penalty_basis,
                    "circumstance": k.circumstance,
                    "kinds": [PenaltyKind(x).label for x in k.decided_kinds],
                    "fine": k.decided_fine,
                }
                for k in self.causes
            ],
            "fine_total": fine_total,
            "payment_terms": "" if soft else PAYMENT_TERMS,
            "remedies": REMEDIES,
            **extra,
        }
        kind = DocumentKind.NO_PENALTY_DECISION if soft else DocumentKind.DECISION
        self.step(day, "decide", to=Stage.DECIDED, document=self.doc(kind, day, data))

    def execute(self, decided: date) -> None:
        c, p, rng, cal = self.c, self.p, self.rng, self.b.cal
        late_service = rng.random() < 0.03
        served = cal.add_working_days(decided, rng.randint(9, 12) if late_service else rng.randint(0, 3))
        if not self.open(served):
            return
        self.serve(served, ServiceMethod.DIRECT if rng.random() < 0.7 else ServiceMethod.POST)
        last = served
        if c.publish_required:
            published = cal.add_working_days(decided, rng.randint(1, 9 if rng.random() < 0.1 else 6))
            if not self.open(published):
                return
            c.published_on = published
            data = {"decision": c.pk, "published_on": published, "parties": [x.name for x in self.parties]}
            self.step(published, "publish", document=self.doc(DocumentKind.PUBLICATION, published, data))
            last = max(last, published)
            if self.parties[0].kind == PartyKind.ORGANISATION or rng.random() < 0.4:
                guided = published + timedelta(days=rng.randint(1, 10))
                if not self.open(guided):
                    return
                c.credit_guided_on = guided
                guidance = "行政处罚决定公示期满后，可通过“信用中国（浙江）”网站申请信用修复，提交履行完毕的证明材料。"
                data = {"guidance": guidance, "decision": c.pk}
                self.step(guided, "credit_guide", document=self.doc(DocumentKind.CREDIT_REPAIR, guided, data))
        service = next((s for s in self.b.built.services if s.case_id == c.pk), None)
        if service is not None:
            done = service.due_on - timedelta(days=rng.randint(0, 20))
            if not self.open(done):
                return
            service.completed_on, service.confirmed_by = done, self.creator
            data = {
                "hours": service.hours,
                "content": service.content,
                "completed": True,
                "completed_on": done,
                "note": "",
            }
            document = self.doc(DocumentKind.PUBLIC_SERVICE, done, data)
            self.step(done, "public_service", to=Stage.EXECUTING, document=document)
            last = max(last, done)
        payable = c.fine_total - c.offset_amount
        if payable > 0:
            due = dl.payment_due(served, cal)
            if p.non_payer:
                applied = dl.remedies(served)["litigation_until"] + timedelta(days=rng.randint(1, 20))
                if not self.open(applied):
                    return
                c.enforcement_applied_on = applied
                data = {
                    "applied_on": applied,
                    "fine_unpaid": payable,
                    "late_fee": dl.late_fee(payable, due, applied),
                    "note": "当事人逾期不缴纳罚款，复议、诉讼期限届满",
                }
                self.step(
                    applied,
                    "enforcement",
                    to=Stage.EXECUTING,
                    document=self.doc(DocumentKind.ENFORCEMENT, applied, data),
                )
                last = applied
            else:
                late = rng.random() < 0.08
                paid = served + timedelta(days=rng.randint(20, 40) if late else rng.randint(1, 14))
                paid = max(paid, last if service is not None else paid)
                if not self.open(paid):
                    return
                fee = dl.late_fee(payable, due, paid)
                receipt = f"3301{paid:%Y%m%d}{c.pk:06d}"
                self.b.built.payments.append(
                    Payment(
                        case_id=c.pk,
                        amount=payable,
                        late_fee=fee,
                        paid_on=paid,
                        receipt_no=receipt,
                        recorded_by=self.creator,
                        created_at=self.at(paid),
                    )
                )
                c.paid_total, c.paid_on = payable, paid
                data = {
                    "amount": payable,
                    "late_fee": fee,
                    "paid_on": paid,
                    "receipt_no": receipt,
                    "remaining": Decimal("0.00"),
                }
                self.step(
                    paid, "payment", to=Stage.EXECUTING, document=self.doc(DocumentKind.PAYMENT, paid, data)
                )
                last = max(last, paid)
        closed = last + timedelta(days=rng.randint(1, 7))
        if not self.open(closed):
            return
        c.closed_on = closed
        data = {
            "summary": "处罚决定已执行完毕，案件材料齐全，予以结案。",
            "outcome": Outcome(c.outcome).label,
            "fine_total": c.fine_total,
            "paid_total": c.paid_total,
        }
        self.step(closed, "close", to=Stage.CLOSED, document=self.doc(DocumentKind.CLOSING, closed, data))

    def serve(self, day: date, method: str) -> None:
        c = self.c
        c.served_on, c.service_method = day, method
        data = {
            "decision": c.pk,
            "served_on": day,
            "method": ServiceMethod(method).label,
            "recipient": ", ".join(x.name for x in self.parties),
            "signature_refused": "",
            "remedies": REMEDIES,
            **dl.remedies(day),
        }
        if c.fine_total - c.offset_amount > 0:
            data["payment_due"] = dl.payment_due(day, self.b.cal)
        self.step(day, "serve", to=Stage.SERVED, document=self.doc(DocumentKind.SERVICE_RECEIPT, day, data))

    def on_spot(self) -> None:
        """当场处罚: decided and handed over on the spot, a fine within the simple procedure's limit."""
        c, rng, day = self.c, self.rng, self.c.filed_on
        k = self.causes[0]
        k.circumstance = Circumstance.MINOR
        limit = self.b.rules.simple_max_person
        if self.parties[0].kind == PartyKind.ORGANISATION:
            limit = self.b.rules.simple_max_org
        band = self.b.bands.get((k.item_id, k.circumstance))
        if band:
            k.band_min, k.band_max = band
        allowed = band or _fine_range(k.item)
        if allowed and int(allowed[0]) <= limit and int(allowed[1]) > 0:
            low, high = int(allowed[0]), min(int(allowed[1]), limit)
            k.proposed_kinds, k.proposed_fine = (
                [PenaltyKind.FINE],
                Decimal(max(low, rng.randint(low, high) // 50 * 50, 50)),
            )
        else:
            k.proposed_kinds, k.proposed_fine = [PenaltyKind.WARNING], Decimal("0.00")
        k.decided_kinds, k.decided_fine = list(k.proposed_kinds), k.proposed_fine
        c.outcome, c.decided_on, c.served_on = Outcome.PENALTY, day, day
        c.service_method, c.fine_total, c.stage = ServiceMethod.ON_SPOT, k.proposed_fine, Stage.SERVED
        data = {
            "outcome": Outcome.PENALTY.label,
            "unit": self.p.unit.name,
            "case_number": c.number,
            "parties": [
                {"name": x.name, "kind": x.get_kind_display(), "id": x.identifier, "address": x.address}
                for x in self.parties
            ],
            "facts": c.facts,
            "evidence": [],
            "causes": [
                {
                    "party": self.parties[0].name,
                    "item": k.item.code,
                    "name": k.item.name,
                    "legal_basis": k.legal_basis,
                    "penalty_basis": k.penalty_basis,
                    "circumstance": k.circumstance,
                    "kinds": [PenaltyKind(x).label for x in k.decided_kinds],
                    "fine": k.decided_fine,
                }
            ],
            "fine_total": k.decided_fine,
            "payment_terms": PAYMENT_TERMS,
            "remedies": REMEDIES,
            "procedure": "简易程序（当场处罚）",
            "officers": [{"name": o.name, "certificate_no": o.certificate_no} for o in self.b.team_of[c.pk]],
            "signature_refused": "",
            "payment_due": dl.payment_due(day, self.b.cal) if k.decided_fine else None,
            **dl.remedies(day),
        }
        document = self.doc(DocumentKind.ON_SPOT_DECISION, day, data)
        c.stage = ""
        self.step(day, "decide_on_spot", to=Stage.SERVED, note="当场交付", document=document)
        last = day
        if k.decided_fine > 0:
            paid = day + timedelta(days=rng.randint(0, 10))
            if not self.open(paid):
                return
            receipt = f"3301{paid:%Y%m%d}{c.pk:06d}"
            self.b.built.payments.append(
                Payment(
                    case_id=c.pk,
                    amount=k.decided_fine,
                    late_fee=Decimal("0.00"),
                    paid_on=paid,
                    receipt_no=receipt,
                    recorded_by=self.creator,
                    created_at=self.at(paid),
                )
            )
            c.paid_total, c.paid_on = k.decided_fine, paid
            data = {
                "amount": k.decided_fine,
                "late_fee": Decimal("0.00"),
                "paid_on": paid,
                "receipt_no": receipt,
                "remaining": Decimal("0.00"),
            }
            self.step(
                paid, "payment", to=Stage.EXECUTING, document=self.doc(DocumentKind.PAYMENT, paid, data)
            )
            last = paid
        closed = last + timedelta(days=rng.randint(1, 5))
        if not self.open(closed):
            return
        c.closed_on = closed
        data = {
            "summary": "当场处罚决定已执行完毕，予以结案。",
            "outcome": Outcome.PENALTY.label,
            "fine_total": c.fine_total,
            "paid_total": c.paid_total,
        }
        self.step(closed, "close", to=Stage.CLOSED, document=self.doc(DocumentKind.CLOSING, closed, data))


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
        self.built = _Built()
        self.team_of: dict[int, list[Officer]] = {}
        self._ids = {m: (m.objects.aggregate(m=Max("id"))["m"] or 0) for m in (Case, CaseParty, CaseDocument)}
        self.bands = {
            (item_id, level): (lo, hi)
            for item_id, level, lo, hi in EnforcementItem.bands.rel.related_model.objects.values_list(
                "item_id", "level", "min_fine", "max_fine"
            )
        }

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
                    f"当事人{party.name}存在{_conduct(p.item)}的行为。"
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
            _Walker(self, case, p, [party], [cause], creator, reviewer).run()
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
