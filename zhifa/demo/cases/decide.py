"""The second half of a demo case's walk: the decision, service, publication, payment or public service, and
closing; and the on-the-spot decision of the simple procedure."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from zhifa.cases.choices import (
    NO_PENALTY_OUTCOMES,
    Circumstance,
    DocumentKind,
    Outcome,
    PartyKind,
    PenaltyKind,
    ServiceMethod,
    Stage,
)
from zhifa.cases.models import (
    Payment,
    PublicService,
)
from zhifa.cases.services.decision import PAYMENT_TERMS, REMEDIES
from zhifa.demo.cases.parts import SERVICE_CONTENT, fine_range
from zhifa.engine import deadlines as dl


class Decide:
    """Walker steps from the decision on (mixed into the Walker, whose state they use)."""

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
        band = self.b.band(k.item_id, k.circumstance, self.parties[0].kind)
        if band:
            k.band_min, k.band_max = band
        allowed = band or fine_range(k.item)
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
