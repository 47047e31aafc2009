"""Reports API for integrators. Relative to /api/v1/o/<org_slug>/reports/:

- kpis/?program=&weeks=: the weekly KPI snapshot rows (oldest first, paginated) of the
  organization as a whole, or of one program; `weeks` (1–156, default 26) counts back from this week.
- funnel/?program=: invited → applied → matched → active → completed.
- impact/?program=: retention and promotion of participants against comparable colleagues, as
  the last impact refresh computed them. A group under the organization's minimum size is
  flagged hidden with the reason and carries no numbers.
- objectives/?program=: a program's SMART objectives with progress against target and deadline.
- roi/?program=: the ROI estimate (a range around a central figure, or the sentence saying the
  difference is not significant) with the assumptions behind it; PATCH changes the assumptions.
- rollups/: the rollup runs, newest first; POST starts one (202 with the queued run);
  rollups/<id>/: one run's status and progress. A rollup always computes the whole
  organization, so that its totals and every program's come from the same run.

Who: leaders (Action.REPORTS_VIEW, so admins and owners too) read every figure; a program's
managers read that program's figures (with ?program=) and the rollup runs they asked for. Admins
(Action.ORG_EDIT) change the ROI assumptions and start rollups. Anybody else gets 403. Figures
come from reports.selectors and reports.services, which read the snapshot tables: nothing is
recomputed on a request. A program the caller may not see, another organization's included,
is refused under `program` exactly like a missing id.
"""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from matching.api.common import ObjectField
from mentoring.api_pagination import Pagination
from organizations.api_base import TenantViewSetMixin, translate_service_errors
from organizations.permissions import Action, can, can_manage_program
from programs.api.design import VisibleProgramField
from programs.models import Program, ProgramManager

from . import selectors
from .models import KpiSnapshot, RoiAssumptions, RollupRun, RollupStatus
from .services import roi as roi_services
from .services import rollups as rollup_services
from .services.impact import is_hidden

READERS_ONLY = "Only leaders, organization admins and program managers can read reports."
ORGANIZATION_FIGURES = (
    "Figures for the whole organization are for leaders and organization admins; "
    "ask for a program you manage with ?program=<id>."
)
PROGRAM_FIGURES = "Only leaders, organization admins and this program's managers can read its figures."
# An input of the ROI (matched participants per level), not a figure: its counts may be under k.
IMPACT_INTERNALS = ("participant_levels",)


def reads_reports(membership) -> bool:
    return can(membership, Action.REPORTS_VIEW)


def shown_impact(value):
    """The impact figures as the API shows them: a hidden part keeps its flag and reason and
    nothing else. The selector already hides them; blanking here too means a hidden group stays
    hidden even if a snapshot carried its numbers."""
    if is_hidden(value):
        return {"hidden": True, "reason": value.get("reason", "")}
    if isinstance(value, dict):
        return {key: shown_impact(item) for key, item in value.items() if key not in IMPACT_INTERNALS}
    if isinstance(value, list):
        return [shown_impact(item) for item in value]
    return value


class RowsPagination(Pagination):
    """The API's pages over a selector's list, which arrives in its own total order (one row per
    week): the queryset ordering of the default pagination has nothing to act on."""

    def paginate_queryset(self, queryset, request, view=None):
        return PageNumberPagination.paginate_queryset(self, queryset, request, view)


# --- query strings --------------------------------------------------------------------------


class ProgramQuerySerializer(serializers.Serializer):
    program = VisibleProgramField(
        queryset=Program.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="A program's id; the organization as a whole if left out.",
    )


class ProgramRequiredQuerySerializer(serializers.Serializer):
    program = VisibleProgramField(queryset=Program.objects.all(), help_text="A program's id.")


class KpiQuerySerializer(ProgramQuerySerializer):
    weeks = serializers.IntegerField(
        min_value=1,
        max_value=rollup_services.MAX_WEEKS,
        default=rollup_services.DEFAULT_WEEKS,
        help_text="How many weeks to go back, this one included.",
    )


# --- figures ----------------------------------------------------------------------------------


class KpiSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = KpiSnapshot
        exclude = ["organization"]
        read_only_fields = [field.name for field in KpiSnapshot._meta.fields]


