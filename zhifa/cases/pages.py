"""What the case pages show, assembled from the selectors: clocks as people read them, the next actions with
their forms, the evidence checklist, the timeline; the 立案 form prefilled from its source; the phone page."""

from __future__ import annotations

from django.db.models import Q

from zhifa.cases import selectors as sel
from zhifa.cases.actions import allowed_actions
from zhifa.cases.choices import Circumstance, EvidenceKind, Outcome, PartyKind, PenaltyKind, Source
from zhifa.cases.forms import ACTION_FORMS, CaseOpenForm
from zhifa.cases.services import gates
from zhifa.cases.services.execution import outstanding
from zhifa.catalog.choices import ItemStatus
from zhifa.catalog.models import EnforcementItem, band_for
from zhifa.dispatch.coordination.selectors import evidence_for_event
from zhifa.org.models import Officer
from zhifa.org.scope import scope_for
from zhifa.subjects.selectors import subject_get

STEP_LABELS = {
    "open": "立案",
    "decline": "不予立案",
    "investigate": "开始调查",
    "correction": "记录改正情况",
    "inquiry": "询问笔录",
    "notify": "告知",
    "respond": "当事人意见",
    "study": "以学代罚学习",
    "hearing_schedule": "通知听证",
    "hearing_record": "听证",
    "review_submit": "送法制审核",
    "review_record": "法制审核",
    "discussion": "集体讨论",
    "extend": "延长办案期限",
    "decide": "作出决定",
    "decide_on_spot": "当场处罚",
    "serve": "送达",
    "payment": "缴款",
    "public_service": "公益服务确认",
    "enforcement": "申请强制执行",
    "publish": "公示",
    "credit_guide": "信用修复告知",
    "close": "结案",
    "withdraw": "撤销立案",
    "transfer": "移送",
    "evidence_link": "添加证据",
    "evidence_upload": "上传证据",
    "evidence_withdraw": "撤回证据",
}
PARTY_ROWS = 3
KIND_LABELS = dict(PenaltyKind.choices)


def clock_text(clock) -> str:
    if clock.state == "running":
        return "今日到期" if clock.days_left == 0 else f"剩 {clock.days_left} 天"
    if clock.state == "overdue":
        return f"已超期 {-clock.days_left} 天"
    if clock.state == "met":
        return "按期完成"
    if clock.state == "late":
        return f"逾期 {-clock.days_left} 天完成"
    return "已结束"


def _evidence_sources(user, case) -> list[tuple[str, str]]:
    """Files the case can link: its event's evidence the user may see, its inspection's photos."""
    out = []
    if case.event_id:
        for e in evidence_for_event(user=user, event=case.event):
            if not e.withdrawn:
                out.append((f"event:{e.pk}", f"事件证据：{e.description[:30]}（{e.unit.name}）"))
    if case.inspection_id:
        for p in case.inspection.photos.all():
            out.append((f"photo:{p.pk}", f"检查照片：{p.original_name}（{p.uploaded_at:%m-%d %H:%M}）"))
    return out


def action_form_kwargs(name: str, case, user, required: list[dict] | None = None) -> dict:
    """Each action's form has its own ids (several forms share a page) and the choices it offers."""
    kwargs: dict = {"auto_id": f"id_{name}_%s"}
    if name in ("evidence", "evidence_upload"):
        required = gates.required_evidence(case) if required is None else required
        kwargs["requirements"] = list(dict.fromkeys(r["requirement"] for r in required))
    if name == "evidence":
        kwargs["sources"] = _evidence_sources(user, case)
    if name == "transfer":
        kwargs["units"] = sel.transfer_units()
    return kwargs


def case_page_context(request, case, failed=None) -> dict:
    """The case page; `failed` = (action name, bound form, ServiceError) after a refusal."""
    user, today = request.user, sel.today()
    clocks = sel.case_clocks_of(case, today)
    required = gates.required_evidence(case)
    actions = []
    for n, a in enumerate(allowed_actions(user, case)):
        refused = failed is not None and failed[0] == a.name
        form = (
            failed[1] if refused else ACTION_FORMS[a.name](**action_form_kwargs(a.name, case, user, required))
        )
        # Open: the form that was refused, else the one step the case waits for.
        actions.append(
            {"action": a, "form": form, "open": refused or (n == 0 and a.primary and failed is None)}
        )
    causes = list(case.causes.all())
    # The bands that apply to each cause's party (公民 / 单位), as the gates pick them.
    bands = {
        c.pk: [b for b in c.item.bands.all() if not b.party or not c.party_id or b.party == c.party.kind]
        for c in causes
    }
    payable, owed = outstanding(case, today) if case.served_on else (case.fine_payable, 0)
    return {
        "active_nav": "cases",
        "case": case,
        "clocks": [{"clock": c, "text": clock_text(c)} for c in clocks],
        "deadlines": sel.case_deadlines(case, clocks),
        "parties": list(case.parties.all()),
        "causes": [
            {
                "cause": c,
                "bands": bands[c.pk],
                "proposed": "、".join(KIND_LABELS.get(k, k) for k in c.proposed_kinds),
                "decided": "、".join(KIND_LABELS.get(k, k) for k in c.decided_kinds),
            }
            for c in causes
        ],
        "officers": list(case.case_officers.all()),
        "evidence": sel.case_evidence(case),
        "required": required,
        "documents": sel.case_documents(case),
        "timeline": [
            {"step": s, "label": STEP_LABELS.get(s.action, s.action)} for s in sel.case_timeline(case)
        ],
        "actions": actions,
        "error": failed[2] if failed else None,
        "circumstances": Circumstance.values,
        "penalty_kinds": PenaltyKind.choices,
        "outcomes": Outcome.choices,
        "evidence_kinds": EvidenceKind.choices,
        "payable": payable,
        "late_fee_owed": owed,
        "read_only": not scope_for(user).can_write,
        "responses": list(case.responses.order_by("received_on", "id")),
        "reviews": list(case.reviews.select_related("reviewer").order_by("created_at")),
        "hearing": getattr(case, "hearing", None),
    }


