"""预警模型 over cases: legal clocks, fines against the discretion band and against peers, legal review."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from statistics import median

from django.db.models import Count, Exists, F, OuterRef, Q

from zhifa.cases.choices import FINISHED_STAGES, PenaltyKind
from zhifa.cases.models import Case, CaseCause, LegalReview
from zhifa.catalog.models import EnforcementItem
from zhifa.engine.deadlines import CLOCK_LABELS
from zhifa.engine.oversight import Finding, Record, robust_outliers
from zhifa.org.models import Unit
from zhifa.oversight.rules.base import case_label, day_start

# --- cases ------------------------------------------------------------------------------------------------


def find_case_clock(params: dict, today: date) -> Iterable[Finding]:
    """A running case whose nearest agency clock is due within N days or past it (decision at 90 days,
    service in 7 working days, payment, publication, public service), one warning per case and clock."""
    horizon = today + timedelta(days=params["warn_days"])
    rows = (
        Case.objects.exclude(stage__in=FINISHED_STAGES)
        .filter(next_due__isnull=False, next_due__lte=horizon)
        .order_by()
        .values_list("pk", "number", "next_due", "next_clock", "unit_id", "region_path")
    )
    for pk, number, due, clock, unit_id, path in rows.iterator(chunk_size=2000):
        label = CLOCK_LABELS.get(clock, clock)
        # Titles name the due day, not the days left: a standing problem is not rewritten every day.
        if due < today:
            title, severity = f"{case_label(number, pk)}「{label}」已超期（期限 {due:%Y-%m-%d}）", "red"
        else:
            title, severity = f"{case_label(number, pk)}「{label}」期限将至（{due:%Y-%m-%d}）", "yellow"
        yield Finding(
            key=f"{pk}:{clock}",
            title=title,
            detail=f"{label}期限 {due:%Y-%m-%d}。",
            severity=severity,
            unit_id=unit_id,
            region_path=path,
            records=(Record("case", pk, case_label(number, pk)),),
        )


def find_fine_outside_band(params: dict, today: date) -> Iterable[Finding]:
    """A fine outside the discretion band (裁量基准) of its cause without a passed 法制审核."""
    since = today - timedelta(days=params["window_days"])
    passed = LegalReview.objects.filter(case_id=OuterRef("case_id"), passed=True)
    rows = (
        CaseCause.objects.filter(
            band_min__isnull=False, band_max__isnull=False, case__created_at__gte=day_start(since)
        )
        .exclude(
            case__stage__in=FINISHED_STAGES[1:]
        )  # closed cases count; not filed / withdrawn / moved do not
        .annotate(reviewed=Exists(passed))
        .filter(reviewed=False)
        .filter(
            Q(decided_fine__isnull=False, decided_fine__gt=F("band_max"))
            | Q(decided_fine__isnull=False, decided_fine__lt=F("band_min"))
            | Q(decided_fine__isnull=True, proposed_fine__gt=F("band_max"))
            | Q(decided_fine__isnull=True, proposed_fine__lt=F("band_min"))
        )
        .values_list(
            "pk",
            "case_id",
            "case__number",
            "case__unit_id",
            "case__region_path",
            "item__code",
            "item__name",
            "band_min",
            "band_max",
            "proposed_fine",
            "decided_fine",
            "proposed_kinds",
            "decided_kinds",
        )
    )
    for pk, case_id, number, unit_id, path, code, name, lo, hi, proposed, decided, pk_kinds, dk_kinds in rows:
        kinds = dk_kinds if decided is not None else pk_kinds
        if PenaltyKind.FINE not in (kinds or []):
            continue
        fine = decided if decided is not None else proposed
        yield Finding(
            key=str(pk),
            title=f"{case_label(number, case_id)} 罚款 {fine} 元超出裁量基准（{lo}–{hi} 元）且未经法制审核",
            detail=f"事项 {code} {name}；裁量基准 {lo}–{hi} 元，{'决定' if decided is not None else '拟'}罚款 {fine} 元。",
            severity="red",
            unit_id=unit_id,
            region_path=path,
            records=(Record("case", case_id, case_label(number, case_id)),),
        )


def find_fine_at_maximum(params: dict, today: date) -> Iterable[Finding]:
    """A unit whose decided fines sit at the top of the band again and again (裁量 "一律顶格")."""
    since = today - timedelta(days=params["window_days"])
    rows = (
        CaseCause.objects.filter(
            decided_fine__isnull=False, band_max__isnull=False, band_max__gt=0, case__decided_on__gte=since
        )
        .values("case__unit_id", "case__unit__name", "case__unit__region__path")
        .annotate(n=Count("id"), top=Count("id", filter=Q(decided_fine__gte=F("band_max"))))
        .order_by()
    )
    for r in rows:
        n, top = r["n"], r["top"]
        if n < params["min_fines"] or top / n < params["max_share"] / 100:
            continue
        unit_id = r["case__unit_id"]
        yield Finding(
            key=str(unit_id),
            title=f"{r['case__unit__name']} 近 {params['window_days']} 天 {top}/{n} 笔罚款按裁量上限顶格处罚",
            detail=f"顶格比例 {round(100 * top / n)}%，模型阈值 {params['max_share']}%（至少 {params['min_fines']} 笔）。",
            severity="yellow",
            unit_id=unit_id,
            region_path=r["case__unit__region__path"] or "",
            records=(Record("unit", unit_id, r["case__unit__name"]),),
        )


def find_fine_peer_outlier(params: dict, today: date) -> Iterable[Finding]:
    """A unit whose typical fine for one item is far from the other units' (robust z-score against the
    peers' median and MAD); the peers are named so the unit can compare."""
    since = today - timedelta(days=params["window_days"])
    # The fines alone (no order, no names: a hash join the database does in one pass); names for the few.
    rows = (
        CaseCause.objects.filter(decided_fine__isnull=False, decided_fine__gt=0, case__decided_on__gte=since)
        .order_by()
        .values_list("item_id", "case__unit_id", "decided_fine")
    )
    fines: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for item_id, unit_id, fine in rows.iterator(chunk_size=5000):
        fines[item_id][unit_id].append(float(fine))
    meta = {
        pk: (code, name)
        for pk, code, name in EnforcementItem.objects.filter(pk__in=fines).values_list("pk", "code", "name")
    }
    units = {
        pk: (name, path)
        for pk, name, path in Unit.objects.filter(
            pk__in={u for by in fines.values() for u in by}
        ).values_list("pk", "name", "region__path")
    }
    least = params["min_cases"]
    for item_id, by_unit in sorted(fines.items()):
        medians = {str(u): median(v) for u, v in by_unit.items() if len(v) >= least}
        for o in robust_outliers(medians, threshold=params["z"], min_peers=params["min_peers"]):
            unit_id = int(o.name)
            code, name = meta[item_id]
            peers = "、".join(units[int(p)][0] for p in o.peers)
            yield Finding(
                key=f"{item_id}:{unit_id}",
                title=f"{units[unit_id][0]} 对「{code} {name}」的罚款中位数 {o.value:.0f} 元，明显{'高' if o.z > 0 else '低'}于同类单位（{o.peer_median:.0f} 元）",
                detail=f"稳健 z 值 {o.z}（阈值 {params['z']}）；比较单位：{peers}。",
                severity="yellow",
                unit_id=unit_id,
                region_path=units[unit_id][1] or "",
                records=(Record("unit", unit_id, units[unit_id][0]),),
            )


