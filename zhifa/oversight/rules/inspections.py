"""预警模型 over inspection visits and their codes: officers, conflicts, frequency, pairs, codes, ratings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from itertools import combinations

from django.db.models import Count, Exists, OuterRef

from zhifa.cases.models import Case
from zhifa.codes.models import ActionCode, CodeRating
from zhifa.engine.oversight import Finding, Record
from zhifa.inspections.choices import InspectionStatus
from zhifa.inspections.models import Inspection, InspectorConflict
from zhifa.org.models import Officer
from zhifa.oversight.rules.base import case_label

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
            title=f"{case_label(number, pk)} 仅 {n} 名办案人员",
            detail=f"执法人员不得少于 {least} 人。",
            severity="red",
            unit_id=unit_id,
            region_path=path,
            records=(Record("case", pk, case_label(number, pk)),),
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
