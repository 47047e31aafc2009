"""The questionnaire builder: the organization's questionnaires, and one questionnaire's
questions with a live preview of the form as a participant sees it.

Every action that changes the builder answers an htmx request with the builder fragment (the
question list and the preview together) and a plain form post with a redirect back to the
builder, so the page works without JavaScript.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from organizations.permissions import Action
from organizations.scoping import get_for_org_or_404, org_view

from .. import selectors, services
from ..access import manageable_questionnaires, require_questionnaire_manager
from ..forms import ChoiceForm, QuestionForm, QuestionnaireDetailsForm, QuestionnaireForm
from ..models import Choice, Question, Questionnaire


def builder_view(view):
    """An org page for questionnaire managers: PROGRAMS_VIEW to reach it, then the builder check."""

    @org_view(Action.PROGRAMS_VIEW)
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        require_questionnaire_manager(request.membership)
        return view(request, *args, **kwargs)

    return wrapper


def _questionnaire(request, pk):
    questionnaires = manageable_questionnaires(request.membership, Questionnaire.objects.for_org(request.organization))
    questionnaire = get_for_org_or_404(questionnaires, request.organization, pk=pk)
    questionnaire.organization = request.organization
    return questionnaire


def _question(request, questionnaire, question_pk):
    return get_for_org_or_404(Question, request.organization, pk=question_pk, questionnaire=questionnaire)


def _choice(request, question, choice_pk):
    return get_for_org_or_404(Choice, request.organization, pk=choice_pk, question=question)


def _detail_url(questionnaire, anchor=""):
    # questionnaire.organization is the request's (views fetch it scoped), so no extra query.
    url = reverse("surveys:questionnaire-detail", args=[questionnaire.organization.slug, questionnaire.pk])
    return f"{url}#{anchor}" if anchor else url


def _builder_context(request, questionnaire, *, add_form=None, choice_forms=None):
    # A survey's answers are anonymous aggregates: the builder must not say which choices or
    # questions someone answered (with one response that would be that person's answers).
    # Its questions are fixed once it is sent, so the builder never needs to know.
    selectors.questionnaire_with_questions(
        questionnaire, include_retired=True, annotate_answered=questionnaire.kind != Questionnaire.Kind.SURVEY
    )
    questions = questionnaire.question_list
    active = [q for q in questions if not q.retired]
    choice_forms = choice_forms or {}
    for question in questions:
        question.choice_form = choice_forms.get(question.pk) or ChoiceForm(prefix=f"choice-{question.pk}")
        question.offered_count = sum(1 for c in question.choices.all() if not c.retired)
    return {
        "questionnaire": questionnaire,
        "questions": questions,
        "active_count": len(active),
        "retired_count": len(questions) - len(active),
        "add_form": add_form or QuestionForm(prefix="new"),
        "preview_form": QuestionnaireForm(questionnaire, questions=active),
        "response_count": questionnaire.responses.for_org(request.organization).count(),
    }


def _builder_response(request, questionnaire, *, anchor="", status=200, **extra):
    """After a builder action: the fragment for htmx, a redirect (or the page with errors) otherwise."""
    if request.htmx:
        context = _builder_context(request, questionnaire, **extra)
        return render(request, "surveys/_builder.html", context, status=status)
    if status != 200:
        context = _builder_context(request, questionnaire, **extra)
        return render(request, "surveys/questionnaire_detail.html", context, status=status)
    return redirect(_detail_url(questionnaire, anchor))


@builder_view
def questionnaire_list(request):
    questionnaires = list(
        manageable_questionnaires(request.membership, selectors.questionnaires_for_org(request.organization))
    )
    return render(request, "surveys/questionnaire_list.html", {"questionnaires": questionnaires})


def _details_page(request, questionnaire=None):
    form = QuestionnaireDetailsForm(request.POST or None, instance=questionnaire)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ("title", "description", "kind")}
        try:
            if questionnaire is None:
                questionnaire = services.questionnaire_create(organization=request.organization, **data)
                questionnaire.organization = request.organization
                messages.success(request, "Questionnaire created. Add its questions.")
            else:
                services.questionnaire_update(organization=request.organization, questionnaire=questionnaire, **data)
                messages.success(request, "Saved.")
            return redirect(_detail_url(questionnaire))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
    return render(request, "surveys/questionnaire_form.html", {"form": form, "questionnaire": questionnaire})


@builder_view
def questionnaire_create(request):
    return _details_page(request)


@builder_view
def questionnaire_edit(request, pk):
    return _details_page(request, _questionnaire(request, pk))


@builder_view
def questionnaire_detail(request, pk):
    questionnaire = _questionnaire(request, pk)
    return render(request, "surveys/questionnaire_detail.html", _builder_context(request, questionnaire))


@builder_view
@require_POST
def questionnaire_copy(request, pk):
    questionnaire = _questionnaire(request, pk)
    copy = services.questionnaire_copy(
        organization=request.organization, questionnaire=questionnaire, title=f"{questionnaire.title} (copy)"[:200]
    )
    copy.organization = request.organization
    messages.success(request, "Copied: the active questions and choices, without any responses.")
    return redirect(_detail_url(copy))


@builder_view
def questionnaire_preview(request, pk):
    """The form exactly as a participant sees it; a submission is checked, never saved."""
    questionnaire = _questionnaire(request, pk)
    form = QuestionnaireForm(questionnaire, data=request.POST or None)
    checked = request.method == "POST" and form.is_valid()
    context = {"questionnaire": questionnaire, "form": form, "checked": checked}
    return render(request, "surveys/questionnaire_preview.html", context)


@builder_view
def question_add(request, pk):
    questionnaire = _questionnaire(request, pk)
    if request.method != "POST":
        return redirect(_detail_url(questionnaire, "add-question"))
    form = QuestionForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            question = services.question_add(
                organization=request.organization, questionnaire=questionnaire, **form.service_kwargs()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if not request.htmx:
                messages.success(request, "Question added.")
            return _builder_response(request, questionnaire, anchor=f"q-{question.pk}")
    return _builder_response(request, questionnaire, status=422 if not request.htmx else 200, add_form=form)


@builder_view
def question_edit(request, pk, question_pk):
    questionnaire = _questionnaire(request, pk)
    question = _question(request, questionnaire, question_pk)
    answered = questionnaire.kind != Questionnaire.Kind.SURVEY and selectors.question_has_answers(question)
    form = QuestionForm(request.POST or None, question=question, answered=answered)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(organization=request.organization, question=question, **form.service_kwargs())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Question saved.")
            return redirect(_detail_url(questionnaire, f"q-{question.pk}"))
    choices = list(question.choices.for_org(request.organization).order_by("order", "pk"))
    context = {
        "questionnaire": questionnaire,
        "question": question,
        "form": form,
        "choices": choices,
        "answered": answered,
    }
    return render(request, "surveys/question_form.html", context, status=422 if form.errors else 200)


def _question_action(service):
    @builder_view
    @require_POST
    def view(request, pk, question_pk):
        questionnaire = _questionnaire(request, pk)
        question = _question(request, questionnaire, question_pk)
        service(request, question)
        return _builder_response(request, questionnaire, anchor=f"q-{question.pk}")

    return view


question_retire = _question_action(
    lambda request, question: services.question_retire(organization=request.organization, question=question)
)
question_restore = _question_action(
    lambda request, question: services.question_restore(organization=request.organization, question=question)
)
question_move = _question_action(
    lambda request, question: services.question_move(
        organization=request.organization,
        question=question,
        direction="up" if request.POST.get("direction") == "up" else "down",
    )
)


@builder_view
@require_POST
def choice_add(request, pk, question_pk):
    questionnaire = _questionnaire(request, pk)
    question = _question(request, questionnaire, question_pk)
    form = ChoiceForm(request.POST, prefix=f"choice-{question.pk}")
    if form.is_valid():
        try:
            services.choice_add(organization=request.organization, question=question, label=form.cleaned_data["label"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return _builder_response(request, questionnaire, anchor=f"q-{question.pk}")
    return _builder_response(
        request, questionnaire, status=422 if not request.htmx else 200, choice_forms={question.pk: form}
    )


def _choice_action(request, pk, question_pk, choice_pk, service, success):
    questionnaire = _questionnaire(request, pk)
    question = _question(request, questionnaire, question_pk)
    choice = _choice(request, question, choice_pk)
    try:
        result = service(organization=request.organization, choice=choice)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if request.htmx:
            return _builder_response(request, questionnaire)
        return redirect(_detail_url(questionnaire, f"q-{question.pk}"))
    if not request.htmx:
        messages.success(request, success(result))
    return _builder_response(request, questionnaire, anchor=f"q-{question.pk}")


@builder_view
@require_POST
def choice_retire(request, pk, question_pk, choice_pk):
    return _choice_action(
        request,
        pk,
        question_pk,
        choice_pk,
        services.choice_retire,
        lambda result: "Choice retired: the answers that chose it are kept." if result else "Choice removed.",
    )


@builder_view
@require_POST
def choice_restore(request, pk, question_pk, choice_pk):
    return _choice_action(
        request, pk, question_pk, choice_pk, services.choice_restore, lambda result: "Choice offered again."
    )


@builder_view
@require_POST
def choice_edit(request, pk, question_pk, choice_pk):
    """Rename a choice (its value, which matching reads, stays)."""
    questionnaire = _questionnaire(request, pk)
    question = _question(request, questionnaire, question_pk)
    choice = _choice(request, question, choice_pk)
    try:
        services.choice_update(organization=request.organization, choice=choice, label=request.POST.get("label", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Choice renamed.")
    return redirect(reverse("surveys:question-edit", args=[request.organization.slug, questionnaire.pk, question.pk]))
