"""The demo district's year of cases: every stage and outcome, ≈10 % of events, real clocks, numbers that continue."""

import hashlib
from collections import Counter
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db.models import Max

from zhifa.accounts.models import User
from zhifa.audit.models import AuditRecord
from zhifa.audit.services import audit_verify
from zhifa.cases.choices import (
    FINISHED_STAGES,
    DocumentKind,
    EvidenceKind,
    EvidenceOrigin,
    OfficerRole,
    Outcome,
    Procedure,
    Source,
    Stage,
)
from zhifa.cases.config import case_rules, district_calendar
from zhifa.cases.models import (
    Case,
    CaseCounter,
    CaseDocument,
    CaseEvidence,
    CaseStep,
    FirstViolationItem,
    Hearing,
    LegalReview,
)
from zhifa.cases.selectors import CaseFilters, case_list_for_user, evidence_bytes_source
from zhifa.cases.services import case_deadlines_refresh, case_open
from zhifa.cases.services.evidence import case_evidence_upload
from zhifa.cases.services.gates import evidence_problems, required_evidence
from zhifa.cases.services.opening import handled_domain
from zhifa.catalog.choices import ItemKind
from zhifa.catalog.models import EnforcementItem
from zhifa.core.errors import Conflict
from zhifa.demo import asof
from zhifa.demo.events import calendar
from zhifa.dispatch.choices import ResolutionMode
from zhifa.dispatch.coordination.services import evidence_adopt, sniff_file_type
from zhifa.dispatch.models import Event, EventUnit, Evidence, EvidenceUse
from zhifa.engine.deadlines import decision_due
from zhifa.engine.idcard import id_make
from zhifa.org.models import Officer
from zhifa.oversight.models import Alert

pytestmark = pytest.mark.django_db

TODAY = calendar.AS_OF.date()


def test_every_stage_and_outcome_about_a_tenth_of_events(demo_db):
    cases = Case.objects.count()
    assert demo_db.counts["cases"] == cases
    assert 0.09 <= cases / Event.objects.count() <= 0.12
    stages = Counter(Case.objects.values_list("stage", flat=True))
    assert set(stages) == set(Stage.values)
    assert stages[Stage.CLOSED] > cases / 2  # a year on, most cases are closed
    outcomes = Counter(Case.objects.exclude(outcome="").values_list("outcome", flat=True))
    assert set(outcomes) == set(Outcome.values)
    assert outcomes[Outcome.PENALTY] > sum(outcomes.values()) / 2
    sources = Counter(Case.objects.values_list("source", flat=True))
    assert sources[Source.EVENT] > sources[Source.INSPECTION] >= 0.1 * cases
    assert sources[Source.MANUAL] > 0  # on the spot, by the simple procedure
    procedures = Counter(Case.objects.values_list("procedure", flat=True))
    assert procedures[Procedure.SIMPLE] > 0 and procedures[Procedure.FAST] > 0
    assert (
        not Case.objects.filter(procedure=Procedure.SIMPLE)
        .exclude(stage__in=[Stage.SERVED, Stage.EXECUTING, Stage.CLOSED])
        .exists()
    )
    # A few hearings (held, with a report) and legal reviews; every heard case was reviewed before its decision.
    assert Hearing.objects.filter(held=True).count() >= 2
    assert LegalReview.objects.filter(passed=True).count() >= 3
    heard_decided = Case.objects.filter(hearing__held=True, decided_on__isnull=False)
    assert heard_decided.exists()
    assert not heard_decided.filter(reviews__isnull=True).exists()
    # Event cases come from events resolved by enforcement; soft outcomes only from inspections (721 unchanged).
    assert (
        not Case.objects.filter(source=Source.EVENT)
        .exclude(event__resolution_mode=ResolutionMode.ENFORCEMENT)
        .exists()
    )
    assert not Case.objects.filter(
        source=Source.EVENT, outcome__in=[Outcome.NO_PENALTY, Outcome.STUDY]
    ).exists()
    assert FirstViolationItem.objects.count() == demo_db.counts["first_violation_items"] > 0
    first = Case.objects.filter(outcome=Outcome.FIRST_VIOLATION)
    assert not first.exclude(causes__item__first_violation__active=True).exists()
    assert not Case.objects.filter(
        outcome__in=[Outcome.NO_PENALTY, Outcome.FIRST_VIOLATION, Outcome.STUDY], corrected_on=None
    ).exists()
    assert not Case.objects.filter(outcome=Outcome.STUDY, studies__isnull=True).exists()


