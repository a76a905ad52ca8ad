"""预警模型 over evidence: a notice or decision without the evidence its items require, and evidence withdrawn
after another unit adopted it (证据互通互认)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from zhifa.cases.choices import Procedure, Stage
from zhifa.cases.evidence_kinds import requirement_label
from zhifa.cases.models import Case, CaseCause, CaseEvidence
from zhifa.catalog.models import EnforcementItem
from zhifa.dispatch.models import Evidence, EvidenceUse
from zhifa.engine.oversight import Finding, Record
from zhifa.oversight.rules.base import case_label, day_start

# A case ended before any decision (不予立案, 撤销, 移送) asks nothing of its evidence any more.
ENDED = (Stage.NOT_FILED, Stage.WITHDRAWN, Stage.TRANSFERRED)
SLICE = 5000


def find_evidence_missing(params: dict, today: date) -> Iterable[Finding]:
    """A notice (告知) or a decision made while evidence the items' list requires (询问笔录, 现场照片 …) is
    missing or withdrawn — the gate before the notice refuses that, so the record was imported or the gate
    overridden. 简易程序 decisions on the spot have no notice and are left out."""
    since = today - timedelta(days=params["window_days"])
    cases = (
        Case.objects.exclude(procedure=Procedure.SIMPLE)
        .exclude(stage__in=ENDED)
        .filter(Q(notified_on__gte=since) | Q(notified_on__isnull=True, decided_on__gte=since))
    )
    required = {
        pk: (code, entries)
        for pk, code, entries in EnforcementItem.objects.values_list("pk", "code", "required_evidence")
        if entries
    }
    # The database finds the cases short of evidence (a district's cases mostly are not); only theirs are read.
    suspects = sorted(_short_of_evidence(cases, required))
    for start in range(0, len(suspects), SLICE):
        yield from _missing_on(cases.filter(pk__in=suspects[start : start + SLICE]), required)


def _short_of_evidence(cases, required: dict) -> set[int]:
    """Ids of `cases` holding no valid evidence at all, or lacking a piece one of their items requires: an
    anti-join of each case's required (item, entry) pairs against its evidence, done by the database."""
    # A case with no valid evidence at all: the anti-join below finds it when its items require any, so here
    # only cases with an item that requires none are looked at.
    held = CaseEvidence.objects.filter(case_id=OuterRef("pk"), withdrawn_at__isnull=True)
    asks_nothing = CaseCause.objects.filter(case_id=OuterRef("pk")).exclude(item_id__in=list(required))
    short = set(
        cases.filter(Exists(asks_nothing)).exclude(Exists(held)).order_by().values_list("pk", flat=True)
    )
    # A VALUES row per (item, entry): a catalog of a few thousand items stays well inside the parameter limits
    # of both databases (SQLite 32,766, PostgreSQL 65,535).
    pairs = [(item_id, entry) for item_id, (_code, entries) in required.items() for entry in entries]
    if not pairs:
        return short
    qn = connection.ops.quote_name
    scope, scope_params = cases.order_by().values("pk").query.sql_with_params()
    cause, evidence = CaseCause._meta.db_table, CaseEvidence._meta.db_table
    sql = (
        f"WITH need (item_id, entry) AS (VALUES {', '.join(['(%s, %s)'] * len(pairs))}) "
        f"SELECT DISTINCT cc.{qn('case_id')} FROM {qn(cause)} cc "
        f"JOIN need n ON n.item_id = cc.{qn('item_id')} "
        f"WHERE cc.{qn('case_id')} IN ({scope}) AND NOT EXISTS ("
        f"SELECT 1 FROM {qn(evidence)} e WHERE e.{qn('case_id')} = cc.{qn('case_id')} "
        f"AND e.{qn('requirement')} = n.entry AND e.{qn('withdrawn_at')} IS NULL)"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [v for pair in pairs for v in pair] + list(scope_params))
        short.update(pk for (pk,) in cur.fetchall())
    return short


def _missing_on(cases, required: dict) -> Iterable[Finding]:
    """The warnings for `cases`: each case's causes in order (the first item asking for a piece of evidence
    names it). Cases share a few combinations of items: what a combination requires is worked out once."""
    items_of: dict[int, list[int]] = defaultdict(list)
    for case_id, item_id in CaseCause.objects.filter(case__in=cases).values_list("case_id", "item_id"):
        items_of[case_id].append(item_id)
    held: dict[int, set[str]] = defaultdict(set)
    for case_id, requirement in (
        CaseEvidence.objects.filter(case__in=cases, withdrawn_at__isnull=True)
        .order_by()
        .values_list("case_id", "requirement")
    ):
        held[case_id].add(requirement)
    wanted: dict[tuple, dict[str, str]] = {}  # items → requirement → item code
    texts: dict[tuple, str] = {}  # missing (requirement, code) pairs → what the warning says
    rows = cases.order_by().values_list("pk", "number", "unit_id", "region_path", "notified_on", "decided_on")
    for pk, number, unit_id, path, notified_on, decided_on in rows:
        items = items_of.get(pk)
        if not items:
            continue
        items = tuple(items)
        needs = wanted.get(items)
        if needs is None:
            needs = wanted[items] = {}
            for item_id in items:
                code, entries = required.get(item_id, ("", ()))
                for entry in entries:
                    needs.setdefault(entry, code)
        has = held.get(pk, ())
        missing = tuple((e, c) for e, c in needs.items() if e not in has)
        nothing = pk not in held
        if not missing and not nothing:
            continue
        step = (
            f"已告知（{notified_on.isoformat()}）"
            if notified_on
            else f"已作出决定（{decided_on.isoformat()}）"
        )
        label = case_label(number, pk)
        if missing:
            detail = texts.get(missing)
            if detail is None:
                names = "、".join(f"{requirement_label(e)}（{c}）" for e, c in missing)
                detail = texts[missing] = f"缺少：{names}。告知前须补齐执法事项证据清单要求的证据。"
            title = f"{label} {step}，缺少证据清单要求的 {len(missing)} 项证据"
        else:
            title = f"{label} {step}，案件没有任何有效证据"
            detail = "违法事实不清、证据不足的，不得给予行政处罚（《行政处罚法》第四十条）。"
        yield Finding(
            key=str(pk),
            title=title,
            detail=detail,
            severity="red",
            unit_id=unit_id,
            region_path=path,
            records=(Record("case", pk, label),),
        )


