from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "zhifa.dispatch"
    label = "dispatch"
    verbose_name = "协调指挥"

    def ready(self) -> None:
        # Coordination sits above events: its 协同 section joins the event page through this hook.
        from zhifa.dispatch.coordination.context import coordination_context
        from zhifa.dispatch.events.sections import register_event_section

        register_event_section(coordination_context)

        # Long and periodic work for the worker (zhifa.jobs sits below and hears of it only through these).
        from zhifa.dispatch.hotline.services import HOTLINE_JOB, hotline_import_job
        from zhifa.dispatch.sla import sla_scan
        from zhifa.jobs.registry import register_job, register_periodic

        register_job(HOTLINE_JOB, label="12345 工单导入", run=hotline_import_job)
        register_periodic("sla_scan", sla_scan)
