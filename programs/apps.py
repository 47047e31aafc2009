from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"

    def ready(self):
        from organizations.demo import register_step

        from . import signals  # noqa: F401
        from .demo import programs_step

        register_step(programs_step)