def test_parties_causes_and_two_qualified_officers(demo_db):
    filed = Case.objects.exclude(stage=Stage.NOT_FILED).prefetch_related(
        "parties", "causes__item", "case_officers__officer__qualified_domains", "case_officers__officer__team"
    )
    for case in filed:
        assert case.parties.count() == 1
        cause = case.causes.get()
        assert cause.legal_basis == cause.item.legal_basis and cause.item.kind == ItemKind.PENALTY
        roles = sorted(co.role for co in case.case_officers.all())
        assert roles == sorted([OfficerRole.LEAD, OfficerRole.ASSIST])
        for co in case.case_officers.all():
            o = co.officer
            assert o.certificate_no and case.unit_id in (o.team_id, o.team.parent_id)
            assert handled_domain(cause.item) in {d.code for d in o.qualified_domains.all()}
    subject_party = Case.objects.filter(source=Source.INSPECTION, parties__subject__isnull=False)
    assert (
        subject_party.count()
        == Case.objects.filter(source=Source.INSPECTION, parties__uscc__gt="").count()
        > 0
    )


def test_deadlines_by_the_real_code_some_overdue_some_due_soon(demo_db):
    # What case_deadlines would compute is what the demo stored: a refresh changes nothing.
    assert case_deadlines_refresh() == 0
    assert not Case.objects.filter(stage__in=FINISHED_STAGES, next_due__isnull=False).exists()
    # Until the decision is served a clock always runs (decision, then service); after it, only while a fine is
    # unpaid, a decision unpublished or public service unconfirmed.
    before_service = [
        Stage.FILED,
        Stage.INVESTIGATING,
        Stage.NOTIFIED,
        Stage.HEARING,
        Stage.REVIEW,
        Stage.DECIDED,
    ]
    assert not Case.objects.filter(stage__in=before_service, next_due__isnull=True).exists()
    assert Case.objects.filter(stage=Stage.SERVED, next_clock="payment").exists()
    command = User.objects.get(username="command")
    overdue = case_list_for_user(user=command, filters=CaseFilters(overdue=True), on=TODAY)
    assert overdue.count() == Case.objects.filter(next_due__lt=TODAY).count() >= 5
    assert overdue.filter(next_clock="decision", stage=Stage.NOTIFIED).exists()  # stalled past its 90 days
    soon = case_list_for_user(user=command, filters=CaseFilters(due_within=7), on=TODAY)
    assert soon.count() >= 1
    assert all(TODAY <= c.next_due <= TODAY + timedelta(days=7) for c in soon)
    # A stalled case's decision clock: 90 days from filing (plus any approved extension); a fast-procedure
    # case's is its working days from filing, if sooner.
    rules, cal = case_rules(), district_calendar()
    for case in overdue.filter(next_clock="decision"):
        fast = case.procedure == Procedure.FAST
        assert case.next_due == decision_due(
            case.filed_on, rules, cal, fast=fast, extension_days=case.extension_days
        )
        assert fast or case.next_due == case.filed_on + timedelta(days=90 + case.extension_days)


