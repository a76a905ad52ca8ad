from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "zhifa.dispatch"
    label = "dispatch"
    verbose_name = "协调指挥"
