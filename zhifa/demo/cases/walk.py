"""Walking one demo case through its procedure, day by day up to the as-of date, collecting the rows the case
services would have written (case fields, documents, steps, answers, hearing, review, payments …)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from zhifa.cases.choices import (
    HEAVY_PENALTIES,
    NO_PENALTY_OUTCOMES,
    Circumstance,
    DocumentKind,
    NoticeKind,
    Outcome,
    PartyKind,
    PenaltyKind,
    Procedure,
    ResponseKind,
    Source,
    Stage,
)
from zhifa.cases.models import (
    Case,
    CaseDocument,
    CaseStep,
    CollectiveDiscussion,
    Extension,
    Hearing,
    LegalReview,
    PartyResponse,
    StudyRecord,
)
from zhifa.demo.cases.decide import Decide
from zhifa.demo.cases.parts import (
    LAW,
    NOT_FILED_REASONS,
    TRANSFER_TO,
    WITHDRAW_REASONS,
    Doc,
    Plan,
    conduct,
    fine_range,
)
from zhifa.demo.events import calendar
from zhifa.engine import deadlines as dl


class Walker(Decide):
    """Walks one case through its procedure up to the as-of date, collecting its rows."""

    def __init__(self, builder, case: Case, plan: Plan, parties, causes, creator, reviewer):
        self.b, self.c, self.p = builder, case, plan
        self.parties, self.causes = parties, causes
        self.creator, self.reviewer = creator, reviewer
        self.rng = builder.rng
        self.seq = 0

    # --- plumbing --------------------------------------------------------------------------------------------

    def at(self, day: date) -> datetime:
        self.seq += 1
        # Later steps later in the day, never earlier (a long case's steps on one day stay in order): from
        # 09:07 in 7-minute strides, held at 17:59.
        minutes = min(self.seq * 7, 8 * 60 + 59)
        clock = time(9 + minutes // 60, minutes % 60)
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
        self.b.built.docs.append(Doc(row, kind, (day, self.c.pk, row.id)))
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
            data = {"order": f"立即停止{conduct(p.item)}的行为，并依法改正", "due": c.correction_due}
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
            band = self.b.band(k.item_id, k.circumstance, self.parties[0].kind)
            allowed = fine_range(k.item)
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
            if not self.respond(notified, ResponseKind.WAIVER):
                return None
            return cal.add_working_days(notified, 1)
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
