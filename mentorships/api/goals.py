"""Goals API, for the members of a mentorship. Relative to /api/v1/o/<org_slug>/:

- goals/: the SMART goals of your mentorships (?mentorship=, ?status=), each with its milestones
  and its progress (typed, or the share of milestones done). POST adds one; PATCH changes its
  text, date, owner, status or progress. A goal is not deleted: set its status to `dropped`.
- milestones/: the milestones of your goals (?goal=); POST adds one, PATCH {"done": true|false}
  ticks it, DELETE removes it.
- goal-comments/: the comments on your goals (?goal=); POST {"goal", "text"} adds one.
Program managers read goals as counts only, on mentorships/ (its `goals`), never here.
"""

from django.db.models import Count, OuterRef, Subquery
from django.urls import include, path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from organizations.api_base import TenantViewSetMixin, translate_service_errors
from organizations.permissions import Action

from ..models import Goal, GoalComment, GoalStatus, Mentorship, MentorshipMember, Milestone
from ..selectors.goals import progress_of
from ..services import goals as services
from .common import AudienceMixin, InMyMentorshipField, VisibleMentorshipField, member_q

# --- goals -------------------------------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer):
    done = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = ["id", "goal", "title", "due_date", "done", "done_on", "order"]
        read_only_fields = fields

    def get_done(self, milestone) -> bool:
        return milestone.done_on is not None


class GoalSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.person.name", read_only=True, default=None)
    percent = serializers.SerializerMethodField(
        help_text="0–100: `progress` when typed, else the share of milestones done; 100 once achieved."
    )
    milestones = MilestoneSerializer(many=True, read_only=True)
    comment_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Goal
        fields = [
            "id",
            "mentorship",
            "owner",
            "owner_name",
            "statement",
            "measure",
            "target_date",
            "relevance",
            "status",
            "progress",
            "percent",
            "achieved_on",
            "milestones",
            "comment_count",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_percent(self, goal) -> int:
        return progress_of(goal, goal.milestones.all())


class AddGoalSerializer(serializers.Serializer):
    mentorship = VisibleMentorshipField(queryset=Mentorship.objects.all(), help_text="A mentorship you are in.")
    statement = serializers.CharField(allow_blank=True, help_text="Specific: what will be different.")
    measure = serializers.CharField(allow_blank=True, help_text="Measurable: how you will know.")
    target_date = serializers.DateField(help_text="Time-bound: by when (within the program's dates).")
    relevance = serializers.CharField(required=False, allow_blank=True, default="", help_text="Why it matters.")
    owner = InMyMentorshipField(
        queryset=MentorshipMember.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The mentee it belongs to (a membership id); empty: the pair's mentee, or shared by a group.",
    )


class ChangeGoalSerializer(serializers.Serializer):
    statement = serializers.CharField(required=False, allow_blank=True)
    measure = serializers.CharField(required=False, allow_blank=True)
    target_date = serializers.DateField(required=False)
    relevance = serializers.CharField(required=False, allow_blank=True)
    owner = InMyMentorshipField(queryset=MentorshipMember.objects.all(), required=False, allow_null=True)
    status = serializers.ChoiceField(choices=GoalStatus.choices, required=False)
    progress = serializers.IntegerField(
        required=False, allow_null=True, help_text="0–100; null: count the milestones done instead."
    )


class MemberOnlyViewSet(AudienceMixin, TenantViewSetMixin, viewsets.GenericViewSet):
    """Rows of the caller's own mentorships only, found through `mentorship_path`."""

    read_action = Action.PROGRAMS_VIEW
    write_action = Action.PROGRAMS_VIEW
    mentorship_path = "mentorship"

    def refine_queryset(self, queryset):
        return queryset.filter(member_q(self, self.mentorship_path))

    def person_in(self, mentorship_id):
        member = self.audience.member(mentorship_id)
        return member.person if member else None

    def body(self, request, serializer_class, **kwargs):
        body = serializer_class(data=request.data, context=self.get_serializer_context(), **kwargs)
        body.is_valid(raise_exception=True)
        return body.validated_data

    def answer(self, instance, serializer_class, status_code=status.HTTP_200_OK):
        return Response(serializer_class(instance, context=self.get_serializer_context()).data, status=status_code)


@extend_schema_view(
    list=extend_schema(description="The goals of your mentorships; filters `mentorship`, `status`."),
    retrieve=extend_schema(description="One goal with its milestones."),
)
class GoalViewSet(MemberOnlyViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """SMART goals: a statement, a measure, a target date, why it matters; milestones and progress."""

    queryset = (
        Goal.objects.select_related("owner__person")
        .prefetch_related("milestones")
        .annotate(comment_count=Count("comments"))
    )
    serializer_class = GoalSerializer
    filterset_fields = ["mentorship", "status"]
    ordering_fields = ["target_date", "created_at"]

    def refine_queryset(self, queryset):
        return super().refine_queryset(queryset).order_by("target_date", "pk")

    def get_serializer_class(self):
        return {"create": AddGoalSerializer, "partial_update": ChangeGoalSerializer}.get(self.action, GoalSerializer)

    @extend_schema(
        request=AddGoalSerializer,
        responses={status.HTTP_201_CREATED: GoalSerializer},
        description="Add a goal to a mentorship you are in. A target date in the past or outside the program's "
        "dates is refused under `target_date`; an owner who is not a mentee of the pair under `owner`.",
    )
    def create(self, request, *args, **kwargs):
        data = self.body(request, AddGoalSerializer)
        goal = translate_service_errors(
            lambda: services.goal_create(
                organization=self.organization, person=self.person_in(data["mentorship"].pk), **data
            ),
            field="mentorship",
        )
        return self.answer(self.get_queryset().get(pk=goal.pk), GoalSerializer, status.HTTP_201_CREATED)

    @extend_schema(
        request=ChangeGoalSerializer,
        responses=GoalSerializer,
        description="Change any of the goal's fields, its `status` (`achieved` stamps the day) or its `progress`; "
        "all or nothing.",
    )
    def partial_update(self, request, *args, **kwargs):
        goal = self.get_object()
        data = self.body(request, ChangeGoalSerializer)
        translate_service_errors(
            lambda: services.goal_update(
                organization=self.organization, goal=goal, person=self.person_in(goal.mentorship_id), **data
            ),
            field="goal",
        )
        return self.answer(self.get_queryset().get(pk=goal.pk), GoalSerializer)


# --- milestones --------------------------------------------------------------------------


class AddMilestoneSerializer(serializers.Serializer):
    goal = InMyMentorshipField(queryset=Goal.objects.all(), help_text="A goal of a mentorship you are in.")
    title = serializers.CharField(allow_blank=True)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)


class TickMilestoneSerializer(serializers.Serializer):
    done = serializers.BooleanField(help_text="true: done today; false: not done.")


@extend_schema_view(
    list=extend_schema(description="The milestones of your goals; filter `goal`."),
    retrieve=extend_schema(description="One milestone."),
)
class MilestoneViewSet(MemberOnlyViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The small steps towards a goal; a goal without typed progress counts the steps done."""

    queryset = Milestone.objects.select_related("goal")
    serializer_class = MilestoneSerializer
    mentorship_path = "goal__mentorship"
    filterset_fields = ["goal"]
    ordering_fields = ["order", "due_date"]

    def refine_queryset(self, queryset):
        return super().refine_queryset(queryset).order_by("goal_id", "order", "pk")

    def get_serializer_class(self):
        return {"create": AddMilestoneSerializer, "partial_update": TickMilestoneSerializer}.get(
            self.action, MilestoneSerializer
        )

    @extend_schema(
        request=AddMilestoneSerializer,
        responses={status.HTTP_201_CREATED: MilestoneSerializer},
        description="Add a milestone at the end of a goal's list; a due date outside the program is refused.",
    )
    def create(self, request, *args, **kwargs):
        data = self.body(request, AddMilestoneSerializer)
        goal = data.pop("goal")
        milestone = translate_service_errors(
            lambda: services.milestone_add(
                organization=self.organization, goal=goal, person=self.person_in(goal.mentorship_id), **data
            ),
            field="goal",
        )
        return self.answer(milestone, MilestoneSerializer, status.HTTP_201_CREATED)

    @extend_schema(request=TickMilestoneSerializer, responses=MilestoneSerializer, description="Tick or untick.")
    def partial_update(self, request, *args, **kwargs):
        milestone = self.get_object()
        data = self.body(request, TickMilestoneSerializer)
        ticked = translate_service_errors(
            lambda: services.milestone_toggle(
                organization=self.organization,
                milestone=milestone,
                person=self.person_in(milestone.goal.mentorship_id),
                done=data["done"],
            ),
            field="milestone",
        )
        return self.answer(ticked, MilestoneSerializer)

    @extend_schema(description="Remove a milestone.")
    def destroy(self, request, *args, **kwargs):
        milestone = self.get_object()
        translate_service_errors(
            lambda: services.milestone_remove(
                organization=self.organization, milestone=milestone, person=self.person_in(milestone.goal.mentorship_id)
            ),
            field="milestone",
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- comments ----------------------------------------------------------------------------


class GoalCommentSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)
    author_role = serializers.CharField(read_only=True, default=None, help_text="mentor, mentee or peer.")

    class Meta:
        model = GoalComment
        fields = ["id", "goal", "author", "author_name", "author_role", "text", "created_at"]
        read_only_fields = fields


class AddCommentSerializer(serializers.Serializer):
    goal = InMyMentorshipField(queryset=Goal.objects.all(), help_text="A goal of a mentorship you are in.")
    text = serializers.CharField(allow_blank=True)


@extend_schema_view(
    list=extend_schema(description="Comments on your goals, oldest first; filter `goal`."),
    retrieve=extend_schema(description="One comment."),
)
class GoalCommentViewSet(MemberOnlyViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The members' comments on a goal (the mentor's encouragement, the mentee's updates)."""

    queryset = GoalComment.objects.select_related("author").annotate(
        author_role=Subquery(
            MentorshipMember.objects.filter(
                organization_id=OuterRef("organization_id"),
                mentorship_id=OuterRef("goal__mentorship_id"),
                person_id=OuterRef("author_id"),
            ).values("role")[:1]
        )
    )
    serializer_class = GoalCommentSerializer
    mentorship_path = "goal__mentorship"
    filterset_fields = ["goal"]
    ordering_fields = ["created_at"]

    def refine_queryset(self, queryset):
        return super().refine_queryset(queryset).order_by("created_at", "pk")

    def get_serializer_class(self):
        return AddCommentSerializer if self.action == "create" else GoalCommentSerializer

    @extend_schema(request=AddCommentSerializer, responses={status.HTTP_201_CREATED: GoalCommentSerializer})
    def create(self, request, *args, **kwargs):
        data = self.body(request, AddCommentSerializer)
        goal = data["goal"]
        comment = translate_service_errors(
            lambda: services.goal_comment_add(
                organization=self.organization, goal=goal, person=self.person_in(goal.mentorship_id), text=data["text"]
            ),
            field="goal",
        )
        return self.answer(self.get_queryset().get(pk=comment.pk), GoalCommentSerializer, status.HTTP_201_CREATED)


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("goals", GoalViewSet, basename="goal")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("goal-comments", GoalCommentViewSet, basename="goal-comment")

urlpatterns = [path("", include(router.urls))]
