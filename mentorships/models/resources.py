"""The resource hub: guides, templates, links and files, for the organization or one program."""

from django.conf import settings
from django.db import models

from organizations.tenancy import TenantModel


class Resource(TenantModel):
    class Kind(models.TextChoices):
        GUIDE = "guide", "Guide"
        TEMPLATE = "template", "Template"
        LINK = "link", "Link"
        FILE = "file", "File"

    # Where a resource is shown in context, besides the hub.
    class Context(models.TextChoices):
        NONE = "", "Only in the hub"
        FIRST_MEETING = "first_meeting", "Next to the first meeting"
        MEETINGS = "meetings", "Next to meetings"
        GOALS = "goals", "Next to goals"
        CHECKINS = "checkins", "Next to check-ins"

    program = models.ForeignKey(
        "programs.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="resources"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    summary = models.CharField(max_length=500, blank=True, default="")
    body = models.TextField(blank=True, default="", help_text="Markdown, for guides and templates.")
    url = models.URLField(max_length=500, blank=True, default="")
    file = models.FileField(upload_to="resources/%Y/%m/", blank=True, default="")
    tags = models.JSONField(default=list, blank=True)
    context = models.CharField(max_length=16, choices=Context.choices, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "program", "context"], name="resource_org_prog_context")]
        ordering = ["title", "pk"]
