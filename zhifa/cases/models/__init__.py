"""Cases (办案): the case and its parts, evidence, the procedure's records, and the district's calendar."""

from zhifa.cases.models.calendar import FirstViolationItem, Holiday
from zhifa.cases.models.case import (
    Case,
    CaseCause,
    CaseCounter,
    CaseDocument,
    CaseOfficer,
    CaseParty,
    CaseStep,
    UnitCaseSettings,
)
from zhifa.cases.models.evidence import CaseEvidence
from zhifa.cases.models.procedure import (
    CollectiveDiscussion,
    Extension,
    Hearing,
    LegalReview,
    PartyResponse,
    Payment,
    PublicService,
    StudyRecord,
)

__all__ = [
    "Case",
    "CaseCause",
    "CaseCounter",
    "CaseDocument",
    "CaseEvidence",
    "CaseOfficer",
    "CaseParty",
    "CaseStep",
    "CollectiveDiscussion",
    "Extension",
    "FirstViolationItem",
    "Hearing",
    "Holiday",
    "LegalReview",
    "PartyResponse",
    "Payment",
    "PublicService",
    "StudyRecord",
    "UnitCaseSettings",
]
