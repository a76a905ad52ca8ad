"""预警模型 over inspection visits and their codes: officers, conflicts, frequency, pairs, codes, ratings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from itertools import combinations

from django.db.models import BigIntegerField, Count, Exists, F, OuterRef, Value, When
from django.db.models import Case as SqlCase

from zhifa.cases.models import Case, CaseCause, CaseOfficer
from zhifa.codes.models import ActionCode, CodeRating
from zhifa.engine.oversight import Finding, Record
from zhifa.inspections.choices import InspectionKind, InspectionStatus
from zhifa.inspections.demands.selectors import DELEGATED_DOMAIN
from zhifa.inspections.models import Inspection, InspectorConflict
from zhifa.org.models import Domain, Officer, Unit
from zhifa.oversight.rules.base import case_label, day_start
from zhifa.subjects.models import Subject

SLICE = 5000

# --- inspections -----------------------------------------------------------------------------------------


def _inspection_label(visited_on: date, subject: str) -> str:
    # isoformat is the same text as %Y-%m-%d, several times faster over a hundred thousand visits.
    return f"{visited_on.isoformat()} 检查 {subject}"


def find_too_few_officers(params: dict, today: date) -> Iterable[Finding]:
    """A visit or a case with fewer than two enforcement officers (行政处罚法 第四十二条)."""
    since = today - timedelta(days=params["window_days"])
    least = params["min_officers"]
    # The visits with enough officers are counted from the officer rows alone (a hash aggregate); the others,
    # none at all included, are the short ones, and only theirs are read with names.
    through = Inspection.officers.through
    enough = (
        through.objects.values("inspection_id")
        .annotate(n=Count("officer_id"))
        .filter(n__gte=least)
        .order_by()
        .values("inspection_id")
    )
    visits = (
        Inspection.objects.filter(visited_on__gte=since)
        .exclude(kind="guidance")  # 执法体检 guides, it does not enforce
        .exclude(pk__in=enough)
        .annotate(n=Count("officers"))
        .order_by()
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
    staffed = (
        CaseOfficer.objects.values("case_id").annotate(n=Count("officer_id")).filter(n__gte=least).order_by()
    )
    cases = (
        Case.objects.filter(filed_on__gte=since)
        .exclude(pk__in=staffed.values("case_id"))
        .annotate(n=Count("case_officers"))
        .order_by()
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
    base = through.objects.filter(inspection__visited_on__gte=since).exclude(inspection__kind="guidance")
    visits = Inspection.objects.filter(visited_on__gte=since).exclude(kind="guidance")
    # The pairs seen often enough are counted in the database, at subjects visited often enough at all; only
    # their subjects' visits are read.
    hot_subjects = (
        base.filter(inspection__subject_id__in=_visited_more_than(visits, params["min_repeat"] - 1))
        .annotate(partner=F("inspection__officers"))
        .filter(partner__gt=F("officer_id"))
        .values("inspection__subject_id", "officer_id", "partner")
        # A visit holds an officer once, so a pair's rows are distinct visits: a plain count (hashable).
        .annotate(n=Count("inspection_id"))
        .filter(n__gte=params["min_repeat"])
        .order_by()
        .values_list("inspection__subject_id", flat=True)
    )
    rows = (
        base.filter(inspection__subject_id__in=set(hot_subjects))
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


def _visited_more_than(visits, times: int):
    """The subjects of `visits` with more than `times` of them (a subquery: counted from the visits alone)."""
    return (
        visits.values("subject_id")
        .annotate(n=Count("id"))
        .filter(n__gt=times)
        .order_by()
        .values("subject_id")
    )


def find_without_code(params: dict, today: date) -> Iterable[Finding]:
    """A finished visit that carried no 行政行为码 (亮码检查)."""
    since = today - timedelta(days=params["window_days"])
    code = ActionCode.objects.filter(inspection_id=OuterRef("pk"))
    rows = (
        Inspection.objects.filter(visited_on__gte=since, status=InspectionStatus.FINISHED)
        .exclude(Exists(code))
        .order_by()
        .values_list("pk", "visited_on", "subject__name", "created_by__unit_id", "region_path")
    )
    for pk, on, subject, unit_id, path in rows.iterator(chunk_size=2000):
        label = _inspection_label(on, subject)
        yield Finding(
            key=str(pk),
            title=f"{label} 未亮行政行为码",
            severity="yellow",
            unit_id=unit_id,
            region_path=path,
            records=(Record("inspection", pk, label),),
        )


def find_low_rating(params: dict, today: date) -> Iterable[Finding]:
    """The party rated an action low, and oversight has not yet looked into it (执法评价)."""
    since = today - timedelta(days=params["window_days"])
    rows = CodeRating.objects.filter(
        score__lte=params["max_score"], rated_at__gte=day_start(since), reviewed_at__isnull=True
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
    rows = (
        Inspection.objects.filter(status=InspectionStatus.OPEN, visited_on__lt=before)
        .order_by()
        .values_list("pk", "visited_on", "subject__name", "created_by__unit_id", "region_path")
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


def find_unqualified_officer(params: dict, today: date) -> Iterable[Finding]:
    """An officer on a visit qualified for none of the domains it checked, or on a case without the
    qualification (执法资格) of a cause's domain (行政处罚法 第四十二条: 具有执法资格的执法人员)."""
    since = today - timedelta(days=params["window_days"])
    visit_domains = Inspection.domains.through
    qualified = Officer.qualified_domains.through
    checked = visit_domains.objects.filter(inspection_id=OuterRef("inspection_id"))
    # The unqualified (visit, officer) pairs first, from the lean rows alone, as a set difference the database
    # answers with hash joins: the pairs on visits that checked a domain, less the pairs whose officer is
    # qualified for one of the visit's domains. Names and places are read for the pairs left only.
    through = Inspection.officers.through
    on_visits = through.objects.filter(inspection__visited_on__gte=since).exclude(inspection__kind="guidance")
    pairs = set(
        on_visits.filter(Exists(checked))
        .order_by()
        .values_list("inspection_id", "officer_id")
        .difference(
            on_visits.filter(inspection__domains__officers=F("officer_id"))
            .order_by()
            .values_list("inspection_id", "officer_id")
        )
    )
    visits = sorted({v for v, _ in pairs})
    # In slices: a district that has recorded no qualifications yet flags every visit.
    for start in range(0, len(visits), SLICE):
        rows = (
            through.objects.filter(inspection_id__in=visits[start : start + SLICE])
            .order_by("inspection_id", "officer_id")
            .values_list(
                "inspection_id",
                "officer_id",
                "officer__name",
                "officer__certificate_no",
                "inspection__visited_on",
                "inspection__subject__name",
                "inspection__created_by__unit_id",
                "inspection__region_path",
            )  # fmt: skip
        )
        yield from _unqualified_on_visits(rows, pairs)
    # Cases: each cause is handled under its item's domain, a delegated item (赋权) under 综合执法. The officers
    # lacking one are found in the database; only theirs are read.
    comprehensive = Domain.objects.filter(code=DELEGATED_DOMAIN).values_list("pk", flat=True).first()
    need = SqlCase(
        When(case__causes__item__delegated=True, then=Value(comprehensive)),
        default=F("case__causes__item__domain_id"),
        output_field=BigIntegerField(),
    )
    lacking = set(
        CaseOfficer.objects.filter(case__filed_on__gte=since)
        .annotate(need=need)
        .exclude(
            Exists(qualified.objects.filter(officer_id=OuterRef("officer_id"), domain_id=OuterRef("need")))
        )
        .order_by()
        .values_list("case_id", "officer_id")
        .distinct()
    )
    names = dict(Domain.objects.values_list("pk", "name"))
    held: dict[int, set[int]] = defaultdict(set)
    for officer_id, domain_id in qualified.objects.values_list("officer_id", "domain_id"):
        held[officer_id].add(domain_id)
    cases = sorted({c for c, _ in lacking})
    # In slices, as the visits: a district that has recorded no qualifications yet flags every case.
    for start in range(0, len(cases), SLICE):
        part = cases[start : start + SLICE]
        needed: dict[int, set[int]] = defaultdict(set)
        for case_id, delegated, domain_id in CaseCause.objects.filter(case_id__in=part).values_list(
            "case_id", "item__delegated", "item__domain_id"
        ):
            needed[case_id].add(comprehensive if delegated else domain_id)
        rows = (
            CaseOfficer.objects.filter(case_id__in=part)
            .order_by("case_id", "officer_id")
            .values_list(
                "case_id",
                "officer_id",
                "officer__name",
                "officer__certificate_no",
                "case__number",
                "case__unit_id",
                "case__region_path",
            )  # fmt: skip
        )
        for case_id, officer_id, officer, cert, number, unit_id, path in rows:
            if (case_id, officer_id) not in lacking:
                continue
            missing = sorted(names.get(d, str(d)) for d in needed.get(case_id, ()) - held[officer_id] if d)
            if not missing:
                continue
            yield Finding(
                key=f"case:{case_id}:{officer_id}",
                title=f"{officer}（{cert}）不具备{'、'.join(missing)}执法资格，参与办理{case_label(number, case_id)}",
                severity="red",
                unit_id=unit_id,
                region_path=path,
                records=(Record("case", case_id, case_label(number, case_id)),),
            )


