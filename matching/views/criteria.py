"""The matching home of a program: its criteria, settings, the pool and the runs; and the pages
that add, edit and remove criteria. Thin: reads come from matching.selectors, writes from
matching.services.criteria."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from organizations.permissions import Action
from organizations.scoping import org_view
from programs.access import managed_program
from programs.models import PEER_MODELS, Program

from .. import selectors
from ..cohort import matching_settings_or_default
from ..forms import CriterionForm, SettingsForm
from ..models import MatchingCriterion, MatchingMode, MatchRun
from ..services import criteria as services
from ..services.publish import PUBLISHABLE_PROGRAM_STATUSES
from ..services.self_match import suggestions_refresh as suggestions_refresh_service
from .manager import managed_criterion

RUNS_PAGE_SIZE = 10
GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])
WITH_QUESTIONNAIRES = Program.objects.select_related(
    "mentee_questionnaire", "mentor_questionnaire", "peer_questionnaire"
)


def _home_url(request, program):
    return redirect("matching:program", org_slug=request.organization.slug, program_pk=program.pk)


def _render_home(request, program, *, settings_form=None, status=200):
    # Reading never writes: until a manager saves them, the settings are the unsaved defaults.
    matching_settings = matching_settings_or_default(program)
    criteria = (
        MatchingCriterion.objects.for_org(request.organization)
        .filter(program=program)
        .select_related("mentee_question", "mentor_question")
    )
    runs = MatchRun.objects.for_org(request.organization).filter(program=program)
    context = {
        "program": program,
        "peer": program.model in PEER_MODELS,
        "criteria": list(criteria),
        "settings_form": settings_form or SettingsForm(instance=matching_settings),
        "can_refresh_suggestions": matching_settings.mode == MatchingMode.SELF_MATCH
        and program.status in PUBLISHABLE_PROGRAM_STATUSES,
        "pool": selectors.pool_summary(program),
        "runs_page": Paginator(runs, RUNS_PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render(request, "matching/manager/home.html", context, status=status)


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def matching_home(request, program_pk):
    return _render_home(request, managed_program(request, program_pk))


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def settings_update(request, program_pk):
    program = managed_program(request, program_pk)
    if request.method != "POST":
        return _home_url(request, program)
    form = SettingsForm(request.POST, instance=services.matching_settings_for(program))
    if form.is_valid():
        try:
            services.matching_settings_update(
                organization=request.organization, program=program, user=request.user, **form.service_data()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The matching settings were saved.")
            return _home_url(request, program)
    return _render_home(request, program, settings_form=form)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def suggestions_refresh(request, program_pk):
    """Self-match: recompute every free mentee's suggested mentors now (after new approvals)."""
    program = managed_program(request, program_pk)
    try:
        count = suggestions_refresh_service(organization=request.organization, program=program)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Suggestions refreshed ({count} in all).")
    return _home_url(request, program)


def _save_criterion(request, program, form, criterion=None) -> bool:
    """Create or update through the services; False (errors beside the fields) when refused."""
    if not form.is_valid():
        return False
    try:
        if criterion is None:
            services.criterion_create(
                organization=request.organization, program=program, user=request.user, **form.service_data()
            )
        else:
            services.criterion_update(
                organization=request.organization, criterion=criterion, user=request.user, **form.service_data()
            )
    except ValidationError as error:
        form.add_service_errors(error)
        return False
    messages.success(request, f"The criterion “{form.cleaned_data['label']}” was saved.")
    return True


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def criterion_create(request, program_pk):
    program = managed_program(request, program_pk, queryset=WITH_QUESTIONNAIRES)
    form = CriterionForm(request.POST or None, program=program, initial={"weight": 1})
    if request.method == "POST" and _save_criterion(request, program, form):
        return _home_url(request, program)
    return render(request, "matching/manager/criterion_form.html", {"program": program, "form": form})


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def criterion_edit(request, pk):
    criterion = managed_criterion(request, pk, program_queryset=WITH_QUESTIONNAIRES)
    program = criterion.program
    form = CriterionForm(request.POST or None, instance=criterion, program=program)
    if request.method == "POST" and _save_criterion(request, program, form, criterion):
        return _home_url(request, program)
    context = {"program": program, "form": form, "criterion": criterion}
    return render(request, "matching/manager/criterion_form.html", context)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def criterion_delete(request, pk):
    criterion = managed_criterion(request, pk)
    try:
        services.criterion_delete(organization=request.organization, criterion=criterion, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The criterion “{criterion.label}” was removed.")
    return _home_url(request, criterion.program)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def criteria_from_hints(request, program_pk):
    program = managed_program(request, program_pk)
    try:
        created = services.criteria_from_hints(organization=request.organization, program=program, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if created:
            added = "1 suggested criterion was" if len(created) == 1 else f"{len(created)} suggested criteria were"
            messages.success(request, f"{added} added. Check the weights.")
        else:
            messages.warning(
                request, "No suggested criterion fits this program's questions; add criteria by hand instead."
            )
    return _home_url(request, program)
