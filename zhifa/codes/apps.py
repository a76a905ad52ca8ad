from django.apps import AppConfig


class CodesConfig(AppConfig):
    name = "zhifa.codes"
    label = "codes"
    verbose_name = "行政行为码"

    def ready(self) -> None:
        # Codes sit above cases, inspections and core's PDF rendering: they join in through the hooks those publish.
        from zhifa.cases.hooks import register_document_qr, register_party_action_listener
        from zhifa.codes import checks  # noqa: F401 (system checks)
        from zhifa.codes.pdfsign import pdf_signer
        from zhifa.codes.sections import record_code_section
        from zhifa.codes.services import (
            code_issue_for_case_action,
            code_issue_for_inspection,
            code_qr_for_document,
        )
        from zhifa.core.pdf import register_pdf_signer
        from zhifa.inspections.records.hooks import register_code_issuer, register_record_section

        register_code_issuer(code_issue_for_inspection)
        register_record_section(record_code_section)
        register_pdf_signer(pdf_signer)
        register_party_action_listener(code_issue_for_case_action)
        register_document_qr(code_qr_for_document)