def _unqualified_on_visits(rows, pairs: set) -> Iterable[Finding]:
    for pk, officer_id, officer, cert, on, subject, unit_id, path in rows:
        if (pk, officer_id) not in pairs:
            continue
        yield Finding(
            key=f"inspection:{pk}:{officer_id}",
            title=f"{officer}（{cert}）不具备{_inspection_label(on, subject)}所查领域的执法资格",
            severity="red",
            unit_id=unit_id,
            region_path=path,
            records=(Record("inspection", pk, _inspection_label(on, subject)),),
        )


def find_department_over_cap(params: dict, today: date) -> Iterable[Finding]:
    """One unit (the team its officers on the visit belong to) inspecting one subject more often than its own
    cap in M days — some districts allow 2 a year per department (涟源). A joint visit counts once for each
    team on it; complaint checks (a complaint is checked whatever the count) and guidance do not count."""
    since = today - timedelta(days=params["window_days"])
    cap = params["cap"]
    counted = Inspection.objects.filter(visited_on__gte=since).exclude(
        kind__in=(InspectionKind.GUIDANCE, InspectionKind.COMPLAINT)
    )
    # The same filter on the officer rows, written out rather than `inspection__in=counted`: PostgreSQL plans
    # that semi-join worse (0.78 s against 0.54 s for this model at district scale).
    on_visit = Inspection.officers.through.objects.filter(inspection__visited_on__gte=since).exclude(
        inspection__kind__in=(InspectionKind.GUIDANCE, InspectionKind.COMPLAINT)
    )
    # A team can be over its cap only at a subject visited more than the cap by everyone together: those
    # subjects are found from the visits alone, and only their officers are counted by team.
    crowded = _visited_more_than(counted, cap)
    busy = set(
        on_visit.filter(inspection__subject_id__in=crowded)
        .values("officer__team_id", "inspection__subject_id")
        .annotate(n=Count("inspection_id", distinct=True))
        .filter(n__gt=cap)
        .order_by()
        .values_list("officer__team_id", "inspection__subject_id")
    )
    if not busy:
        return
    visits: dict[tuple[int, int], dict[int, tuple]] = defaultdict(dict)
    for team_id, subject_id, pk, on, path in on_visit.filter(
        inspection__subject_id__in={s for _, s in busy}
    ).values_list("officer__team_id", "inspection__subject_id", "inspection_id", "inspection__visited_on",
                  "inspection__region_path"):  # fmt: skip
        if (team_id, subject_id) in busy:
            visits[(team_id, subject_id)][pk] = (pk, on, path)
    names = dict(Unit.objects.filter(pk__in={t for t, _ in busy}).values_list("pk", "name"))
    subjects = dict(Subject.objects.filter(pk__in={s for _, s in busy}).values_list("pk", "name"))
    for (unit_id, subject_id), by_pk in sorted(visits.items()):
        rows = sorted(by_pk.values(), key=lambda r: (r[1], r[0]))
        name = subjects[subject_id]
        yield Finding(
            key=f"{unit_id}:{subject_id}",
            title=f"{names[unit_id]} 近 {params['window_days']} 天检查 {name} {len(rows)} 次，超过本单位上限 {cap} 次",
            detail="检查日期：" + "、".join(f"{r[1]:%m-%d}" for r in rows),
            severity="yellow" if len(rows) <= cap * 2 else "red",
            unit_id=unit_id,
            region_path=rows[-1][2],
            records=(Record("subject", subject_id, name),)
            + tuple(Record("inspection", r[0], _inspection_label(r[1], name)) for r in rows[-10:]),
        )
