"""Matching API: match runs and their proposals. Relative to /api/v1/o/<org_slug>/:

- match-runs/: runs of the programs you manage (?program=, ?status=); POST starts one
  ({"program", "incremental", "base_run"}) and answers 201 while it is queued; the run's
  `progress` and `status` tell when it is ready. Actions: publish/, discard/, rerun/ (POST),
  compare/?other=<run> , unmatched/ and pair-preview/?mentee=&mentor= (GET).
- match-proposals/: a run's proposals (?run=<id>); POST adds a pair by hand ({"run", "mentee",
  "mentor", "confirm"}), DELETE removes one, lock/ and unlock/ keep one through a re-run, and
  swap/ ({"first", "second", "confirm"}) exchanges the mentors of two.
Managers only. Every write goes through matching.services (runs, review, publish); a pair that
breaks a hard rule is refused with the broken rules under "confirm" until confirm is true.
"""

from django.db.models import Count, Prefetch
from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from organizations.api_base import TenantPrimaryKeyRelatedField, TenantViewSetMixin, translate_service_errors
from organizations.permissions import Action
from programs.api.design import VisibleProgramField
from programs.models import Enrollment, Program

from .. import selectors
from ..models import MatchProposal, MatchRun, ProposalMember
from ..scoring import top_reasons
from ..services import publish as publish_services
from ..services import review as review_services
from ..services import runs as run_services
from .common import EnrollmentSummarySerializer, ObjectField, ObjectListField, managed_only, require_manage_program

# --- runs --------------------------------------------------------------------------------


class MatchRunSerializer(serializers.ModelSerializer):
    metrics = ObjectField(
        read_only=True,
        help_text="Quality of the result: total, mean, worst and 10th-percentile score, matched, unmatched, mentor "
        "load spread, share of mentees with one of their top-3 mentors, the solver's optimality certificate, "
        "warnings.",
    )
    input_digest = serializers.CharField(
        read_only=True, help_text="sha256 of everything the result depends on: the same input gives the same result."
    )
    created_by = serializers.EmailField(source="created_by.email", read_only=True, allow_null=True, default=None)
    published_by = serializers.EmailField(source="published_by.email", read_only=True, allow_null=True, default=None)
    proposal_count = serializers.IntegerField(read_only=True, default=0)
    is_finished = serializers.BooleanField(read_only=True)
    is_editable = serializers.BooleanField(read_only=True, help_text="Ready for review: proposals may be changed.")

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "program",
            "kind",
            "status",
            "progress",
            "progress_message",
            "is_finished",
            "is_editable",
            "incremental",
            "base_run",
            "metrics",
            "input_digest",
            "error",
            "proposal_count",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "published_at",
            "published_by",
        ]
        read_only_fields = fields


class ManagedRunField(TenantPrimaryKeyRelatedField):
    """A run in a body or query string: one of a program the caller manages. Any other fails
    exactly like a missing id, as its own URL answers 404."""

    program_id_path = "program_id"

    def get_queryset(self):
        queryset = super().get_queryset()
        view = self.context.get("view")
        return queryset.none() if view is None else managed_only(view, queryset, self.program_id_path)


class ManagedProposalField(ManagedRunField):
    """A proposal of a run of a program the caller manages (see ManagedRunField)."""

    program_id_path = "run__program_id"


class StartRunSerializer(serializers.Serializer):
    program = VisibleProgramField(queryset=Program.objects.all())
    incremental = serializers.BooleanField(
        default=False, help_text="Keep every live mentorship and match only the people who are free."
    )
    base_run = ManagedRunField(
        queryset=MatchRun.objects.all(),
        allow_null=True,
        required=False,
        default=None,
        help_text="An earlier run of the program this one re-runs (its locked pairs are kept).",
    )


class PublishResultSerializer(MatchRunSerializer):
    mentorships = serializers.ListField(
        source="created_mentorships", child=serializers.IntegerField(), help_text="The mentorships created."
    )

    class Meta(MatchRunSerializer.Meta):
        fields = [*MatchRunSerializer.Meta.fields, "mentorships"]
        read_only_fields = fields


class CompareQuerySerializer(serializers.Serializer):
    other = ManagedRunField(queryset=MatchRun.objects.all(), help_text="The run to compare with.")


class PairSerializer(serializers.Serializer):
    mentee = TenantPrimaryKeyRelatedField(queryset=Enrollment.objects.all(), help_text="The mentee's enrollment.")
    mentor = TenantPrimaryKeyRelatedField(queryset=Enrollment.objects.all(), help_text="The mentor's enrollment.")


class PairPreviewSerializer(serializers.Serializer):
    score = serializers.FloatField(help_text="0–100, plus the preference bonus.")
    reasons = ObjectListField(help_text='Each criterion\'s share: {"criterion", "points", "max_points", "text"}.')
    flags = serializers.ListField(child=serializers.CharField(), help_text="The hard rules this pair breaks, in words.")


