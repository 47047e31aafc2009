"""Check-ins and interventions API. Relative to /api/v1/o/<org_slug>/:

- checkins/: your own check-ins, and the check-ins of the pairs of the programs you manage
  (?mentorship=, ?program=, ?wants_help=). POST answers this period's check-in of a mentorship
  you are in: {"mentorship", "score" (1–5), "comment", "wants_help"}. Managers read the scores
  and the help flags; a comment is read by its author only.
- interventions/: managers: what was done about a pair (?mentorship=, ?program=, ?kind=); POST
  {"mentorship", "kind": "nudge"|"note", "note"} sends the members a nudge or keeps a note.
"""

import django_filters
from django.db.models import Q
from django.urls import include, path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from organizations.api_base import TenantViewSetMixin, translate_service_errors
from organizations.permissions import Action
from programs.models import Program

from ..models import CheckIn, Intervention, Mentorship
from ..services import checkins as checkin_services
from ..services import interventions as intervention_services
from .common import AudienceMixin, VisibleMentorshipField, managed_q


def _program_filter():
    return django_filters.ModelChoiceFilter(field_name="mentorship__program", queryset=Program.objects.all())


# --- check-ins ---------------------------------------------------------------------------


class CheckInSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.person.name", read_only=True)
    role = serializers.CharField(source="member.role", read_only=True)
    comment = serializers.CharField(read_only=True, help_text="Only for its author.")

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "mentorship",
            "member",
            "member_name",
            "role",
            "period_start",
            "score",
            "wants_help",
            "comment",
            "submitted_at",
        ]
        read_only_fields = fields

    def to_representation(self, checkin):
        data = super().to_representation(checkin)
        if checkin.member.person.user_id != self.context["request"].user.pk:
            del data["comment"]
        return data


class SubmitCheckInSerializer(serializers.Serializer):
    mentorship = VisibleMentorshipField(queryset=Mentorship.objects.all(), help_text="A mentorship you are in.")
    score = serializers.IntegerField(help_text="How is it going: 1 (not well) to 5 (very well).")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    wants_help = serializers.BooleanField(
        required=False, default=False, help_text="I'd like help from the program manager."
    )


class CheckInFilter(django_filters.FilterSet):
    program = _program_filter()

    class Meta:
        model = CheckIn
        fields = ["mentorship", "program", "wants_help"]


@extend_schema_view(
    list=extend_schema(
        description="Your check-ins, and the scores and help flags of the pairs you manage; filters `mentorship`, "
        "`program`, `wants_help`."
    ),
    retrieve=extend_schema(description="One check-in."),
)
class CheckInViewSet(
    AudienceMixin,
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Each member's periodic "how is it going?", at the program's cadence."""

    queryset = CheckIn.objects.select_related("member__person")
    serializer_class = CheckInSerializer
    read_action = Action.PROGRAMS_VIEW
    write_action = Action.PROGRAMS_VIEW
    filterset_class = CheckInFilter
    ordering_fields = ["period_start", "submitted_at", "score"]

    def refine_queryset(self, queryset):
        mine = Q(member__person__user_id=self.request.user.pk)
        return queryset.filter(mine | managed_q(self, "mentorship")).order_by("-period_start", "pk")

    def get_serializer_class(self):
        return SubmitCheckInSerializer if self.action == "create" else CheckInSerializer

    @extend_schema(
        request=SubmitCheckInSerializer,
        responses={status.HTTP_201_CREATED: CheckInSerializer},
        description="Check in for the current period of a mentorship you are in. Once per period (a second one is "
        "a 400 under `period` saying when the next opens); a score outside 1–5 is a 400 under `score`; someone "
        "who is not a member gets 403.",
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        member = self.audience.member(data["mentorship"].pk)
        checkin = translate_service_errors(
            lambda: checkin_services.checkin_submit(
                organization=self.organization, person=member.person if member else None, **data
            ),
            field="mentorship",
        )
        answer = CheckInSerializer(checkin, context=self.get_serializer_context())
        return Response(answer.data, status=status.HTTP_201_CREATED)


# --- interventions -----------------------------------------------------------------------


class InterventionSerializer(serializers.ModelSerializer):
    by = serializers.EmailField(source="by.email", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Intervention
        fields = ["id", "mentorship", "kind", "note", "by", "created_at"]
        read_only_fields = fields


class AddInterventionSerializer(serializers.Serializer):
    mentorship = VisibleMentorshipField(
        queryset=Mentorship.objects.all(), help_text="A mentorship of a program you manage."
    )
    kind = serializers.ChoiceField(
        choices=Intervention.Kind.choices, help_text="nudge: email the members; note: keep a note."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class InterventionFilter(django_filters.FilterSet):
    program = _program_filter()

    class Meta:
        model = Intervention
        fields = ["mentorship", "program", "kind"]


@extend_schema_view(
    list=extend_schema(
        description="Managers: nudges and notes on the pairs of your programs, newest first; filters `mentorship`, "
        "`program`, `kind`."
    ),
    retrieve=extend_schema(description="One intervention."),
)
class InterventionViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """What the program manager did about a pair: nudges sent and notes kept."""

    queryset = Intervention.objects.select_related("by")
    serializer_class = InterventionSerializer
    read_action = Action.PROGRAMS_VIEW
    # Program managers may be plain members: each write checks the program itself.
    write_action = Action.PROGRAMS_VIEW
    filterset_class = InterventionFilter
    ordering_fields = ["created_at"]

    def refine_queryset(self, queryset):
        return queryset.filter(managed_q(self, "mentorship")).order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return AddInterventionSerializer if self.action == "create" else InterventionSerializer

    @extend_schema(
        request=AddInterventionSerializer,
        responses={status.HTTP_201_CREATED: InterventionSerializer},
        description="A nudge emails every member of the pair (your note stays with the program team); a note is "
        "kept for the program team. Either closes an open help flag. A pair gets one nudge in 24 hours: another is "
        "a 400 under `mentorship` saying when the next may go, and nothing is sent. Without managing the program "
        "it is a 403.",
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        add = (
            intervention_services.intervention_nudge
            if data["kind"] == Intervention.Kind.NUDGE
            else intervention_services.intervention_note
        )
        intervention = translate_service_errors(
            lambda: add(
                organization=self.organization, mentorship=data["mentorship"], user=request.user, note=data["note"]
            ),
            field="mentorship",
        )
        answer = InterventionSerializer(intervention, context=self.get_serializer_context())
        return Response(answer.data, status=status.HTTP_201_CREATED)


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("checkins", CheckInViewSet, basename="checkin")
router.register("interventions", InterventionViewSet, basename="intervention")

urlpatterns = [path("", include(router.urls))]
