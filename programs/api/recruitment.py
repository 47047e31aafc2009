"""Program API: recruitment. Exposes `urlpatterns` (relative to /api/v1/o/<org_slug>/).

- enrollments/: managers list the applications of the programs they manage (filters: program,
  status, role, source; search by name, email, department); members list their own. POST
  applies for yourself (your directory record, linked by a verified email).
  enrollments/decide/ approves, waitlists or declines in bulk; enrollments/<id>/withdraw/
  withdraws (your own, or, as a manager, someone's with a reason).
- program-invitations/: managers invite by email addresses, pasted CSV text, or the program's
  audience (optionally narrowed by a segment); each person is invited once per program, ever.
- nominations/: a manager nominates a direct report as mentor; the nominee answers at
  nominations/<id>/respond/.
Every write goes through programs.services.recruitment; its errors name the field, intake
answers as "answers.<question key>".
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef, Q
from django.urls import include, path
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from organizations.api_base import TenantPrimaryKeyRelatedField, TenantViewSetMixin, translate_service_errors
from organizations.models import Person
from organizations.permissions import Action, can, can_manage_program
from surveys.selectors import response_answers

from ..models import (
    Enrollment,
    EnrollmentStatus,
    Nomination,
    ParticipantRole,
    Program,
    ProgramInvitation,
    ProgramManager,
    ProgramStatus,
)
from ..selectors.recruitment import person_for_user
from ..services import recruitment as services

# Errors of enrollment_apply about the application itself; every other key is an intake question.
APPLY_FIELDS = {"program", "role", "person", "motivation", "capacity", "answers", "non_field_errors"}
NOT_LINKED = (
    "Your account is not linked to a record in this organization's people directory: add and verify "
    "the email address the directory knows you by, or ask an admin to add you."
)


def _require_manage(viewset, program):
    if not can_manage_program(viewset.membership, program):
        raise PermissionDenied("Only this program's managers and organization admins can do this.")


def _managed_or_own(queryset, viewset, person_path):
    """Rows of programs the caller manages (all for admins), and the caller's own."""
    if can(viewset.membership, Action.PROGRAM_MANAGE):
        return queryset
    managed = ProgramManager.objects.for_org(viewset.organization).filter(
        program_id=OuterRef("program_id"), user=viewset.request.user
    )
    return queryset.filter(Q(Exists(managed)) | Q(**{f"{person_path}__user": viewset.request.user}))


def _visible_program(viewset, program):
    """A draft program is unknown to anyone who cannot manage it, as on the pages."""
    if program.status == ProgramStatus.DRAFT and not can_manage_program(viewset.membership, program):
        raise ValidationError({"program": [f'Invalid pk "{program.pk}" - object does not exist.']})
    return program


def _own_person(viewset):
    person = person_for_user(organization=viewset.organization, user=viewset.request.user)
    if person is None:
        raise ValidationError({"person": [NOT_LINKED]})
    return person


# --- enrollments ---------------------------------------------------------------------------


class PersonSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "email", "title", "department", "level"]
        read_only_fields = fields


class EnrollmentSerializer(serializers.ModelSerializer):
    person = PersonSummarySerializer(read_only=True)
    decided_by = serializers.EmailField(source="decided_by.email", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "program",
            "person",
            "role",
            "status",
            "reason",
            "decided_by",
            "decided_at",
            "capacity",
            "motivation",
            "source",
            "response",
            "intake_submitted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer):
    key = serializers.CharField(source="question.key")
    question = serializers.CharField(source="label")
    value = serializers.CharField(allow_null=True, help_text="As a person reads it: choice labels, a number, a date.")


class EnrollmentDetailSerializer(EnrollmentSerializer):
    answers = serializers.SerializerMethodField(help_text="The intake answers, in questionnaire order.")

    class Meta(EnrollmentSerializer.Meta):
        fields = [*EnrollmentSerializer.Meta.fields, "answers"]
        read_only_fields = fields

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, obj):
        if obj.response is None:
            return []
        return AnswerSerializer(response_answers(obj.response), many=True).data


