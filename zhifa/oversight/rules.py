"""预警模型: each model is a named rule with tunable parameters, answered by queries over the records.

A model yields Findings (engine.oversight): one per problem, with a key that stays the same while the problem
stands, the unit that answers for it, and the records behind it. The scan (services.oversight_scan) turns them
into warnings. Models read cases, inspections, events and codes, and never write.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from statistics import median

from django.db.models import Count, Exists, F, OuterRef, Q

from zhifa.cases.choices import FINISHED_STAGES, PenaltyKind
from zhifa.cases.models import Case, CaseCause, LegalReview
from zhifa.codes.choices import LOW_SCORE
from zhifa.codes.models import ActionCode, CodeRating
from zhifa.dispatch.choices import EventStatus
from zhifa.dispatch.models import Event, EventStatusChange
from zhifa.engine.deadlines import CLOCK_LABELS
from zhifa.engine.oversight import Finding, Record, robust_outliers
from zhifa.inspections.choices import InspectionStatus
from zhifa.inspections.models import Inspection, InspectorConflict
from zhifa.org.models import Officer


@dataclass(frozen=True)
class Param:
    label: str
    default: float
    minimum: float
    maximum: float
    integer: bool = True

    def clean(self, value) -> float | int:
        """The value as the model uses it; ValueError with a message for people when it does not fit."""
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{self.label}应为数字") from None
        if self.integer and number != int(number):
            raise ValueError(f"{self.label}应为整数")
        if not self.minimum <= number <= self.maximum:
            raise ValueError(f"{self.label}应在 {_num(self.minimum)} 至 {_num(self.maximum)} 之间")
        return int(number) if self.integer else number


def _num(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)


@dataclass(frozen=True)
class Model:
    code: str
    name: str
    basis: str  # the rule of law or practice the model watches
    description: str
    params: dict[str, Param]
    find: Callable[[dict, date], Iterable[Finding]]

    def defaults(self) -> dict:
        return {k: p.default if not p.integer else int(p.default) for k, p in self.params.items()}


WINDOW = Param("回看天数", 365, 1, 3660)


def _case_label(number: str, pk: int) -> str:
    return f"案件 {number}" if number else f"案件 #{pk}"


# --- cases ------------------------------------------------------------------------------------------------


def find_case_clock(params: dict, today: date) -> Iterable[Finding]:
    """A running case whose nearest agency clock is due within N days or past it (decision at 90 days,
    service in 7 working days, payment, publication, public service), one warning per case and clock."""
    horizon = today + timedelta(days=params["warn_days"])
    rows = (
        Case.objects.exclude(stage__in=FINISHED_STAGES)
        .filter(next_due__isnull=False, next_due__lte=horizon)
        .values_list("pk", "number", "next_due", "next_clock", "unit_id", "region_path")
    )
    for pk, number, due, clock, unit_id, path in rows.iterator(chunk_size=2000):
        label = CLOCK_LABELS.get(clock, clock)
        # Titles name the due day, not the days left: a standing problem is not rewritten every day.
        if due < today:
            title, severity = f"{_case_label(number, pk)}「{label}」已超期（期限 {due:%Y-%m-%d}）", "red"
        else:
            title, severity = f"{_case_label(number, pk)}「{label}」期限将至（{due:%Y-%m-%d}）", "yellow"
        yield Finding(
            key=f"{pk}:{clock}",
            title=title,
            detail=f"{label}期限 {due:%Y-%m-%d}。",
            severity=severity,
            unit_id=unit_id,
            region_path=path,
            records=(Record("case", pk, _case_label(number, pk)),),
        )


def find_fine_outside_band(params: dict, today: date) -> Iterable[Finding]:
    """A fine outside the discretion band (裁量基准) of its cause without a passed 法制审核."""
    since = today - timedelta(days=params["window_days"])
    passed = LegalReview.objects.filter(case_id=OuterRef("case_id"), passed=True)
    rows = (
        CaseCause.objects.filter(
            band_min__isnull=False, band_max__isnull=False, case__created_at__date__gte=since
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
            title=f"{_case_label(number, case_id)} 罚款 {fine} 元超出裁量基准（{lo}–{hi} 元）且未经法制审核",
            detail=f"事项 {code} {name}；裁量基准 {lo}–{hi} 元，{'决定' if decided is not None else '拟'}罚款 {fine} 元。",
            severity="red",
            unit_id=unit_id,
            region_path=path,
            records=(Record("case", case_id, _case_label(number, case_id)),),
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
    rows = (
        CaseCause.objects.filter(decided_fine__isnull=False, decided_fine__gt=0, case__decided_on__gte=since)
        .values_list(
            "item_id",
            "item__code",
            "item__name",
            "case__unit_id",
            "case__unit__name",
            "case__unit__region__path",
            "decided_fine",
        )  # fmt: skip
        .order_by("item_id", "case__unit_id")
    )
    fines: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    meta: dict[int, tuple] = {}
    units: dict[int, tuple] = {}
    for item_id, code, name, unit_id, unit_name, path, fine in rows.iterator(chunk_size=5000):
        fines[item_id][unit_id].append(float(fine))
        meta[item_id] = (code, name)
        units[unit_id] = (unit_name, path)
    least = params["min_cases"]
    for item_id, by_unit in fines.items():
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
            title=f"{_case_label(number, pk)} 应当法制审核的决定{why}",
            detail="应当审核的事由：" + "；".join(str(r) for r in reasons),
            severity="red",
            unit_id=unit_id,
            region_path=path,
            records=(Record("case", pk, _case_label(number, pk)),),
        )


# --- inspections -----------------------------------------------------------------------------------------


def _inspection_label(visited_on: date, subject: str) -> str:
    return f"{visited_on:%Y-%m-%d} 检查 {subject}"


def find_too_few_officers(params: dict, today: date) -> Iterable[Finding]:
    """A visit or a case with fewer than two enforcement officers (行政处罚法 第四十二条)."""
    since = today - timedelta(days=params["window_days"])
    least = params["min_officers"]
    visits = (
        Inspection.objects.filter(visited_on__gte=since)
        .exclude(kind="guidance")  # 执法体检 guides, it does not enforce
        .annotate(n=Count("officers"))
        .filter(n__lt=least)
        .values_list("pk", "visited_on", "subject__name", "created_by__unit_id", "region_path", "n")
    )
    for pk, on, subject, unit_id, path, n in visits.iterator(chunk_size=2000):
        yield Finding(
            key=f"inspection:{pk}",
            title=f"{_inspection_label(on, subject)} 仅 {n} 名执法人员",
            detail=f"执法人员不得少于 {least} 人。",
            severity="red",
            unit_id=unit_id,
            region_path=path,
            records=(Record("inspection", pk, _inspection_label(on, subject)),),
        )
    cases = (
        Case.objects.filter(filed_on__gte=since)
        .annotate(n=Count("case_officers"))
        .filter(n__lt=least)
        .values_list("pk", "number", "unit_id", "region_path", "n")
    )
    for pk, number, unit_id, path, n in cases:
        yield Finding(
            key=f"case:{pk}",
            title=f"{_case_label(number, pk)} 仅 {n} 名办案人员",
            detail=f"执法人员不得少于 {least} 人。",
            severity="red",
            unit_id=unit_id,
            region_path=path,
            records=(Record("case", pk, _case_label(number, pk)),),
        )


def find_conflicted_officer(params: dict, today: date) -> Iterable[Finding]:
    """An officer who declared a conflict of interest (回避) with a subject on a visit to it."""
    since = today - timedelta(days=params["window_days"])
    through = Inspection.officers.through
    conflict = InspectorConflict.objects.filter(
        officer_id=OuterRef("officer_id"), subject_id=OuterRef("inspection__subject_id")
    )
    rows = (
        through.objects.filter(inspection__visited_on__gte=since)
        .filter(Exists(conflict))
        .values_list(
            "inspection_id",
            "officer_id",
            "officer__name",
            "inspection__visited_on",
            "inspection__subject__name",
            "inspection__created_by__unit_id",
            "inspection__region_path",
        )
    )
    for pk, officer_id, officer, on, subject, unit_id, path in rows:
        yield Finding(
            key=f"{pk}:{officer_id}",
            title=f"{officer} 已申报回避，仍参加{_inspection_label(on, subject)}",
            severity="red",
            unit_id=unit_id,
            region_path=path,
            records=(Record("inspection", pk, _inspection_label(on, subject)),),
        )


def find_over_inspected(params: dict, today: date) -> Iterable[Finding]:
    """One subject inspected more often than the district's cap in M days, all departments together (扰企)."""
    since = today - timedelta(days=params["window_days"])
    cap = params["cap"]
    busy = (
        Inspection.objects.filter(visited_on__gte=since)
        .exclude(kind="guidance")
        .values("subject_id")
        .annotate(n=Count("id"))
        .filter(n__gt=cap)
        .values_list("subject_id", flat=True)
    )
    visits = defaultdict(list)
    for row in (
        Inspection.objects.filter(visited_on__gte=since, subject_id__in=busy)
        .exclude(kind="guidance")
        .order_by("subject_id", "visited_on", "id")
        .values_list("subject_id", "subject__name", "pk", "visited_on", "created_by__unit_id", "region_path")
    ):
        visits[row[0]].append(row)
    for subject_id, rows in visits.items():
        name, last = rows[0][1], rows[-1]
        yield Finding(
            key=str(subject_id),
            title=f"{name} 近 {params['window_days']} 天被检查 {len(rows)} 次，超过上限 {cap} 次",
            detail="检查日期：" + "、".join(f"{r[3]:%m-%d}" for r in rows),
            severity="yellow" if len(rows) <= cap * 1.5 else "red",
            unit_id=last[4],  # the visit that went over the cap answers for it
            region_path=last[5],
            records=(Record("subject", subject_id, name),)
            + tuple(Record("inspection", r[2], _inspection_label(r[3], name)) for r in rows[-10:]),
        )


