"""Importing the people directory from a CSV file: upload, preview (the dry run), apply.

The work happens in `services/people_import.py`; these views upload, show the preview with
every rejected row, and poll a progress bar while a worker checks or applies the file.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..directory_import import COLUMN_ALIASES, COLUMN_LABELS, DATE_FORMATS_HELP
from ..models import PeopleImport
from ..permissions import Action
from ..scoping import get_for_org_or_404, org_view
from ..selectors import people_import_list
from ..services import (
    PeopleImportError,
    people_import_check_size,
    people_import_create,
    people_import_progress,
    people_import_start_apply,
)
from ..services.people_import import MAX_FILE_BYTES

REJECTED_PAGE_SIZE = 100
RECENT_IMPORTS = 10
RUNNING = (PeopleImport.Status.PENDING, PeopleImport.Status.VALIDATING, PeopleImport.Status.APPLYING)
IMPORT_VALID_ROWS_LABEL = "Import the valid rows and skip the rejected ones"


class PeopleImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Directory file (CSV)",
        help_text=(
            f"A CSV export from your HR system, comma- or semicolon-separated, UTF-8 or Latin-1, "
            f"up to {MAX_FILE_BYTES // (1024 * 1024)} MB. Nothing changes until you review the preview and apply it."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            people_import_check_size(upload.size)
        except ValidationError as error:
            raise ValidationError(error.message_dict["file"]) from error
        return upload


class PeopleImportApplyForm(forms.Form):
    import_valid_rows = forms.BooleanField(required=False, label=IMPORT_VALID_ROWS_LABEL)

    def __init__(self, *args, rejected=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.rejected = rejected

    def clean_import_valid_rows(self):
        value = self.cleaned_data["import_valid_rows"]
        if self.rejected and not value:
            raise ValidationError(
                "Some rows were rejected. Tick this box to import the others, or fix the file and upload it again."
            )
        return value


def _accepted_columns():
    """(label, other headers that mean it) for the upload page's help."""
    columns = []
    for column, aliases in COLUMN_ALIASES.items():
        label = COLUMN_LABELS[column]
        others = [alias.capitalize() for alias in aliases if alias.casefold() != label.casefold()]
        columns.append((label, others))
    return columns


@org_view(Action.PEOPLE_MANAGE)
@require_http_methods(["GET", "POST"])
def import_upload(request):
    organization = request.organization
    form = PeopleImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                people_import = people_import_create(
                    organization=organization, uploaded_by=request.user, file_name=upload.name, content=upload.read()
                )
            except ValidationError as error:
                form.add_error("file", error.message_dict.get("file", error.messages))
            else:
                return redirect("org:people-import-detail", org_slug=organization.slug, pk=people_import.pk)
        status = 400
    context = {
        "form": form,
        "recent": people_import_list(organization=organization, with_rejected_rows=False)[:RECENT_IMPORTS],
        "columns": _accepted_columns(),
        "date_formats": DATE_FORMATS_HELP,
    }
    return render(request, "organizations/imports/upload.html", context, status=status)


def _detail_page(request, people_import, apply_form=None, status=200):
    rejected = people_import.summary.get("rejected", 0)
    rejected_page = Paginator(people_import.rejected_rows, REJECTED_PAGE_SIZE).get_page(request.GET.get("page"))
    # Only the cells that say something, so a wide file still reads as one line per row.
    rejected_page.object_list = [
        {**row, "cells": [(header, value) for header, value in row["values"].items() if value]}
        for row in rejected_page.object_list
    ]
    context = {
        "people_import": people_import,
        "summary": people_import.summary,
        "rejected_page": rejected_page,
        "apply_form": apply_form or PeopleImportApplyForm(rejected=rejected),
        "running": people_import.status in RUNNING,
        "percent": people_import_progress(people_import),
        "can_apply": people_import.status == PeopleImport.Status.PREVIEWED
        and people_import.summary.get("rows", 0) > rejected,
    }
    return render(request, "organizations/imports/detail.html", context, status=status)


@org_view(Action.PEOPLE_MANAGE)
@require_GET
def import_detail(request, pk):
    return _detail_page(
        request, get_for_org_or_404(people_import_list(organization=request.organization), request.organization, pk=pk)
    )


@org_view(Action.PEOPLE_MANAGE)
@require_GET
def import_status(request, pk):
    """The progress bar alone, polled by htmx; once the work is done it asks for a full reload."""
    people_import = get_for_org_or_404(
        people_import_list(organization=request.organization, with_rejected_rows=False), request.organization, pk=pk
    )
    running = people_import.status in RUNNING
    context = {"people_import": people_import, "running": running, "percent": people_import_progress(people_import)}
    response = render(request, "organizations/imports/_progress.html", context)
    if not running and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@org_view(Action.PEOPLE_MANAGE)
@require_POST
def import_apply(request, pk):
    organization = request.organization
    people_import = get_for_org_or_404(people_import_list(organization=organization), organization, pk=pk)
    form = PeopleImportApplyForm(request.POST, rejected=people_import.summary.get("rejected", 0))
    if form.is_valid():
        try:
            people_import_start_apply(
                organization=organization,
                people_import=people_import,
                import_valid_rows=form.cleaned_data["import_valid_rows"],
            )
        except PeopleImportError as error:
            form.add_error("import_valid_rows" if error.field else None, error.message)
        else:
            return redirect("org:people-import-detail", org_slug=organization.slug, pk=people_import.pk)
    people_import.refresh_from_db()
    return _detail_page(request, people_import, apply_form=form, status=400)
