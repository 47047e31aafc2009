"""Resource hub API. Relative to /api/v1/o/<org_slug>/:

- resources/: the guides, templates, links and files you may see: the organization's and those
  of the programs you may see (?program=, ?kind=, ?context=, ?tag=, ?search= over title, summary
  and tags). Organization admins add and change the organization's; a program's managers their
  program's (JSON, or multipart/form-data with a `file`).
Every write goes through mentorships.services.resources; a file is downloaded from its page
(`file_url`), never from a storage URL.
"""

import django_filters
from django.urls import NoReverseMatch, include, path, reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from matching.api.common import asker
from organizations.api_base import TenantModelViewSet, translate_service_errors
from organizations.permissions import Action
from programs.access import visible_programs
from programs.api.design import VisibleProgramField
from programs.markdown import render_markdown
from programs.models import Program

from ..models import Resource
from ..selectors.resources import resources_search, visible_resources
from ..services import resources as services


class ResourceSerializer(serializers.ModelSerializer):
    program = VisibleProgramField(
        queryset=Program.objects.all(),
        allow_null=True,
        required=False,
        help_text="The program it belongs to; null for the whole organization (admins only).",
    )
    program_name = serializers.CharField(source="program.name", read_only=True, default=None)
    body_html = serializers.SerializerMethodField(help_text="The Markdown body, rendered and sanitized.")
    tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False, help_text="At most 10.")
    file = serializers.FileField(
        write_only=True,
        required=False,
        allow_null=True,
        help_text="Upload with multipart/form-data (10 MB at most: PDF, Office, OpenDocument, images, text); "
        "null removes the file.",
    )
    file_name = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField(help_text="Where members download the file.")

    class Meta:
        model = Resource
        fields = [
            "id",
            "program",
            "program_name",
            "title",
            "kind",
            "summary",
            "body",
            "body_html",
            "url",
            "file",
            "file_name",
            "file_url",
            "tags",
            "context",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "program_name", "body_html", "file_name", "file_url", "created_at", "updated_at"]
        # The service checks every value with its own messages (and the kind's required content).
        extra_kwargs = {name: {"required": False} for name in ("title", "kind", "summary", "body", "url", "context")}

    def get_body_html(self, resource) -> str:
        return str(render_markdown(resource.body)) if resource.body else ""

    def get_file_name(self, resource) -> str:
        return resource.file.name.rsplit("/", 1)[-1] if resource.file else ""

    def get_file_url(self, resource) -> str | None:
        if not resource.file:
            return None
        try:
            return reverse("resources:download", args=[resource.organization.slug, resource.pk])
        except NoReverseMatch:
            return None


class ResourceFilter(django_filters.FilterSet):
    tag = django_filters.CharFilter(method="filter_tag", label="One tag")
    search = django_filters.CharFilter(method="filter_search", label="Words in the title, summary or tags")

    class Meta:
        model = Resource
        fields = ["program", "kind", "context", "tag", "search"]

    def filter_tag(self, queryset, name, value):
        return resources_search(queryset, tag=value)

    def filter_search(self, queryset, name, value):
        return resources_search(queryset, query=value)


def _writes(data):
    """The body as the service's keyword arguments (`file: null` removes the stored file)."""
    fields = dict(data)
    if "file" in fields and fields["file"] is None:
        fields["file"] = False
    return fields


@extend_schema_view(
    list=extend_schema(
        description="Resources you may see: the organization's and those of your programs; filters `program`, "
        "`kind`, `context`, `tag`, `search`."
    ),
    retrieve=extend_schema(description="One resource, its Markdown rendered in `body_html`."),
    destroy=extend_schema(description="Remove a resource (and its file)."),
)
class ResourceViewSet(TenantModelViewSet):
    """The organization's resource hub."""

    queryset = Resource.objects.all()
    serializer_class = ResourceSerializer
    # Program managers may be plain members: every write checks the program itself.
    write_action = Action.ORG_VIEW
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = ResourceFilter
    ordering_fields = ["title", "created_at", "updated_at"]

    def refine_queryset(self, queryset):
        visible = visible_resources(self.organization, programs=visible_programs(asker(self)))
        return queryset.filter(pk__in=visible.values("pk")).select_related("program", "organization")

    @extend_schema(
        responses={status.HTTP_201_CREATED: ResourceSerializer},
        description="Add a resource. A guide needs a `body`, a link a `url`, a file a `file`, a template a body or "
        "a file; refusals name the field. Without managing the program (or, for the whole organization, without "
        "being an admin) it is a 403.",
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        resource = translate_service_errors(
            lambda: services.resource_create(
                organization=self.organization, user=request.user, **_writes(body.validated_data)
            )
        )
        return Response(self.get_serializer(resource).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        resource = self.get_object()
        body = self.get_serializer(resource, data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        changed = translate_service_errors(
            lambda: services.resource_update(
                organization=self.organization,
                resource=resource,
                user=request.user,
                **_writes(body.validated_data),
            )
        )
        return Response(self.get_serializer(changed).data)

    def perform_destroy(self, instance):
        translate_service_errors(
            lambda: services.resource_delete(organization=self.organization, resource=instance, user=self.request.user)
        )


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("resources", ResourceViewSet, basename="resource")

urlpatterns = [path("", include(router.urls))]
