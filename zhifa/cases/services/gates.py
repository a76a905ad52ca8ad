"""The checks a case must pass before its notice and its decision, each naming what is missing:
required evidence, the discretion band, the hearing right, legal review and collective discussion, and the
conditions of the soft outcomes (不予处罚, 首违不罚)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from zhifa.cases.choices import (
    HEAVY_PENALTIES,
    Circumstance,
    EvidenceKind,
    Outcome,
    PartyKind,
    PenaltyKind,
    Stage,
)
from zhifa.cases.evidence_kinds import requirement_kind, requirement_label
from zhifa.cases.models import Case, CaseCause, CaseParty, FirstViolationItem
from zhifa.catalog.models import band_for
from zhifa.engine.deadlines import Rules, add_years
from zhifa.subjects.models import Violation

MAX_AMOUNT = Decimal("9999999999.99")
KIND_LABELS = dict(EvidenceKind.choices)


def money(value, field_name: str, label: str, errors: list[dict]) -> Decimal:
    if value in (None, ""):
        return Decimal("0.00")
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors.append({"field": field_name, "message": f"{label}格式有误"})
        return Decimal("0.00")
    if amount < 0 or amount > MAX_AMOUNT or not amount.is_finite():
        errors.append({"field": field_name, "message": f"{label}超出范围"})
        return Decimal("0.00")
    return amount


def yuan(amount) -> str:
    amount = Decimal(amount)
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


# --- evidence -------------------------------------------------------------------------------------------------


def required_evidence(case: Case) -> list[dict]:
    """Each cause item's required evidence, read as the statutory kinds, with whether the case answers it."""
    answered = set(
        case.evidence.filter(withdrawn_at__isnull=True)
        .exclude(requirement="")
        .values_list("requirement", flat=True)
    )
    rows, seen = [], set()
    for cause in case.causes.select_related("item").order_by("id"):
        for entry in cause.item.required_evidence or []:
            if (cause.item_id, entry) in seen:
                continue
            seen.add((cause.item_id, entry))
            rows.append(
                {
                    "item": cause.item,
                    "requirement": entry,
                    "label": requirement_label(entry),
                    "kind": requirement_kind(entry),
                    "kind_label": KIND_LABELS[requirement_kind(entry)],
                    "present": entry in answered,
                }
            )
    return rows


def evidence_problems(case: Case) -> list[dict]:
    """告知 waits for the evidence the causes require; a cause with no list still needs one piece (第四十条)."""
    missing = [r for r in required_evidence(case) if not r["present"]]
    if missing:
        names = "、".join(f"{r['label']}（{r['kind_label']}）" for r in missing)
        return [{"field": "evidence", "message": f"告知前须补齐证据：{names}"}]
    if not case.evidence.filter(withdrawn_at__isnull=True).exists():
        return [
            {
                "field": "evidence",
                "message": "告知前须至少收集一份证据（违法事实不清、证据不足的，不得给予行政处罚）",
            }
        ]
    return []


# --- penalties ------------------------------------------------------------------------------------------------


@dataclass
class Proposal:
    """One cause's penalty as proposed (notice) or decided."""

    cause: CaseCause
    circumstance: str = ""
    kinds: list[str] = field(default_factory=list)
    fine: Decimal = Decimal("0.00")
    confiscation: Decimal = Decimal("0.00")
    outside_reason: str = ""
    band: tuple[Decimal, Decimal] | None = None

    @property
    def outside_band(self) -> bool:
        return (
            self.band is not None
            and PenaltyKind.FINE in self.kinds
            and not self.band[0] <= self.fine <= self.band[1]
        )


