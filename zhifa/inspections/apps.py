from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "zhifa.inspections"
    label = "inspections"
    verbose_name = "检查与执法计划"

    def ready(self) -> None:
        # Risk sits below inspections: it reads inspection dates through a reader registered here.
        from zhifa.inspections.plans.jobs import PLAN_JOB, joint_plan_job
        from zhifa.inspections.records.selectors import last_finished_inspections
        from zhifa.jobs.registry import register_job
        from zhifa.risk.sources import register_last_inspections

        register_last_inspections(last_finished_inspections)
        register_job(PLAN_JOB, label="编制综合查一次计划", run=joint_plan_job)
