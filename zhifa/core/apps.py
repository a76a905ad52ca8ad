from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhifa.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from zhifa.core.memo import connect_signals

        connect_signals()