def read_proposals(case: Case, raw, errors: list[dict], *, notice: bool) -> list[Proposal]:
    """Penalties per cause (by cause id or item code); every cause of the case must be given at the notice."""
    causes = list(case.causes.select_related("item", "party").prefetch_related("item__bands").order_by("id"))
    by_id = {str(c.pk): c for c in causes}
    by_code = {}
    for c in causes:
        by_code.setdefault(c.item.code, []).append(c)
    rows = raw if isinstance(raw, list | tuple) else []
    out: dict[int, Proposal] = {}
    for n, r in enumerate(rows):
        f = f"penalties.{n}"
        r = dict(r or {})
        key = str(r.get("cause") or "").strip()
        cause = by_id.get(key)
        if cause is None:  # an item code names the cause when only one party is charged under it
            same = by_code.get(key.upper(), [])
            cause = same[0] if len(same) == 1 else None
        if cause is None:
            errors.append({"field": f"{f}.cause", "message": f"案由“{key}”不属于本案"})
            continue
        kinds = [k for k in dict.fromkeys(r.get("kinds") or []) if k]
        bad = [k for k in kinds if k not in PenaltyKind.values]
        if bad:
            errors.append({"field": f"{f}.kinds", "message": f"未知的处罚种类：{'、'.join(map(str, bad))}"})
            continue
        fine = money(r.get("fine"), f"{f}.fine", "罚款金额", errors)
        if PenaltyKind.FINE in kinds and fine <= 0:
            errors.append({"field": f"{f}.fine", "message": f"{cause.item.code} 请填写罚款金额"})
        if PenaltyKind.FINE not in kinds and fine > 0:
            errors.append(
                {"field": f"{f}.kinds", "message": f"{cause.item.code} 填写了罚款金额，请选择处罚种类“罚款”"}
            )
        circumstance = str(r.get("circumstance") or cause.circumstance or "").strip()
        if circumstance not in Circumstance.values:
            errors.append(
                {
                    "field": f"{f}.circumstance",
                    "message": f"{cause.item.code} 请选择情节（轻微、一般、较重或严重）",
                }
            )
            circumstance = ""
        band = band_for(cause.item.bands.all(), circumstance, cause.party.kind if cause.party_id else "")
        out[cause.pk] = Proposal(
            cause=cause,
            circumstance=circumstance,
            kinds=kinds,
            fine=fine,
            confiscation=money(r.get("confiscation_value"), f"{f}.confiscation_value", "没收价值", errors),
            outside_reason=str(r.get("outside_band_reason") or "").strip()[:2000],
            band=(band.min_fine, band.max_fine) if band is not None else None,
        )
    if notice:
        for c in causes:
            if c.pk not in out:
                errors.append({"field": "penalties", "message": f"请填写案由 {c.item.code} 的拟处罚内容"})
    return list(out.values())


def band_problems(proposals: list[Proposal], *, reviewed: bool) -> list[dict]:
    """A fine outside the discretion band needs a recorded reason, and (at the decision) a passed review."""
    errors = []
    for p in proposals:
        if not p.outside_band:
            continue
        lo, hi = p.band
        text = f"{p.cause.item.code} 罚款 {yuan(p.fine)} 元超出裁量基准（{p.circumstance}：{yuan(lo)}–{yuan(hi)} 元）"
        if not p.outside_reason:
            errors.append({"field": "penalties", "message": f"{text}，须说明理由并经法制审核"})
        elif not reviewed:
            errors.append({"field": "review", "message": f"{text}，须经法制审核通过"})
    return errors


@dataclass
class PartyTotal:
    party: CaseParty
    fine: Decimal = Decimal("0.00")
    confiscation: Decimal = Decimal("0.00")
    kinds: set[str] = field(default_factory=set)


def party_totals(proposals: list[Proposal]) -> list[PartyTotal]:
    totals: dict[int, PartyTotal] = {}
    for p in proposals:
        t = totals.setdefault(p.cause.party_id, PartyTotal(p.cause.party))
        t.fine += p.fine if PenaltyKind.FINE in p.kinds else 0
        t.confiscation += p.confiscation if PenaltyKind.CONFISCATE in p.kinds else 0
        t.kinds |= set(p.kinds)
    return list(totals.values())


def _threshold(party: CaseParty, person: int, org: int) -> int:
    return person if party.kind == PartyKind.PERSON else org


def hearing_reasons(totals: list[PartyTotal], rules: Rules) -> list[str]:
    """Why the party has the right to a hearing (行政处罚法 第六十三条); empty when it has none."""
    reasons = []
    for t in totals:
        limit = _threshold(t.party, rules.hearing_fine_person, rules.hearing_fine_org)
        if t.fine >= limit:
            reasons.append(f"{t.party.name}拟罚款 {yuan(t.fine)} 元，达到较大数额（{yuan(limit)} 元）")
        if t.confiscation >= limit:
            reasons.append(f"{t.party.name}拟没收价值 {yuan(t.confiscation)} 元，达到较大数额")
        for k in HEAVY_PENALTIES:
            if k in t.kinds:
                reasons.append(f"{t.party.name}拟{PenaltyKind(k).label}")
    return reasons


def review_reasons(totals: list[PartyTotal], proposals: list[Proposal], rules: Rules) -> list[str]:
    """Why 法制审核 is required before the decision (第五十八条, and the district's thresholds)."""
    reasons = []
    for t in totals:
        limit = _threshold(t.party, rules.major_fine_person, rules.major_fine_org)
        if t.fine >= limit:
            reasons.append(f"{t.party.name}罚款 {yuan(t.fine)} 元，达到重大案件标准（{yuan(limit)} 元）")
        for k in HEAVY_PENALTIES:
            if k in t.kinds:
                reasons.append(f"{t.party.name}拟{PenaltyKind(k).label}")
    reasons += [f"{p.cause.item.code} 罚款超出裁量基准" for p in proposals if p.outside_band]
    return reasons


