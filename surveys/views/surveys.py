"""The program manager's survey pages: a program's surveys, starting one from a template (or
blank), its schedule and audience, launching and ending it.

Thin: writes go through services.surveys, lists through selectors.surveys. A survey is found in
the organization (another tenant's id is a 404 like a missing one), then its program goes through
programs.access.managed_program, as every program manager's page does: 404 for a draft program
the member cannot see, 403 for a program they do not manage. The questions themselves are
edited in the questionnaire builder while the survey is a draft.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from organizations.permissions import Action
from organizations.scoping import get_for_org_or_404, org_view
from programs.access import managed_program

from ..catalog import SURVEY_TEMPLATES
from ..forms_survey import BLANK, SurveyForm, SurveyStartForm, add_service_errors
from ..models import (
    Survey,
    SurveyAudience,
    SurveyResponse,
    SurveySchedule,
    SurveyStatus,
)
from ..selectors import questionnaire_questions
from ..selectors.surveys import organization_today, survey_waves
from ..selectors.surveys import program_surveys as surveys_of_program
from ..services import surveys as services

GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])
BLANK_OPENS_IN_DAYS = 7


def managed_survey(request, pk) -> Survey:
    """The organization's survey `pk`, for a manager of its program; else 404 (or 403)."""
    survey = get_for_org_or_404(Survey.objects.select_related("questionnaire"), request.organization, pk=pk)
    survey.program = managed_program(request, survey.program_id)
    return survey


def has_answers(organization, survey) -> bool:
    return SurveyResponse.objects.for_org(organization).filter(wave__survey=survey).exists()


def _to_detail(request, survey):
    return redirect("surveys:survey-detail", org_slug=request.organization.slug, pk=survey.pk)


def _refused(request, error: ValidationError):
    messages.error(request, " ".join(error.messages))


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def program_surveys(request, program_pk):
    program = managed_program(request, program_pk)
    context = {
        "program": program,
        "surveys": surveys_of_program(organization=request.organization, program=program),
        "k": request.organization.survey_min_responses,
    }
    return render(request, "surveys/survey_list.html", context)


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def survey_create(request, program_pk):
    organization = request.organization
    program = managed_program(request, program_pk)
    form = SurveyStartForm(request.POST or None, templates=SURVEY_TEMPLATES)
    if request.method == "POST" and form.is_valid():
        key, title = form.cleaned_data["template"], form.cleaned_data["title"]
        try:
            if key == BLANK:
                # A draft needs a workable schedule already; a week from today leaves time to
                # write the questions, and the next page is where the manager sets the real one.
                opens_on = organization_today(organization) + timedelta(days=BLANK_OPENS_IN_DAYS)
                survey = services.survey_create(
                    organization=organization, program=program, created_by=request.user, title=title, opens_on=opens_on
                )
            else:
                survey = services.survey_create_from_template(
                    organization=organization,
                    program=program,
                    template_key=key,
                    created_by=request.user,
                    **({"title": title} if title else {}),
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The survey is a draft. Check when it runs and who is asked, then launch it.")
            return redirect("surveys:survey-edit", org_slug=organization.slug, pk=survey.pk)
    blank = {"description": "Write your own questions in the questionnaire builder.", "questions": None}
    keys = [key for key, _ in form["template"].field.choices]
    notes = [blank if key == BLANK else _template_note(SURVEY_TEMPLATES[key]) for key in keys]
    context = {"program": program, "form": form, "options": list(zip(form["template"].subwidgets, notes, strict=True))}
    return render(request, "surveys/survey_new.html", context)


def _template_note(spec) -> dict:
    """What the start page says under a template's name."""
    return {
        "description": spec.get("description", ""),
        "schedule": SurveySchedule(spec["schedule"]).label if spec.get("schedule") else "",
        "audience": SurveyAudience(spec["audience"]).label if spec.get("audience") else "",
        "questions": len(spec.get("questionnaire", {}).get("questions", [])),
    }


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def survey_detail(request, pk):
    organization = request.organization
    survey = managed_survey(request, pk)
    survey.questionnaire.organization = organization
    waves = survey_waves(organization=organization, survey=survey)
    context = {
        "survey": survey,
        "program": survey.program,
        "waves": waves,
        "answered": any(wave.responded for wave in waves),
        "questions": [q for q in questionnaire_questions(survey.questionnaire) if not q.retired],
        "template": SURVEY_TEMPLATES.get(survey.template_key),
        "k": organization.survey_min_responses,
    }
    return render(request, "surveys/survey_detail.html", context)


def _locked_fields(organization, survey) -> dict:
    """{field: why it can no longer change}, as services.survey_update rules."""
    # The schedule and audience are locked as a group; the page says why once.
    locked = dict.fromkeys(services.DRAFT_ONLY_FIELDS, "") if survey.status != SurveyStatus.DRAFT else {}
    if has_answers(organization, survey):
        locked["anonymous"] = "Locked: people have answered under this promise."
    elif survey.status != SurveyStatus.DRAFT and survey.anonymous:
        locked["anonymous"] = "Locked: the invitations promised anonymity."
    return locked


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def survey_edit(request, pk):
    organization = request.organization
    survey = managed_survey(request, pk)
    if survey.status == SurveyStatus.ENDED:
        messages.error(request, "This survey has ended; its settings can no longer change.")
        return _to_detail(request, survey)
    form = SurveyForm(request.POST or None, survey=survey, locked=_locked_fields(organization, survey))
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(organization=organization, survey=survey, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return _to_detail(request, survey)
    context = {
        "survey": survey,
        "program": survey.program,
        "form": form,
        "launched": survey.status != SurveyStatus.DRAFT,
    }
    return render(request, "surveys/survey_form.html", context)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def survey_launch(request, pk):
    survey = managed_survey(request, pk)
    try:
        survey = services.survey_launch(organization=request.organization, survey=survey)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"“{survey.title}” is scheduled. Invitations go out when its first wave opens.")
    return _to_detail(request, survey)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def survey_end(request, pk):
    survey = managed_survey(request, pk)
    try:
        survey = services.survey_end(organization=request.organization, survey=survey)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"“{survey.title}” has ended: no more answers, no more waves.")
    return _to_detail(request, survey)
