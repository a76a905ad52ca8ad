"""Scoped reads of inspection records (监管一件事): the list, one record, a photo, what finishing changed, and
the new businesses due a guidance visit (执法体检)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case, Max, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone

from zhifa.inspections.choices import InspectionKind, InspectionStatus
from zhifa.inspections.draws.picks import draw_outcome
from zhifa.inspections.models import Inspection, InspectionPhoto
from zhifa.org.models import Officer
from zhifa.org.scope import get_in_scope_or_404, scope_for
from zhifa.subjects.choices import SubjectStatus
from zhifa.subjects.models import Subject

GUIDANCE_LOOKBACK_DAYS = 90  # how long an unvisited new business stays on the due list after its due date
NOT_FOUND = "记录不存在或不在您的辖区内"


# --- reads --------------------------------------------------------------------------------------------------


def inspection_list_for_user(*, user) -> QuerySet[Inspection]:
    return scope_for(user).filter(Inspection.objects.select_related("subject", "created_by"), "region_path")


def inspection_get_for_user(*, user, pk: int) -> Inspection:
    qs = Inspection.objects.select_related(
        "subject", "subject__subdistrict", "plan_visit", "request", "draw", "event", "created_by"
    ).defer("subject__subdistrict__geometry")
    return get_in_scope_or_404(qs, scope_for(user), "region_path", pk=pk)


def inspection_photo_get_for_user(*, user, pk: int) -> InspectionPhoto:
    photo = InspectionPhoto.objects.select_related("inspection").filter(pk=pk).first()
    if photo is None or not scope_for(user).covers_path(photo.inspection.region_path):
        raise Http404(NOT_FOUND)
    return photo


def inspection_outcome(inspection: Inspection) -> dict:
    """What finishing changed, as the finish audit record kept it (colour before and after, event)."""
    from zhifa.audit.models import AuditRecord

    record = (
        AuditRecord.objects.filter(
            action="inspections.inspection_finish",
            object_type="inspections.inspection",
            object_id=str(inspection.pk),
        )
        .order_by("-seq")
        .values_list("after", flat=True)
        .first()
    )
    return record or {}


# --- guidance visits due (执法体检) ---------------------------------------------------------------------------


@dataclass
class GuidanceDue:
    subject: Subject
    due_on: date
    overdue: bool
    open_inspection_id: int | None


def guidance_due(*, user, today: date | None = None) -> list[GuidanceDue]:
    """New businesses due a guidance visit: opened_on + ZHIFA_GUIDANCE_VISIT_DAYS is the due date; those
    whose due date is no more than 90 days past, active, in the user's jurisdiction, with no finished guidance
    visit. Overdue first, then by due date. A visit already started is shown so it can be continued."""
    today = today or timezone.localdate()
    days = settings.ZHIFA_GUIDANCE_VISIT_DAYS
    earliest_opening = today - timedelta(days=GUIDANCE_LOOKBACK_DAYS + days)
    done = Inspection.objects.filter(kind=InspectionKind.GUIDANCE, status=InspectionStatus.FINISHED)
    qs = (
        scope_for(user)
        .filter(Subject.objects.filter(status=SubjectStatus.ACTIVE), "region_path")
        .filter(opened_on__gte=earliest_opening, opened_on__lte=today)
        .exclude(pk__in=done.values("subject_id"))
        .select_related("subdistrict", "grid")
        .defer("subdistrict__geometry", "grid__geometry")
        .order_by("opened_on", "id")
    )
    subjects = list(qs)
    open_ones = dict(
        Inspection.objects.filter(
            subject_id__in=[s.pk for s in subjects],
            kind=InspectionKind.GUIDANCE,
            status=InspectionStatus.OPEN,
        ).values_list("subject_id", "id")
    )
    rows = []
    for s in subjects:
        due = s.opened_on + timedelta(days=days)
        rows.append(GuidanceDue(s, due, due < today, open_ones.get(s.pk)))
    rows.sort(key=lambda r: (not r.overdue, r.due_on, r.subject.pk))
    return rows


def last_finished_inspections(subject_ids) -> dict[int, date]:
    """The day of each subject's last finished inspection (the risk factor "time since last inspection")."""
    return dict(
        Inspection.objects.filter(subject_id__in=list(subject_ids), status=InspectionStatus.FINISHED)
        .values_list("subject_id")
        .annotate(last=Max("visited_on"))
        .order_by()
    )


# --- who may join a visit -----------------------------------------------------------------------------------

OFFICER_SEARCH_LIMIT = 20


def _place_prefixes(region_path: str) -> list[str]:
    """ "/a/b/c/" → ["/a/", "/a/b/", "/a/b/c/"]: the paths of every region holding the place."""
    codes = [c for c in (region_path or "").split("/") if c]
    return ["/" + "/".join(codes[: n + 1]) + "/" for n in range(len(codes))]


def officers_for_visit(*, user, subject: Subject, q: str = "", draw=None, exclude=()) -> list[Officer]:
    """添加检查人员 — active officers the start service accepts for a visit to ``subject`` (a district team's,
    or the team's of the subject's subdistrict or functional area — ``permissions.serves_place`` — or the
    draw's inspectors of that subject), matching a part of the name or certificate number, local teams first."""
    if not scope_for(user).covers_path(subject.region_path):
        raise Http404("监管对象不存在或不在您的辖区内")
    q = (q or "").strip()[:40]
    if not q:
        return []
    allowed = Q(team__region__parent__isnull=True) | Q(
        team__region__path__in=_place_prefixes(subject.region_path)
    )
    if draw is not None:
        pick = draw_outcome(draw.record).pick_for(subject.pk)
        if pick is not None:
            allowed |= Q(pk__in=list(pick.officer_ids))
    found = (
        Officer.objects.filter(allowed, active=True)
        .filter(Q(name__icontains=q) | Q(certificate_no__icontains=q))
        .exclude(pk__in=[int(i) for i in exclude])
        .select_related("team", "team__region")
        .prefetch_related("qualified_domains")
        .annotate(far=Case(When(team__region__parent__isnull=True, then=1), default=0))
        .order_by("far", "name", "pk")
    )
    return list(found[:OFFICER_SEARCH_LIMIT])