@extend_schema_view(
    list=extend_schema(description="Runs of the programs you manage, newest first; filters `program`, `status`."),
    retrieve=extend_schema(description="One run: status, progress (0–100) and, once finished, its metrics."),
)
class MatchRunViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Match runs: one matching job each, with its parameters, progress, metrics and proposals."""

    queryset = MatchRun.objects.select_related("created_by", "published_by").annotate(proposal_count=Count("proposals"))
    serializer_class = MatchRunSerializer
    read_action = Action.PROGRAMS_VIEW
    # Program managers may be plain members: each write checks the program itself.
    write_action = Action.PROGRAMS_VIEW
    filterset_fields = ["program", "status", "kind"]
    ordering_fields = ["created_at"]

    def refine_queryset(self, queryset):
        return managed_only(self, queryset).order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return StartRunSerializer if self.action == "create" else MatchRunSerializer

    def _run_data(self, run, serializer_class=MatchRunSerializer, **extra):
        # Read back through the queryset so the answer carries the same annotations as a GET.
        fresh = self.get_queryset().get(pk=run.pk)
        for name, value in extra.items():
            setattr(fresh, name, value)
        return serializer_class(fresh, context=self.get_serializer_context()).data

    @extend_schema(
        request=StartRunSerializer,
        responses={status.HTTP_201_CREATED: MatchRunSerializer},
        description=(
            "Start matching a program you manage: matching or active, or recruiting for a trial run that cannot "
            "be published. The run is queued and done by a worker: poll it until `is_finished`. No mentors, no "
            "mentees or no criteria are refused under `program`; capacities that cannot take every mentee are a "
            "warning in `metrics.warnings`."
        ),
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        program = data["program"]
        require_manage_program(self, program)
        run = translate_service_errors(
            lambda: run_services.match_run_start(
                organization=self.organization,
                program=program,
                user=request.user,
                incremental=data["incremental"],
                base_run=data["base_run"],
            ),
            field="program",
        )
        return Response(self._run_data(run), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses=PublishResultSerializer,
        description=(
            "Publish a run ready for review: every proposal becomes a mentorship, all at once or none, and both "
            "sides are told by email. A run already published (by you or by another manager a moment earlier) "
            "or not ready is refused under `status`."
        ),
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, *args, **kwargs):
        run = self.get_object()
        mentorships = translate_service_errors(
            lambda: publish_services.match_run_publish(organization=self.organization, run=run, user=request.user),
            field="status",
        )
        return Response(self._run_data(run, PublishResultSerializer, created_mentorships=[m.pk for m in mentorships]))

    @extend_schema(request=None, responses=MatchRunSerializer, description="Discard a run that is not published.")
    @action(detail=True, methods=["post"])
    def discard(self, request, *args, **kwargs):
        run = self.get_object()
        translate_service_errors(
            lambda: run_services.match_run_discard(organization=self.organization, run=run, user=request.user),
            field="status",
        )
        return Response(self._run_data(run))

    @extend_schema(
        request=None,
        responses={status.HTTP_201_CREATED: MatchRunSerializer},
        description="Re-run around the locked pairs: a new run keeps them and solves for everyone else (queued).",
    )
    @action(detail=True, methods=["post"])
    def rerun(self, request, *args, **kwargs):
        run = self.get_object()
        new_run = translate_service_errors(
            lambda: run_services.match_run_rerun(organization=self.organization, run=run, user=request.user),
            field="status",
        )
        return Response(self._run_data(new_run), status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[CompareQuerySerializer],
        responses=OpenApiTypes.OBJECT,
        description="Compare this run with another of the same program: pairs kept, changed and only in one, and "
        "the metrics side by side.",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def compare(self, request, *args, **kwargs):
        run = self.get_object()
        query = CompareQuerySerializer(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        other = query.validated_data["other"]
        comparison = translate_service_errors(lambda: selectors.runs_compare(run, other), field="other")
        return Response(comparison)

    @extend_schema(
        responses=EnrollmentSummarySerializer(many=True),
        description="The people of the run's pool left without a match (not paginated).",
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def unmatched(self, request, *args, **kwargs):
        run = self.get_object()
        return Response(EnrollmentSummarySerializer(selectors.run_unmatched(run), many=True).data)

    @extend_schema(
        parameters=[PairSerializer],
        responses=PairPreviewSerializer,
        description="What a pair would score in this run, why, and which hard rules it breaks, before adding it "
        "by hand.",
    )
    @action(detail=True, methods=["get"], url_path="pair-preview", filter_backends=[])
    def pair_preview(self, request, *args, **kwargs):
        run = self.get_object()
        query = PairSerializer(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        preview = translate_service_errors(
            lambda: review_services.pair_preview(organization=self.organization, run=run, **query.validated_data)
        )
        return Response(PairPreviewSerializer(preview).data)


# --- proposals ---------------------------------------------------------------------------


class ProposalMemberSerializer(EnrollmentSummarySerializer):
    """A proposal's member: who they are, with their role in the proposal."""

    def to_representation(self, member):
        return {**super().to_representation(member.enrollment), "role": member.role}


