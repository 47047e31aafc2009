from django.apps import AppConfig


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "surveys"

    def ready(self):
        from . import notification_kinds

        notification_kinds.register()

        from organizations.demo import register_step

        from .demo import surveys_step

        # Late: it surveys the pairs the mentorships step builds (mentorships loads after surveys).
        register_step(surveys_step, late=1)
