"""Training pages: managers write modules and follow completion; participants take them.

Managers (programs.access.require_manage) get the module list, the module form with its quiz
builder, reordering, deletion and the completion overview. A participant is anyone whose own
directory record (Person.user) has a live enrollment in the program; they see their modules
and take them. The services do every write and every check of the answers.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from organizations.permissions import Action, can_manage_program
from organizations.scoping import NOT_FOUND_MESSAGE, get_for_org_or_404, org_view

from ..access import managed_program, program_for
from ..forms_training import AttemptForm, ModuleForm, question_formset
from ..markdown import render_markdown
from ..models import Enrollment, ParticipantRole, TrainingModule
from ..selectors.matching import matching_pool
from ..selectors.training import modules_for, program_training_overview, training_enrollments, training_status
from ..services import training as training_services
from ..services.training import TRAINABLE_STATUSES

PAGE_SIZE = 50
RESULT_SESSION_KEY = "tandem_training_result"


def _module(request, program, module_pk):
    return get_for_org_or_404(TrainingModule, request.organization, program=program, pk=module_pk)


def _own_enrollment(request, program):
    """The signed-in user's live enrollment in the program, or None."""
    return (
        Enrollment.objects.for_org(request.organization)
        .filter(program=program, person__user=request.user, status__in=TRAINABLE_STATUSES)
        .select_related("person")
        .order_by("pk")
        .first()
    )


# --- managers ----------------------------------------------------------------------------


@org_view(Action.PROGRAMS_VIEW)
def module_list(request, pk):
    program = managed_program(request, pk)
    modules = (
        TrainingModule.objects.for_org(request.organization)
        .filter(program=program)
        .annotate(completed=Count("completions", filter=Q(completions__passed=True)))
    )
    context = {"program": program, "modules": modules, "ready_count": matching_pool(program).count()}
    return render(request, "programs/training/module_list.html", context)


def _module_form_page(request, program, module=None):
    posted = request.method == "POST"
    adding_question = posted and "add_question" in request.POST
    # "Add a question" and the no-JavaScript preview button show the form again, saving nothing.
    staying = adding_question or (posted and "preview" in request.POST)
    initial = ModuleForm.initial_for(module) if module else None
    form = ModuleForm(request.POST if posted else None, initial=initial, program=program)
    form.fields["content"].widget.attrs.update(
        {
            "hx-post": reverse("programs:training-preview", args=[request.organization.slug, program.pk]),
            "hx-trigger": "input changed delay:400ms",
            "hx-target": "#content-preview",
            "hx-sync": "this:replace",
        }
    )
    quiz = question_formset(request.POST if posted else None, quiz=module.quiz if module else (), add=adding_question)
    if posted and not staying and form.is_valid() and quiz.is_valid():
        fields = {**form.cleaned_data, "quiz": quiz.quiz()}
        try:
            if module is None:
                module = training_services.training_module_create(
                    organization=request.organization, program=program, **fields
                )
            else:
                training_services.training_module_update(organization=request.organization, module=module, **fields)
        except ValidationError as error:
            quiz.add_service_errors(error)
            for name, errors in error.message_dict.items():
                if name in form.fields:
                    for message in errors:
                        form.add_error(name, message)
        else:
            messages.success(request, f"“{module.title}” was saved.")
            return redirect("programs:training", org_slug=request.organization.slug, pk=program.pk)
    context = {
        "program": program,
        "module": module,
        "form": form,
        "quiz": quiz,
        "preview": render_markdown(form["content"].value() or ""),
    }
    return render(request, "programs/training/module_form.html", context)


@org_view(Action.PROGRAMS_VIEW)
def module_create(request, pk):
    return _module_form_page(request, managed_program(request, pk))


@org_view(Action.PROGRAMS_VIEW)
def module_edit(request, pk, module_pk):
    program = managed_program(request, pk)
    return _module_form_page(request, program, _module(request, program, module_pk))


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def content_preview(request, pk):
    """The Markdown of the module form, rendered as participants will see it (htmx)."""
    managed_program(request, pk)
    html = render_markdown(request.POST.get("content", "")[:100_000])
    return render(request, "programs/training/_preview.html", {"preview": html})


