"""Case actions (writes), one function per action: `case_<verb>(*, case, …, by)`."""

from zhifa.cases.services.deadlines import case_deadlines_refresh
from zhifa.cases.services.decision import case_decide, case_decide_on_spot
from zhifa.cases.services.evidence import (
    case_evidence_link,
    case_evidence_upload,
    case_evidence_withdraw,
    case_inquiry_record,
)
from zhifa.cases.services.execution import (
    case_close,
    case_credit_guide,
    case_enforcement_apply,
    case_payment_record,
    case_public_service_confirm,
    case_publish,
    case_serve,
)
from zhifa.cases.services.opening import case_decline, case_open
from zhifa.cases.services.procedure import (
    case_correction_record,
    case_discussion_record,
    case_extend,
    case_hearing_record,
    case_hearing_schedule,
    case_investigate,
    case_notify,
    case_respond,
    case_review_record,
    case_review_submit,
    case_study_record,
    case_transfer,
    case_withdraw,
)

__all__ = [
    "case_close",
    "case_correction_record",
    "case_credit_guide",
    "case_deadlines_refresh",
    "case_decide",
    "case_decide_on_spot",
    "case_decline",
    "case_discussion_record",
    "case_enforcement_apply",
    "case_evidence_link",
    "case_evidence_upload",
    "case_evidence_withdraw",
    "case_inquiry_record",
    "case_extend",
    "case_hearing_record",
    "case_hearing_schedule",
    "case_investigate",
    "case_notify",
    "case_open",
    "case_payment_record",
    "case_public_service_confirm",
    "case_publish",
    "case_respond",
    "case_review_record",
    "case_review_submit",
    "case_serve",
    "case_study_record",
    "case_transfer",
    "case_withdraw",
]
