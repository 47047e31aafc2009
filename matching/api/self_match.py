"""Matching API for participants: self-match, rematch, private lists. Relative to /api/v1/o/<org_slug>/:

- mentor-suggestions/: the mentors suggested to you, with why (?program=).
- mentor-requests/: requests you sent (as a mentee) or received (as a mentor); ?box=sent|received,
  ?program=, ?status=. POST {"mentor", "message"} asks a mentor; accept/, decline/ (the mentor)
  and withdraw/ (the mentee) answer one.
- rematch-requests/: POST {"mentorship", "reason"} ends your mentorship without blame. Program
  managers list those of their programs with the reason; members list their own, never with a
  reason (it is for the manager alone).
- pair-exclusions/ and match-preferences/: your private "please not this person" and "I would
  like this person" lists, per enrollment (?enrollment=).
Every write goes through matching.services (self_match, rematch, participant).
"""

import django_filters
from django.db.models import Q
from django.urls import include, path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from mentorships.models import Mentorship
from organizations.api_base import TenantPrimaryKeyRelatedField, TenantViewSetMixin, translate_service_errors
from organizations.models import Person
from organizations.permissions import Action, can_manage_program
from programs.api.design import VisibleProgramField
from programs.models import Enrollment, ParticipantRole, Program

from ..models import MatchPreference, MentorRequest, MentorSuggestion, PairExclusion, RematchRequest
from ..services import participant as participant_services
from ..services import rematch as rematch_services
from ..services import self_match as self_match_services
from .common import (
    EnrollmentSummarySerializer,
    ObjectListField,
    OwnEnrollmentField,
    manages_q,
    own_enrollments,
    require_manage_program,
)

NOT_YOUR_PROGRAM = "You are not a mentee of this mentor's program."


# --- suggestions -------------------------------------------------------------------------


class MentorSuggestionSerializer(serializers.ModelSerializer):
    mentor = EnrollmentSummarySerializer(read_only=True)
    reasons = ObjectListField(
        read_only=True, help_text='Why this mentor: {"criterion", "points", "max_points", "text"} per criterion.'
    )

    class Meta:
        model = MentorSuggestion
        fields = ["id", "program", "mentee", "mentor", "rank", "score", "reasons", "created_at"]
        read_only_fields = fields


class RefreshSuggestionsSerializer(serializers.Serializer):
    program = VisibleProgramField(queryset=Program.objects.all())


class RefreshedSerializer(serializers.Serializer):
    suggestions = serializers.IntegerField(help_text="How many suggestions the program's mentees now have in all.")


