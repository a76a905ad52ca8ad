"""Case pages: the list, 立案 from a source, the case page with its clocks and next actions (each a form calling
one service), evidence files and documents through jurisdiction-checked views, and the phone page of the
simple procedure. Reads go through the selectors, writes through `actions.perform` and the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhifa.cases import selectors as sel
from zhifa.cases import services as svc
from zhifa.cases.actions import ACTIONS, perform
from zhifa.cases.choices import Procedure, Stage
from zhifa.cases.files import evidence_response, pdf_response, site_record_response
from zhifa.cases.forms import ACTION_FORMS, CaseOpenForm, OnSpotForm, penalties_from_post
from zhifa.cases.pages import (
    action_form_kwargs,
    case_page_context,
    new_case_context,
    on_spot_context,
    read_parties,
)
from zhifa.cases.services.opening import HANDLER_UNIT_KINDS
from zhifa.cases.sources import source_objects
from zhifa.core.errors import ServiceError
from zhifa.core.pagination import paginate, query_without_page
from zhifa.core.params import int_or_none
from zhifa.org.scope import scope_for


def _errors_of(err: ServiceError) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in err.errors or [{"field": "", "message": err.message}]:
        out.setdefault(e.get("field") or "", []).append(e.get("message") or err.message)
    return out


@login_required
def case_list(request):
    get = request.GET
    filters = sel.CaseFilters(
        q=get.get("q", ""),
        stage=get.get("stage", ""),
        unit=get.get("unit", ""),
        item=get.get("item", ""),
        procedure=get.get("procedure", ""),
        outcome=get.get("outcome", ""),
        due_within=int_or_none(get.get("due_within")),
        overdue=get.get("overdue") == "1",
    ).cleaned()
    qs = sel.with_summary(sel.case_list_for_user(user=request.user, filters=filters))
    user = request.user
    context = {
        "active_nav": "cases",
        "page": paginate(request, qs),
        "query": query_without_page(request),
        "f": filters,
        "stages": Stage.choices,
        "procedures": Procedure.choices,
        "counts": sel.case_stage_counts(user=user),
        "units": sel.units_with_cases(user=user),
        "today": sel.today(),
        "can_open": scope_for(user).can_write and user.unit_id and user.unit.kind in HANDLER_UNIT_KINDS,
    }
    return render(request, "cases/case_list.html", context)


@login_required
def case_new(request):
    """立案 (or 不予立案) from a finding, a violation, an event, a subject, a transfer, or by hand."""
    source = request.POST if request.method == "POST" else request.GET
    objects = source_objects(request.user, source)
    subject_id = int_or_none(source.get("subject"))
    form = CaseOpenForm(request.POST or None)
    errors, status = {}, 200
    if request.method == "POST" and form.is_valid():
        v, data = form.values(), request.POST
        kind = data.get("source") or "manual"
        if kind == "manual" and data.get("transfer_from_name", "").strip():
            kind = "transfer"  # sent by a body outside the system
        parties = read_parties(data, subject_id)
        try:
            if data.get("action") == "decline":
                made = svc.case_decline(
                    source=kind,
                    facts=v.get("facts", ""),
                    reason=v.get("reason", ""),
                    parties=parties if any(parties) else None,
                    transfer_from_name=data.get("transfer_from_name", ""),
                    **objects,
                    by=request.user,
                )
            else:
                made = svc.case_open(
                    source=kind,
                    parties=parties,
                    causes=[{"item": code} for code in v.get("items", "").replace("，", " ").split()],
                    procedure=v.get("procedure") or Procedure.ORDINARY,
                    officers=[
                        v.get("lead", ""),
                        *[o for o in data.getlist("officers") if o != v.get("lead")],
                    ],
                    facts=v.get("facts", ""),
                    place=v.get("place", ""),
                    conduct_ended_on=v.get("conduct_ended_on"),
                    discovered_on=v.get("discovered_on"),
                    harmed=bool(v.get("harmed")),
                    fast_consent_on=v.get("fast_consent_on"),
                    transfer_from_name=data.get("transfer_from_name", ""),
                    **objects,
                    by=request.user,
                )
        except ServiceError as err:
            errors, status = _errors_of(err), err.status
        else:
            messages.success(request, f"已立案：{made.number}" if made.number else "已记录不予立案")
            return redirect("cases:case_detail", pk=made.pk)
    context = new_case_context(request, form, objects, subject_id, errors)
    return render(request, "cases/case_new.html", context, status=status)


@login_required
def case_detail(request, pk: int):
    case = sel.case_get_for_user(user=request.user, pk=pk)
    return render(request, "cases/case_detail.html", case_page_context(request, case))


@login_required
@require_POST
def case_action(request, pk: int, name: str):
    """One action of the case page: its form is read, its one service called; a refusal shows the page again
    with the message and nothing changed."""
    case = sel.case_get_for_user(user=request.user, pk=pk)
    if name not in ACTIONS:
        raise Http404("没有这项操作")
    form = ACTION_FORMS[name](request.POST, request.FILES, **action_form_kwargs(name, case, request.user))
    try:
        if not form.is_valid():
            message = "；".join(m for ms in form.errors.values() for m in ms)
            raise ServiceError(
                message, [{"field": f, "message": m} for f, ms in form.errors.items() for m in ms]
            )
        values = form.values()
        if name in ("notify", "decide") and request.POST.get("penalties") == "1":
            values["penalties"] = penalties_from_post(request.POST, case.causes.all())
        perform(name, case, values, request.user)
    except ServiceError as err:
        case = sel.case_get_for_user(user=request.user, pk=pk)
        context = case_page_context(request, case, failed=(name, form, err))
        return render(request, "cases/case_detail.html", context, status=err.status)
    messages.success(request, f"{ACTIONS[name].label}：已完成")
    return redirect("cases:case_detail", pk=pk)


@login_required
def evidence_file(request, pk: int, evidence_pk: int):
    """The evidence itself, only for those who may see the case; never from a public media URL."""
    row = sel.case_evidence_get_for_user(user=request.user, case_pk=pk, pk=evidence_pk)
    return evidence_response(row)


@login_required
def document_pdf(request, pk: int, document_pk: int):
    document = sel.case_document_get_for_user(user=request.user, case_pk=pk, pk=document_pk)
    try:
        return pdf_response(document)
    except ServiceError as err:
        context = {"document": document, "message": err.message}
        return render(request, "cases/document_missing.html", context, status=err.status)


@login_required
def site_record_pdf(request, pk: int):
    case = sel.case_get_for_user(user=request.user, pk=pk)
    try:
        return site_record_response(case)
    except ServiceError as err:
        raise Http404(err.message) from None


@login_required
def document_signature(request, pk: int, document_pk: int):
    document = sel.case_document_get_for_user(user=request.user, case_pk=pk, pk=document_pk)
    if not document.signature:
        raise Http404("该文书没有当事人签名")
    response = FileResponse(document.signature.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def on_spot(request):
    """简易程序 on the phone: party, cause, amount within the band, photo, the party's signature."""
    form = OnSpotForm(request.POST or None, request.FILES or None)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise ServiceError("；".join(m for ms in form.errors.values() for m in ms))
            v, officer = form.values(), getattr(request.user, "officer_id", None)
            made = svc.case_decide_on_spot(
                party={
                    "kind": v.get("party_kind", "person"),
                    "name": v.get("party_name", ""),
                    "id_number": v.get("party_id_number", ""),
                    "uscc": v.get("party_uscc", ""),
                },
                item=v.get("item", ""),
                circumstance=v.get("circumstance", ""),
                penalty=v.get("penalty", ""),
                fine=v.get("fine", 0),
                facts=v.get("facts", ""),
                place=v.get("place", ""),
                officers=[o for o in (str(officer or ""), v.get("partner", "")) if o],
                photo=v.get("photo"),
                signature=v.get("signature") or None,
                signature_refused=v.get("signature_refused", ""),
                by=request.user,
            )
        except ServiceError as err:
            errors, status = _errors_of(err), err.status
        else:
            messages.success(request, f"已当场处罚，决定书 {made.decision_number}")
            return redirect("cases:case_detail", pk=made.pk)
    return render(request, "cases/on_spot.html", on_spot_context(request, form, errors), status=status)