class ProposalSerializer(serializers.ModelSerializer):
    members = ProposalMemberSerializer(many=True, read_only=True)
    reasons = ObjectListField(
        read_only=True, help_text='Each criterion\'s share of the score: {"criterion", "points", "max_points", "text"}.'
    )
    top_reasons = serializers.SerializerMethodField(help_text="The three reasons that weigh most, as in `reasons`.")
    flags = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Hard rules a pair made by hand breaks, in words."
    )

    class Meta:
        model = MatchProposal
        fields = [
            "id",
            "run",
            "number",
            "score",
            "top_reasons",
            "reasons",
            "flags",
            "origin",
            "locked",
            "members",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ObjectListField)
    def get_top_reasons(self, proposal):
        return top_reasons(proposal.reasons or [])


class AddProposalSerializer(PairSerializer):
    run = ManagedRunField(queryset=MatchRun.objects.select_related("program"))
    confirm = serializers.BooleanField(
        default=False, help_text="Add the pair even though it breaks a hard rule (the rules are kept as flags)."
    )


class SwapSerializer(serializers.Serializer):
    first = ManagedProposalField(queryset=MatchProposal.objects.all())
    second = ManagedProposalField(queryset=MatchProposal.objects.all())
    confirm = serializers.BooleanField(default=False, help_text="Swap even though a new pair breaks a hard rule.")


@extend_schema_view(
    list=extend_schema(description="Proposals of the runs of programs you manage; filter with ?run=<id>."),
    destroy=extend_schema(description="Remove a proposal from a run ready for review: its people become unmatched."),
)
class MatchProposalViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A run's proposed mentorships: score, reasons, flags; reviewed by hand before publishing."""

    queryset = MatchProposal.objects.select_related("run").prefetch_related(
        Prefetch("members", queryset=ProposalMember.objects.select_related("enrollment__person"))
    )
    serializer_class = ProposalSerializer
    read_action = Action.PROGRAMS_VIEW
    write_action = Action.PROGRAMS_VIEW
    filterset_fields = ["run", "locked", "origin"]
    ordering_fields = ["number", "score"]

    def refine_queryset(self, queryset):
        return managed_only(self, queryset, "run__program_id").order_by("run_id", "number", "pk")

    def get_serializer_class(self):
        return {"create": AddProposalSerializer, "swap": SwapSerializer}.get(self.action, ProposalSerializer)

    def _proposal_data(self, proposals):
        fresh = self.get_queryset().filter(pk__in=[p.pk for p in proposals])
        return ProposalSerializer(fresh, many=True, context=self.get_serializer_context()).data

    @extend_schema(
        request=AddProposalSerializer,
        responses={status.HTTP_201_CREATED: ProposalSerializer},
        description=(
            "Add a pair by hand to a run ready for review. A mentee already in a proposal of the run, or a mentor "
            "without room, is refused. A pair that breaks a hard rule is refused with each broken rule under "
            "`confirm`; send `confirm: true` to add it anyway (the rules are kept as its `flags`)."
        ),
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        run = data["run"]
        proposal = translate_service_errors(
            lambda: review_services.proposal_add(
                organization=self.organization,
                run=run,
                mentee=data["mentee"],
                mentor=data["mentor"],
                user=request.user,
                confirm=data["confirm"],
            ),
            field="run",
        )
        return Response(self._proposal_data([proposal])[0], status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        translate_service_errors(
            lambda: review_services.proposal_remove(
                organization=self.organization, proposal=instance, user=self.request.user
            ),
            field="run",
        )

    def _lock(self, locked):
        proposal = self.get_object()
        translate_service_errors(
            lambda: review_services.proposal_lock(
                organization=self.organization, proposal=proposal, user=self.request.user, locked=locked
            ),
            field="run",
        )
        return Response(self._proposal_data([proposal])[0])

    @extend_schema(request=None, responses=ProposalSerializer, description="Keep this pair through a re-run.")
    @action(detail=True, methods=["post"])
    def lock(self, request, *args, **kwargs):
        return self._lock(True)

    @extend_schema(request=None, responses=ProposalSerializer, description="Let a re-run change this pair again.")
    @action(detail=True, methods=["post"])
    def unlock(self, request, *args, **kwargs):
        return self._lock(False)

    @extend_schema(
        request=SwapSerializer,
        responses=ProposalSerializer(many=True),
        description=(
            "Exchange the mentors of two proposals of the same run; each is scored again. A new pair that breaks "
            "a hard rule is refused with the rules under `confirm` unless `confirm` is true."
        ),
    )
    @action(detail=False, methods=["post"])
    def swap(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        first, second = data["first"], data["second"]
        translate_service_errors(
            lambda: review_services.proposals_swap(
                organization=self.organization, first=first, second=second, user=request.user, confirm=data["confirm"]
            ),
            field="run",
        )
        return Response(self._proposal_data([first, second]))


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("match-runs", MatchRunViewSet, basename="match-run")
router.register("match-proposals", MatchProposalViewSet, basename="match-proposal")

urlpatterns = [path("", include(router.urls))]
