"""Demo case evidence (证据): each case past its investigation holds the evidence its items' list asks for
(询问笔录, 现场照片, 检测报告 …), collected by the case's officers between the investigation and the notice and
written by the case evidence store (zhifa.cases: the upload check from the file's bytes, its SHA-256, the
file under the evidence folder); a case still investigating holds part of it. A few cases lack one piece —
imported or pushed past the gate — which is what oversight's evidence_missing model then finds; their count is
the data's.

The files are tiny and deterministic: a grey photo with the date and time stamped, a one-page PDF standing for
the signed record (zhifa.demo.files). From its own random stream, after the cases; bulk inserts, each
file written once, each piece a step in its case's history as the upload service records it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from zhifa.audit.services import audit_record
from zhifa.cases.choices import DocumentKind, EvidenceKind, OfficerRole, Procedure, Stage
from zhifa.cases.evidence_kinds import requirement_kind, requirement_label
from zhifa.cases.models import Case, CaseCause, CaseDocument, CaseEvidence, CaseOfficer, CaseStep
from zhifa.cases.services.evidence import store_upload
from zhifa.demo import asof
from zhifa.demo.files import one_page_pdf, stamped_photo
from zhifa.dispatch.coordination.services import evidence_file_check

MISSING_ONE = 0.03  # cases past investigation that lack one piece of their list
PARTIAL = 0.6  # each piece a case still investigating (or ended early) has already collected
PICTURES = (EvidenceKind.AUDIOVISUAL, EvidenceKind.PHYSICAL)
# Without a list the case still needs one piece (行政处罚法 第四十条): the site inspection record.
NO_LIST = "现场检查笔录"
PAST_INVESTIGATION = ("notify", "decide")
ENDED_EARLY = ("withdraw", "transfer")


def _evidence_file(case: Case, entry: str, kind: str, at: datetime, n: int) -> ContentFile:
    label = requirement_label(entry)
    local = timezone.localtime(at, asof.TZ)
    title = f"{label}（{case.number}，演示数据）"
    if kind in PICTURES:
        data = stamped_photo(f"{local:%Y-%m-%d %H:%M}", shade=case.pk + n, note=title)
        return ContentFile(data, name=f"{label}.png")
    lines = [
        "ZHIFA DEMO DISTRICT - synthetic evidence, not a real record",
        f"case id {case.pk}, piece {n + 1}",
        f"collected {local:%Y-%m-%d %H:%M} (Asia/Shanghai)",
    ]
    return ContentFile(one_page_pdf(title, lines), name=f"{label}.pdf")


def _stage_at(steps: list[tuple], at: datetime) -> str:
    stage = ""
    for when, _action, to in steps:
        if when > at:
            break
        stage = to or stage
    return stage


def build_case_evidence(*, seed: int, by) -> dict[str, int]:
    rng = random.Random(f"zhifa-demo-case-evidence-{seed}")
    cases = list(
        Case.objects.exclude(procedure=Procedure.SIMPLE)
        .exclude(stage=Stage.NOT_FILED)
        .select_related("unit", "created_by__unit")
        .order_by("id")
    )
    steps: dict[int, list[tuple]] = defaultdict(list)
    for case_id, at, action, to in CaseStep.objects.filter(case__in=cases).values_list(
        "case_id", "at", "action", "to_stage"
    ):
        steps[case_id].append((at, action, to))
    wanted: dict[int, list[str]] = defaultdict(list)
    for case_id, entries in (
        CaseCause.objects.filter(case__in=cases)
        .order_by("case_id", "id")
        .values_list("case_id", "item__required_evidence")
    ):
        wanted[case_id] += [e for e in entries or [] if e not in wanted[case_id]]
    lead = dict(
        CaseOfficer.objects.filter(case__in=cases, role=OfficerRole.LEAD).values_list(
            "case_id", "officer__name"
        )
    )
    end_of_demo = asof.as_of() - timedelta(hours=8)  # the evening before the demo's day
    rows, history, versions, short, transfers = [], [], [], 0, {}
    for case in cases:
        history_of = sorted(steps.get(case.pk, ()), key=lambda s: s[0])
        start = next((at for at, action, _to in history_of if action == "investigate"), None)
        if start is None:
            continue
        done = next((at for at, action, _to in history_of if action in PAST_INVESTIGATION), None)
        ended = next((at for at, action, _to in history_of if action in ENDED_EARLY), None)
        entries = list(wanted.get(case.pk) or [NO_LIST])
        if done is not None:
            end = done
            if len(entries) > 1 and rng.random() < MISSING_ONE:
                entries.pop(rng.randrange(len(entries)))
                short += 1
        else:
            end = ended or end_of_demo
            entries = [e for e in entries if rng.random() < PARTIAL]
        if not entries:
            continue
        # Between the investigation's start and the notice: collected, then registered within half an hour.
        end = max(end, start + timedelta(minutes=2))
        span = (end - start).total_seconds()
        moments = sorted(start + timedelta(seconds=span * (0.05 + 0.85 * rng.random())) for _ in entries)
        collector = lead.get(case.pk) or str(case.created_by)
        added_by = case.created_by
        for n, (entry, collected) in enumerate(zip(entries, moments, strict=True)):
            collected = collected.replace(microsecond=0)
            added = (
                collected + max(timedelta(seconds=1), min(timedelta(minutes=30), (end - collected) / 2))
            ).replace(microsecond=0)
            kind = requirement_kind(entry)
            file = _evidence_file(case, entry, kind, collected, n)
            label = requirement_label(entry)
            row = store_upload(
                case=case,
                file=file,
                checked=evidence_file_check(file),
                kind=kind,
                requirement=entry if entry in wanted.get(case.pk, ()) else "",
                description=f"{label}：{collector}等执法人员于{timezone.localtime(collected, asof.TZ):%Y年%m月%d日}收集",
                collector_name=collector[:50],
                collected_at=collected,
                device="执法记录仪" if kind in PICTURES else "",
                place=case.place,
                by=added_by,
                now=added,
            )
            row.source_unit = case.unit  # the case's own officers collected it, whoever registered it
            rows.append(row)
            history.append(
                CaseStep(
                    case=case,
                    at=added,
                    by=added_by,
                    action="evidence_upload",
                    from_stage=_stage_at(history_of, added),
                    to_stage="",
                    note=f"{row.get_kind_display()}：{row.description[:60]}",
                )
            )
        case.version += len(entries)
        versions.append(case)
        if ended is not None:
            transfers[case.pk] = len(entries)
    CaseEvidence.objects.bulk_create(rows, batch_size=500)
    CaseStep.objects.bulk_create(history, batch_size=500)
    Case.objects.bulk_update(versions, ["version"], batch_size=500)
    # A transfer's letter counts the evidence sent along with the case.
    letters = list(CaseDocument.objects.filter(case_id__in=transfers, kind=DocumentKind.TRANSFER))
    for letter in letters:
        letter.data = {**letter.data, "evidence": transfers[letter.case_id]}
    CaseDocument.objects.bulk_update(letters, ["data"])
    counts = {
        "case_evidence": len(rows),
        "cases_with_evidence": len(versions),
        "cases_short_one_piece": short,
        "case_steps": CaseStep.objects.count(),  # the walk's steps and the evidence's
    }
    audit_record(
        actor=by,
        action="demo.case_evidence_build",
        object_type="demo",
        object_id=str(seed),
        object_repr=f"演示案件证据 seed={seed}",
        after=counts,
    )
    return counts
