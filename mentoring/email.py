"""The one way Tandem sends an email: a text and an HTML template rendered with one context,
through Django's mail backend; links in emails are absolute, built from SITE_URL."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

# Worth a retry: the mail server was busy or unreachable, not the message at fault.
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)


def absolute_url(name, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def send_templated_email(template, *, subject, to, context, headers=None, attachments=(), footer_template=None):
    """Render `<template>.txt` and `<template>.html` and send them to one address.

    `attachments` are (filename, content, mimetype) tuples or MIME parts; `footer_template`
    names a `.txt`/`.html` pair rendered with the same context and added to the end of each part
    (the HTML one just before `</body>`), so a footer that must be in every email of a kind
    (an unsubscribe link) does not depend on each template remembering it.
    """
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    if footer_template:
        text = text.rstrip("\n") + "\n\n" + render_to_string(f"{footer_template}.txt", context)
        html = _insert_before_body_end(html, render_to_string(f"{footer_template}.html", context))
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers)
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        if isinstance(attachment, tuple | list):
            message.attach(*attachment)
        else:
            message.attach(attachment)
    message.send()


def _insert_before_body_end(html, fragment):
    end = html.lower().rfind("</body>")
    return html + fragment if end == -1 else html[:end] + fragment + html[end:]
