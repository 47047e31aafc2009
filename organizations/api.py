"""REST API for organizations, members, invitations and the people directory."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from . import services
from .api_base import TenantModelViewSet, TenantPrimaryKeyRelatedField, TenantViewSetMixin
from .models import Invitation, Membership, Organization, PeopleImport, Person, Role
from .permissions import Action


class OrganizationSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "time_zone", "locale", "brand_colour", "created_at", "role"]

    def get_role(self, obj) -> str | None:
        membership = self.context.get("membership")
        return membership.role if membership else None


class MyOrganizationsView(generics.ListAPIView):
    """Organizations the caller belongs to (with a token: only the token's organization)."""

    serializer_class = OrganizationSerializer

    def get_queryset(self):
        memberships = Membership.objects.filter(user=self.request.user)
        token = self.request.auth
        if getattr(token, "organization_id", None):
            memberships = memberships.filter(organization_id=token.organization_id)
        return Organization.objects.filter(pk__in=memberships.values("organization_id")).order_by("name")


class OrganizationDetailView(TenantViewSetMixin, generics.GenericAPIView):
    """The organization in the URL, with the caller's role in it."""

    serializer_class = OrganizationSerializer
    queryset = Organization.objects.none()

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.organization).data)

    def refine_queryset(self, queryset):  # pragma: no cover - not list-based
        return queryset


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "role", "created_at"]
        read_only_fields = ["id", "email", "created_at"]


def _translate(call):
    """Run a service call, turning its Django errors into API errors."""
    try:
        return call()
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error)) from error
    except DjangoValidationError as error:
        raise ValidationError({"role": error.messages}) from error


class MembershipViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Membership.objects.select_related("user")
    serializer_class = MembershipSerializer
    read_action = Action.MEMBERS_VIEW
    write_action = Action.MEMBERS_MANAGE
    filterset_fields = ["role"]
    search_fields = ["user__email"]
    ordering_fields = ["created_at", "role"]

    def perform_update(self, serializer):
        role = serializer.validated_data.get("role", serializer.instance.role)
        serializer.instance = _translate(
            lambda: services.membership_change_role(
                organization=self.organization, actor=self.membership, membership=serializer.instance, role=role
            )
        )

    def perform_destroy(self, instance):
        _translate(
            lambda: services.membership_remove(
                organization=self.organization, actor=self.membership, membership=instance
            )
        )


class InvitationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "status", "created_at", "expires_at", "accepted_at"]
        read_only_fields = ["id", "status", "created_at", "expires_at", "accepted_at"]


class InvitationViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Invitations; DELETE revokes a pending one."""

    queryset = Invitation.objects.all()
    serializer_class = InvitationSerializer
    read_action = Action.MEMBERS_VIEW
    write_action = Action.MEMBERS_MANAGE
    search_fields = ["email"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = _translate(
            lambda: services.invitation_create(
                organization=self.organization,
                actor=self.membership,
                email=data["email"],
                role=data.get("role", Role.MEMBER),
            )
        )

    def perform_destroy(self, instance):
        services.invitation_revoke(organization=self.organization, invitation=instance)


class PersonSerializer(serializers.ModelSerializer):
    manager = TenantPrimaryKeyRelatedField(queryset=Person.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Person
        fields = [
            "id",
            "external_id",
            "name",
            "email",
            "department",
            "team",
            "title",
            "level",
            "manager",
            "location",
            "time_zone",
            "languages",
            "hire_date",
            "exit_date",
            "exit_reason",
            "last_promotion_date",
            "custom_attributes",
            "user",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "user", "created_at", "updated_at"]

    def validate(self, attrs):
        hire = attrs.get("hire_date", getattr(self.instance, "hire_date", None))
        exit_ = attrs.get("exit_date", getattr(self.instance, "exit_date", None))
        if hire and exit_ and exit_ < hire:
            raise ValidationError({"exit_date": ["The exit date is before the hire date."]})
        return attrs


class PersonViewSet(TenantModelViewSet):
    queryset = Person.objects.select_related("manager")
    serializer_class = PersonSerializer
    read_action = Action.PEOPLE_VIEW
    write_action = Action.PEOPLE_MANAGE
    filterset_fields = ["department", "location", "level", "external_id", "email"]
    search_fields = ["name", "email", "external_id", "department", "title"]
    ordering_fields = ["name", "hire_date", "level"]


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
        read_only_fields = [
            "id",
            "file_name",
            "status",
            "progress",
            "summary",
            "rejected_rows",
            "error",
            "created_at",
            "applied_at",
        ]


class PeopleImportViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Upload a directory CSV for a dry run; POST .../apply/ applies it (filled in by the import module)."""

    queryset = PeopleImport.objects.all()
    serializer_class = PeopleImportSerializer
    read_action = Action.PEOPLE_MANAGE
    write_action = Action.PEOPLE_MANAGE

    def create(self, request, *args, **kwargs):  # replaced by the import module's service call
        return Response(status=status.HTTP_501_NOT_IMPLEMENTED)
