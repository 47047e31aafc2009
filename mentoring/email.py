"""The one way Tandem sends an email: a text and an HTML template rendered with one context,
through Django's mail backend; links in emails are absolute, built from SITE_URL."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse


def absolute_url(name, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def send_templated_email(template, *, subject, to, context):
    """Render `<template>.txt` and `<template>.html` and send them to one address."""
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()