def find_same_pair(params: dict, today: date) -> Iterable[Finding]:
    """The same two officers on one subject's visits again and again: rotation (轮岗、随机) is not happening."""
    since = today - timedelta(days=params["window_days"])
    through = Inspection.officers.through
    by_visit: dict[int, list[int]] = defaultdict(list)
    meta: dict[int, tuple] = {}
    rows = (
        through.objects.filter(inspection__visited_on__gte=since)
        .exclude(inspection__kind="guidance")
        .order_by("inspection_id", "officer_id")
        .values_list(
            "inspection_id",
            "officer_id",
            "inspection__subject_id",
            "inspection__subject__name",
            "inspection__visited_on",
            "inspection__created_by__unit_id",
            "inspection__region_path",
        )
    )
    for visit, officer, *rest in rows.iterator(chunk_size=5000):
        by_visit[visit].append(officer)
        meta[visit] = tuple(rest)
    pairs: dict[tuple, list[int]] = defaultdict(list)
    for visit, officers in by_visit.items():
        subject_id = meta[visit][0]
        for a, b in combinations(sorted(set(officers)), 2):
            pairs[(subject_id, a, b)].append(visit)
    repeat = params["min_repeat"]
    hot = {k: v for k, v in pairs.items() if len(v) >= repeat}
    if not hot:
        return
    names = dict(Officer.objects.filter(pk__in={o for k in hot for o in k[1:]}).values_list("pk", "name"))
    for (subject_id, a, b), visits in sorted(hot.items()):
        _, subject, _, unit_id, path = meta[visits[-1]]
        yield Finding(
            key=f"{subject_id}:{a}:{b}",
            title=f"{names.get(a, a)}、{names.get(b, b)} 近 {params['window_days']} 天 {len(visits)} 次同组检查 {subject}",
            detail=f"同一对执法人员对同一对象检查达到 {repeat} 次即预警，请轮换检查人员。",
            severity="yellow",
            unit_id=unit_id,
            region_path=path,
            records=(Record("subject", subject_id, subject),)
            + tuple(Record("inspection", v, _inspection_label(meta[v][2], subject)) for v in visits[-10:]),
        )


