"""Reads of 双随机 draws, scoped: a draw belongs to the region of its pool, so a subdistrict sees the draws
over its own subjects and the district sees all."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from zhifa.catalog.choices import ItemStatus
from zhifa.catalog.models import EnforcementItem, Scenario
from zhifa.engine.risk import load_industry_table
from zhifa.inspections.choices import FindingResult, InspectionStatus
from zhifa.inspections.draws.picks import draw_outcome
from zhifa.inspections.models import Inspection, RandomDraw
from zhifa.org.models import Officer, Region
from zhifa.org.scope import scope_for
from zhifa.subjects.choices import INDUSTRIES
from zhifa.subjects.models import Subject

FILTER_LABELS = {"subdistrict": "街道", "industry": "行业", "scenario": "监管场景", "item": "执法事项"}


def draw_list(*, user, q: str = "") -> QuerySet[RandomDraw]:
    scope = scope_for(user)
    qs = RandomDraw.objects.select_related("domain", "created_by")
    if not scope.district_wide:
        if not scope.region_path:
            return qs.none()
        qs = qs.filter(region_path__startswith=scope.region_path)
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(seed__startswith=q) | Q(domain__name__icontains=q))
    return qs


def draw_get(*, user, pk: int) -> RandomDraw:
    found = draw_list(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404("抽查不存在或不在您的辖区内")
    return found


def industry_name(code: str) -> str:
    """The GB/T 4754-2017 name of an industry code (the longest listed prefix), or "" when unlisted."""
    table = load_industry_table()
    code = (code or "").strip().upper()
    for k in range(len(code), 0, -1):
        if code[:k] in table:
            return table[code[:k]][0]
    return ""


def draw_filter_text(d: RandomDraw) -> str:
    """The pool in words, e.g. "街道 南星街道，执法事项 SJ0001"."""
    parts = []
    for key, value in (d.pool_filter or {}).items():
        if value:
            if key == "subdistrict":
                value = Region.objects.filter(code=value).values_list("name", flat=True).first() or value
            elif key == "industry":  # 餐饮业（H62）: people read the name, the code is for the record
                name = industry_name(value)
                value = f"{name}（{value}）" if name else value
            elif key == "scenario":
                name = Scenario.objects.filter(code=value).values_list("name", flat=True).first()
                value = f"{name}（{value}）" if name else value
            elif key == "item":
                name = EnforcementItem.objects.filter(code=value).values_list("name", flat=True).first()
                value = f"{name}（{value}）" if name else value
            parts.append(f"{FILTER_LABELS.get(key, key)} {value}")
    return "，".join(parts) or "辖区全部"


def draw_picks(d: RandomDraw, *, mask: bool) -> tuple[list[dict], list[dict]]:
    """The drawn subjects with their inspectors' names (masked for the public page), and those left without
    a team with the reason."""
    outcome = draw_outcome(d.record)
    subjects = {
        s.pk: s for s in Subject.objects.filter(pk__in=outcome.subject_ids()).select_related("subdistrict")
    }
    officer_ids = {i for p in outcome.picks for i in p.officer_ids}
    names = dict(Officer.objects.filter(pk__in=officer_ids).values_list("pk", "name"))

    def shown(name: str) -> str:
        return (name[:1] + "*" * (len(name) - 1)) if mask and name else name

    results = draw_results(d)
    picks = [
        {
            "order": p.order,
            "subject": subjects.get(p.subject_id),
            "inspector_ids": list(p.officer_ids),
            "inspectors": [shown(names.get(i, "")) for i in p.officer_ids],
            "record_id": results.get(p.subject_id, (None, ""))[0],
            "result": results.get(p.subject_id, (None, "未检查"))[1],
        }
        for p in outcome.picks
    ]
    infeasible = [
        {"order": x.order, "subject": subjects.get(x.subject_id), "reason": x.reason}
        for x in outcome.unmatched
    ]
    return picks, infeasible


def draw_results(d: RandomDraw) -> dict[int, tuple[int, str]]:
    """Subject id → (its inspection record of this draw, the result in words): 检查中, 未发现问题, 发现问题 N 项."""
    out: dict[int, tuple[int, str]] = {}
    records = (
        Inspection.objects.filter(draw=d)
        .annotate(n=Count("findings", filter=Q(findings__result=FindingResult.VIOLATION)))
        .values_list("pk", "subject_id", "status", "n")
    )
    for pk, sid, status, n in records:
        if status != InspectionStatus.FINISHED:
            out[sid] = (pk, "检查中")
        else:
            out[sid] = (pk, f"发现问题 {n} 项" if n else "未发现问题")
    return out


def industry_choices() -> list[tuple[str, str]]:
    """(code, name) of the industries subjects are filed under, in code order: the draw form's picker."""
    return sorted(INDUSTRIES.items())


def scenario_choices() -> list[tuple[str, str]]:
    """(code, name) of the supervision scenarios (监管一件事) a pool can be defined by."""
    return list(Scenario.objects.order_by("code").values_list("code", "name"))


def scenario_items() -> list[tuple[str, str]]:
    """(code, name) of the active catalog items some scenario checks: the items a pool can be defined by."""
    return list(
        EnforcementItem.objects.filter(status=ItemStatus.ACTIVE, scenarios__isnull=False)
        .distinct()
        .order_by("code")
        .values_list("code", "name")
    )
