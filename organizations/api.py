"""REST API for organizations, members, invitations and the people directory."""

from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from . import services
from .api_base import TenantModelViewSet, TenantPrimaryKeyRelatedField, TenantViewSetMixin, translate_service_errors
from .models import ApiToken, Invitation, Membership, Organization, PeopleImport, Person, PersonChange, Role
from .permissions import Action
from .services.people import EDITABLE_FIELDS as EDITABLE_PERSON_FIELDS

INVITATION_STATUSES = ["pending", "accepted", "revoked", "expired"]
# Survey privacy: the fewest responses behind a result (k, 3–10) and behind shown comments (k_text,
# at least k, at most 50).
SURVEY_THRESHOLD_FIELDS = ["survey_min_responses", "survey_min_text_responses"]


class OrganizationSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="The caller's role in this organization.")

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "slug",
            "time_zone",
            "locale",
            "brand_colour",
            "created_at",
            "role",
            *SURVEY_THRESHOLD_FIELDS,
        ]
        # Only the survey thresholds are written through the API; the rest is the settings page's.
        read_only_fields = [f for f in fields if f not in SURVEY_THRESHOLD_FIELDS]

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices))
    def get_role(self, obj) -> str:
        membership = self.context.get("membership")
        if membership is not None and membership.organization_id == obj.pk:
            return membership.role
        return obj.my_role


class MyOrganizationsView(generics.ListAPIView):
    """Organizations the caller belongs to (with a token: only the token's organization)."""

    serializer_class = OrganizationSerializer
    queryset = Organization.objects.none()
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Organization.objects.none()
        memberships = Membership.objects.filter(user=self.request.user)
        token = self.request.auth
        if isinstance(token, ApiToken):
            memberships = memberships.filter(organization_id=token.organization_id)
        own_role = memberships.filter(organization_id=OuterRef("pk")).values("role")[:1]
        return (
            Organization.objects.filter(pk__in=memberships.values("organization_id"))
            .annotate(my_role=Subquery(own_role))
            .order_by("name", "pk")
        )


class OrganizationDetailView(TenantViewSetMixin, generics.RetrieveUpdateAPIView):
    """The organization in the URL, with the caller's role in it. Admins and owners change its
    survey thresholds with PATCH; an error names the field at fault."""

    serializer_class = OrganizationSerializer
    # Never listed: the one organization comes from the URL, already resolved and checked.
    queryset = Organization.objects.none()
    filter_backends = []
    write_action = Action.ORG_EDIT
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_object(self):
        return self.organization

    def perform_update(self, serializer):
        # Through the service, whose full_clean() holds the rule between the two thresholds.
        translate_service_errors(
            lambda: services.organization_update(organization=self.organization, **serializer.validated_data)
        )


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "email", "role", "created_at"]
        read_only_fields = ["id", "user", "email", "created_at"]