def find_evidence_withdrawn(params: dict, today: date) -> Iterable[Finding]:
    """Evidence withdrawn (撤回) after another unit had adopted it: an event's evidence another unit took up
    (证据采纳) or linked into its case, or a case's evidence a receiving case adopted on transfer. The unit
    that withdrew answers; the adopters are named."""
    since = today - timedelta(days=params["window_days"])
    adopters: dict[str, list[tuple]] = defaultdict(list)  # key → [(unit name, at, case id, case label)]
    uses = EvidenceUse.objects.filter(
        evidence__withdrawn_at__gte=day_start(since), at__lt=F("evidence__withdrawn_at")
    ).exclude(unit_id=F("evidence__unit_id"))
    for ev_id, unit_name, at in uses.values_list("evidence_id", "unit__name", "at"):
        adopters[f"event:{ev_id}"].append((unit_name, at, None, ""))
    linked = CaseEvidence.objects.filter(
        event_evidence__withdrawn_at__gte=day_start(since),
        added_at__lt=F("event_evidence__withdrawn_at"),
    ).exclude(case__unit_id=F("event_evidence__unit_id"))
    for ev_id, unit_name, at, case_id, number in linked.values_list(
        "event_evidence_id", "case__unit__name", "added_at", "case_id", "case__number"
    ):
        adopters[f"event:{ev_id}"].append((unit_name, at, case_id, case_label(number, case_id)))
    adopted = CaseEvidence.objects.filter(
        adopted_from__withdrawn_at__gte=day_start(since), added_at__lt=F("adopted_from__withdrawn_at")
    )
    for src_id, unit_name, at, case_id, number in adopted.values_list(
        "adopted_from_id", "case__unit__name", "added_at", "case_id", "case__number"
    ):
        adopters[f"case:{src_id}"].append((unit_name, at, case_id, case_label(number, case_id)))
    if not adopters:
        return
    event_ids = [int(k[6:]) for k in adopters if k.startswith("event:")]
    case_ids = [int(k[5:]) for k in adopters if k.startswith("case:")]
    sources = {}
    for pk, desc, unit_id, by_unit, at, reason, event_id, receipt, path in Evidence.objects.filter(
        pk__in=event_ids
    ).values_list(
        "pk", "description", "unit_id", "withdrawn_by__unit_id", "withdrawn_at", "withdraw_reason",
        "event_id", "event__receipt_no", "event__region_path",
    ):  # fmt: skip
        sources[f"event:{pk}"] = (
            desc,
            by_unit or unit_id,
            at,
            reason,
            Record("event", event_id, f"事件 {receipt}"),
            path,
        )
    for pk, desc, unit_id, by_unit, at, reason, case_id, number, path in CaseEvidence.objects.filter(
        pk__in=case_ids
    ).values_list(
        "pk", "description", "case__unit_id", "withdrawn_by__unit_id", "withdrawn_at", "withdraw_reason",
        "case_id", "case__number", "case__region_path",
    ):  # fmt: skip
        sources[f"case:{pk}"] = (
            desc,
            by_unit or unit_id,
            at,
            reason,
            Record("case", case_id, case_label(number, case_id)),
            path,
        )
    for key in sorted(adopters):
        desc, unit_id, withdrawn_at, reason, source, path = sources[key]
        rows = sorted(adopters[key], key=lambda r: (r[1], r[0]))
        names = "、".join(dict.fromkeys(r[0] for r in rows))
        cases = tuple(dict.fromkeys(Record("case", r[2], r[3]) for r in rows if r[2]))
        yield Finding(
            key=key,
            title=f"证据「{desc[:40]}」在 {names} 采纳后被撤回",
            detail=f"撤回时间 {timezone.localtime(withdrawn_at):%Y-%m-%d}；撤回理由：{reason}。采纳单位应重新审查依据该证据作出的处理。",
            severity="red" if cases else "yellow",
            unit_id=unit_id,
            region_path=path or "",
            records=(source, *cases),
        )
