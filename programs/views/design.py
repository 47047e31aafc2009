"""Program design pages: the list, a new program (from a template or blank), the overview with
its lifecycle, the designer with a live participant preview, objectives, audience, managers and
copying into a new cycle. Thin: reads come from selectors, every write from services.design."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from organizations.permissions import Action, can, can_manage_program
from organizations.scoping import get_for_org_or_404, org_view, require

from ..access import managed_program, program_for, visible_programs
from ..audience import audience_count, describe_audience
from ..catalog import TEMPLATES, get_template
from ..forms_design import (
    AudienceForm,
    CopyCycleForm,
    ManagerAddForm,
    NewProgramForm,
    ObjectiveForm,
    ProgramForm,
    TransitionForm,
)
from ..models import (
    ALLOWED_TRANSITIONS,
    GROUP_MODELS,
    Objective,
    ParticipantRole,
    Program,
    ProgramManager,
    ProgramStatus,
)
from ..selectors.design import (
    LIFECYCLE,
    audience_options,
    enrollment_counts,
    manager_candidates,
    next_forward_status,
    program_cards,
    program_managers,
    program_objectives,
    program_status_history,
    readiness_checks,
)
from ..services import design as services

PAGE_SIZE = 24
WITH_RELATED = Program.objects.select_related(
    "executive_sponsor", "mentor_questionnaire", "mentee_questionnaire", "peer_questionnaire"
)
# What each step is called on its button, and what it means for participants.
TRANSITION_LABELS = {
    (ProgramStatus.DRAFT, ProgramStatus.RECRUITING): ("Open recruitment", "People can join and be invited."),
    (ProgramStatus.RECRUITING, ProgramStatus.DRAFT): ("Back to draft", "Joining closes until you reopen it."),
    (ProgramStatus.RECRUITING, ProgramStatus.MATCHING): (
        "Close recruitment and start matching",
        "Nobody new can join; approved participants are matched.",
    ),
    (ProgramStatus.MATCHING, ProgramStatus.RECRUITING): ("Reopen recruitment", "People can join again."),
    (ProgramStatus.MATCHING, ProgramStatus.ACTIVE): (
        "Start the program",
        "Meetings begin. Publish the matches on the matching page first.",
    ),
    (ProgramStatus.ACTIVE, ProgramStatus.CLOSED): (
        "Close the program",
        "The program ends for everyone. This cannot be undone; you can copy it into a new cycle.",
    ),
}


def _url_or_none(name, *args):
    """Links to pages other areas add: absent until their routes exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- list and new ---------------------------------------------------------------------------


@org_view(Action.PROGRAMS_VIEW)
@require_GET
def program_list(request):
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    programs = visible_programs(request)
    if query:
        programs = programs.filter(Q(name__icontains=query) | Q(description__icontains=query))
    if status in ProgramStatus.values:
        programs = programs.filter(status=status)
    # Applicant numbers are the program team's business, not every member's.
    show_counts = can(request.membership, Action.PROGRAM_MANAGE)
    programs = program_cards(programs=programs) if show_counts else programs.order_by("-created_at", "pk")
    page = Paginator(programs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "status": status,
        "statuses": ProgramStatus.choices,
        "can_create": can(request.membership, Action.PROGRAMS_CREATE),
        "show_counts": show_counts,
    }
    return render(request, "programs/design/program_list.html", context)


@org_view(Action.PROGRAMS_CREATE)
def program_new(request):
    template_key = request.POST.get("template") or request.GET.get("template") or ""
    if template_key not in ("blank", *TEMPLATES):
        # Step one: choose a template (or blank).
        return render(request, "programs/design/program_new.html", {"templates": TEMPLATES.values()})
    form = NewProgramForm(request.POST or None, template_key=template_key)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if template_key == "blank":
                model = data.get("model") or "one_on_one"
                # Groups need a size range; a sensible one to start from, changed in the designer.
                sizes = {"group_size_min": 3, "group_size_max": 6} if model in GROUP_MODELS else {}
                program = services.program_create(
                    organization=request.organization,
                    actor=request.user,
                    data={"name": data["name"], "model": model, "start_date": data["start_date"], **sizes},
                )
            else:
                program = services.program_create_from_template(
                    organization=request.organization,
                    template_key=template_key,
                    actor=request.user,
                    name=data["name"],
                    start_date=data["start_date"],
                )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, f"{program.name} was created as a draft. Review it, then open recruitment.")
            return redirect("programs:detail", org_slug=request.organization.slug, pk=program.pk)
    context = {"form": form, "template": get_template(template_key), "template_key": template_key}
    return render(request, "programs/design/program_new_form.html", context)


# --- the overview and lifecycle ----------------------------------------------------------------


def _role_choices(program):
    return [(role, ParticipantRole(role).label) for role in program.roles]


