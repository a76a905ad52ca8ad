"""Where a case comes from, as the caller may see it: an inspection finding, a subject's violation, an event,
a case transferred to the caller's unit. A source outside the caller's jurisdiction is a 404."""

from django.http import Http404

from zhifa.cases.selectors import case_get_for_user
from zhifa.dispatch.events.selectors import event_get_for_user
from zhifa.inspections.models import Finding
from zhifa.inspections.records.selectors import inspection_get_for_user
from zhifa.subjects.models import Violation
from zhifa.subjects.selectors import subject_get


def _id(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def source_objects(user, data: dict) -> dict:
    """{"finding", "violation", "event", "transfer_from"} for the ids given (None where not given)."""
    out: dict = {"finding": None, "violation": None, "event": None, "transfer_from": None}
    if pk := _id(data.get("finding")):
        finding = Finding.objects.select_related("inspection", "item").filter(pk=pk).first()
        if finding is None:
            raise Http404("检查结果不存在或不在您的辖区内")
        inspection_get_for_user(user=user, pk=finding.inspection_id)
        out["finding"] = finding
    if pk := _id(data.get("violation")):
        violation = Violation.objects.select_related("item").filter(pk=pk).first()
        if violation is None:
            raise Http404("违法记录不存在或不在您的辖区内")
        subject_get(user=user, pk=violation.subject_id)
        out["violation"] = violation
    if pk := _id(data.get("event")):
        out["event"] = event_get_for_user(user=user, pk=pk)
    if pk := _id(data.get("transfer_from")):
        out["transfer_from"] = case_get_for_user(user=user, pk=pk)
    return out
