"""Notifications: the one way Tandem tells a user something happened (a reminder, an invitation,
a nudge), by email, in the app, or not at all, as the user chose for that kind.

Exactly once: `notify` inserts the send-log row (SentNotification, unique per organization and
key) BEFORE anything goes out, in a savepoint of its own. A second call with the same key (a
redelivered task, a second beat process, a retry) hits the unique constraint and sends nothing.
A worker killed between the insert and the send loses that one message rather than risking a
second copy. Call it after the caller's transaction has committed, never inside one that may
still roll back.

Kinds are registered by the apps that send them (`register_kind`), so the settings page can
list them; sending an unregistered kind is a programming error.
"""

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mentoring.email import TRANSIENT_MAIL_ERRORS, send_templated_email

from .models import Notification, NotificationChannel, NotificationPreference, SentNotification

# kind -> label ("Meeting coming up"), shown on the settings page and the unsubscribe page.
NOTIFICATION_KINDS: dict[str, str] = {}
# kind -> one sentence on when it is sent.
KIND_DESCRIPTIONS: dict[str, str] = {}

DEFAULT_CHANNEL = NotificationChannel.EMAIL
GENERIC_EMAIL_TEMPLATE = "emails/notifications/generic"
UNSUBSCRIBE_FOOTER_TEMPLATE = "emails/notifications/_unsubscribe"
UNSUBSCRIBE_SALT = "tandem.notifications.unsubscribe"
SENT_KEYS_CHUNK = 5000  # keys per IN list: large enough to be few queries, small enough for any database


def register_kind(kind: str, label: str, description: str = "") -> None:
    """Make a kind known; registering it again (an app reloaded) replaces its label."""
    if len(kind) > 40:
        raise ValueError(f"notification kind {kind!r} is longer than 40 characters")
    NOTIFICATION_KINDS[kind] = label
    KIND_DESCRIPTIONS[kind] = description


def kind_label(kind: str) -> str:
    return NOTIFICATION_KINDS.get(kind, kind.replace("_", " ").capitalize())


UNREAD_CACHE_SECONDS = 300


def _unread_key(organization, user) -> str:
    org_id = organization if isinstance(organization, int) else organization.pk
    return f"notifications:unread:{org_id}:{user.pk}"


def unread_count(*, organization, user) -> int:
    """The bell's number. Cached (every page shows it), and forgotten whenever a notification is
    created or read, so page query counts do not grow with the bell."""
    key = _unread_key(organization, user)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.for_org(organization).filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def notifications_mark_read(*, organization, user, notification_ids=None) -> int:
    """Mark the user's notifications read (these ids, or all); returns how many changed."""
    unread = Notification.objects.for_org(organization).filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    count = unread.update(read_at=timezone.now())
    cache.delete(_unread_key(organization, user))
    return count


# --- preferences ------------------------------------------------------------------------------


def channel_for(*, organization, user, kind) -> str:
    channel = (
        NotificationPreference.objects.for_org(organization)
        .filter(user=user, kind=kind)
        .values_list("channel", flat=True)
        .first()
    )
    return channel or DEFAULT_CHANNEL


def channels_for(*, organization, user) -> dict[str, str]:
    """Every registered kind -> the user's channel for it (email unless chosen otherwise)."""
    chosen = dict(NotificationPreference.objects.for_org(organization).filter(user=user).values_list("kind", "channel"))
    return {kind: chosen.get(kind, DEFAULT_CHANNEL) for kind in NOTIFICATION_KINDS}


def preference_set(*, organization, user, kind, channel) -> None:
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if channel not in NotificationChannel.values:
        raise ValueError(f"unknown notification channel {channel!r}")
    NotificationPreference.objects.update_or_create(
        organization=organization, user=user, kind=kind, defaults={"channel": channel}
    )


# --- one-click unsubscribe --------------------------------------------------------------------


