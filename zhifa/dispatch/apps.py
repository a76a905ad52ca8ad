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