def discussion_reasons(totals: list[PartyTotal], rules: Rules) -> list[str]:
    """Why the heads must discuss the case collectively (第五十七条): the most serious cases."""
    reasons = []
    for t in totals:
        limit = _threshold(t.party, rules.collective_fine_person, rules.collective_fine_org)
        if t.fine >= limit:
            reasons.append(f"{t.party.name}罚款 {yuan(t.fine)} 元，达到集体讨论标准（{yuan(limit)} 元）")
        for k in (PenaltyKind.REVOKE, PenaltyKind.CLOSE):
            if k in t.kinds:
                reasons.append(f"{t.party.name}拟{PenaltyKind(k).label}")
    return reasons


# --- soft outcomes --------------------------------------------------------------------------------------------


def _same_party(party: CaseParty) -> Q:
    q = Q(pk__in=[])
    if party.subject_id:
        q |= Q(party__subject_id=party.subject_id)
    if party.uscc:
        q |= Q(party__uscc=party.uscc)
    if party.id_digest:
        q |= Q(party__id_digest=party.id_digest)
    return q


def previous_violations(case: Case, cause: CaseCause, years: int) -> list[str]:
    """The party's earlier violations of the same item within `years` before this one was discovered: recorded
    violations of its subject and earlier cases (neither withdrawn nor refused), as people read them."""
    since = add_years(case.discovered_on, -years)
    found = []
    subject_id = cause.party.subject_id
    if subject_id:
        rows = Violation.objects.filter(subject_id=subject_id, item_id=cause.item_id, found_on__gte=since)
        rows = rows.filter(found_on__lt=case.discovered_on)
        if case.violation_id:
            rows = rows.exclude(pk=case.violation_id)
        found += [f"{v.found_on:%Y-%m-%d} 违法记录（{v.source}）" for v in rows.order_by("found_on")]
    earlier = (
        CaseCause.objects.filter(_same_party(cause.party), item_id=cause.item_id)
        .exclude(case_id=case.pk)
        .exclude(case__stage__in=[Stage.NOT_FILED, Stage.WITHDRAWN, Stage.TRANSFERRED])
        .filter(case__discovered_on__gte=since, case__discovered_on__lte=case.discovered_on)
        .select_related("case")
    )
    found += [f"案件 {c.case.number}" for c in earlier]
    return found


def soft_outcome_problems(case: Case, outcome: str, proposals: list[Proposal], on) -> list[dict]:
    """不予处罚 / 首违不罚 / 以学代罚: the conditions of 第三十三条 and of the district's list, each named."""
    errors = []
    if any(p.kinds for p in proposals):
        errors.append({"field": "penalties", "message": f"{Outcome(outcome).label}不应同时给予处罚"})
    if case.corrected_on is None:
        errors.append(
            {
                "field": "corrected_on",
                "message": f"{Outcome(outcome).label}须当事人及时改正，请先记录改正情况",
            }
        )
    if outcome == Outcome.NO_PENALTY:
        if case.harmed:
            errors.append({"field": "outcome", "message": "违法行为造成了危害后果，不适用轻微免罚"})
        not_minor = [p.cause.item.code for p in proposals if p.circumstance != Circumstance.MINOR]
        if not_minor:
            errors.append(
                {"field": "outcome", "message": f"轻微免罚须情节轻微：{'、'.join(not_minor)} 的情节不是轻微"}
            )
    if outcome == Outcome.FIRST_VIOLATION:
        listed = {
            f.item_id: f
            for f in FirstViolationItem.objects.filter(active=True, effective_from__lte=on).select_related(
                "item"
            )
        }
        for p in proposals:
            entry = listed.get(p.cause.item_id)
            if entry is None:
                message = f"{p.cause.item.code} {p.cause.item.name}不在本区首违不罚清单内"
                errors.append({"field": "outcome", "message": message})
                continue
            if p.circumstance != Circumstance.MINOR:
                errors.append(
                    {
                        "field": "outcome",
                        "message": f"首违不罚须危害后果轻微：{p.cause.item.code} 的情节不是轻微",
                    }
                )
            before = previous_violations(case, p.cause, entry.lookback_years)
            if before:
                message = f"{p.cause.party.name}在 {entry.lookback_years} 年内已有同类违法（{'；'.join(before)}），不属首次违法"
                errors.append({"field": "outcome", "message": message})
    if outcome == Outcome.STUDY and not case.studies.exists():
        errors.append({"field": "study", "message": "以学代罚须先记录当事人的学习情况（内容、日期、时长）"})
    return errors