def _participant_context(program):
    """What the participant-facing summary reads (the public page and the designer's preview)."""
    try:
        phrases = describe_audience(program.audience)
    except ValidationError:
        phrases = []  # an unsaved, invalid audience in a preview
    return {
        "program": program,
        "audience_phrases": phrases,
        "role_labels": [label for _, label in _role_choices(program)],
        "commitment_hours": _commitment_hours(program),
    }


def _commitment_hours(program):
    """Roughly how many hours of meetings the program asks for, or None when it cannot be told."""
    try:
        weeks = (program.end_date - program.start_date).days // 7
        meetings = max(weeks // int(program.cadence_weeks), 1)
        return round(meetings * int(program.meeting_minutes) / 60) or None
    except (TypeError, ValueError, ZeroDivisionError):
        return None


@org_view(Action.PROGRAMS_VIEW)
@require_GET
def program_detail(request, pk):
    program = program_for(request, pk, queryset=WITH_RELATED)
    organization = request.organization
    if not can_manage_program(request.membership, program):
        context = {**_participant_context(program), "join_url": _url_or_none("programs:join", organization.slug, pk)}
        return render(request, "programs/design/program_public.html", context)
    forward = next_forward_status(program.status)
    current_index = LIFECYCLE.index(program.status)
    steps = [{"status": status, "label": ProgramStatus(status).label} for status in LIFECYCLE]
    actions = [
        {
            "status": status,
            "label": TRANSITION_LABELS[(program.status, status)][0],
            "description": TRANSITION_LABELS[(program.status, status)][1],
            "forward": LIFECYCLE.index(status) > current_index,
        }
        for status in sorted(ALLOWED_TRANSITIONS[ProgramStatus(program.status)], key=LIFECYCLE.index, reverse=True)
    ]
    slug = organization.slug
    context = {
        **_participant_context(program),
        "steps": steps,
        "current_index": current_index,
        "actions": actions,
        "checks": readiness_checks(program=program, to_status=forward) if forward else [],
        "forward_label": ProgramStatus(forward).label if forward else "",
        "objectives": list(program_objectives(program=program)),
        "managers": list(program_managers(program=program)),
        "history": list(program_status_history(program=program, limit=10)),
        "counts": enrollment_counts(program=program),
        "audience_size": audience_count(organization=organization, rules=program.audience),
        "questionnaires": [(label, program.questionnaire_for(role)) for role, label in _role_choices(program)],
        "links": {
            "review": _url_or_none("programs:review", slug, pk),
            "invite": _url_or_none("programs:invite", slug, pk),
            "training": _url_or_none("programs:training", slug, pk),
            "join": _url_or_none("programs:join", slug, pk),
        },
        "closed": program.status == ProgramStatus.CLOSED,
    }
    return render(request, "programs/design/program_detail.html", context)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def program_transition(request, pk):
    program = managed_program(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        try:
            services.program_transition(
                organization=request.organization,
                program=program,
                to_status=form.cleaned_data["status"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"{program.name} is now {program.get_status_display().lower()}.")
    return redirect("programs:detail", org_slug=request.organization.slug, pk=program.pk)


# --- the designer -------------------------------------------------------------------------------


def _program_form(request, program, data=None):
    search_url = ""
    if can(request.membership, Action.PEOPLE_VIEW):
        search_url = reverse("org:person-search", args=[request.organization.slug])
    return ProgramForm(
        data,
        instance=program,
        organization=request.organization,
        membership=request.membership,
        search_url=search_url,
    )


@org_view(Action.PROGRAMS_VIEW)
def program_edit(request, pk):
    program = managed_program(request, pk, queryset=WITH_RELATED)
    if program.status == ProgramStatus.CLOSED:
        messages.error(request, "This program is closed and can no longer be changed.")
        return redirect("programs:detail", org_slug=request.organization.slug, pk=program.pk)
    form = _program_form(request, program, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(
                organization=request.organization, program=program, data=form.service_data(), actor=request.user
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The program was saved.")
            return redirect("programs:detail", org_slug=request.organization.slug, pk=program.pk)
    context = {**_participant_context(form.instance), "form": form, "preview_program": form.instance}
    return render(request, "programs/design/program_edit.html", context)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def program_preview(request, pk):
    """The participant-facing summary of the designer's unsaved form (htmx)."""
    program = managed_program(request, pk, queryset=WITH_RELATED)
    form = _program_form(request, program, request.POST)
    valid = form.is_valid()  # fills form.instance with every value that is valid
    context = {**_participant_context(form.instance), "preview": True, "has_errors": not valid}
    return render(request, "programs/design/_participant_summary.html", context)


# --- objectives ---------------------------------------------------------------------------------


def _save_objective(request, program, form, objective=None) -> bool:
    """Create or update through the services; False (errors on the form) when refused."""
    if not form.is_valid():
        return False
    write = {"organization": request.organization, "data": form.service_data()}
    try:
        if objective is None:
            services.objective_create(program=program, **write)
        else:
            services.objective_update(objective=objective, **write)
    except ValidationError as error:
        form.add_service_errors(error)
        return False
    messages.success(request, "The objective was saved.")
    return True


@org_view(Action.PROGRAMS_VIEW)
def objective_list(request, pk):
    program = managed_program(request, pk)
    form = ObjectiveForm(request.POST or None)
    if request.method == "POST" and _save_objective(request, program, form):
        return redirect("programs:objectives", org_slug=request.organization.slug, pk=program.pk)
    context = {"program": program, "objectives": list(program_objectives(program=program)), "form": form}
    return render(request, "programs/design/objectives.html", context)


def _objective(request, program, objective_pk):
    return get_for_org_or_404(Objective.objects.filter(program=program), request.organization, pk=objective_pk)


@org_view(Action.PROGRAMS_VIEW)
def objective_edit(request, pk, objective_pk):
    program = managed_program(request, pk)
    objective = _objective(request, program, objective_pk)
    form = ObjectiveForm(request.POST or None, instance=objective)
    if request.method == "POST" and _save_objective(request, program, form, objective):
        return redirect("programs:objectives", org_slug=request.organization.slug, pk=program.pk)
    context = {"program": program, "form": form, "objective": objective}
    return render(request, "programs/design/objective_form.html", context)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def objective_delete(request, pk, objective_pk):
    program = managed_program(request, pk)
    objective = _objective(request, program, objective_pk)
    try:
        services.objective_delete(organization=request.organization, objective=objective)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The objective was removed.")
    return redirect("programs:objectives", org_slug=request.organization.slug, pk=program.pk)


# --- audience -----------------------------------------------------------------------------------


def _audience_form(request, program, data=None):
    options = audience_options(organization=request.organization)
    return AudienceForm(data, initial=AudienceForm.initial_from(program.audience), **options)


@org_view(Action.PROGRAMS_VIEW)
def program_audience(request, pk):
    program = managed_program(request, pk)
    form = _audience_form(request, program, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(organization=request.organization, program=program, data={"audience": form.rules()})
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The audience was saved.")
            return redirect("programs:detail", org_slug=request.organization.slug, pk=program.pk)
    rules = form.rules() if form.is_bound and form.is_valid() else program.audience
    context = {
        "program": program,
        "form": form,
        "count": audience_count(organization=request.organization, rules=rules),
        "template": get_template(program.template_key),
    }
    return render(request, "programs/design/audience.html", context)


@org_view(Action.PROGRAMS_VIEW)
@require_GET
def audience_count_view(request, pk):
    """How many active people the rules in the query string match (htmx, as the form changes)."""
    program = managed_program(request, pk)
    form = _audience_form(request, program, request.GET)
    count = None
    if form.is_valid():
        try:
            count = audience_count(organization=request.organization, rules=form.rules())
        except ValidationError:
            count = None
    return render(request, "programs/design/_audience_count.html", {"count": count})


# --- managers -----------------------------------------------------------------------------------


@org_view(Action.PROGRAMS_VIEW)
def program_manager_list(request, pk):
    program = managed_program(request, pk)
    form = ManagerAddForm(request.POST or None, candidates=manager_candidates(program=program))
    if request.method == "POST" and form.is_valid():
        membership = form.cleaned_data["membership"]
        try:
            services.program_manager_add(organization=request.organization, program=program, user=membership.user)
        except ValidationError as error:
            form.add_error("membership", error.messages)
        else:
            messages.success(request, f"{membership.user.email} now manages {program.name}.")
            return redirect("programs:managers", org_slug=request.organization.slug, pk=program.pk)
    context = {"program": program, "managers": list(program_managers(program=program)), "form": form}
    return render(request, "programs/design/managers.html", context)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def program_manager_remove(request, pk, manager_pk):
    program = managed_program(request, pk)
    manager = get_for_org_or_404(
        ProgramManager.objects.filter(program=program).select_related("user"), request.organization, pk=manager_pk
    )
    services.program_manager_remove(organization=request.organization, manager=manager)
    messages.success(request, f"{manager.user.email} no longer manages {program.name}.")
    if manager.user_id == request.user.pk and not can_manage_program(request.membership, program):
        return redirect("programs:list", org_slug=request.organization.slug)
    return redirect("programs:managers", org_slug=request.organization.slug, pk=program.pk)


# --- copy into a new cycle ----------------------------------------------------------------------


@org_view(Action.PROGRAMS_VIEW)
def program_copy(request, pk):
    program = managed_program(request, pk, queryset=WITH_RELATED)
    # A new cycle is a new program: only those who may create programs copy one.
    require(request.membership, Action.PROGRAMS_CREATE)
    form = CopyCycleForm(request.POST or None, initial={"name": f"{program.name} (next cycle)"})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.program_copy_cycle(
                organization=request.organization,
                program=program,
                actor=request.user,
                name=form.cleaned_data["name"],
                start_date=form.cleaned_data["start_date"],
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, f"{copy.name} was created as a draft from {program.name}.")
            return redirect("programs:detail", org_slug=request.organization.slug, pk=copy.pk)
    return render(request, "programs/design/program_copy.html", {"program": program, "form": form})