def find_major_without_review(params: dict, today: date) -> Iterable[Finding]:
    """A decision that needed 法制审核 (行政处罚法 第五十八条) made without a passed review, or reviewed by
    someone working on the case."""
    since = today - timedelta(days=params["window_days"])
    passed = LegalReview.objects.filter(case_id=OuterRef("pk"), passed=True)
    on_case = LegalReview.objects.filter(
        case_id=OuterRef("pk"),
        reviewer__officer__isnull=False,
        reviewer__officer__case_roles__case_id=OuterRef("pk"),
    )
    rows = (
        Case.objects.filter(decided_on__gte=since)
        .exclude(review_reasons=[])  # most decisions need no review: left out before the two lookups
        .annotate(reviewed=Exists(passed), conflicted=Exists(on_case))
        .filter(Q(reviewed=False) | Q(conflicted=True))
        .values_list("pk", "number", "unit_id", "region_path", "review_reasons", "reviewed", "conflicted")
    )
    for pk, number, unit_id, path, reasons, reviewed, conflicted in rows:
        if not reasons:
            continue
        why = "由本案办案人员审核" if reviewed and conflicted else "未经法制审核通过"
        yield Finding(
            key=str(pk),
            title=f"{case_label(number, pk)} 应当法制审核的决定{why}",
            detail="应当审核的事由：" + "；".join(str(r) for r in reasons),
            severity="red",
            unit_id=unit_id,
            region_path=path,
            records=(Record("case", pk, case_label(number, pk)),),
        )
