from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "zhifa.risk"
    label = "risk"
    verbose_name = "风险赋码"

    def ready(self) -> None:
        from zhifa.jobs.registry import register_job, register_periodic
        from zhifa.risk.services import RECOMPUTE_JOB, risk_recompute_all, risk_recompute_job

        register_job(RECOMPUTE_JOB, label="三色赋码全部重算", run=risk_recompute_job)
        register_periodic("risk_recompute", lambda: risk_recompute_all().subjects)
