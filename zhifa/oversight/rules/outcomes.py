"""预警模型 over what follows a violation: a visit's violation left without a case or a recorded reason,
首违不罚 misapplied either way, decisions not published in time, fines unpaid with no enforcement step."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from itertools import islice

from django.db.models import Exists, F, OuterRef, Q

from zhifa.cases.choices import Circumstance, Outcome, PenaltyKind, Stage
from zhifa.cases.config import case_rules, district_calendar
from zhifa.cases.models import Case, CaseCause, FirstViolationItem
from zhifa.cases.services.opening import SUBDISTRICT_TEAMS
from zhifa.dispatch.choices import ResolutionMode
from zhifa.engine.deadlines import add_months, add_years, publish_due, remedies
from zhifa.engine.oversight import Finding, Record
from zhifa.org.models import Unit
from zhifa.oversight.rules.base import case_label
from zhifa.subjects.choices import Severity
from zhifa.subjects.models import Violation

ENDED = (Stage.NOT_FILED, Stage.WITHDRAWN, Stage.TRANSFERRED)
SLICE = 5000
# 情节 from the least: a model's "from" parameter counts on this scale.
SEVERITY_RANK = {Severity.MINOR: 1, Severity.ORDINARY: 2, Severity.SERIOUS: 3}


def _last_day_before(today: date, due_of) -> date:
    """The latest day d with due_of(d) < today (due_of never decreases): records from d or earlier are late."""
    day = today
    while due_of(day) >= today:
        day -= timedelta(days=1)
    return day


def find_violation_without_case(params: dict, today: date) -> Iterable[Finding]:
    """A violation found at a subject (一般 or worse by default; inspection_finish records one for each 违法 line
    of a visit) with, N days on, no case and no recorded reason not to: no case from it, its visit's finding
    or its event (不予立案 counts: it records the reason), no later case of the subject on the item, and its
    event not settled by service or management (721)."""
    since = today - timedelta(days=params["window_days"])
    before = today - timedelta(days=params["days"])
    wanted = [s for s, rank in SEVERITY_RANK.items() if rank >= params["min_severity"]]
    from_finding = Case.objects.filter(
        finding__inspection__subject_id=OuterRef("subject_id"),
        finding__item_id=OuterRef("item_id"),
        finding__inspection__visited_on=OuterRef("found_on"),
    )
    later = CaseCause.objects.filter(
        item_id=OuterRef("item_id"),
        party__subject_id=OuterRef("subject_id"),
        case__discovered_on__gte=OuterRef("found_on"),
    )
    rows = (
        Violation.objects.filter(found_on__gte=since, found_on__lte=before, severity__in=wanted)
        .exclude(Exists(Case.objects.filter(violation_id=OuterRef("pk"))))
        .exclude(Exists(Case.objects.filter(event_id=OuterRef("event_id"))))
        .exclude(Exists(from_finding))
        .exclude(Exists(later))
        .exclude(
            event__resolution_mode__in=(ResolutionMode.SERVICE, ResolutionMode.MANAGEMENT),
            event__resolved_at__isnull=False,
        )
        .values_list(
            "pk",
            "found_on",
            "source",
            "severity",
            "subject_id",
            "subject__name",
            "subject__subdistrict_id",
            "subject__region_path",
            "item__code",
            "item__name",
            "recorded_by__unit_id",
            "event_id",
            "event__receipt_no",
        )  # fmt: skip
    )
    # Who answers when nobody recorded it: the team of the subdistrict the subject is in.
    teams = dict(
        Unit.objects.filter(kind__in=SUBDISTRICT_TEAMS, active=True)
        .order_by("id")
        .values_list("region_id", "pk")
    )
    labels = dict(Severity.choices)
    for (pk, found, source, severity, subject_id, subject, sd, path, code, name, unit_id, event_id,
         receipt) in rows.iterator(chunk_size=5000):  # fmt: skip
        records = (Record("subject", subject_id, subject),)
        if event_id:
            records += (Record("event", event_id, f"事件 {receipt}"),)
        yield Finding(
            key=str(pk),
            title=f"{found:%Y-%m-%d} {subject}「{code} {name}」违法（{labels.get(severity, severity)}），"
            f"{params['days']} 天未立案也未记录不予处罚理由",
            detail=f"来源：{source}。发现的违法行为应当及时立案，或依法记录不予立案、不予处罚的理由（《行政处罚法》第五十四条）。",
            severity="red" if severity == Severity.SERIOUS else "yellow",
            unit_id=unit_id or teams.get(sd),
            region_path=path,
            records=records,
        )


def _party_keys(subject_id, uscc, id_digest) -> list[tuple]:
    return [k for k in (("s", subject_id), ("u", uscc), ("i", id_digest)) if k[1]]


def find_first_violation_misuse(params: dict, today: date) -> Iterable[Finding]:
    """首违不罚 misapplied: a party fined for an item on the district's list although it met every condition
    (first time within the look-back, 轻微, corrected, no harm); or let off as "first" although it had
    violated the same item within the look-back before (a violation record or an earlier case)."""
    since = today - timedelta(days=params["window_days"])
    listed = {f.item_id: f for f in FirstViolationItem.objects.filter(active=True).select_related("item")}
    if not listed:
        return
    causes = list(
        CaseCause.objects.filter(item_id__in=listed, case__decided_on__gte=since)
        .exclude(case__stage__in=ENDED)
        .filter(Q(case__outcome=Outcome.FIRST_VIOLATION) | Q(case__outcome=Outcome.PENALTY))
        .values_list(
            "pk",
            "item_id",
            "circumstance",
            "party__name",
            "party__subject_id",
            "party__uscc",
            "party__id_digest",
            "case_id",
            "case__number",
            "case__unit_id",
            "case__region_path",
            "case__outcome",
            "case__discovered_on",
            "case__decided_on",
            "case__corrected_on",
            "case__harmed",
            "case__violation_id",
        )  # fmt: skip
    )
    if not causes:
        return
    # Earlier violations of the same items: recorded violations of the subjects, and the parties' other cases.
    oldest = min(add_years(c[12], -listed[c[1]].lookback_years) for c in causes)
    subjects = {c[4] for c in causes if c[4]}
    earlier_records: dict[tuple, list[tuple]] = defaultdict(list)
    for vid, sid, item_id, found in Violation.objects.filter(
        item_id__in=listed, subject_id__in=subjects, found_on__gte=oldest
    ).values_list("pk", "subject_id", "item_id", "found_on"):
        earlier_records[(sid, item_id)].append((found, vid))
    earlier_cases: dict[tuple, list[tuple]] = defaultdict(list)
    for case_id, item_id, sid, uscc, digest, found in (
        CaseCause.objects.filter(item_id__in=listed, case__discovered_on__gte=oldest)
        .exclude(case__stage__in=ENDED)
        .values_list("case_id", "item_id", "party__subject_id", "party__uscc", "party__id_digest", "case__discovered_on")
    ):  # fmt: skip
        for k in _party_keys(sid, uscc, digest):
            earlier_cases[(k, item_id)].append((found, case_id))
    for rows in earlier_cases.values():
        rows.sort()
    # A party fined although it met every condition: whether the penalty included a fine is read (JSON) only for
    # the causes that met the others, after the loop.
    fined_candidates: dict[int, tuple] = {}
    for (pk, item_id, circumstance, party, sid, uscc, digest, case_id, number, unit_id, path, outcome,
         found, decided, corrected, harmed, violation_id) in causes:  # fmt: skip
        entry = listed[item_id]
        if entry.effective_from > decided:
            continue
        start = add_years(found, -entry.lookback_years)
        prior = [
            f"{d:%Y-%m-%d} 违法记录"
            for d, vid in earlier_records.get((sid, item_id), ())
            if start <= d < found and vid != violation_id
        ]
        other_cases: set[int] = set()
        for k in _party_keys(sid, uscc, digest):
            seen = earlier_cases.get((k, item_id), [])
            # Sorted by day: only the look-back's slice is read, and only until five others are named.
            for d, cid in islice(seen, bisect_left(seen, (start, 0)), None):
                if d > found or len(other_cases) >= 5:
                    break
                if cid != case_id:
                    other_cases.add(cid)
        prior += [f"案件 #{cid}" for cid in sorted(other_cases)]
        label = case_label(number, case_id)
        item = f"{entry.item.code} {entry.item.name}"
        if outcome == Outcome.FIRST_VIOLATION and prior:
            yield Finding(
                key=f"repeat:{pk}",
                title=f"{label} 对{party}适用首违不罚，但其 {entry.lookback_years} 年内已有同类违法",
                detail=f"事项 {item}；此前：{'；'.join(prior[:5])}。",
                severity="red",
                unit_id=unit_id,
                region_path=path,
                records=(Record("case", case_id, label),),
            )
        elif (
            outcome == Outcome.PENALTY
            and not prior
            and circumstance == Circumstance.MINOR
            and corrected is not None
            and not harmed
        ):
            fined_candidates[pk] = (label, party, item, entry, unit_id, path, case_id)
    candidates = sorted(fined_candidates)
    kinds_of = (
        row
        for start in range(0, len(candidates), SLICE)  # in slices: an IN list stays inside SQLite's limit
        for row in CaseCause.objects.filter(pk__in=candidates[start : start + SLICE])
        .order_by("pk")
        .values_list("pk", "decided_kinds")
    )
    for pk, kinds in kinds_of:
        if PenaltyKind.FINE not in (kinds or []):
            continue
        label, party, item, entry, unit_id, path, case_id = fined_candidates[pk]
        yield Finding(
            key=f"fined:{pk}",
            title=f"{label} 对首次违法、情节轻微并已改正的{party}处以罚款（本区首违不罚清单事项）",
            detail=f"事项 {item} 在首违不罚清单内（{entry.conditions}），当事人 {entry.lookback_years} 年内无同类违法。",
            severity="yellow",
            unit_id=unit_id,
            region_path=path,
            records=(Record("case", case_id, label),),
        )


def find_publish_late(params: dict, today: date) -> Iterable[Finding]:
    """A decision to be made public (社会影响) not published within its working days (行政处罚法 第四十八条),
    open or already closed."""
    since = today - timedelta(days=params["window_days"])
    rules, cal = case_rules(), district_calendar()
    grace = timedelta(days=params["grace_days"])
    last = _last_day_before(today, lambda d: publish_due(d, rules, cal) + grace)
    rows = (
        Case.objects.filter(
            publish_required=True, published_on__isnull=True, decided_on__gte=since, decided_on__lte=last
        )
        .exclude(stage__in=ENDED)
        .values_list("pk", "number", "unit_id", "region_path", "decided_on", "decision_number")
    )
    for pk, number, unit_id, path, decided, decision in rows.iterator(chunk_size=5000):
        due = publish_due(decided, rules, cal)
        label = case_label(number, pk)
        yield Finding(
            key=str(pk),
            title=f"{label} 处罚决定应于 {due:%Y-%m-%d} 前公示，至今未公示",
            detail=f"决定书 {decision or '（无文号）'}，决定日期 {decided:%Y-%m-%d}；应在 {rules.publish_workdays} 个工作日内公开。",
            severity="red",
            unit_id=unit_id,
            region_path=path,
            records=(Record("case", pk, label),),
        )


def find_fine_unpaid(params: dict, today: date) -> Iterable[Finding]:
    """A fine unpaid with no application for enforcement N days after the party's litigation period ended — the
    agency may apply to the court within three months of it (行政强制法 第五十三条) — red once those three
    months have passed."""
    since = today - timedelta(days=params["window_days"])
    grace = timedelta(days=params["grace_days"])
    last = _last_day_before(today, lambda d: remedies(d)["litigation_until"] + grace)
    rows = (
        Case.objects.filter(
            served_on__isnull=False,
            served_on__gte=since,
            served_on__lte=last,
            paid_on__isnull=True,
            enforcement_applied_on__isnull=True,
            fine_total__gt=F("offset_amount"),
        )
        .exclude(stage__in=ENDED)
        .values_list("pk", "number", "unit_id", "region_path", "served_on", "fine_total", "offset_amount", "paid_total")
    )  # fmt: skip
    for pk, number, unit_id, path, served, fine, offset, paid in rows.iterator(chunk_size=5000):
        until = remedies(served)["litigation_until"]
        lapse = add_months(until, 3)
        label = case_label(number, pk)
        late = today > lapse
        yield Finding(
            key=str(pk),
            title=f"{label} 罚款未缴清，起诉期限届满（{until:%Y-%m-%d}）后未申请强制执行"
            + ("，申请期限已过" if late else ""),
            detail=f"应缴 {fine - offset} 元，已缴 {paid} 元；送达日期 {served:%Y-%m-%d}；申请人民法院强制执行的期限至 {lapse:%Y-%m-%d}。",
            severity="red" if late else "yellow",
            unit_id=unit_id,
            region_path=path,
            records=(Record("case", pk, label),),
        )
