from django.apps import AppConfig


class MentorshipsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mentorships"

    def ready(self):
        from . import notification_kinds

        notification_kinds.register()

        from organizations.demo import register_step

        from .demo import mentorships_step
        from .resources_demo import resources_step

        register_step(resources_step)
        # After the matching step (apps register in INSTALLED_APPS order): it publishes a match.
        register_step(mentorships_step)