class ApplySerializer(serializers.Serializer):
    program = TenantPrimaryKeyRelatedField(queryset=Program.objects.all())
    role = serializers.ChoiceField(choices=ParticipantRole.choices)
    answers = serializers.DictField(
        required=False,
        default=dict,
        help_text="Intake answers keyed by question key: a choice's value (or a list of them), a number, "
        "a date as YYYY-MM-DD, or text.",
    )
    motivation = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Mentors: why they want to mentor."
    )
    capacity = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Mentors: mentees they take (0–50); program default."
    )


class DecideSerializer(serializers.Serializer):
    program = TenantPrimaryKeyRelatedField(queryset=Program.objects.all())
    enrollments = TenantPrimaryKeyRelatedField(queryset=Enrollment.objects.all(), many=True)
    decision = serializers.ChoiceField(choices=[(d, EnrollmentStatus(d).label) for d in services.DECISIONS])
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Sent to each applicant; required to decline."
    )


class DecisionResultSerializer(serializers.Serializer):
    changed = serializers.ListField(child=serializers.IntegerField(), help_text="Decided now; each is emailed.")
    unchanged = serializers.ListField(child=serializers.IntegerField(), help_text="Already so; nothing sent.")


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required when a manager withdraws someone."
    )


def _apply_errors(error: DjangoValidationError):
    """The service's errors with intake questions under "answers.<key>"."""
    detail = {}
    for key, messages in error.message_dict.items():
        name = "non_field_errors" if key == "__all__" else key
        detail[name if name in APPLY_FIELDS else f"answers.{name}"] = messages
    return ValidationError(detail)


