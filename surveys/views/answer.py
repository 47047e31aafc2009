"""The participant's survey pages, phone first: the surveys waiting for them, and answering one.

Answering goes in three steps: a first screen that says plainly what happens with the answers
(anonymous or not, who sees results and when, when the survey closes), the questions, and a
thank-you. A wave is reachable only with an invitation to it (the audience fixed when the wave
opened); anyone else gets the same 404 as for a wave that does not exist. The answer is written
by services.survey_answer_submit, which checks everything again (closed, not invited, already
answered, wrong types) and stores nothing on a refusal.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from organizations.scoping import NOT_FOUND_MESSAGE, org_view
from programs.selectors.recruitment import person_for_user

from ..forms import QuestionnaireForm
from ..models import Question, SurveyCompletion, SurveyStatus, SurveyWave
from ..selectors.surveys import invitation_for, open_waves_for, organization_today
from ..services import surveys as services

GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])
QUESTIONS_STEP = "questions"


def invited_wave(request, wave_pk):
    """(wave, person) when the signed-in member holds an invitation to wave `wave_pk`, else 404."""
    organization = request.organization
    person = person_for_user(organization=organization, user=request.user)
    wave = (
        SurveyWave.objects.for_org(organization)
        .select_related("survey__program", "survey__questionnaire")
        .filter(pk=wave_pk)
        .first()
    )
    if person is None or wave is None or invitation_for(organization=organization, wave=wave, person=person) is None:
        raise Http404(NOT_FOUND_MESSAGE)
    wave.survey.questionnaire.organization = organization
    return wave, person


def has_answered(organization, wave, person) -> bool:
    return SurveyCompletion.objects.for_org(organization).filter(wave=wave, person=person).exists()


def is_closed(wave, today) -> bool:
    """As services.survey_answer_submit judges it; the service has the last word on a post."""
    return wave.closed_at is not None or wave.survey.status == SurveyStatus.ENDED or wave.closes_on < today


def _context(request, wave):
    organization = request.organization
    return {
        "wave": wave,
        "survey": wave.survey,
        "program": wave.survey.program,
        "k": organization.survey_min_responses,
        "k_text": organization.survey_min_text_responses,
    }


@org_view()
@require_safe
def mine(request):
    organization = request.organization
    person = person_for_user(organization=organization, user=request.user)
    rows = open_waves_for(organization=organization, person=person) if person is not None else []
    context = {
        "person": person,
        "to_answer": [row for row in rows if not row["answered"]],
        "answered": [row for row in rows if row["answered"]],
    }
    return render(request, "surveys/answer_list.html", context)


@org_view()
@GET_OR_POST
def answer(request, wave_pk):
    organization = request.organization
    wave, person = invited_wave(request, wave_pk)
    context = _context(request, wave)
    if has_answered(organization, wave, person):
        return render(request, "surveys/answer_done.html", context)
    if is_closed(wave, organization_today(organization)):
        return render(request, "surveys/answer_closed.html", context)
    posted = request.method == "POST"
    if not posted and request.GET.get("step") != QUESTIONS_STEP:
        questions = Question.objects.for_org(organization).filter(questionnaire=wave.survey.questionnaire_id)
        context["question_count"] = questions.filter(retired=False).count()
        return render(request, "surveys/answer_intro.html", context)

    form = QuestionnaireForm(wave.survey.questionnaire, data=request.POST if posted else None)
    if posted and form.is_valid():
        try:
            services.survey_answer_submit(
                organization=organization, wave=wave, person=person, answers=form.cleaned_answers()
            )
        except ValidationError as error:
            # A second tab or a double tap: the first answer counted, say so plainly.
            if has_answered(organization, wave, person):
                return render(request, "surveys/answer_done.html", context)
            form.add_service_errors(error)
        else:
            return redirect("surveys:answer-thanks", org_slug=organization.slug, wave_pk=wave.pk)
    return render(request, "surveys/answer.html", {**context, "form": form})


@org_view()
@require_safe
def answer_thanks(request, wave_pk):
    organization = request.organization
    wave, person = invited_wave(request, wave_pk)
    if not has_answered(organization, wave, person):
        return redirect("surveys:answer", org_slug=organization.slug, wave_pk=wave.pk)
    return render(request, "surveys/answer_thanks.html", _context(request, wave))