def find_without_code(params: dict, today: date) -> Iterable[Finding]:
    """A finished visit that carried no 行政行为码 (亮码检查)."""
    since = today - timedelta(days=params["window_days"])
    code = ActionCode.objects.filter(inspection_id=OuterRef("pk"))
    rows = (
        Inspection.objects.filter(visited_on__gte=since, status=InspectionStatus.FINISHED)
        .exclude(Exists(code))
        .values_list("pk", "visited_on", "subject__name", "created_by__unit_id", "region_path")
    )
    for pk, on, subject, unit_id, path in rows.iterator(chunk_size=2000):
        yield Finding(
            key=str(pk),
            title=f"{_inspection_label(on, subject)} 未亮行政行为码",
            severity="yellow",
            unit_id=unit_id,
            region_path=path,
            records=(Record("inspection", pk, _inspection_label(on, subject)),),
        )


def find_low_rating(params: dict, today: date) -> Iterable[Finding]:
    """The party rated an action low, and oversight has not yet looked into it (执法评价)."""
    since = today - timedelta(days=params["window_days"])
    rows = CodeRating.objects.filter(
        score__lte=params["max_score"], rated_at__date__gte=since, reviewed_at__isnull=True
    ).values_list(
        "pk",
        "score",
        "code__code_id",
        "code__inspection_id",
        "code__unit_id",
        "code__region_path",
        "code__subject__name",
    )
    for pk, score, code_id, inspection_id, unit_id, path, subject in rows:
        records = (Record("rating", pk, f"评价 {code_id}（{score} 分）"),)
        if inspection_id:
            records += (Record("inspection", inspection_id, f"检查 {subject or ''}".strip()),)
        yield Finding(
            key=str(pk),
            title=f"{subject or '当事人'} 对行政行为 {code_id} 评 {score} 分",
            severity="red" if score <= 1 else "yellow",
            unit_id=unit_id,
            region_path=path,
            records=records,
        )


