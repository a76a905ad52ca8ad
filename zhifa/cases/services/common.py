"""What every case action shares: who may act, numbers, documents, the timeline, the audit record and the
deadlines kept on the case row. One action = one locked case, one step, one audit record, in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.audit.services import audit_record
from zhifa.cases.choices import FINISHED_STAGES, NUMBERED_DOCUMENTS, Procedure, ResponseKind, Stage
from zhifa.cases.config import case_rules, district_calendar
from zhifa.cases.hooks import party_action
from zhifa.cases.models import Case, CaseCounter, CaseDocument, CaseStep, UnitCaseSettings
from zhifa.core.errors import Conflict, PermissionError_, ServiceError, require_write
from zhifa.core.snapshot import to_jsonable
from zhifa.engine.deadlines import CaseDates, case_clocks, next_due
from zhifa.org.choices import TEAM_KINDS, UnitKind
from zhifa.org.scope import scope_for

# Units that handle cases: the enforcement teams, and the district departments for their own items.
HANDLER_UNIT_KINDS = (*TEAM_KINDS, UnitKind.DEPARTMENT)
MAX_TEXT = 5000
MAX_REASON = 2000


def fail(errors: list[dict], cls=ServiceError) -> None:
    if errors:
        raise cls("；".join(dict.fromkeys(e["message"] for e in errors)), errors)


def refuse(field: str, message: str, cls=ServiceError):
    raise cls(message, [{"field": field, "message": message}])


def text(
    value, field: str, label: str, errors: list[dict], *, required: bool = True, limit: int = MAX_TEXT
) -> str:
    value = (value or "").strip() if isinstance(value, str | type(None)) else str(value).strip()
    if required and not value:
        errors.append({"field": field, "message": f"请填写{label}"})
    elif len(value) > limit:
        errors.append({"field": field, "message": f"{label}不能超过 {limit} 字"})
    return value


def today() -> date:
    return timezone.localdate()


def day_given(
    value, field: str, label: str, errors: list[dict], *, default: date | None = None
) -> date | None:
    """A date that is not in the future (a record of what happened); `default` when none was given."""
    if value is None:
        if default is None:
            errors.append({"field": field, "message": f"请填写{label}"})
        return default
    if not isinstance(value, date):
        errors.append({"field": field, "message": f"{label}格式有误"})
        return None
    if value > today():
        errors.append({"field": field, "message": f"{label}不能晚于今天"})
    return value


# --- who may act ----------------------------------------------------------------------------------------------


def _admin(user) -> bool:
    return user.is_superuser or user.role == Role.ADMIN


def require_handler(case: Case, by) -> None:
    """Writes on a case: the handling unit's people (and the administrator); read-only roles get 403."""
    require_write(scope_for(by))
    if _admin(by) or (by.unit_id is not None and by.unit_id == case.unit_id):
        return
    raise PermissionError_("只有办案单位可以办理该案件")


def require_reviewer(case: Case, by) -> None:
    """法制审核 and approvals: the handling unit, or the district department of the case's domain."""
    require_write(scope_for(by))
    if _admin(by) or (by.unit_id is not None and by.unit_id == case.unit_id):
        return
    unit = by.unit if by.unit_id else None
    if by.role == Role.DEPARTMENT and unit is not None and unit.domain_id == case.domain_id:
        return
    raise PermissionError_("只有办案单位或本领域主管部门可以审核、审批该案件")


def on_case(user, case: Case) -> bool:
    """Whether the user investigates the case: one of its officers, or the person who opened it."""
    if user.pk == case.created_by_id:
        return True
    officer_id = getattr(user, "officer_id", None)
    return officer_id is not None and case.case_officers.filter(officer_id=officer_id).exists()


# --- numbers --------------------------------------------------------------------------------------------------


def unit_prefix(unit) -> str:
    row = UnitCaseSettings.objects.filter(unit=unit).values_list("prefix", flat=True).first()
    return row or unit.name


def next_serial(key: str, year: int) -> int:
    """The next number for (key, year), safe under concurrent callers: the counter row is created if missing
    (INSERT … ON CONFLICT DO NOTHING), then locked and incremented inside the caller's transaction."""
    CaseCounter.objects.bulk_create([CaseCounter(key=key, year=year)], ignore_conflicts=True)
    counter = CaseCounter.objects.select_for_update().get(key=key, year=year)
    CaseCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    return counter.last + 1