@org_view(Action.PROGRAMS_VIEW)
def module_delete(request, pk, module_pk):
    program = managed_program(request, pk)
    module = _module(request, program, module_pk)
    if request.method == "POST":
        try:
            training_services.training_module_delete(organization=request.organization, module=module)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"“{module.title}” was deleted.")
        return redirect("programs:training", org_slug=request.organization.slug, pk=program.pk)
    completed = module.completions.filter(passed=True).count()
    return render(
        request, "programs/training/module_delete.html", {"program": program, "module": module, "completed": completed}
    )


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def module_move(request, pk, module_pk):
    """Move a module one place up or down (buttons on the list; no JavaScript needed)."""
    program = managed_program(request, pk)
    module = _module(request, program, module_pk)
    modules = TrainingModule.objects.for_org(request.organization).filter(program=program)
    ids = list(modules.values_list("pk", flat=True))
    position = ids.index(module.pk)
    target = position - 1 if request.POST.get("direction") == "up" else position + 1
    if 0 <= target < len(ids):
        ids[position], ids[target] = ids[target], ids[position]
        training_services.training_module_reorder(organization=request.organization, program=program, module_ids=ids)
    return redirect("programs:training", org_slug=request.organization.slug, pk=program.pk)


@org_view(Action.PROGRAMS_VIEW)
def completion_overview(request, pk):
    program = managed_program(request, pk)
    role = request.GET.get("role", "")
    if role not in program.roles:
        role = ""
    page = Paginator(training_enrollments(program, role=role), PAGE_SIZE).get_page(request.GET.get("page"))
    overview = program_training_overview(program, enrollments=page.object_list)
    pool = matching_pool(program)
    context = {
        "program": program,
        "role": role,
        "roles": [(r, f"{ParticipantRole(r).label}s") for r in program.roles],
        "page": page,
        "overview": overview,
        "ready_count": (pool.filter(role=role) if role else pool).count(),
    }
    return render(request, "programs/training/overview.html", context)


# --- participants ------------------------------------------------------------------------


@org_view(Action.PROGRAMS_VIEW)
def my_training(request, pk):
    program = program_for(request, pk)
    enrollment = _own_enrollment(request, program)
    context = {
        "program": program,
        "enrollment": enrollment,
        "status": training_status(enrollment) if enrollment else None,
        "can_manage": can_manage_program(request.membership, program),
    }
    return render(request, "programs/training/my_training.html", context)


@org_view(Action.PROGRAMS_VIEW)
def module_take(request, pk, module_pk):
    """Read a module and take its quiz; a manager without an enrollment sees it as a preview."""
    program = program_for(request, pk)
    module = _module(request, program, module_pk)
    enrollment = _own_enrollment(request, program)
    if enrollment is not None and not modules_for(enrollment).filter(pk=module.pk).exists():
        enrollment = None  # another role's module
    if enrollment is None and not can_manage_program(request.membership, program):
        raise Http404(NOT_FOUND_MESSAGE)
    completion = enrollment.training_completions.filter(module=module).first() if enrollment else None
    form = AttemptForm(request.POST if request.method == "POST" else None, module=module)
    if request.method == "POST":
        if enrollment is None:
            raise Http404(NOT_FOUND_MESSAGE)
        if form.is_valid():
            try:
                completion = training_services.training_submit(
                    organization=request.organization,
                    module=module,
                    enrollment=enrollment,
                    quiz_answers=form.answers(),
                    acknowledged=form.cleaned_data.get("acknowledged", False),
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                attempt = completion.attempt
                # Shown once after the redirect, so a reload does not submit the quiz again.
                request.session[RESULT_SESSION_KEY] = {
                    "module": module.pk,
                    "score": attempt.score,
                    "passed": attempt.passed,
                    "wrong": attempt.wrong,
                }
                return redirect(
                    "programs:training-module", org_slug=request.organization.slug, pk=program.pk, module_pk=module.pk
                )
    result = request.session.get(RESULT_SESSION_KEY)
    if result and result.get("module") == module.pk and request.method == "GET":
        del request.session[RESULT_SESSION_KEY]
    else:
        result = None
    wrong = set(result["wrong"]) if result else set()
    context = {
        "program": program,
        "module": module,
        "content": render_markdown(module.content),
        "enrollment": enrollment,
        "completion": completion,
        "form": form,
        "questions": [(index, field, index in wrong) for index, field in enumerate(form.question_fields())],
        "result": result,
        "wrong_count": len(wrong),
        "wrong_numbers": _and_list([str(index + 1) for index in sorted(wrong)]),
        "next_module": _next_module(enrollment, module) if result and result["passed"] else None,
    }
    return render(request, "programs/training/module_take.html", context)


def _and_list(words):
    """Numbers as a person writes them: 1; 1 and 2; 1, 2 and 4."""
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def _next_module(enrollment, module):
    """The first module after this one that the participant has not completed yet."""
    status = training_status(enrollment)
    later = False
    for candidate, completion in status["modules"]:
        if candidate.pk == module.pk:
            later = True
        elif later and not (completion and completion.passed):
            return candidate
    return None
