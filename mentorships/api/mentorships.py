"""Mentorships API. Relative to /api/v1/o/<org_slug>/:

- mentorships/: the mentorships you are a member of, and those of the programs you manage
  (?role=member|manager, ?program=, ?status=, ?health= for managers). Read-only: matching makes
  them. Managers also read each pair's health with its reasons, the confidential end reason,
  and meetings and goals as counts; members read the pair and who is in it.
- mentorships/<id>/workspace/: members only: the next meeting, the open goals, the latest shared
  notes, a discussion prompt fitting the pair's stage, the program's ground rules and handbook.
"""

import django_filters
from django.urls import include, path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from organizations.api_base import TenantViewSetMixin
from organizations.permissions import Action
from programs.models import Program

from ..models import Goal, Meeting, Mentorship, PairHealth
from ..selectors.manager import with_pair_figures
from ..selectors.workspace import workspace_summary
from ..views.access import my_mentorship
from .common import AudienceMixin, managed_q, member_q, visible_q


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The membership.")
    person = serializers.IntegerField(source="person_id")
    name = serializers.CharField(source="person.name")
    title = serializers.CharField(source="person.title")
    department = serializers.CharField(source="person.department")
    role = serializers.CharField(help_text="mentor, mentee or peer.")


class MeetingCountsSerializer(serializers.Serializer):
    held = serializers.IntegerField(source="held_meetings")
    not_held = serializers.IntegerField(source="meetings_not_held")
    upcoming = serializers.IntegerField(source="meetings_upcoming", help_text="Scheduled from now on.")
    minutes_held = serializers.IntegerField(source="held_minutes", help_text="Mentoring time logged in held meetings.")
    last_held_at = serializers.DateTimeField(allow_null=True)


class GoalCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField(source="goals_total")
    not_started = serializers.IntegerField(source="goals_not_started")
    in_progress = serializers.IntegerField(source="goals_in_progress")
    achieved = serializers.IntegerField(source="goals_achieved")
    dropped = serializers.IntegerField(source="goals_dropped")
    overdue = serializers.IntegerField(source="goals_overdue", help_text="Open goals past their target date.")


# Read by the program's managers only; dropped from the members' answers.
MANAGER_FIELDS = ("health", "health_reasons", "health_checked_at", "end_reason", "meetings", "goals")


class MentorshipSerializer(serializers.ModelSerializer):
    program_name = serializers.CharField(source="program.name", read_only=True)
    members = MemberSerializer(many=True, read_only=True)
    my_role = serializers.SerializerMethodField(help_text="Your role in the mentorship; null when you manage it only.")
    health = serializers.ChoiceField(
        choices=PairHealth.choices, read_only=True, help_text="Managers only: derived from the data, never typed."
    )
    health_reasons = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Managers only: why, the most serious first."
    )
    end_reason = serializers.CharField(read_only=True, help_text="Managers only: confidential to the program team.")
    meetings = MeetingCountsSerializer(source="*", read_only=True, help_text="Managers only.")
    goals = GoalCountsSerializer(source="*", read_only=True, help_text="Managers only: counts, never content.")

    class Meta:
        model = Mentorship
        fields = [
            "id",
            "program",
            "program_name",
            "status",
            "started_on",
            "planned_end_on",
            "ended_on",
            "members",
            "my_role",
            *MANAGER_FIELDS,
        ]
        read_only_fields = fields

    def get_my_role(self, mentorship) -> str | None:
        member = self.context["view"].audience.member(mentorship.pk)
        return member.role if member else None

    def to_representation(self, mentorship):
        data = super().to_representation(mentorship)
        if not self.context["view"].audience.manages(mentorship.program_id):
            for name in MANAGER_FIELDS:
                del data[name]
        return data


class MentorshipFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(
        choices=[("member", "You are a member"), ("manager", "You manage its program")],
        method="filter_role",
        label="member: the mentorships you are in; manager: those of the programs you manage",
    )
    program = django_filters.ModelChoiceFilter(queryset=Program.objects.all())
    health = django_filters.ChoiceFilter(
        choices=PairHealth.choices, method="filter_health", label="Managers: pairs in this health"
    )

    class Meta:
        model = Mentorship
        fields = ["role", "program", "status", "health"]

    def filter_role(self, queryset, name, value):
        view = self.request.parser_context["view"]
        return queryset.filter(member_q(view) if value == "member" else managed_q(view))

    def filter_health(self, queryset, name, value):
        # Health is the program team's view: filtering by it must not tell members theirs.
        return queryset.filter(managed_q(self.request.parser_context["view"]), health=value)


class WorkspaceMeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "starts_at", "duration_minutes", "location", "video_url", "agenda"]


class OpenGoalSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(help_text="0–100: typed, or the share of milestones done.")

    class Meta:
        model = Goal
        fields = ["id", "statement", "target_date", "status", "percent"]


class SharedNotesSerializer(serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="pk")

    class Meta:
        model = Meeting
        fields = ["meeting", "starts_at", "shared_notes"]


class CheckinStateSerializer(serializers.Serializer):
    period_start = serializers.DateField(allow_null=True, help_text="The current check-in period; null once ended.")
    next_opens = serializers.DateField(allow_null=True)
    submitted = serializers.SerializerMethodField(help_text="You answered this period's check-in.")
    due = serializers.BooleanField(help_text="Open and not answered yet: time to check in.")

    def get_submitted(self, state) -> bool:
        return state.submitted is not None


class WorkspaceSerializer(serializers.Serializer):
    mentorship = MentorshipSerializer()
    next_meeting = WorkspaceMeetingSerializer(allow_null=True)
    meeting_to_log = WorkspaceMeetingSerializer(source="to_log", allow_null=True, help_text="A past meeting to log.")
    meeting_overdue = serializers.BooleanField(source="overdue", help_text="Time to schedule the next meeting.")
    checkin = CheckinStateSerializer()
    open_goals = OpenGoalSerializer(source="goals", many=True)
    latest_shared_notes = SharedNotesSerializer(source="latest_notes", many=True)
    stage = serializers.CharField(help_text="first_meeting, goal_setting, career, feedback or reflection.")
    suggested_prompt = serializers.CharField(source="prompt", help_text="A discussion prompt fitting the stage.")
    ground_rules = serializers.CharField(source="program.ground_rules", help_text="Markdown.")
    handbook = serializers.CharField(source="program.handbook", help_text="Markdown.")


@extend_schema_view(
    list=extend_schema(
        description="Mentorships you are in, and those of the programs you manage; filters `role` (member, "
        "manager), `program`, `status`, `health` (managers); search by a member's name."
    ),
    retrieve=extend_schema(description="One mentorship: managers also read health, reasons and counts."),
)
class MentorshipViewSet(
    AudienceMixin, TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The relationships matching made: pairs and groups, their members and, for managers, their health."""

    queryset = Mentorship.objects.select_related("program").prefetch_related("members__person")
    serializer_class = MentorshipSerializer
    read_action = Action.PROGRAMS_VIEW
    filterset_class = MentorshipFilter
    search_fields = ["members__person__name"]
    ordering_fields = ["started_on", "created_at"]

    def refine_queryset(self, queryset):
        # The program team's figures of each pair: the manager pages' own (selectors.manager).
        return with_pair_figures(queryset.filter(visible_q(self)), self.organization).order_by("-started_on", "-pk")

    @extend_schema(
        responses=WorkspaceSerializer,
        description="Members only: what to do next: the next meeting, a meeting to log, whether a meeting or a "
        "check-in is due, the open goals, the latest shared notes and a discussion prompt for the pair's stage, "
        "with the program's ground rules and handbook. A manager who is not a member gets 403.",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def workspace(self, request, *args, **kwargs):
        mentorship = self.get_object()
        self.audience.require_member(mentorship)
        # The page's own summary, so the API and the workspace page never disagree.
        summary = {**workspace_summary(my_mentorship(request, mentorship.pk)), "mentorship": mentorship}
        return Response(WorkspaceSerializer(summary, context=self.get_serializer_context()).data)


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("mentorships", MentorshipViewSet, basename="mentorship")

urlpatterns = [path("", include(router.urls))]