def format_number(prefix: str, word: str, year: int, serial: int) -> str:
    return f"{prefix}{word}〔{year}〕第{serial}号"


def case_number(unit, year: int) -> tuple[str, int]:
    serial = next_serial(f"case:{unit.pk}", year)
    return format_number(unit_prefix(unit), NUMBERED_DOCUMENTS["case"], year, serial), serial


def document_number(unit, kind: str, year: int) -> str:
    prefix, word = unit_prefix(unit), NUMBERED_DOCUMENTS[kind]
    # Units sharing a prefix (one agency's teams) share its sequence, so the number stays unique.
    return format_number(prefix, word, year, next_serial(f"doc:{prefix}:{word}", year))


# --- documents, steps, audit ----------------------------------------------------------------------------------


def add_document(case: Case, kind: str, *, by, data: dict, issued_on: date | None = None) -> CaseDocument:
    issued_on = issued_on or today()
    number = document_number(case.unit, kind, issued_on.year) if kind in NUMBERED_DOCUMENTS else ""
    return CaseDocument.objects.create(
        case=case,
        kind=kind,
        number=number,
        issued_on=issued_on,
        by=by if getattr(by, "pk", None) else None,
        data=to_jsonable(data),  # dates and amounts as text: the document's data as it was
        created_at=timezone.now(),
    )


def add_step(
    case: Case, *, action: str, by, frm: str = "", to: str = "", note: str = "", document=None
) -> None:
    CaseStep.objects.create(
        case=case,
        at=timezone.now(),
        by=by if getattr(by, "pk", None) else None,
        action=action,
        from_stage=frm,
        to_stage=to,
        note=note,
        document=document,
    )


@contextmanager
def changing(case: Case, *, by, stages=None, verb: str, reviewer: bool = False) -> Iterator[Case]:
    """Lock the case for one action: who may act is checked, then the stage; yields the fresh row."""
    with transaction.atomic():
        current = Case.objects.select_for_update().select_related("unit", "domain").get(pk=case.pk)
        (require_reviewer if reviewer else require_handler)(current, by)
        if stages is not None and current.stage not in stages:
            raise Conflict(f"案件当前为“{Stage(current.stage).label}”，不能{verb}")
        yield current


def commit(
    case: Case,
    *,
    by,
    action: str,
    frm: str,
    note: str = "",
    document: CaseDocument | None = None,
    after: dict | None = None,
    party: str | None = None,
) -> Case:
    """Save the changed case with its deadlines, append the step, write the audit record, tell listeners."""
    refresh_deadlines(case)
    case.version += 1
    case.save()
    add_step(
        case,
        action=action,
        by=by,
        frm=frm,
        to=case.stage if case.stage != frm else "",
        note=note,
        document=document,
    )
    audit_record(
        actor=by,
        action=f"cases.case_{action}",
        obj=case,
        before={"stage": frm},
        after={
            "stage": case.stage,
            **({"document": document.kind, "number": document.number} if document else {}),
            **(after or {}),
        },
    )
    if party:
        party_action(case, party, document)
    return case


# --- deadlines ------------------------------------------------------------------------------------------------


def case_dates(case: Case) -> CaseDates:
    service = getattr(case, "public_service", None) if case.pk else None
    party_done = case.party_done_on
    return CaseDates(
        procedure=case.procedure,
        filed_on=case.filed_on,
        extension_days=case.extension_days,
        notified_on=case.notified_on,
        party_done_on=party_done,
        decided_on=case.decided_on,
        served_on=case.served_on,
        fine_payable=case.fine_payable,
        paid_on=case.paid_on,
        publish_required=case.publish_required,
        published_on=case.published_on,
        public_service_due=service.due_on if service and not service.failed else None,
        public_service_done_on=service.completed_on if service else None,
        finished=case.stage in FINISHED_STAGES,
    )


def refresh_deadlines(case: Case, *, rules=None, cal=None, on: date | None = None) -> None:
    """Set the case's stored next deadline; a scan over many cases passes the rules, calendar and day once."""
    rules, cal, on = rules or case_rules(), cal or district_calendar(), on or today()
    clock = next_due(case_clocks(case_dates(case), rules, cal, on))
    case.next_due, case.next_clock = (clock.due, clock.kind) if clock else (None, "")


def party_answered(case: Case) -> bool:
    return case.responses.exclude(kind=ResponseKind.CONSENT).exists()


def is_simple(case: Case) -> bool:
    return case.procedure == Procedure.SIMPLE
