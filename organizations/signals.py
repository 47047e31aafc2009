"""Keep directory records linked to the right account whenever a user's verified addresses change."""

from allauth.account.signals import email_changed, email_confirmed, email_removed, user_logged_in
from django.dispatch import receiver

from .services import person_link_user


@receiver(user_logged_in)
def relink_on_login(sender, request, user, **kwargs):
    person_link_user(user=user)


@receiver(email_confirmed)
def relink_on_email_confirmed(sender, request, email_address, **kwargs):
    person_link_user(user=email_address.user)


@receiver(email_removed)
@receiver(email_changed)
def relink_on_email_change(sender, request, user, **kwargs):
    person_link_user(user=user)
