"""Enforcement documents (执法文书): the contract of each document's data, checked before rendering.

The cases app fills a document's dataclass (or a plain dict of the same shape); `document_build` refuses a
missing or mistyped field by its name, and `document_data` turns the document into the JSON its template
reads. Everything here is generic: no app is imported, the documents know nothing of models.
"""

from zhifa.core.documents.checking import document_build
from zhifa.core.documents.contracts import (
    DOCUMENTS,
    Agency,
    CaseClosingReport,
    CaseFilingApproval,
    CorrectionOrder,
    DocumentContext,
    DocumentError,
    HearingNotice,
    InquiryRecord,
    NoPenaltyDecision,
    Officer,
    Opinion,
    Party,
    PenaltyDecision,
    PenaltyNotice,
    Person,
    QuestionAnswer,
    RecordForm,
    Row,
    ServedDocument,
    ServiceReceipt,
    SiteInspectionRecord,
    document_register,
)
from zhifa.core.documents.data import date_text, document_data, image_format, yuan_in_words

__all__ = [
    "DOCUMENTS",
    "Agency",
    "CaseClosingReport",
    "CaseFilingApproval",
    "CorrectionOrder",
    "DocumentContext",
    "DocumentError",
    "HearingNotice",
    "InquiryRecord",
    "NoPenaltyDecision",
    "Officer",
    "Opinion",
    "Party",
    "PenaltyDecision",
    "PenaltyNotice",
    "Person",
    "QuestionAnswer",
    "RecordForm",
    "Row",
    "ServedDocument",
    "ServiceReceipt",
    "SiteInspectionRecord",
    "date_text",
    "document_build",
    "document_data",
    "document_register",
    "image_format",
    "yuan_in_words",
]