def find_unfinished_inspection(params: dict, today: date) -> Iterable[Finding]:
    """A visit started and not finished within N days."""
    before = today - timedelta(days=params["max_days"])
    rows = Inspection.objects.filter(status=InspectionStatus.OPEN, visited_on__lt=before).values_list(
        "pk", "visited_on", "subject__name", "created_by__unit_id", "region_path"
    )
    for pk, on, subject, unit_id, path in rows.iterator(chunk_size=2000):
        yield Finding(
            key=str(pk),
            title=f"{_inspection_label(on, subject)} 开始后超过 {params['max_days']} 天仍未完成",
            severity="yellow",
            unit_id=unit_id,
            region_path=path,
            records=(Record("inspection", pk, _inspection_label(on, subject)),),
        )


# --- events ----------------------------------------------------------------------------------------------


def _event_record(pk: int, receipt: str, title: str) -> Record:
    return Record("event", pk, f"{receipt} {title}")


def find_event_unanswered(params: dict, today: date) -> Iterable[Finding]:
    """An event closed without an answer to the person who reported it (办结未答复)."""
    since = today - timedelta(days=params["window_days"])
    has_reporter = ~Q(reporter_name="") | ~Q(reporter_phone="") | Q(reporter__isnull=False)
    rows = (
        Event.objects.filter(status=EventStatus.CLOSED, closed_at__date__gte=since)
        .filter(has_reporter)
        .filter(Q(answered_at__isnull=True) | Q(answer=""))
        .values_list("pk", "receipt_no", "title", "lead_unit_id", "region_path")
    )
    for pk, receipt, title, unit_id, path in rows.iterator(chunk_size=2000):
        yield Finding(
            key=str(pk),
            title=f"事件 {receipt} 已办结，未答复反映人",
            detail=title,
            severity="yellow",
            unit_id=unit_id,
            region_path=path,
            records=(_event_record(pk, receipt, title),),
        )


