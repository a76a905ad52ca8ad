from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "zhifa.catalog"
    label = "catalog"
    verbose_name = "执法事项清单"

    def ready(self) -> None:
        # The region page (org, below) shows this app's section through org's hook.
        from zhifa.catalog.sections import focus_scenarios_section, hub_layers_section
        from zhifa.org.sections import register_region_section

        register_region_section(focus_scenarios_section)
        register_region_section(hub_layers_section)
