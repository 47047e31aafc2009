"""The Celery app. Tasks live in each app's tasks.py and are found by autodiscovery.

Beat schedules live here, in code, so there is exactly one place that says what runs when.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Later issues add their periodic jobs (reminders, nightly rollups) here.
app.conf.beat_schedule = {
    "purge-old-people-imports": {
        "task": "organizations.tasks.purge_old_people_imports_task",
        "schedule": crontab(hour=3, minute=30),
    },
    # Exit dates set in advance arrive overnight: withdraw those people from open programs.
    "withdraw-departed-participants": {
        "task": "programs.tasks.withdraw_departed_task",
        "schedule": crontab(hour=2, minute=15),
    },
    # Self-match programs: people approved or freed during the day get suggestions by morning
    # (after the departed are withdrawn, so nobody who left is suggested).
    "refresh-self-match-suggestions": {
        "task": "matching.tasks.refresh_all_suggestions_task",
        "schedule": crontab(hour=2, minute=45),
    },
    # Pair health moves with the days alone (a cadence missed, a goal going overdue): re-assess nightly.
    "refresh-pair-health": {
        "task": "mentorships.tasks.refresh_pair_health_task",
        "schedule": crontab(hour=3, minute=0),
    },
    # The dashboards' KPI snapshots and impact figures, recomputed while nobody reads them.
    "nightly-kpi-rollups": {
        "task": "reports.tasks.nightly_rollups",
        "schedule": crontab(hour=3, minute=30),
    },
    # Hourly, because "08:00–10:59 on the recipient's clock" comes round once an hour somewhere.
    "send-reminders": {
        "task": "mentorships.tasks.send_reminders_task",
        "schedule": crontab(minute=0),
    },
    # Hourly too: survey waves open and close on the organization's date, and invitations and
    # reminders wait for 08:00–10:59 on each recipient's clock.
    "run-surveys": {
        "task": "surveys.tasks.run_surveys",
        "schedule": crontab(minute=0),
    },
}
