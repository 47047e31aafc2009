from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"

    def ready(self):
        from organizations.demo import register_step

        from .demo import reports_step

        # Late, after the surveys step (late=1): it reads everything the other steps built.
        register_step(reports_step, late=2)