@extend_schema_view(
    list=extend_schema(description="Applications of the programs you manage (every program for admins), and your own."),
    retrieve=extend_schema(description="One application, with its intake answers."),
)
class EnrollmentViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Applications to programs and their decisions."""

    queryset = Enrollment.objects.select_related("person", "decided_by", "response")
    serializer_class = EnrollmentSerializer
    read_action = Action.PROGRAMS_VIEW
    write_action = Action.PROGRAMS_VIEW
    filterset_fields = ["program", "status", "role", "source"]
    search_fields = ["person__name", "person__email", "person__department"]
    ordering_fields = ["created_at", "status", "person__name"]

    def refine_queryset(self, queryset):
        return _managed_or_own(queryset, self, "person").order_by("created_at", "pk")

    def get_serializer_class(self):
        return {
            "retrieve": EnrollmentDetailSerializer,
            "create": ApplySerializer,
            "decide": DecideSerializer,
            "withdraw": WithdrawSerializer,
        }.get(self.action, EnrollmentSerializer)

    @extend_schema(
        request=ApplySerializer,
        responses={status.HTTP_201_CREATED: EnrollmentSerializer},
        description=(
            "Apply to a recruiting program for yourself: a role the program has, its intake answers, and for "
            "mentors a motivation and a capacity. Errors name the field; intake answers as `answers.<key>`."
        ),
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        program = _visible_program(self, data["program"])
        person = _own_person(self)
        try:
            enrollment = services.enrollment_apply(
                organization=self.organization,
                program=program,
                person=person,
                role=data["role"],
                answers=data["answers"],
                motivation=data["motivation"],
                capacity=data["capacity"],
            )
        except DjangoValidationError as error:
            raise _apply_errors(error) from error
        return Response(EnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DecideSerializer,
        responses=DecisionResultSerializer,
        description=(
            "Approve, waitlist or decline applications of a program you manage, in bulk. Each applicant whose "
            "status changes is emailed once. Declining needs a reason, which is sent."
        ),
    )
    @action(detail=False, methods=["post"])
    def decide(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        program = _visible_program(self, data["program"])
        _require_manage(self, program)
        result = translate_service_errors(
            lambda: services.enrollment_decide(
                organization=self.organization,
                program=program,
                enrollments=data["enrollments"],
                decision=data["decision"],
                reason=data["reason"],
                actor=request.user,
            )
        )
        return Response(
            DecisionResultSerializer(
                {"changed": [e.pk for e in result.changed], "unchanged": [e.pk for e in result.unchanged]}
            ).data
        )

    @extend_schema(
        request=WithdrawSerializer,
        responses=EnrollmentSerializer,
        description="Withdraw your own application or place; a manager may withdraw someone, with a reason.",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        enrollment = self.get_object()
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        if enrollment.person.user_id != request.user.pk:
            _require_manage(self, enrollment.program)
        enrollment = translate_service_errors(
            lambda: services.enrollment_withdraw(
                organization=self.organization,
                enrollment=enrollment,
                actor=request.user,
                reason=body.validated_data["reason"],
            ),
            field="reason",
        )
        return Response(EnrollmentSerializer(enrollment).data)


# --- invitations ---------------------------------------------------------------------------


class ProgramInvitationSerializer(serializers.ModelSerializer):
    person = PersonSummarySerializer(read_only=True)
    invited_by = serializers.EmailField(source="invited_by.email", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ProgramInvitation
        fields = ["id", "program", "person", "email", "invited_by", "created_at", "sent_at"]
        read_only_fields = fields


class InviteSerializer(serializers.Serializer):
    program = TenantPrimaryKeyRelatedField(queryset=Program.objects.all())
    emails = serializers.ListField(
        child=serializers.CharField(max_length=254),
        required=False,
        max_length=services.MAX_INVITE_LINES,
        help_text="Addresses of people in the directory.",
    )
    csv_text = serializers.CharField(
        required=False, help_text="A CSV file's text with an `email` column, or addresses one or more per line."
    )
    segment = serializers.DictField(
        required=False,
        help_text="Audience rules narrowing the program's audience (see programs/audience.py); {} for all of it.",
    )

    def validate(self, attrs):
        given = [name for name in ("emails", "csv_text", "segment") if name in attrs]
        if len(given) != 1:
            raise ValidationError({"non_field_errors": ["Give exactly one of emails, csv_text or segment."]})
        return attrs


class InviteLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True, help_text="Line (or list position) the address came from.")
    email = serializers.CharField()
    person = serializers.IntegerField(source="person.pk", allow_null=True, default=None)
    message = serializers.CharField(help_text="Why it was skipped; empty when invited.")


class InviteReportSerializer(serializers.Serializer):
    invited = InviteLineSerializer(many=True)
    skipped = InviteLineSerializer(many=True)


@extend_schema_view(list=extend_schema(description="Invitations of the programs you manage, newest first."))
class ProgramInvitationViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Program invitations: one email per person per program, ever."""

    queryset = ProgramInvitation.objects.select_related("person", "invited_by")
    serializer_class = ProgramInvitationSerializer
    read_action = Action.PROGRAMS_VIEW
    write_action = Action.PROGRAMS_VIEW
    filterset_fields = ["program"]
    search_fields = ["email", "person__name"]
    ordering_fields = ["created_at"]

    def refine_queryset(self, queryset):
        if can(self.membership, Action.PROGRAM_MANAGE):
            return queryset.order_by("-created_at", "-pk")
        managed = ProgramManager.objects.for_org(self.organization).filter(
            program_id=OuterRef("program_id"), user=self.request.user
        )
        return queryset.filter(Exists(managed)).order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return InviteSerializer if self.action == "create" else ProgramInvitationSerializer

    @extend_schema(
        request=InviteSerializer,
        responses={status.HTTP_201_CREATED: InviteReportSerializer},
        description=(
            "Invite people to a recruiting program you manage: by `emails`, by `csv_text`, or by `segment` (the "
            "program's audience, narrowed by these rules). The report lists who was invited and who was skipped "
            "and why (not in the directory, a duplicate, already invited, not eligible...). Inviting the same "
            "person again creates and sends nothing."
        ),
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        program = _visible_program(self, data["program"])
        _require_manage(self, program)
        common = {"organization": self.organization, "program": program, "actor": request.user}
        if "segment" in data:
            report = translate_service_errors(
                lambda: services.program_invite_segment(**common, rules=data["segment"]), field="segment"
            )
        else:
            report = translate_service_errors(
                lambda: services.program_invite_emails(
                    **common, emails=data.get("emails"), csv_text=data.get("csv_text")
                )
            )
        payload = {"invited": report.invited, "skipped": report.skipped}
        return Response(InviteReportSerializer(payload).data, status=status.HTTP_201_CREATED)


# --- nominations ---------------------------------------------------------------------------


class NominationSerializer(serializers.ModelSerializer):
    program = TenantPrimaryKeyRelatedField(queryset=Program.objects.all())
    nominee = TenantPrimaryKeyRelatedField(queryset=Person.objects.all())
    nominee_name = serializers.CharField(source="nominee.name", read_only=True)
    nominated_by = serializers.EmailField(source="nominated_by.email", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Nomination
        fields = [
            "id",
            "program",
            "nominee",
            "nominee_name",
            "nominated_by",
            "note",
            "status",
            "created_at",
            "responded_at",
        ]
        read_only_fields = ["id", "nominee_name", "nominated_by", "status", "created_at", "responded_at"]


class RespondSerializer(serializers.Serializer):
    accept = serializers.BooleanField(
        help_text="true: you take part as a mentor, then fill the intake (apply with the same program and role)."
    )


@extend_schema_view(
    list=extend_schema(
        description="Your nominations, your direct reports' nominations, and, for managers, their programs'."
    ),
    create=extend_schema(description="Nominate one of your direct reports (in the directory) as a mentor."),
)
class NominationViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Managers nominate direct reports as mentors; nominees accept or decline."""

    queryset = Nomination.objects.select_related("nominee", "nominated_by")
    serializer_class = NominationSerializer
    read_action = Action.PROGRAMS_VIEW
    write_action = Action.PROGRAMS_VIEW
    filterset_fields = ["program", "status"]
    ordering_fields = ["created_at"]

    def refine_queryset(self, queryset):
        mine = Q(nominee__manager__user=self.request.user) | Q(nominee__user=self.request.user)
        if can(self.membership, Action.PROGRAM_MANAGE):
            return queryset.order_by("-created_at", "-pk")
        managed = ProgramManager.objects.for_org(self.organization).filter(
            program_id=OuterRef("program_id"), user=self.request.user
        )
        return queryset.filter(mine | Q(Exists(managed))).order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return RespondSerializer if self.action == "respond" else NominationSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        program = _visible_program(self, data["program"])
        serializer.instance = translate_service_errors(
            lambda: services.nomination_create(
                organization=self.organization,
                program=program,
                nominee=data["nominee"],
                actor=self.request.user,
                note=data.get("note", ""),
            ),
            field="nominee",
        )

    @extend_schema(
        request=RespondSerializer,
        responses=NominationSerializer,
        description="Accept or decline a nomination of yours. Accepting opens your application as mentor.",
    )
    @action(detail=True, methods=["post"])
    def respond(self, request, *args, **kwargs):
        nomination = self.get_object()
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        nomination = translate_service_errors(
            lambda: services.nomination_respond(
                organization=self.organization,
                nomination=nomination,
                actor=request.user,
                accept=body.validated_data["accept"],
            ),
            field="nomination",
        )
        return Response(NominationSerializer(nomination, context=self.get_serializer_context()).data)


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("enrollments", EnrollmentViewSet, basename="enrollment")
router.register("program-invitations", ProgramInvitationViewSet, basename="program-invitation")
router.register("nominations", NominationViewSet, basename="nomination")

urlpatterns = [path("", include(router.urls))]
