"""Exports: every table behind a chart as CSV or XLSX, and all of them in one workbook. The
files come from reports.exports, which reads the same selectors as the pages, so a download
holds exactly the figures on screen (and hides what the screen hides)."""

from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from organizations.permissions import Action
from organizations.scoping import NOT_FOUND_MESSAGE, org_view

from .. import exports
from .access import report_scope

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _file_name(request, program, what, fmt):
    scope = (slugify(program.name) or f"program-{program.pk}") if program else "organization"
    return f"{request.organization.slug}-{scope}-{what}.{fmt}"


def _attachment(content, name, fmt):
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def export(request, table, fmt):
    if table not in exports.TABLES or fmt not in CONTENT_TYPES:
        raise Http404(NOT_FOUND_MESSAGE)
    program = report_scope(request)
    write = exports.table_csv if fmt == "csv" else exports.table_xlsx
    content = write(table, organization=request.organization, program=program)
    return _attachment(content, _file_name(request, program, table, fmt), fmt)


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def export_all(request):
    program = report_scope(request)
    content = exports.workbook_xlsx(organization=request.organization, program=program)
    return _attachment(content, _file_name(request, program, "report", "xlsx"), "xlsx")