# --- 立案 -------------------------------------------------------------------------------------------------------


def read_parties(data, subject_id: int | None) -> list[dict]:
    parties = [{"subject": subject_id}] if subject_id else []
    for n in range(PARTY_ROWS):
        row = {
            "kind": data.get(f"party_kind_{n}", ""),
            "name": data.get(f"party_name_{n}", "").strip(),
            "id_number": data.get(f"party_id_number_{n}", "").strip(),
            "uscc": data.get(f"party_uscc_{n}", "").strip(),
            "address": data.get(f"party_address_{n}", "").strip(),
        }
        if row["name"] or row["id_number"] or row["uscc"]:
            parties.append(row)
    return parties


def _handler_officers(user) -> list[Officer]:
    if not user.unit_id:
        return []
    qs = Officer.objects.filter(Q(team_id=user.unit_id) | Q(team__parent_id=user.unit_id), active=True)
    return list(qs.prefetch_related("qualified_domains").order_by("name")[:100])


def new_case_context(request, form, objects, subject_id, errors) -> dict:
    user = request.user
    finding, violation, event, transfer = (
        objects[k] for k in ("finding", "violation", "event", "transfer_from")
    )
    subject = subject_get(user=user, pk=subject_id) if subject_id else None
    items, facts, found = [], "", None
    if finding is not None:
        subject = subject or finding.inspection.subject
        items, facts, found = [finding.item.code], finding.note, finding.inspection.visited_on
    elif violation is not None:
        subject = subject or violation.subject
        items, found = [violation.item.code], violation.found_on
    elif event is not None:
        link = event.subject_links.select_related("subject").first()
        subject = subject or (link.subject if link else None)
        items = [ei.item.code for ei in event.event_items.select_related("item") if ei.confirmed][:3]
        facts, found = event.description, event.received_at.date()
    elif transfer is not None:
        items, facts = [c.item.code for c in transfer.causes.select_related("item")], transfer.facts
    source = (
        Source.INSPECTION
        if finding or violation
        else Source.EVENT
        if event
        else Source.TRANSFER
        if transfer
        else Source.MANUAL
    )
    if not form.is_bound:
        form = CaseOpenForm(
            initial={
                "items": " ".join(dict.fromkeys(items)),
                "facts": facts,
                "discovered_on": found,
                "conduct_ended_on": found,
                "lead": getattr(user, "officer_id", "") or "",
            }
        )
    active_items = EnforcementItem.objects.filter(status=ItemStatus.ACTIVE).order_by("code")
    return {
        "active_nav": "cases",
        "form": form,
        "errors": errors,
        "source": source,
        "objects": objects,
        "subject": subject,
        "subject_id": subject_id or (subject.pk if subject else None),
        "officers": _handler_officers(user),
        "chosen": [str(o) for o in (request.POST.getlist("officers") if request.method == "POST" else [])],
        "item_options": list(active_items.values_list("code", "name")[:2000]),
        "party_rows": range(PARTY_ROWS),
        "posted": request.POST,
    }


def on_spot_context(request, form, errors) -> dict:
    user = request.user
    items = (
        EnforcementItem.objects.filter(status=ItemStatus.ACTIVE, kind="行政处罚")
        .filter(Q(delegated=True) | Q(domain_id=getattr(user.unit, "domain_id", None)))
        .prefetch_related("bands")
        .order_by("code")
    )
    # Per item, per kind of party, per 情节: the band the service will hold the fine to (band_for).
    bands = {
        i.code: {
            kind: {
                level: [str(b.min_fine), str(b.max_fine)]
                for level in Circumstance.values
                if (b := band_for(i.bands.all(), level, kind)) is not None
            }
            for kind in PartyKind.values
        }
        for i in items
        if i.bands.all()
    }
    partners = [o for o in _handler_officers(user) if o.pk != getattr(user, "officer_id", None)]
    return {
        "active_nav": "cases",
        "form": form,
        "errors": errors,
        "items": [(i.code, i.name) for i in items],
        "bands": bands,
        "partners": partners,
        "me": getattr(user, "officer", None),
    }