def test_documents_steps_and_numbers(demo_db):
    assert CaseStep.objects.count() == demo_db.counts["case_steps"]
    assert CaseDocument.objects.count() == demo_db.counts["case_documents"]
    for case in Case.objects.prefetch_related("steps", "documents"):
        steps = sorted(case.steps.all(), key=lambda s: (s.at, s.id))
        moves = [s for s in steps if s.to_stage]
        assert moves[0].from_stage == "" and moves[-1].to_stage == case.stage, case.number
        kinds = {d.kind for d in case.documents.all()}
        if case.stage != Stage.NOT_FILED:
            assert case.number.endswith(f"立字〔{case.year}〕第{case.serial}号")
            assert DocumentKind.FILING in kinds or case.procedure == Procedure.SIMPLE
        if case.decided_on:
            decision = case.documents.get(
                kind__in=[
                    DocumentKind.DECISION,
                    DocumentKind.NO_PENALTY_DECISION,
                    DocumentKind.ON_SPOT_DECISION,
                ]
            )
            assert decision.number == case.decision_number and "罚决字" in decision.number
    numbered = CaseDocument.objects.exclude(number="")
    assert numbered.values("number").distinct().count() == numbered.count() > 0


def test_next_case_opened_by_hand_gets_the_next_number(demo_db):
    user = User.objects.get(username="jiubao_officer")
    unit, year = user.unit, TODAY.year
    last = Case.objects.filter(unit=unit, year=year).aggregate(m=Max("serial"))["m"]
    assert last and CaseCounter.objects.get(key=f"case:{unit.pk}", year=year).last == last
    item = (
        EnforcementItem.objects.filter(kind=ItemKind.PENALTY, delegated=True, delegated_from__lte=TODAY)
        .order_by("code")
        .first()
    )
    officers = Officer.objects.filter(
        team=unit, active=True, qualified_domains__code="comprehensive"
    ).order_by("certificate_no")[:2]
    case = case_open(
        source=Source.MANUAL,
        parties=[
            {
                "kind": "person",
                "name": "测试某001",
                "id_number": id_make(born=TODAY.replace(year=1990), sequence=7),
            }
        ],
        causes=[{"item": item.code}],
        officers=[o.pk for o in officers],
        facts="演示数据之后手工立案",
        conduct_ended_on=TODAY,
        filed_on=TODAY,
        by=user,
    )
    assert case.serial == last + 1
    assert case.number == f"{unit.name}立字〔{year}〕第{last + 1}号"


def test_audit_chain_still_verifies(demo_db):
    record = AuditRecord.objects.get(action="demo.cases_build")
    assert record.after["cases"] == demo_db.counts["cases"]
    assert audit_verify().problems == []


@pytest.mark.django_db
def test_a_year_of_training_and_case_reviews_linked_to_cases(demo_db):
    """Item 5 of the oversight issue: the reference district held 40 and more sessions a year."""
    from zhifa.oversight.choices import TrainingKind
    from zhifa.oversight.models import Training
    from zhifa.oversight.training.selectors import training_counts_by_year, training_list_for_user

    trainings = Training.objects.all()
    assert trainings.count() >= 40
    kinds = Counter(trainings.values_list("kind", flat=True))
    assert all(kinds[k] for k in TrainingKind.values)
    for t in trainings.filter(kind__in=[TrainingKind.DISCUSSION, TrainingKind.FILE_REVIEW]).prefetch_related(
        "cases", "participants"
    ):
        assert t.cases.exists() and t.participants.exists()
        assert all(c.filed_on <= t.held_on for c in t.cases.all())
        if t.kind == TrainingKind.DISCUSSION:  # a subdistrict team's discussion: its own cases
            assert all(c.region_path.startswith(t.region_path) for c in t.cases.all())
    oversight = User.objects.get(username="oversight")
    assert sum(y["total"] for y in training_counts_by_year(training_list_for_user(user=oversight))) == len(
        trainings
    )
    nanxing = User.objects.get(username="nanxing_cmd")
    assert 0 < training_list_for_user(user=nanxing).count() < trainings.count()


# --- evidence ----------------------------------------------------------------------------------------------------


def _missing(case) -> list[str]:
    return [r["requirement"] for r in required_evidence(case) if not r["present"]]


