"""Isolation-audit graph builder for notifications: an in-app notification of the org's member."""

from organizations.models import Notification, NotificationChannel, NotificationPreference, Role, SentNotification

from .graph import graph_builder


@graph_builder
def notifications_graph(org, users, objects):
    member = users[Role.MEMBER]
    SentNotification.objects.create(
        organization=org, key="audit:goal_due", kind="goal_due", user=member, channel=NotificationChannel.EMAIL
    )
    NotificationPreference.objects.create(
        organization=org, user=member, kind="checkin_due", channel=NotificationChannel.IN_APP
    )
    notification = Notification.objects.create(
        organization=org, user=member, kind="goal_due", title=f"{org.name}: a goal is due", url=f"/o/{org.slug}/"
    )
    return {"notification": notification}