@extend_schema_view(
    partial_update=extend_schema(description="Change a member's role. Admins cannot change owners."),
    destroy=extend_schema(description="Remove a member; their API tokens in this organization are revoked."),
)
class MembershipViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Members of the organization and their roles."""

    queryset = Membership.objects.select_related("user")
    serializer_class = MembershipSerializer
    read_action = Action.MEMBERS_VIEW
    write_action = Action.MEMBERS_MANAGE
    filterset_fields = ["role"]
    search_fields = ["user__email"]
    ordering_fields = ["created_at", "role"]

    def perform_update(self, serializer):
        role = serializer.validated_data.get("role", serializer.instance.role)
        serializer.instance = translate_service_errors(
            lambda: services.membership_change_role(
                organization=self.organization, actor=self.membership, membership=serializer.instance, role=role
            ),
            field="role",
        )

    def perform_destroy(self, instance):
        # The only refusal that is not about permission is "the last owner", a fact of the role.
        translate_service_errors(
            lambda: services.membership_remove(
                organization=self.organization, actor=self.membership, membership=instance
            ),
            field="role",
        )


class InvitationSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=INVITATION_STATUSES, read_only=True)
    invited_by = serializers.EmailField(source="invited_by.email", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "status", "invited_by", "created_at", "expires_at", "accepted_at"]
        read_only_fields = ["id", "status", "invited_by", "created_at", "expires_at", "accepted_at"]


@extend_schema_view(
    create=extend_schema(description="Invite someone by email; the invitation email is sent right after."),
    destroy=extend_schema(description="Revoke a pending invitation: its link stops working."),
)
class InvitationViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Invitations; DELETE revokes a pending one."""

    queryset = Invitation.objects.select_related("invited_by")
    serializer_class = InvitationSerializer
    read_action = Action.MEMBERS_VIEW
    write_action = Action.MEMBERS_MANAGE
    filterset_fields = ["role"]
    search_fields = ["email"]
    ordering_fields = ["created_at", "email"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = translate_service_errors(
            lambda: services.invitation_create(
                organization=self.organization,
                actor=self.membership,
                email=data["email"],
                role=data.get("role", Role.MEMBER),
            ),
            field="role",
        )

    def perform_destroy(self, instance):
        if instance.accepted_at is not None:
            raise ValidationError("This invitation was already accepted; remove the member instead.")
        services.invitation_revoke(organization=self.organization, invitation=instance)


class PersonSerializer(serializers.ModelSerializer):
    manager = TenantPrimaryKeyRelatedField(queryset=Person.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Person
        fields = ["id", *EDITABLE_PERSON_FIELDS, "user", "created_at", "updated_at"]
        read_only_fields = ["id", "user", "created_at", "updated_at"]


class PersonViewSet(TenantModelViewSet):
    """The people directory. There is no DELETE: someone who leaves gets an exit date, because
    the directory is the history that retention figures are computed from."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    queryset = Person.objects.select_related("manager")
    serializer_class = PersonSerializer
    read_action = Action.PEOPLE_VIEW
    write_action = Action.PEOPLE_MANAGE
    filterset_fields = ["department", "location", "level", "external_id", "email"]
    search_fields = ["name", "email", "external_id", "department", "title"]
    ordering_fields = ["name", "hire_date", "level"]

    # Writes go through the services so every change of a tracked field is kept as history.
    def perform_create(self, serializer):
        serializer.instance = translate_service_errors(
            lambda: services.person_create(
                organization=self.organization,
                data=serializer.validated_data,
                source=PersonChange.Source.API,
                changed_by=self.request.user,
            )
        )

    def perform_update(self, serializer):
        serializer.instance = translate_service_errors(
            lambda: services.person_update(
                organization=self.organization,
                person=serializer.instance,
                data=serializer.validated_data,
                source=PersonChange.Source.API,
                changed_by=self.request.user,
            )
        )


class PeopleImportSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)

    class Meta:
        model = PeopleImport
        fields = [
            "id",
            "file",
            "file_name",
            "status",
            "progress",
            "import_valid_rows",
            "summary",
            "rejected_rows",
            "error",
            "created_at",
            "applied_at",
        ]
        read_only_fields = [f for f in fields if f != "file"]


class PeopleImportApplySerializer(serializers.Serializer):
    import_valid_rows = serializers.BooleanField(
        default=False,
        help_text="Import the valid rows and skip the rejected ones. Required when any row was rejected.",
    )


class ImportConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "This import cannot be applied now."


class PeopleImportSummarySerializer(PeopleImportSerializer):
    """The list leaves out rejected rows, which can run to thousands per import; GET one for them."""

    class Meta(PeopleImportSerializer.Meta):
        fields = [f for f in PeopleImportSerializer.Meta.fields if f != "rejected_rows"]


class PeopleImportViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Upload a directory CSV (multipart field `file`) for a dry run; POST .../apply/ applies it."""

    queryset = PeopleImport.objects.defer("content").select_related("uploaded_by")
    serializer_class = PeopleImportSerializer
    read_action = Action.PEOPLE_MANAGE
    write_action = Action.PEOPLE_MANAGE

    def get_serializer_class(self):
        return PeopleImportSummarySerializer if self.action == "list" else PeopleImportSerializer

    def refine_queryset(self, queryset):
        return queryset.defer("rejected_rows") if self.action == "list" else queryset

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        translate_service_errors(lambda: services.people_import_check_size(upload.size))
        people_import = translate_service_errors(
            lambda: services.people_import_create(
                organization=self.organization,
                uploaded_by=request.user,
                file_name=upload.name,
                content=upload.read(),
            )
        )
        # The dry run ran on commit (eagerly without a broker); otherwise the body says "pending".
        people_import.refresh_from_db()
        return Response(self.get_serializer(people_import).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PeopleImportApplySerializer, responses=PeopleImportSerializer)
    @action(detail=True, methods=["post"])
    def apply(self, request, *args, **kwargs):
        """Apply a previewed import, all-or-nothing; 202 while it runs in a worker."""
        people_import = self.get_object()
        body = PeopleImportApplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.people_import_start_apply(
                organization=self.organization,
                people_import=people_import,
                import_valid_rows=body.validated_data["import_valid_rows"],
            )
        except services.PeopleImportError as error:
            if error.field:
                raise ValidationError({error.field: [error.message]}) from error
            raise ImportConflict(error.message) from error
        people_import.refresh_from_db()
        if people_import.status == PeopleImport.Status.PREVIEWED and people_import.error:
            # Refused when it ran: the directory changed since the preview and a row is now rejected.
            raise ValidationError({"import_valid_rows": [people_import.error]})
        running = people_import.status == PeopleImport.Status.APPLYING
        return Response(
            self.get_serializer(people_import).data, status=status.HTTP_202_ACCEPTED if running else status.HTTP_200_OK
        )