@extend_schema_view(list=extend_schema(description="The mentors suggested to you, best first; filter `program`."))
class MentorSuggestionViewSet(
    TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Self-match: the mentors suggested to the caller as a mentee, spread so nobody is over-asked."""

    queryset = MentorSuggestion.objects.select_related("mentor__person")
    serializer_class = MentorSuggestionSerializer
    read_action = Action.PROGRAMS_VIEW
    # Only `refresh/` writes, and it checks the program itself.
    write_action = Action.PROGRAMS_VIEW
    filterset_fields = ["program", "mentee"]
    ordering_fields = ["rank", "score"]

    def refine_queryset(self, queryset):
        return queryset.filter(mentee__person__user=self.request.user).order_by("program_id", "mentee_id", "rank")

    def get_serializer_class(self):
        return RefreshSuggestionsSerializer if self.action == "refresh" else MentorSuggestionSerializer

    @extend_schema(
        request=RefreshSuggestionsSerializer,
        responses=RefreshedSerializer,
        description="Managers of a self-match program: suggest mentors to every free mentee again, now (this also "
        "happens by itself when people join, leave or are matched).",
    )
    @action(detail=False, methods=["post"])
    def refresh(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        program = body.validated_data["program"]
        require_manage_program(self, program)
        count = translate_service_errors(
            lambda: self_match_services.suggestions_refresh(organization=self.organization, program=program),
            field="program",
        )
        return Response(RefreshedSerializer({"suggestions": count}).data)


# --- mentor requests ---------------------------------------------------------------------


class MentorRequestFilter(django_filters.FilterSet):
    box = django_filters.ChoiceFilter(
        choices=[("sent", "Sent (you are the mentee)"), ("received", "Received (you are the mentor)")],
        method="filter_box",
        label="sent: the requests you sent; received: those sent to you",
    )

    class Meta:
        model = MentorRequest
        fields = ["program", "status", "box"]

    def filter_box(self, queryset, name, value):
        side = "mentee" if value == "sent" else "mentor"
        return queryset.filter(**{f"{side}__person__user": self.request.user})


class MentorRequestSerializer(serializers.ModelSerializer):
    mentee = EnrollmentSummarySerializer(read_only=True)
    mentor = EnrollmentSummarySerializer(read_only=True)

    class Meta:
        model = MentorRequest
        fields = [
            "id",
            "program",
            "mentee",
            "mentor",
            "message",
            "status",
            "response_note",
            "mentorship",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields


class SendRequestSerializer(serializers.Serializer):
    mentor = TenantPrimaryKeyRelatedField(
        queryset=Enrollment.objects.select_related("program"), help_text="The mentor's enrollment (as suggested)."
    )
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DeclineSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="A kind word for the mentee."
    )


@extend_schema_view(
    list=extend_schema(
        description="Requests you sent or received; filters `box` (sent, received), `program`, `status`."
    )
)
class MentorRequestViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Self-match: a mentee asks a mentor; the mentor accepts (a mentorship starts) or declines."""

    queryset = MentorRequest.objects.select_related("mentee__person", "mentor__person")
    serializer_class = MentorRequestSerializer
    read_action = Action.PROGRAMS_VIEW
    write_action = Action.PROGRAMS_VIEW
    filterset_class = MentorRequestFilter
    ordering_fields = ["created_at", "status"]

    def refine_queryset(self, queryset):
        user = self.request.user
        return queryset.filter(Q(mentee__person__user=user) | Q(mentor__person__user=user)).order_by(
            "-created_at", "-pk"
        )

    def get_serializer_class(self):
        if self.action == "create":
            return SendRequestSerializer
        if self.action == "decline":
            return DeclineSerializer
        return MentorRequestSerializer

    def _answer(self, mentor_request, status_code=status.HTTP_200_OK):
        data = MentorRequestSerializer(mentor_request, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    @extend_schema(
        request=SendRequestSerializer,
        responses={status.HTTP_201_CREATED: MentorRequestSerializer},
        description=(
            "Ask a mentor of a self-match program you are a mentee in. Refused under `mentor` when they have no "
            "room or you already asked them, and under `non_field_errors` when you have too many requests waiting."
        ),
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        mentor = body.validated_data["mentor"]
        mentee = (
            own_enrollments(self.organization, request.user)
            .filter(program_id=mentor.program_id, role=ParticipantRole.MENTEE)
            .first()
        )
        if mentee is None:
            raise serializers.ValidationError({"mentor": [NOT_YOUR_PROGRAM]})
        sent = translate_service_errors(
            lambda: self_match_services.mentor_request_send(
                organization=self.organization,
                mentee=mentee,
                mentor=mentor,
                message=body.validated_data["message"],
                user=request.user,
            ),
            field="mentor",
        )
        return self._answer(sent, status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses=MentorRequestSerializer,
        description="Accept a request sent to you: the mentorship starts now (refused under `request` when you "
        "have no free place left or the request is no longer open).",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs):
        mentor_request = self.get_object()
        translate_service_errors(
            lambda: self_match_services.mentor_request_accept(
                organization=self.organization, request=mentor_request, user=request.user
            ),
            field="request",
        )
        return self._answer(self.get_object())

    @extend_schema(
        request=DeclineSerializer,
        responses=MentorRequestSerializer,
        description="Decline a request sent to you, with an optional kind note the mentee reads.",
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, *args, **kwargs):
        mentor_request = self.get_object()
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        declined = translate_service_errors(
            lambda: self_match_services.mentor_request_decline(
                organization=self.organization, request=mentor_request, user=request.user, **body.validated_data
            ),
            field="request",
        )
        return self._answer(declined)

    @extend_schema(request=None, responses=MentorRequestSerializer, description="Withdraw a request you sent.")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        mentor_request = self.get_object()
        withdrawn = translate_service_errors(
            lambda: self_match_services.mentor_request_withdraw(
                organization=self.organization, request=mentor_request, user=request.user
            ),
            field="request",
        )
        return self._answer(withdrawn)


# --- rematch -----------------------------------------------------------------------------


class RematchFilter(django_filters.FilterSet):
    program = django_filters.ModelChoiceFilter(field_name="mentorship__program", queryset=Program.objects.all())

    class Meta:
        model = RematchRequest
        fields = ["program", "mentorship"]


class RematchRequestSerializer(serializers.ModelSerializer):
    program = serializers.IntegerField(source="mentorship.program_id", read_only=True)
    requested_by = EnrollmentSummarySerializer(read_only=True)
    reason = serializers.CharField(
        read_only=True, help_text="Only for the program's managers: it is never shown to the members."
    )

    class Meta:
        model = RematchRequest
        fields = ["id", "program", "mentorship", "requested_by", "reason", "created_at", "rematched_by_run"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        view = self.context.get("view")
        if view is None or not view.manages(instance):
            del data["reason"]
        return data


class MyMentorshipField(TenantPrimaryKeyRelatedField):
    """A mentorship the caller is a member of: anyone else's fails exactly like a missing id."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return queryset.filter(members__enrollment__person__user=request.user).distinct()


class AskRematchSerializer(serializers.Serializer):
    mentorship = MyMentorshipField(queryset=Mentorship.objects.all(), help_text="A mentorship you are a member of.")
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Why, for the program's managers only; the other side is never told.",
    )


@extend_schema_view(
    list=extend_schema(
        description="Managers: rematch requests of their programs, with the reason. Members: their own, without it."
    )
)
class RematchRequestViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Ending a match without blame: the people go back into the pool, the pair is never proposed again."""

    queryset = RematchRequest.objects.select_related("mentorship__program", "requested_by__person")
    serializer_class = RematchRequestSerializer
    read_action = Action.PROGRAMS_VIEW
    write_action = Action.PROGRAMS_VIEW
    filterset_class = RematchFilter
    ordering_fields = ["created_at"]

    def refine_queryset(self, queryset):
        managed = manages_q(self, "mentorship__program_id")
        return queryset.filter(managed | Q(requested_by__person__user=self.request.user)).order_by("-created_at", "-pk")

    def manages(self, rematch) -> bool:
        cache = self.__dict__.setdefault("_manages", {})
        program = rematch.mentorship.program
        if program.pk not in cache:
            cache[program.pk] = can_manage_program(self.membership, program)
        return cache[program.pk]

    def get_serializer_class(self):
        return AskRematchSerializer if self.action == "create" else RematchRequestSerializer

    @extend_schema(
        request=AskRematchSerializer,
        responses={status.HTTP_201_CREATED: RematchRequestSerializer},
        description=(
            "End a mentorship you are in, without blame: it ends now, both of you go back into the pool and will "
            "not be proposed to each other again. The other side and the manager get a neutral email; the reason "
            "is kept for the program's managers only."
        ),
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        mentorship = body.validated_data["mentorship"]
        enrollment = own_enrollments(self.organization, request.user).filter(memberships__mentorship=mentorship).first()
        rematch = translate_service_errors(
            lambda: rematch_services.rematch_request(
                organization=self.organization,
                mentorship=mentorship,
                enrollment=enrollment,
                reason=body.validated_data["reason"],
                user=request.user,
            ),
            field="mentorship",
        )
        return Response(
            RematchRequestSerializer(rematch, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


# --- private lists -----------------------------------------------------------------------


class OwnListViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A participant's own list of people, per enrollment; only they (and the engine) see it."""

    read_action = Action.PROGRAMS_VIEW
    write_action = Action.PROGRAMS_VIEW
    filterset_fields = ["enrollment"]
    ordering_fields = ["created_at"]
    # Set by each list: its service functions and the model field naming the person.
    add = remove = None
    person_field = None

    def refine_queryset(self, queryset):
        return queryset.filter(enrollment__person__user=self.request.user).order_by("enrollment_id", "pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = translate_service_errors(
            lambda: type(self).add(
                organization=self.organization,
                enrollment=data["enrollment"],
                person=data[self.person_field],
                user=self.request.user,
            ),
            field="person",
        )

    def perform_destroy(self, instance):
        translate_service_errors(
            lambda: type(self).remove(
                organization=self.organization,
                enrollment=instance.enrollment,
                person=getattr(instance, self.person_field),
                user=self.request.user,
            )
        )


class PairExclusionSerializer(serializers.ModelSerializer):
    enrollment = OwnEnrollmentField(queryset=Enrollment.objects.all(), help_text="Your enrollment in the program.")
    person = TenantPrimaryKeyRelatedField(
        source="excluded_person", queryset=Person.objects.all(), help_text="Who you would rather not be matched with."
    )
    person_name = serializers.CharField(source="excluded_person.name", read_only=True)

    class Meta:
        model = PairExclusion
        fields = ["id", "enrollment", "person", "person_name", "created_at"]
        read_only_fields = ["id", "person_name", "created_at"]
        validators = []  # the service says when someone is already on the list


class MatchPreferenceSerializer(serializers.ModelSerializer):
    enrollment = OwnEnrollmentField(queryset=Enrollment.objects.all(), help_text="Your mentee enrollment.")
    person = TenantPrimaryKeyRelatedField(
        source="preferred_person", queryset=Person.objects.all(), help_text="Who you would like as your mentor."
    )
    person_name = serializers.CharField(source="preferred_person.name", read_only=True)

    class Meta:
        model = MatchPreference
        fields = ["id", "enrollment", "person", "person_name", "created_at"]
        read_only_fields = ["id", "person_name", "created_at"]
        validators = []


@extend_schema_view(
    list=extend_schema(description="Your private 'please not this person' list; filter `enrollment`."),
    create=extend_schema(description="Never be matched with this person in this program; nobody else sees it."),
    destroy=extend_schema(description="Take someone off your list."),
)
class PairExclusionViewSet(OwnListViewSet):
    queryset = PairExclusion.objects.select_related("excluded_person", "enrollment__person")
    serializer_class = PairExclusionSerializer
    add = staticmethod(participant_services.pair_exclusion_add)
    person_field = "excluded_person"
    remove = staticmethod(participant_services.pair_exclusion_remove)


@extend_schema_view(
    list=extend_schema(description="The mentors you asked for; filter `enrollment`."),
    create=extend_schema(description="Ask for a mentor: a score bonus in matching, never a guarantee."),
    destroy=extend_schema(description="Take back a preference."),
)
class MatchPreferenceViewSet(OwnListViewSet):
    queryset = MatchPreference.objects.select_related("preferred_person", "enrollment__person")
    serializer_class = MatchPreferenceSerializer
    add = staticmethod(participant_services.match_preference_add)
    person_field = "preferred_person"
    remove = staticmethod(participant_services.match_preference_remove)


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("mentor-suggestions", MentorSuggestionViewSet, basename="mentor-suggestion")
router.register("mentor-requests", MentorRequestViewSet, basename="mentor-request")
router.register("rematch-requests", RematchRequestViewSet, basename="rematch-request")
router.register("pair-exclusions", PairExclusionViewSet, basename="pair-exclusion")
router.register("match-preferences", MatchPreferenceViewSet, basename="match-preference")

urlpatterns = [path("", include(router.urls))]
