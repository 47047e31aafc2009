"""The in-app notification list, the notification settings, and the one-click unsubscribe page.

The list and the settings are the signed-in user's own, in one organization. The unsubscribe
page is outside any organization and works signed out: the signed token in the link is the
authority, and it names one user, one organization and one kind.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..models import Notification, NotificationChannel, Organization
from ..notify import (
    KIND_DESCRIPTIONS,
    NOTIFICATION_KINDS,
    channels_for,
    kind_label,
    notifications_mark_read,
    preference_set,
    read_unsubscribe_token,
    unsubscribe_from_email,
)
from ..scoping import get_for_org_or_404, org_view

PAGE_SIZE = 25


def _own_notifications(request):
    return Notification.objects.for_org(request.organization).filter(user=request.user)


@org_view()
@require_GET
def notification_list(request):
    show_unread = request.GET.get("show") == "unread"
    notifications = _own_notifications(request)
    if show_unread:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    for notification in page.object_list:
        notification.kind_label = kind_label(notification.kind)
    context = {"page": page, "show_unread": show_unread}
    return render(request, "organizations/notifications/list.html", context)


@org_view()
@require_POST
def notification_read(request, pk):
    """Mark one notification read; with `open`, go on to the page it is about."""
    notification = get_for_org_or_404(_own_notifications(request), request.organization, pk=pk)
    if notification.read_at is None:
        notifications_mark_read(
            organization=request.organization, user=request.user, notification_ids=[notification.pk]
        )
    target = notification.url
    if "open" in request.POST and target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notifications:list", org_slug=request.organization.slug)


@org_view()
@require_POST
def notification_read_all(request):
    count = notifications_mark_read(organization=request.organization, user=request.user)
    if count:
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("notifications:list", org_slug=request.organization.slug)


class NotificationPreferencesForm(forms.Form):
    """One choice per registered kind: email (and in the app), only in the app, or off."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in NOTIFICATION_KINDS.items():
            self.fields[kind] = forms.ChoiceField(
                label=label,
                help_text=KIND_DESCRIPTIONS.get(kind, ""),
                choices=NotificationChannel.choices,
                widget=forms.RadioSelect,
            )


@org_view()
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    current = channels_for(organization=request.organization, user=request.user)
    form = NotificationPreferencesForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        for kind, channel in form.cleaned_data.items():
            if channel != current[kind]:
                preference_set(organization=request.organization, user=request.user, kind=kind, channel=channel)
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications:settings", org_slug=request.organization.slug)
    status = 400 if form.is_bound else 200
    return render(request, "organizations/notifications/settings.html", {"form": form}, status=status)


def _unsubscribe_target(token):
    """(user, organization, kind) named by a valid token, or None for a forged, stale or
    malformed one (a deleted user or organization, a kind no longer sent)."""
    try:
        user_id, organization_id, kind = read_unsubscribe_token(token)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=user_id).first()
    organization = Organization.objects.filter(pk=organization_id).first()
    if user is None or organization is None or kind not in NOTIFICATION_KINDS:
        return None
    return user, organization, kind


# Mail clients send the one-click POST (RFC 8058) without a CSRF token, and the signed token
# is the only authority this page needs: it can do nothing but stop one kind of email.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def notification_unsubscribe(request, token):
    target = _unsubscribe_target(token)
    if target is None:
        return render(request, "organizations/notifications/unsubscribe_invalid.html", status=404)
    user, organization, kind = target
    context = {"organization_name": organization.name, "kind_label": kind_label(kind), "done": False}
    if request.method == "POST":
        context["channel"] = unsubscribe_from_email(organization=organization, user=user, kind=kind)
        context["done"] = True
        # Only the user's own session may learn the settings page's address of this organization.
        context["settings_slug"] = organization.slug if request.user.pk == user.pk else None
    response = render(request, "organizations/notifications/unsubscribe.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
