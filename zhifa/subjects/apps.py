from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "zhifa.subjects"
    label = "subjects"
    verbose_name = "监管对象"

    def ready(self) -> None:
        # The region page (org, below) shows this app's section through org's hook.
        from zhifa.org.sections import register_region_section
        from zhifa.subjects.sections import inspection_objects_section

        register_region_section(inspection_objects_section)
