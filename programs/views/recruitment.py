"""Recruitment pages: joining a program, one's own programs, the review queue, invitations and
nominations.

Members act as their own directory record (Person.user, linked by a verified email); pages
explain how to get linked when there is none. Managers' pages go through
programs.access.require_manage. The recruitment services do every write and every check.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from organizations.permissions import Action
from organizations.scoping import NOT_FOUND_MESSAGE, get_for_org_or_404, org_view
from organizations.selectors import person_departments
from organizations.services import user_verified_emails
from surveys.forms import QuestionnaireForm
from surveys.selectors import response_answers

from ..access import managed_program, program_for
from ..audience import audience_queryset, describe_audience, ineligibility_reasons
from ..forms_recruitment import (
    ApplicationForm,
    DecisionForm,
    InviteEmailsForm,
    NominationForm,
    ReviewFilterForm,
    SegmentForm,
    add_service_errors,
)
from ..models import Enrollment, EnrollmentStatus, Nomination, ParticipantRole, ProgramInvitation, ProgramStatus
from ..selectors import recruitment as selectors
from ..services import recruitment as services

PAGE_SIZE = 50
GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])
INTAKE_PREFIX = "intake"
# Keys of enrollment_apply's errors that are about the page, not one of its inputs.
PAGE_ERROR_KEYS = ("program", "person", "role", "organization")


def _not_linked(request, template_context=None):
    """The page for a member without a directory record: how linking works, what to do."""
    context = {"emails": sorted(user_verified_emails(request.user)), **(template_context or {})}
    return render(request, "programs/recruitment/not_linked.html", context, status=200)


# --- joining -------------------------------------------------------------------------------


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def join(request, pk):
    """The phone journey: choose a role, fill the role's intake, mentors add motivation and capacity."""
    organization = request.organization
    program = program_for(request, pk)
    person = selectors.person_for_user(organization=organization, user=request.user)
    if person is None:
        return _not_linked(request, {"program": program})
    existing = Enrollment.objects.for_org(organization).filter(program=program, person=person).first()
    state = services.application_state(existing)
    context = {"program": program, "person": person, "enrollment": existing, "state": state}
    if state == "enrolled":
        return render(request, "programs/recruitment/join_status.html", context)
    if program.status != ProgramStatus.RECRUITING:
        return render(request, "programs/recruitment/join_closed.html", context)
    reasons = ineligibility_reasons(person=person, rules=program.audience or {})
    if reasons:
        context["reasons"] = reasons
        context["audience"] = describe_audience(program.audience or {})
        return render(request, "programs/recruitment/join_ineligible.html", context)

    roles = program.roles
    role = existing.role if state == "intake" else request.POST.get("role") or request.GET.get("role")
    if len(roles) == 1:
        role = roles[0]
    if role not in roles:
        context["roles"] = [(r, ParticipantRole(r).label) for r in roles]
        return render(request, "programs/recruitment/join_role.html", context)

    posted = request.method == "POST"
    data = request.POST if posted else None
    questionnaire = program.questionnaire_for(role)
    application = ApplicationForm(data, program=program, role=role)
    intake = QuestionnaireForm(questionnaire, data=data, prefix=INTAKE_PREFIX) if questionnaire else None
    if posted:
        # Both forms are checked so every error shows at once; the service checks everything again.
        valid = application.is_valid() & (intake is None or intake.is_valid())
        if valid:
            try:
                services.enrollment_apply(
                    organization=organization,
                    program=program,
                    person=person,
                    role=role,
                    answers=intake.cleaned_answers() if intake else {},
                    motivation=application.cleaned_data.get("motivation", ""),
                    capacity=application.cleaned_data.get("capacity"),
                )
            except ValidationError as error:
                answer_keys = set(intake.fields) if intake else set()
                add_service_errors(application, error, elsewhere=answer_keys)
                if intake:
                    intake.add_service_errors(
                        ValidationError({k: v for k, v in error.message_dict.items() if k in answer_keys})
                    )
            else:
                messages.success(
                    request, f"Your application to {program.name} is in. We'll email you when it has been reviewed."
                )
                return redirect("programs:my-enrollments", org_slug=organization.slug)
    context.update(
        {
            "role": role,
            "role_label": ParticipantRole(role).label,
            "can_change_role": len(roles) > 1 and state != "intake",
            "application": application,
            "intake": intake,
        }
    )
    return render(request, "programs/recruitment/join.html", context)


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def my_enrollments(request):
    organization = request.organization
    person = selectors.person_for_user(organization=organization, user=request.user)
    if person is None:
        return _not_linked(request)
    context = {
        "person": person,
        "enrollments": list(selectors.my_enrollments(organization=organization, user=request.user)),
        "nominations": list(
            selectors.nominations_for_nominee(organization=organization, user=request.user, pending_only=True)
        ),
        "open_programs": list(selectors.programs_open_to_join(organization=organization, user=request.user)[:20]),
        "open_statuses": services.OPEN_STATUSES,
    }
    return render(request, "programs/recruitment/my_enrollments.html", context)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def enrollment_withdraw(request, pk):
    """A participant withdraws their own application or place."""
    enrollment = get_for_org_or_404(
        Enrollment.objects.select_related("program"), request.organization, pk=pk, person__user=request.user
    )
    try:
        services.enrollment_withdraw(
            organization=request.organization,
            enrollment=enrollment,
            actor=request.user,
            reason=request.POST.get("reason", "")[:2000],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You withdrew from {enrollment.program.name}.")
    return redirect("programs:my-enrollments", org_slug=request.organization.slug)


# --- the review queue ----------------------------------------------------------------------


def _review_url(request, program, query):
    url = reverse("programs:review", args=[request.organization.slug, program.pk])
    return f"{url}?{query}" if query else url


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def review(request, pk):
    """Managers filter the applications, select some and approve, waitlist or decline them."""
    program = managed_program(request, pk)
    decision_form = DecisionForm(request.POST or None)
    back_query = request.POST.get("back", "") if request.method == "POST" else request.GET.urlencode()
    if request.method == "POST":
        # isascii: "²".isdigit() is true, and int() refuses it.
        selected = [int(v) for v in request.POST.getlist("enrollments") if v.isascii() and v.isdigit()]
        if decision_form.is_valid():
            try:
                result = services.enrollment_decide(
                    organization=request.organization,
                    program=program,
                    enrollments=selected,
                    decision=decision_form.cleaned_data["decision"],
                    reason=decision_form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(decision_form, error)
            else:
                label = EnrollmentStatus(decision_form.cleaned_data["decision"]).label.lower()
                changed = len(result.changed)
                text = f"{changed} application{'s' if changed != 1 else ''} {label}; each applicant is emailed."
                if result.unchanged:
                    text += f" {len(result.unchanged)} already {label}, left as they were."
                messages.success(request, text)
                return redirect(_review_url(request, program, back_query))
    filter_form = ReviewFilterForm(request.GET or None, program=program)
    filters = filter_form.filters()
    queue = selectors.review_queue(program=program, **filters)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(enrollment, selectors.answer_summary(enrollment, limit=3)) for enrollment in page.object_list]
    counts = selectors.review_counts(program=program)
    context = {
        "program": program,
        "filter_form": filter_form,
        "filters": filters,
        "decision_form": decision_form,
        "page": page,
        "rows": rows,
        "counts": counts,
        "status_tabs": [(value, label, counts[value]) for value, label in EnrollmentStatus.choices],
        "back_query": back_query,
        "selected": set(request.POST.getlist("enrollments")) if request.method == "POST" else set(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/recruitment/review.html", context, status=status)


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def review_applicant(request, pk, enrollment_pk):
    """One application: the person, their answers, the decision so far, and a decision form."""
    program = managed_program(request, pk)
    enrollment = selectors.applicant(program=program, pk=enrollment_pk)
    if enrollment is None:
        raise Http404(NOT_FOUND_MESSAGE)
    decision_form = DecisionForm(request.POST or None)
    if request.method == "POST" and decision_form.is_valid():
        try:
            services.enrollment_decide(
                organization=request.organization,
                program=program,
                enrollments=[enrollment],
                decision=decision_form.cleaned_data["decision"],
                reason=decision_form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(decision_form, error)
        else:
            label = EnrollmentStatus(decision_form.cleaned_data["decision"]).label.lower()
            messages.success(request, f"{enrollment.person.name}'s application is {label}; they are emailed.")
            return redirect("programs:review", org_slug=request.organization.slug, pk=program.pk)
    context = {
        "program": program,
        "enrollment": enrollment,
        "person": enrollment.person,
        "answers": response_answers(enrollment.response) if enrollment.response else [],
        "decision_form": decision_form,
        "back_query": urlencode({k: v for k, v in request.GET.items() if k in ("q", "status", "role", "page")}),
    }
    return render(request, "programs/recruitment/applicant.html", context)


# --- invitations ---------------------------------------------------------------------------


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def invite(request, pk):
    """Invite the audience (or a narrower segment of it), or a pasted or uploaded list of emails."""
    organization = request.organization
    program = managed_program(request, pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    departments = person_departments(organization=organization)
    segment_form = SegmentForm(request.POST if action in ("preview", "segment") else None, departments=departments)
    emails_form = InviteEmailsForm(
        request.POST if action == "emails" else None, request.FILES if action == "emails" else None
    )
    report, preview = None, None
    if action in ("preview", "segment") and segment_form.is_valid():
        try:
            if action == "preview":
                preview = _segment_preview(organization, program, segment_form.rules())
            else:
                report = services.program_invite_segment(
                    organization=organization, program=program, rules=segment_form.rules(), actor=request.user
                )
        except ValidationError as error:
            add_service_errors(segment_form, error)
    elif action == "emails" and emails_form.is_valid():
        text = emails_form.csv_text()
        if not emails_form.errors:
            try:
                report = services.program_invite_emails(
                    organization=organization, program=program, csv_text=text, actor=request.user
                )
            except ValidationError as error:
                # The services name the pasted text "csv_text"; on this page that is the emails box.
                add_service_errors(emails_form, ValidationError(_rename(error, {"csv_text": "emails"})))
    invalid = request.method == "POST" and report is None and preview is None
    if preview is None and report is None and program.status == ProgramStatus.RECRUITING:
        preview = _segment_preview(organization, program, None)
    context = {
        "program": program,
        "segment_form": segment_form,
        "emails_form": emails_form,
        "report": report,
        "preview": preview,
        "audience": describe_audience(program.audience or {}),
        "stats": selectors.invitation_stats(program=program),
        "invitations": selectors.recent_invitations(program=program, limit=20),
    }
    return render(request, "programs/recruitment/invite.html", context, status=400 if invalid else 200)


def _rename(error, names):
    return {names.get(key, key): messages for key, messages in error.message_dict.items()}


def _segment_preview(organization, program, rules):
    """How many people the segment holds, and how many of them are not invited yet."""
    people = audience_queryset(organization=organization, rules=program.audience or {})
    if rules is not None:
        people = people.filter(pk__in=audience_queryset(organization=organization, rules=rules).values("pk"))
    invited = ProgramInvitation.objects.for_org(organization).filter(program=program).values("person_id")
    return {"total": people.count(), "new": people.exclude(pk__in=invited).exclude(email="").count()}


# --- nominations ---------------------------------------------------------------------------


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def nominations(request):
    """A manager nominates direct reports as mentors; a nominee answers their nominations."""
    organization = request.organization
    person = selectors.person_for_user(organization=organization, user=request.user)
    if person is None:
        return _not_linked(request)
    reports = list(selectors.direct_reports(organization=organization, person=person))
    programs = list(selectors.nominatable_programs(organization=organization)) if reports else []
    form = NominationForm(request.POST or None, programs=programs, reports=reports)
    if request.method == "POST" and form.is_valid():
        by_pk = {p.pk: p for p in programs}
        nominee = next(p for p in reports if p.pk == form.cleaned_data["nominee"])
        try:
            services.nomination_create(
                organization=organization,
                program=by_pk[form.cleaned_data["program"]],
                nominee=nominee,
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"You nominated {nominee.name}; they are emailed and can accept or decline.")
            return redirect("programs:nominations", org_slug=organization.slug)
    context = {
        "person": person,
        "reports": reports,
        "programs": programs,
        "form": form,
        "made": list(selectors.nominations_by_manager(organization=organization, person=person)[:100]),
        "received": list(selectors.nominations_for_nominee(organization=organization, user=request.user)[:100]),
    }
    return render(request, "programs/recruitment/nominations.html", context, status=400 if form.errors else 200)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def nomination_respond(request, pk):
    """The nominee accepts (then fills the intake on the join page) or declines."""
    nomination = get_for_org_or_404(
        Nomination.objects.select_related("program"), request.organization, pk=pk, nominee__user=request.user
    )
    accept = request.POST.get("answer") == "accept"
    try:
        services.nomination_respond(
            organization=request.organization, nomination=nomination, actor=request.user, accept=accept
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programs:nominations", org_slug=request.organization.slug)
    if accept:
        messages.success(request, "Thank you! One more step: tell the program managers about yourself.")
        return redirect("programs:join", org_slug=request.organization.slug, pk=nomination.program_id)
    messages.success(request, f"You declined the nomination for {nomination.program.name}.")
    return redirect("programs:nominations", org_slug=request.organization.slug)