def find_event_returned(params: dict, today: date) -> Iterable[Finding]:
    """An event returned (退单) twice or more: the routing or the units are passing it around."""
    since = today - timedelta(days=params["window_days"])
    rows = (
        EventStatusChange.objects.filter(to_status=EventStatus.RETURNED, event__received_at__date__gte=since)
        .values("event_id", "event__receipt_no", "event__title", "event__lead_unit_id", "event__region_path")
        .annotate(n=Count("id"))
        .filter(n__gte=params["min_returns"])
        .order_by()
    )
    for r in rows:
        yield Finding(
            key=str(r["event_id"]),
            title=f"事件 {r['event__receipt_no']} 被退单 {r['n']} 次",
            detail=r["event__title"],
            severity="red" if r["n"] > params["min_returns"] else "yellow",
            unit_id=r["event__lead_unit_id"],
            region_path=r["event__region_path"],
            records=(_event_record(r["event_id"], r["event__receipt_no"], r["event__title"]),),
        )


def find_event_low_rating(params: dict, today: date) -> Iterable[Finding]:
    """The reporter rated the handling of an event low."""
    since = today - timedelta(days=params["window_days"])
    rows = Event.objects.filter(
        rating__isnull=False, rating__lte=params["max_score"], received_at__date__gte=since
    ).values_list("pk", "receipt_no", "title", "rating", "lead_unit_id", "region_path")
    for pk, receipt, title, rating, unit_id, path in rows.iterator(chunk_size=2000):
        yield Finding(
            key=str(pk),
            title=f"事件 {receipt} 反映人评价 {rating} 分",
            detail=title,
            severity="yellow",
            unit_id=unit_id,
            region_path=path,
            records=(_event_record(pk, receipt, title),),
        )


