"""Meetings API. Relative to /api/v1/o/<org_slug>/:

- meetings/: the meetings of your mentorships and, for managers, of the programs they manage
  (?mentorship=, ?program=, ?status=). POST schedules one (every member gets a calendar
  invitation), PATCH reschedules it (an update to the same invitation), cancel/ cancels it, log/
  says how it went; log-unscheduled/ logs a meeting that was never scheduled.
Managers who are not members read the dates, the status and the length, never the content.
Private notes are written through log/ and never read back through the API, by anyone: they
belong to their author's page alone.
"""

import django_filters
from django.urls import include, path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from organizations.api_base import TenantViewSetMixin, translate_service_errors
from organizations.permissions import Action
from programs.models import Program

from ..models import Meeting, MeetingFormat, Mentorship
from ..services import meetings as services
from .common import AudienceMixin, AwareDateTimeField, VisibleMentorshipField, visible_q

# What the members of the pair read and a manager who is not a member does not.
CONTENT_FIELDS = ("location", "video_url", "agenda", "topics", "shared_notes")


class MeetingSerializer(serializers.ModelSerializer):
    topics = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "mentorship",
            "status",
            "starts_at",
            "duration_minutes",
            "location",
            "video_url",
            "agenda",
            "sequence",
            "scheduled_by",
            "logged_at",
            "logged_by",
            "actual_minutes",
            "format",
            "topics",
            "shared_notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, meeting):
        data = super().to_representation(meeting)
        if not self.context["view"].audience.is_member(meeting.mentorship_id):
            for name in CONTENT_FIELDS:
                del data[name]
        return data


class ScheduleSerializer(serializers.Serializer):
    mentorship = VisibleMentorshipField(queryset=Mentorship.objects.all(), help_text="A mentorship you are in.")
    starts_at = AwareDateTimeField(help_text="ISO 8601 with the offset of your time zone; stored in UTC.")
    duration_minutes = serializers.IntegerField(help_text="5 to 480.")
    location = serializers.CharField(required=False, allow_blank=True, default="")
    video_url = serializers.CharField(required=False, allow_blank=True, default="")
    agenda = serializers.CharField(required=False, allow_blank=True, default="")


class RescheduleSerializer(serializers.Serializer):
    starts_at = AwareDateTimeField(required=False)
    duration_minutes = serializers.IntegerField(required=False)
    location = serializers.CharField(required=False, allow_blank=True)
    video_url = serializers.CharField(required=False, allow_blank=True)
    agenda = serializers.CharField(required=False, allow_blank=True)


class LogSerializer(serializers.Serializer):
    held = serializers.BooleanField(help_text="Did the meeting take place?")
    actual_minutes = serializers.IntegerField(required=False, allow_null=True, default=None)
    format = serializers.ChoiceField(choices=MeetingFormat.choices, required=False, allow_blank=True, default="")
    topics = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    shared_notes = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Read by the members of the mentorship only (never the program team).",
    )
    starts_at = AwareDateTimeField(required=False, help_text="When it really started, if not as scheduled.")
    private_note = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Only you will ever read it, on your own meeting page; the API never returns it. Left out: your "
        "note stays as it is; empty: it is removed.",
    )


class LogUnscheduledSerializer(LogSerializer):
    mentorship = VisibleMentorshipField(queryset=Mentorship.objects.all(), help_text="A mentorship you are in.")
    starts_at = AwareDateTimeField(help_text="When it took place.")


class MeetingFilter(django_filters.FilterSet):
    program = django_filters.ModelChoiceFilter(field_name="mentorship__program", queryset=Program.objects.all())

    class Meta:
        model = Meeting
        fields = ["mentorship", "program", "status"]