class FunnelStageSerializer(serializers.Serializer):
    stage = serializers.CharField(help_text="invited, applied, matched, active or completed.")
    label = serializers.CharField()
    count = serializers.IntegerField(allow_null=True, help_text="People at this stage; null before the first rollup.")


class FunnelSerializer(serializers.Serializer):
    program = serializers.IntegerField(allow_null=True, help_text="The program; null for the organization.")
    stages = FunnelStageSerializer(many=True)


class ObjectiveProgressSerializer(serializers.Serializer):
    objective = serializers.IntegerField(source="objective.pk", help_text="The objective's id.")
    metric = serializers.CharField()
    name = serializers.CharField(help_text="What is measured, in words.")
    unit = serializers.CharField(allow_blank=True)
    baseline = serializers.FloatField(allow_null=True)
    current = serializers.FloatField(allow_null=True, help_text="The latest measured value; null if not measured.")
    n = serializers.IntegerField(allow_null=True, help_text="How many people stand behind the current value.")
    note = serializers.CharField(allow_blank=True, help_text="Why there is no current value, in words.")
    expected = serializers.FloatField(
        allow_null=True, help_text="Where a straight line from the baseline to the target stands today."
    )
    target = serializers.FloatField()
    deadline = serializers.DateField()
    on_track = serializers.BooleanField(allow_null=True, help_text="Null when it cannot be judged yet.")


class ImpactSerializer(serializers.Serializer):
    program = serializers.IntegerField(allow_null=True, help_text="The program; null for the organization.")
    available = serializers.BooleanField(help_text="False until an impact refresh has computed the figures.")
    figures = ObjectField(
        allow_null=True,
        help_text="The method in words, the counts, then for `participants` and `comparison` (matched colleagues) "
        "the Kaplan–Meier curve with its 95% band and 6- and 12-month retention; the log-rank test; the retention "
        "`difference`; the `balance` table (standardized mean differences before and after matching); `promotion`. "
        "Each figure says how many people stand behind it (`n`); a part under the organization's minimum group "
        'size `k` is {"hidden": true, "reason"} and nothing else.',
    )


# --- ROI ----------------------------------------------------------------------------------------


class RoiAssumptionsSerializer(serializers.ModelSerializer):
    updated_by = serializers.EmailField(source="updated_by.email", read_only=True, allow_null=True, default=None)
    salary_by_level = serializers.DictField(
        child=serializers.FloatField(),
        required=False,
        help_text='Yearly salary per level, e.g. {"1": 40000, "5": 120000}; {} for the average salary for all.',
    )

    class Meta:
        model = RoiAssumptions
        fields = [*roi_services.EDITABLE_FIELDS, "updated_by", "updated_at"]
        read_only_fields = ["updated_by", "updated_at"]


class RangeSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text="The central estimate; null when none is claimed.")
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)


class RoiEstimateSerializer(serializers.Serializer):
    significant = serializers.BooleanField(
        help_text="A return is claimed only when the log-rank p < 0.05 and the 12-month difference's interval is "
        "above 0."
    )
    p_value = serializers.FloatField(allow_null=True)
    participants = serializers.IntegerField(help_text="Participants the program cost counts.")
    participants_compared = serializers.IntegerField(help_text="Participants matched with comparable colleagues.")
    difference = RangeSerializer(help_text="The 12-month retention difference (participants − colleagues), 0–1.")
    avoided = RangeSerializer(help_text="Departures avoided.")
    savings = RangeSerializer()
    cost = RangeSerializer(help_text="The program's cost per year.")
    net = RangeSerializer(help_text="Savings − cost.")
    roi = RangeSerializer(help_text="Net / cost.")
    salary = serializers.FloatField(help_text="The yearly salary of a departure avoided.")
    currency = serializers.CharField()
    sentence = serializers.CharField(help_text="The estimate in plain words, or why no return is claimed.")
    hidden = serializers.BooleanField(help_text="True when there is nothing to estimate from (see hidden_reason).")
    hidden_reason = serializers.CharField(allow_blank=True)


class RoiSerializer(serializers.Serializer):
    program = serializers.IntegerField(allow_null=True, help_text="The program; null for the organization.")
    estimate = RoiEstimateSerializer()
    assumptions = RoiAssumptionsSerializer()