MODELS: tuple[Model, ...] = (
    Model(
        "case_clock",
        "案件期限临近或超期",
        "《行政处罚法》第六十条（90 日内作出决定）、第六十一条（7 日内送达）、第六十七条（15 日内缴纳）及决定公示期限",
        "在办案件最近的法定期限在 N 天内到期（提醒）或已超期（预警），每个案件每项期限一条。",
        {"warn_days": Param("提前提醒天数", 3, 0, 30)},
        find_case_clock,
    ),
    Model(
        "fine_outside_band",
        "罚款超出裁量基准未经法制审核",
        "《行政处罚法》第三十四条（裁量基准）、第五十八条（法制审核）",
        "案由的拟罚款或决定罚款不在裁量基准范围内，且案件没有通过的法制审核。",
        {"window_days": WINDOW},
        find_fine_outside_band,
    ),
    Model(
        "fine_at_maximum",
        "罚款反复顶格",
        "《行政处罚法》第五条（过罚相当）",
        "某单位回看期内决定的罚款中，按裁量基准上限处罚的比例达到阈值。",
        {
            "window_days": WINDOW,
            "min_fines": Param("最少罚款笔数", 5, 2, 1000),
            "max_share": Param("顶格比例阈值（%）", 60, 1, 100),
        },
        find_fine_at_maximum,
    ),
    Model(
        "fine_peer_outlier",
        "同一事项罚款偏离同类单位",
        "《行政处罚法》第三十四条（裁量基准）：同类违法行为处罚相当",
        "某单位对同一事项决定罚款的中位数与其他单位的中位数相比，稳健 z 值超过阈值（点名比较单位）。",
        {
            "window_days": WINDOW,
            "min_cases": Param("每单位最少案件数", 3, 1, 100),
            "min_peers": Param("最少比较单位数", 3, 2, 50),
            "z": Param("稳健 z 值阈值", 3.5, 1, 10, integer=False),
        },
        find_fine_peer_outlier,
    ),
    Model(
        "major_without_review",
        "应审未审或审核人参与办案",
        "《行政处罚法》第五十八条",
        "有法制审核事由的案件已作出决定，但没有通过的法制审核，或审核人是本案办案人员。",
        {"window_days": WINDOW},
        find_major_without_review,
    ),
    Model(
        "too_few_officers",
        "执法人员少于两人",
        "《行政处罚法》第四十二条",
        "检查（执法体检除外）或案件的执法人员少于规定人数。",
        {"window_days": WINDOW, "min_officers": Param("最少执法人员", 2, 1, 5)},
        find_too_few_officers,
    ),
    Model(
        "conflicted_officer",
        "应回避未回避",
        "《行政处罚法》第四十三条（回避）",
        "已申报与某对象存在利害关系的执法人员参加了对该对象的检查。",
        {"window_days": WINDOW},
        find_conflicted_officer,
    ),
    Model(
        "over_inspected",
        "同一对象检查过频（扰企）",
        "《优化营商环境条例》关于减少检查频次、避免重复检查的规定",
        "同一监管对象在回看期内被各部门检查的次数合计超过全区上限。",
        {"window_days": WINDOW, "cap": Param("检查次数上限", 4, 1, 100)},
        find_over_inspected,
    ),
    Model(
        "same_pair",
        "同一组合反复检查同一对象",
        "双随机一公开：随机选派执法检查人员",
        "同一对执法人员在回看期内对同一对象同组检查达到 N 次。",
        {"window_days": WINDOW, "min_repeat": Param("同组检查次数", 3, 2, 50)},
        find_same_pair,
    ),
    Model(
        "without_code",
        "检查未亮行政行为码",
        "浙江省行政行为码应用规定：入企检查先亮码",
        "回看期内完成的检查没有签发行政行为码。",
        {"window_days": Param("回看天数", 90, 1, 3660)},
        find_without_code,
    ),
    Model(
        "low_rating",
        "企业评价低分未核查",
        "行政行为码评价：低分评价由执法监督核查",
        f"当事人对执法行为评分不高于 N 分（默认 {LOW_SCORE} 分），执法监督尚未核查。",
        {"window_days": WINDOW, "max_score": Param("低分上限", LOW_SCORE, 1, 4)},
        find_low_rating,
    ),
    Model(
        "unfinished_inspection",
        "检查开始后长期未完成",
        "《行政处罚法》第四十七条（全过程记录）",
        "检查记录开始后超过 N 天仍未完成。",
        {"max_days": Param("完成期限（天）", 3, 1, 90)},
        find_unfinished_inspection,
    ),
    Model(
        "event_unanswered",
        "事件办结未答复反映人",
        "《信访工作条例》及 12345 热线办理规范：办理结果答复诉求人",
        "有反映人的事件已办结，但没有答复内容或答复时间。",
        {"window_days": WINDOW},
        find_event_unanswered,
    ),
    Model(
        "event_returned",
        "事件多次退单",
        "区街两级协调指挥：首接负责、不推诿",
        "同一事件被退单达到 N 次。",
        {"window_days": WINDOW, "min_returns": Param("退单次数", 2, 1, 20)},
        find_event_returned,
    ),
    Model(
        "event_low_rating",
        "事件处置评价低",
        "群众满意度评价",
        "反映人对事件办理的评价不高于 N 分。",
        {"window_days": WINDOW, "max_score": Param("低分上限", 2, 1, 4)},
        find_event_low_rating,
    ),
)

MODELS_BY_CODE = {m.code: m for m in MODELS}


def merged_params(model: Model, stored: dict) -> dict:
    """The model's defaults overlaid with the district's stored values (a new parameter gets its default)."""
    params = model.defaults()
    for key, value in (stored or {}).items():
        if key in model.params:
            # A stored value that no longer fits leaves the default in force.
            with suppress(ValueError):
                params[key] = model.params[key].clean(value)
    return params