def test_cases_past_investigation_hold_their_items_evidence(demo_db):
    past = (
        Case.objects.exclude(procedure=Procedure.SIMPLE)
        .exclude(stage__in=(Stage.NOT_FILED, Stage.WITHDRAWN, Stage.TRANSFERRED))
        .filter(steps__action__in=("notify", "decide"))
        .distinct()
    )
    assert past.count() > 300
    short = [c for c in past if _missing(c)]
    # A few lack one piece (what the evidence_missing model is for); the rest hold every piece of their list.
    assert 0 < len(short) <= 0.05 * past.count()
    assert all(len(_missing(c)) == 1 for c in short)
    assert len(short) == demo_db.counts["cases_short_one_piece"]
    assert all(evidence_problems(c) == [] for c in past if c not in short)
    # Collected by the case's own unit between the investigation and the notice (or decision).
    case = next(c for c in past if c not in short and c.evidence.count() >= 2)
    begun = case.steps.get(action="investigate").at
    done = case.steps.filter(action__in=("notify", "decide")).order_by("at").first().at
    for e in case.evidence.all():
        assert begun < e.collected_at < e.added_at <= done
        assert e.source_unit_id == case.unit_id and e.origin == EvidenceOrigin.UPLOAD
    # Each piece is a step of the case's history, as the upload service records it; the version counts it.
    assert case.steps.filter(action="evidence_upload").count() == case.evidence.count()
    assert case.version == case.steps.count()
    # Cases never investigated (不予立案, 当场处罚) hold none.
    assert not CaseEvidence.objects.filter(case__stage=Stage.NOT_FILED).exists()
    assert not CaseEvidence.objects.filter(case__procedure=Procedure.SIMPLE).exists()


def test_evidence_warnings_are_the_cases_short_of_a_piece(demo_db):
    flagged = set()
    for records in Alert.objects.filter(rule__code="evidence_missing").values_list("records", flat=True):
        flagged |= {r["id"] for r in records if r["type"] == "case"}
    assert flagged
    assert all(_missing(Case.objects.get(pk=pk)) for pk in flagged)


def test_evidence_bytes_are_stored_with_their_digest(demo_db):
    rows = list(
        CaseEvidence.objects.order_by("case__number", "id")[:: max(1, CaseEvidence.objects.count() // 40)]
    )
    kinds = Counter()
    for row in rows:
        with evidence_bytes_source(row).open("rb") as fh:
            data = fh.read()
        assert hashlib.sha256(data).hexdigest() == row.sha256 and len(data) == row.size < 4096
        assert sniff_file_type(data[:16]) == (row.content_type, "." + row.content_type.split("/")[1])
        kinds[row.content_type] += 1
    assert kinds["image/png"] and kinds["application/pdf"]
    photo = CaseEvidence.objects.filter(kind=EvidenceKind.AUDIOVISUAL).first()
    assert photo.content_type == "image/png" and photo.device == "执法记录仪"
    # The same file again is refused by the store's own rule (one file once per case).
    with pytest.raises(Conflict, match="该文件已在本案证据中"):
        open_case = (
            Case.objects.filter(stage=Stage.INVESTIGATING, evidence__isnull=False).order_by("number").first()
        )
        piece = open_case.evidence.first()
        with evidence_bytes_source(piece).open("rb") as fh:
            again = ContentFile(fh.read(), name="again.png")
        case_evidence_upload(
            case=open_case,
            file=again,
            kind=piece.kind,
            description="重复上传",
            by=User.objects.get(username="admin"),
        )


def test_shared_evidence_adopted_across_units(demo_db):
    uses = list(EvidenceUse.objects.select_related("evidence", "unit"))
    assert len(uses) >= 10 and len(uses) == demo_db.counts["event_evidence_adopted"]
    for use in uses:
        assert use.unit_id != use.evidence.unit_id
        assert EventUnit.objects.filter(event_id=use.evidence.event_id, unit=use.unit, active=True).exists()
        assert use.evidence.collected_at < use.at < asof.as_of()
    assert AuditRecord.objects.filter(action="dispatch.evidence_adopt").count() == len(uses)
    assert Evidence.objects.count() == demo_db.counts["event_evidence"] > len({u.evidence_id for u in uses})
    first = uses[0]
    with first.evidence.file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == first.evidence.sha256
    # A unit adopts a piece once.
    with pytest.raises(Conflict, match="本单位已采纳该证据"):
        evidence_adopt(evidence=first.evidence, purpose="再次采纳", by=first.by)