# --- rollups --------------------------------------------------------------------------------------


class RollupRunSerializer(serializers.ModelSerializer):
    requested_by = serializers.EmailField(source="requested_by.email", read_only=True, allow_null=True, default=None)
    is_finished = serializers.SerializerMethodField()
    timings = ObjectField(read_only=True, help_text="Seconds per step, and rows read.")

    class Meta:
        model = RollupRun
        fields = [
            "id",
            "status",
            "progress",
            "step",
            "is_finished",
            "first_week",
            "last_week",
            "error",
            "timings",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_is_finished(self, run) -> bool:
        return run.status in (RollupStatus.SUCCEEDED, RollupStatus.FAILED)


class StartRollupSerializer(serializers.Serializer):
    first_week = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Any day of the first week to compute; 26 weeks back from the last if left out.",
    )
    last_week = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Any day of the last week; this week if left out."
    )


# --- viewsets ---------------------------------------------------------------------------------------


class ReportReaderMixin:
    """Readers are leaders (every figure) and program managers (their programs' figures)."""

    read_action = Action.ORG_VIEW

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not (reads_reports(self.membership) or self._manages_a_program()):
            raise PermissionDenied(READERS_ONLY)

    def _manages_a_program(self):
        managed = ProgramManager.objects.for_org(self.organization).filter(user_id=self.membership.user_id)
        return managed.exists()

    def query(self, serializer_class):
        """The validated query string, refused unless the caller may read the figures it asks for:
        the organization's need Action.REPORTS_VIEW, a program's that or managing the program."""
        query = serializer_class(data=self.request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        program = query.validated_data.get("program")
        if not reads_reports(self.membership):
            if program is None:
                raise PermissionDenied(ORGANIZATION_FIGURES)
            if not can_manage_program(self.membership, program):
                raise PermissionDenied(PROGRAM_FIGURES)
        return query.validated_data


def _pk(program):
    return program.pk if program is not None else None


class ReportViewSet(ReportReaderMixin, TenantViewSetMixin, viewsets.GenericViewSet):
    """The figures behind the dashboards, read from the snapshot tables."""

    queryset = KpiSnapshot.objects.all()
    serializer_class = KpiSnapshotSerializer
    filter_backends = []

    @extend_schema(
        parameters=[KpiQuerySerializer],
        responses=KpiSnapshotSerializer(many=True),
        description="The weekly KPI snapshots, oldest week first: participation, engagement, pair health, "
        "satisfaction and NPS, training. Counts are as of the week's end, rates 0–1, and null means not measured "
        "(no data, or fewer people than the organization's minimum group size behind it).",
    )
    @action(detail=False, methods=["get"], pagination_class=RowsPagination)
    def kpis(self, request, *args, **kwargs):
        query = self.query(KpiQuerySerializer)
        rows = selectors.kpi_series(organization=self.organization, program=query["program"], weeks=query["weeks"])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(KpiSnapshotSerializer(page, many=True).data)

    @extend_schema(
        parameters=[ProgramQuerySerializer],
        responses=FunnelSerializer,
        description="The participation funnel of the latest week rolled up: invited → applied → matched → active → "
        "completed.",
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def funnel(self, request, *args, **kwargs):
        program = self.query(ProgramQuerySerializer)["program"]
        stages = selectors.funnel(organization=self.organization, program=program)
        return Response(FunnelSerializer({"program": _pk(program), "stages": stages}).data)

    @extend_schema(
        parameters=[ProgramQuerySerializer],
        responses=ImpactSerializer,
        description="Retention and promotion of participants against comparable colleagues who never joined a "
        "program (matched on department, level and tenure band), with 95% intervals and the balance of the "
        "comparison, as the last impact refresh computed them. Groups under the organization's minimum size are "
        "flagged hidden, never with their numbers.",
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def impact(self, request, *args, **kwargs):
        program = self.query(ProgramQuerySerializer)["program"]
        figures = selectors.impact_figures(organization=self.organization, program=program)
        data = {
            "program": _pk(program),
            "available": figures is not None,
            "figures": shown_impact(figures) if figures is not None else None,
        }
        return Response(ImpactSerializer(data).data)

    @extend_schema(
        parameters=[ProgramRequiredQuerySerializer],
        responses=ObjectiveProgressSerializer(many=True),
        description="A program's SMART objectives with their current value against baseline, target and deadline, "
        "and whether they are on track (not paginated).",
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def objectives(self, request, *args, **kwargs):
        program = self.query(ProgramRequiredQuerySerializer)["program"]
        progress = selectors.objectives_progress(organization=self.organization, program=program)
        return Response(ObjectiveProgressSerializer(progress, many=True).data)


class RoiViewSet(ReportReaderMixin, TenantViewSetMixin, viewsets.GenericViewSet):
    """The ROI estimate and the organization's assumptions behind it."""

    queryset = RoiAssumptions.objects.all()
    serializer_class = RoiSerializer
    write_action = Action.ORG_EDIT
    filter_backends = []
    pagination_class = None

    def _answer(self, program, assumptions):
        estimate = roi_services.roi_estimate(organization=self.organization, program=program, assumptions=assumptions)
        data = {"program": _pk(program), "estimate": estimate, "assumptions": assumptions}
        return Response(RoiSerializer(data).data)

    @extend_schema(
        parameters=[ProgramQuerySerializer],
        responses=RoiSerializer,
        description="The ROI as a range around a central estimate, carried through from the interval of the measured "
        "12-month retention difference, with a sentence in plain words; when the difference is not significant "
        "the sentence says so and no central figure is given. With the assumptions behind it.",
    )
    def retrieve(self, request, *args, **kwargs):
        program = self.query(ProgramQuerySerializer)["program"]
        return self._answer(program, roi_services.roi_assumptions_for(organization=self.organization))

    @extend_schema(
        parameters=[ProgramQuerySerializer],
        request=RoiAssumptionsSerializer,
        responses=RoiSerializer,
        description="Change some of the ROI assumptions (organization admins); answers with the estimate they give. "
        "Errors name the field: replacement costs are shares of a year's salary from 0.1 to 4, low ≤ central ≤ "
        "high; money and hours are 0 or more; salary_by_level maps whole-number levels to salaries above 0.",
    )
    def partial_update(self, request, *args, **kwargs):
        program = self.query(ProgramQuerySerializer)["program"]
        body = RoiAssumptionsSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        assumptions = translate_service_errors(
            lambda: roi_services.roi_assumptions_update(
                organization=self.organization, user=request.user, **body.validated_data
            )
        )
        return self._answer(program, assumptions)


@extend_schema_view(
    list=extend_schema(
        description="The rollup runs, newest first: the nightly ones and those asked for (program managers: "
        "those they asked for)."
    ),
    retrieve=extend_schema(description="One run: status, progress (0–100) and what it is doing now."),
)
class RollupRunViewSet(
    ReportReaderMixin,
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Rollup runs: one computation of the KPI snapshots each, with its progress."""

    queryset = RollupRun.objects.select_related("requested_by")
    serializer_class = RollupRunSerializer
    write_action = Action.ORG_EDIT
    filter_backends = []
    lookup_value_regex = r"\d+"

    def refine_queryset(self, queryset):
        if not reads_reports(self.membership):
            # As on the run page: a program manager follows the runs they asked for.
            queryset = queryset.filter(requested_by_id=self.membership.user_id)
        return queryset.order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return StartRollupSerializer if self.action == "create" else RollupRunSerializer

    @extend_schema(
        request=StartRollupSerializer,
        responses={status.HTTP_202_ACCEPTED: RollupRunSerializer},
        description="Recompute the KPI snapshots now (organization admins), for the whole organization and every "
        "program. The run is queued for a worker (a run of the same weeks still waiting is answered instead of "
        "a second one): poll rollups/<id>/ until `is_finished`. Re-running past weeks gives the same figures.",
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = translate_service_errors(
            lambda: rollup_services.rollup_start(
                organization=self.organization, requested_by=request.user, **body.validated_data
            )
        )
        # Read back: without a broker the run has already finished by now.
        fresh = self.get_queryset().get(pk=run.pk)
        return Response(RollupRunSerializer(fresh).data, status=status.HTTP_202_ACCEPTED)
