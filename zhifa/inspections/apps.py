from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "zhifa.inspections"
    label = "inspections"
    verbose_name = "检查与执法计划"

    def ready(self) -> None:
        # Risk sits below inspections: it reads inspection dates through a reader registered here.
        from zhifa.inspections.records.selectors import last_finished_inspections
        from zhifa.risk.sources import register_last_inspections

        register_last_inspections(last_finished_inspections)
