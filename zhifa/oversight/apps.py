from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "zhifa.oversight"
    label = "oversight"
    verbose_name = "执法监督"

    def ready(self) -> None:
        from zhifa.jobs.registry import register_job, register_periodic
        from zhifa.oversight.jobs import (
            REPORT_JOB,
            SCAN_JOB,
            monthly_report_job,
            oversight_periodic,
            oversight_scan_job,
        )

        register_job(SCAN_JOB, label="执法监督预警扫描", run=oversight_scan_job)
        register_job(REPORT_JOB, label="执法监督月度报告（xlsx + PDF）", run=monthly_report_job)
        register_periodic("oversight_scan", oversight_periodic)
