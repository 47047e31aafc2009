from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"

    def ready(self):
        from . import notification_kinds

        notification_kinds.register()

        from organizations.demo import register_step

        from .demo import matching_step

        register_step(matching_step)