@extend_schema_view(
    list=extend_schema(
        description="Meetings of your mentorships, and dates and lengths of those of the programs you manage; "
        "filters `mentorship`, `program`, `status`."
    ),
    retrieve=extend_schema(description="One meeting (never anyone's private notes)."),
)
class MeetingViewSet(
    AudienceMixin,
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """A pair's meetings: scheduled with a calendar invitation, then logged as held or not."""

    queryset = Meeting.objects.all()
    serializer_class = MeetingSerializer
    read_action = Action.PROGRAMS_VIEW
    # Members may be plain members of the organization: each write checks the mentorship itself.
    write_action = Action.PROGRAMS_VIEW
    filterset_class = MeetingFilter
    ordering_fields = ["starts_at"]

    def refine_queryset(self, queryset):
        return queryset.filter(visible_q(self, "mentorship")).order_by("-starts_at", "-pk")

    def get_serializer_class(self):
        return {
            "create": ScheduleSerializer,
            "partial_update": RescheduleSerializer,
            "log": LogSerializer,
            "log_unscheduled": LogUnscheduledSerializer,
        }.get(self.action, MeetingSerializer)

    def _person(self, mentorship):
        """The caller as a member of `mentorship` (None when they are not: the service refuses)."""
        member = self.audience.member(mentorship.pk)
        return member.person if member else None

    def _answer(self, meeting, status_code=status.HTTP_200_OK):
        return Response(MeetingSerializer(meeting, context=self.get_serializer_context()).data, status=status_code)

    def _body(self, request):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    @extend_schema(
        request=ScheduleSerializer,
        responses={status.HTTP_201_CREATED: MeetingSerializer},
        description="Schedule a meeting of a mentorship you are in: every member is emailed a calendar invitation "
        "(.ics). A time in the past, a length outside 5–480 minutes or an ended mentorship is refused under the "
        "field at fault; someone who is not a member gets 403.",
    )
    def create(self, request, *args, **kwargs):
        data = self._body(request)
        meeting = translate_service_errors(
            lambda: services.meeting_schedule(
                organization=self.organization, person=self._person(data["mentorship"]), **data
            ),
            field="mentorship",
        )
        return self._answer(meeting, status.HTTP_201_CREATED)

    @extend_schema(
        request=RescheduleSerializer,
        responses=MeetingSerializer,
        description="Reschedule: change any of the time, length, place, link or agenda. Every member gets the "
        "updated invitation (same UID, higher sequence).",
    )
    def partial_update(self, request, *args, **kwargs):
        meeting = self.get_object()
        data = self._body(request)
        moved = translate_service_errors(
            lambda: services.meeting_reschedule(
                organization=self.organization,
                meeting=meeting,
                person=self._person(meeting.mentorship),
                **data,
            ),
            field="meeting",
        )
        return self._answer(moved)

    @extend_schema(
        request=None,
        responses=MeetingSerializer,
        description="Cancel a scheduled meeting: every member's calendar drops it.",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        meeting = self.get_object()
        cancelled = translate_service_errors(
            lambda: services.meeting_cancel(
                organization=self.organization, meeting=meeting, person=self._person(meeting.mentorship)
            ),
            field="meeting",
        )
        return self._answer(cancelled)

    @extend_schema(
        request=LogSerializer,
        responses=MeetingSerializer,
        description="Log how a meeting went: held or not, the actual length, the format, topics and notes shared "
        "with the pair, and a private note only you will read (never returned by the API).",
    )
    @action(detail=True, methods=["post"])
    def log(self, request, *args, **kwargs):
        meeting = self.get_object()
        data = self._body(request)
        logged = translate_service_errors(
            lambda: services.meeting_log(
                organization=self.organization,
                meeting=meeting,
                mentorship=meeting.mentorship,
                person=self._person(meeting.mentorship),
                **data,
            ),
            field="meeting",
        )
        return self._answer(logged)

    @extend_schema(
        request=LogUnscheduledSerializer,
        responses={status.HTTP_201_CREATED: MeetingSerializer},
        description="Log a meeting that was never scheduled (a chat at the coffee machine counts).",
    )
    @action(detail=False, methods=["post"], url_path="log-unscheduled", filter_backends=[])
    def log_unscheduled(self, request, *args, **kwargs):
        data = self._body(request)
        logged = translate_service_errors(
            lambda: services.meeting_log(
                organization=self.organization, meeting=None, person=self._person(data["mentorship"]), **data
            ),
            field="mentorship",
        )
        return self._answer(logged, status.HTTP_201_CREATED)


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("meetings", MeetingViewSet, basename="meeting")

urlpatterns = [path("", include(router.urls))]