def unsubscribe_token(user, organization, kind) -> str:
    """Signed, not stored: it names the user, the organization and the kind, nothing to guess."""
    return signing.dumps({"u": user.pk, "o": organization.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token) -> tuple[int, int, str]:
    """(user_id, organization_id, kind); raises signing.BadSignature for anything forged."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    try:
        return int(data["u"]), int(data["o"]), str(data["k"])
    except (KeyError, TypeError, ValueError) as error:
        raise signing.BadSignature("malformed unsubscribe token") from error


def unsubscribe_url(user, organization, kind) -> str:
    path = reverse("notification-unsubscribe", args=[unsubscribe_token(user, organization, kind)])
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_from_email(*, organization, user, kind) -> str:
    """Stop the emails of one kind; they stay in the app unless the user had switched them off."""
    if channel_for(organization=organization, user=user, kind=kind) == NotificationChannel.OFF:
        return NotificationChannel.OFF
    NotificationPreference.objects.update_or_create(
        organization=organization, user=user, kind=kind, defaults={"channel": NotificationChannel.IN_APP}
    )
    return NotificationChannel.IN_APP


# --- sending ----------------------------------------------------------------------------------


def sent_keys(*, organization, keys) -> set[str]:
    """The keys among `keys` already in the send log, one query per 5,000 keys, so a batch sender
    can skip what an earlier run sent without a failed insert per item."""
    keys = list(keys)
    found = set()
    for start in range(0, len(keys), SENT_KEYS_CHUNK):
        chunk = keys[start : start + SENT_KEYS_CHUNK]
        found.update(SentNotification.objects.for_org(organization).filter(key__in=chunk).values_list("key", flat=True))
    return found


def notify(
    *,
    organization,
    user,
    kind,
    key,
    title,
    body="",
    url="",
    email_template=None,
    email_context=None,
    attachments=(),
) -> bool:
    """Tell `user` about `title` once per `key`; True when this call sent it (on any channel).

    `email_template` names a `.txt`/`.html` pair rendered with `email_context` plus
    `organization`, `user`, `title`, `body`, `url` (absolute), `kind_label` and
    `unsubscribe_url`; the unsubscribe footer is added to every email whatever the template.
    Without a template the email is a plain one made of title, body and url.
    """
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}: register it with organizations.notify.register_kind")
    channel = channel_for(organization=organization, user=user, kind=kind)
    log = _claim(organization=organization, key=key, kind=kind, user=user, channel=channel)
    if log is None:
        return False
    if channel == NotificationChannel.OFF:
        return True
    if channel == NotificationChannel.EMAIL and user.email:
        try:
            _send_email(
                organization=organization,
                user=user,
                kind=kind,
                title=title,
                body=body,
                url=url,
                template=email_template,
                context=email_context,
                attachments=attachments,
            )
        except TRANSIENT_MAIL_ERRORS:
            # Nothing went out: free the key so the caller's retry can send it.
            log.delete()
            raise
    Notification.objects.create(organization=organization, user=user, kind=kind, title=title[:200], body=body, url=url)
    key = _unread_key(organization, user)
    transaction.on_commit(lambda: cache.delete(key))  # after commit, so no one caches the old count
    return True


def _claim(*, organization, key, kind, user, channel):
    """The send-log row for `key`, or None when an earlier call already claimed it. In a
    savepoint of its own, so a duplicate key fails alone and not the caller's transaction."""
    try:
        with transaction.atomic():
            return SentNotification.objects.create(
                organization=organization, key=key, kind=kind, user=user, channel=channel
            )
    except IntegrityError:
        return None


def email_once(*, organization, key, kind, to, subject, template, context) -> bool:
    """notify()'s exactly-once rule for someone without a login (a directory address only): no
    preferences or in-app list to follow, just the send-log row first, released only when
    nothing went out so the caller's retry can send it."""
    log = _claim(organization=organization, key=key, kind=kind, user=None, channel=NotificationChannel.EMAIL)
    if log is None:
        return False
    try:
        send_templated_email(template, subject=subject, to=to, context=context)
    except TRANSIENT_MAIL_ERRORS:
        log.delete()
        raise
    return True


def _absolute(url):
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url


def _send_email(*, organization, user, kind, title, body, url, template, context, attachments):
    link = unsubscribe_url(user, organization, kind)
    context = {
        "organization": organization,
        "user": user,
        "title": title,
        "body": body,
        "url": _absolute(url),
        "kind_label": kind_label(kind),
        **(context or {}),
        "unsubscribe_url": link,
    }
    send_templated_email(
        template or GENERIC_EMAIL_TEMPLATE,
        subject=title,
        to=user.email,
        context=context,
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        attachments=attachments,
        footer_template=UNSUBSCRIBE_FOOTER_TEMPLATE,
    )
