"""Link directory records to a user whenever an email of theirs becomes, or signs in, verified."""

from allauth.account.signals import email_confirmed, user_logged_in
from django.dispatch import receiver

from .services import person_link_user


@receiver(user_logged_in)
def link_people_on_login(sender, request, user, **kwargs):
    person_link_user(user=user)


@receiver(email_confirmed)
def link_people_on_email_confirmed(sender, request, email_address, **kwargs):
    person_link_user(user=email_address.user)
