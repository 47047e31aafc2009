"""Notifications API: the caller's own, in one organization. Relative to /api/v1/o/<org_slug>/:

- notifications/: your in-app notifications, newest first (?unread=true, ?kind=); POST
  <id>/read/ marks one read, POST read-all/ marks them all.
- notification-preferences/: GET every kind of notification with your channel for it (email,
  in_app or off; email unless you chose otherwise); PATCH {"<kind>": "<channel>", ...} changes
  some of them.
Nobody reads or changes anyone else's: another user's notification answers 404 like a missing one.
"""

import django_filters
from django.db import transaction
from django.urls import include, path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from .api_base import TenantViewSetMixin
from .models import Notification, NotificationChannel, NotificationPreference
from .notify import (
    KIND_DESCRIPTIONS,
    NOTIFICATION_KINDS,
    channels_for,
    kind_label,
    notifications_mark_read,
    preference_set,
)
from .permissions import Action


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "url", "created_at", "read", "read_at"]
        read_only_fields = fields

    def get_kind_label(self, notification) -> str:
        return kind_label(notification.kind)

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="Only unread (true)")

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread.")


@extend_schema_view(
    list=extend_schema(description="Your notifications here, newest first; filters `unread`, `kind`."),
    retrieve=extend_schema(description="One of your notifications."),
)
class NotificationViewSet(
    TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """What Tandem told you in the app: reminders, invitations, nudges."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    # Reading your own notifications is a write anyone may make.
    write_action = Action.ORG_VIEW
    filterset_class = NotificationFilter
    ordering_fields = ["created_at"]

    def refine_queryset(self, queryset):
        return queryset.filter(user_id=self.request.user.pk).order_by("-created_at", "-pk")

    def _mark_read(self, notification_ids=None) -> int:
        return notifications_mark_read(
            organization=self.organization, user=self.request.user, notification_ids=notification_ids
        )

    @extend_schema(request=None, responses=NotificationSerializer, description="Mark one notification read.")
    @action(detail=True, methods=["post"])
    def read(self, request, *args, **kwargs):
        notification = self.get_object()
        self._mark_read([notification.pk])
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=ReadAllSerializer, description="Mark all your notifications here read.")
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[])
    def read_all(self, request, *args, **kwargs):
        return Response(ReadAllSerializer({"marked": self._mark_read()}).data)


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    channel = serializers.ChoiceField(choices=NotificationChannel.choices)


class PreferenceChangesSerializer(serializers.Serializer):
    """{"<kind>": "<channel>"}: kinds as GET lists them."""

    def to_internal_value(self, data):
        if not isinstance(data, dict) or not data:
            raise serializers.ValidationError({"non_field_errors": ['Send {"<kind>": "email"|"in_app"|"off"}.']})
        errors = {}
        for kind, channel in data.items():
            if kind not in NOTIFICATION_KINDS:
                errors[kind] = ["There is no such kind of notification."]
            elif channel not in NotificationChannel.values:
                errors[kind] = [f"Choose one of: {', '.join(NotificationChannel.values)}."]
        if errors:
            raise serializers.ValidationError(errors)
        return dict(data)


@extend_schema(
    responses=PreferenceSerializer(many=True),
    description="Every kind of notification with your channel for it: `email` (an email and the app), `in_app` "
    "(the app only) or `off`.",
)
class NotificationPreferencesView(TenantViewSetMixin, generics.GenericAPIView):
    """Your channel per kind of notification, in this organization."""

    queryset = NotificationPreference.objects.all()
    serializer_class = PreferenceSerializer
    pagination_class = None
    filter_backends = []
    write_action = Action.ORG_VIEW

    def _answer(self):
        channels = channels_for(organization=self.organization, user=self.request.user)
        rows = [
            {"kind": kind, "label": label, "description": KIND_DESCRIPTIONS.get(kind, ""), "channel": channels[kind]}
            for kind, label in NOTIFICATION_KINDS.items()
        ]
        return Response(PreferenceSerializer(rows, many=True).data)

    def get(self, request, *args, **kwargs):
        return self._answer()

    @extend_schema(
        request={"application/json": {"type": "object", "additionalProperties": {"enum": NotificationChannel.values}}},
        responses={status.HTTP_200_OK: PreferenceSerializer(many=True)},
        description='Change some kinds: {"nudge": "in_app", "goal_due": "off"}; an unknown kind or channel is a '
        "400 under that kind, and nothing changes.",
    )
    def patch(self, request, *args, **kwargs):
        changes = PreferenceChangesSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        with transaction.atomic():
            for kind, channel in changes.validated_data.items():
                preference_set(organization=self.organization, user=request.user, kind=kind, channel=channel)
        return self._answer()


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("o/<slug:org_slug>/", include(router.urls)),
    path(
        "o/<slug:org_slug>/notification-preferences/",
        NotificationPreferencesView.as_view(),
        name="notification-preferences",
    ),
]
