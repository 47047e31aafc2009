"""Goals: SMART goals with milestones, progress and the members' comments.

The goal services decide who may do what (a mentee's goal, a group's shared goal, a mentor's
comment); these views show the forms and put any refusal beside the field it names.
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from organizations.permissions import Action
from organizations.scoping import org_view
from programs.forms_recruitment import add_service_errors

from ..forms import CommentForm, GoalEditForm, GoalForm, MilestoneForm
from ..models import MentorshipMember
from ..selectors.goals import goals_for
from ..selectors.resources import resources_in_context
from ..services import goals as services
from .access import (
    GET_OR_POST,
    SERVICE_REFUSALS,
    as_validation_error,
    attempt,
    member_page,
    my_goal,
    my_milestone,
    my_pair,
)

# Members a goal can belong to: mentees, and peers in a peer program; a mentor sets none.
OWNER_ROLES = ("mentee", "peer")


def _owners(viewer):
    return (
        MentorshipMember.objects.for_org(viewer.program.organization_id)
        .filter(mentorship=viewer.mentorship, role__in=OWNER_ROLES)
        .select_related("person")
        .order_by("person__name")
    )


def _goal_form(form_class, viewer, data=None, **kwargs):
    return form_class(data, program=viewer.program, owners=_owners(viewer), **kwargs)


def _to_goal(goal, viewer):
    return redirect("mentorships:goal_detail", viewer.program.organization.slug, goal.pk)


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
@member_page(my_pair, writes=True)
def goal_new(request, mentorship, viewer):
    form = _goal_form(GoalForm, viewer, request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Without an owner, a pair's goal is the mentee's and a group's is shared (the service decides).
        goal = attempt(
            form,
            services.goal_create,
            organization=request.organization,
            mentorship=mentorship,
            person=viewer.person,
            **form.goal_fields(),
        )
        if goal:
            messages.success(request, "Goal added. Break it into milestones: small steps make progress visible.")
            return _to_goal(goal, viewer)
    context = {
        "viewer": viewer,
        "mentorship": viewer.mentorship,
        "program": viewer.program,
        "form": form,
        "resources": resources_in_context(viewer.program, "goals"),
    }
    return render(request, "mentorships/goal_form.html", context, status=400 if form.errors else 200)


def _goal_page(request, goal, viewer, *, milestone_form=None, comment_form=None):
    """The goal with its milestones, progress and comments, as the pair's goal list reads it."""
    goal = next(g for g in goals_for(viewer.mentorship, today=viewer.today) if g.pk == goal.pk)
    context = {
        "viewer": viewer,
        "mentorship": viewer.mentorship,
        "program": viewer.program,
        "goal": goal,
        "milestone_form": milestone_form or MilestoneForm(),
        "comment_form": comment_form or CommentForm(),
        "resources": resources_in_context(viewer.program, "goals"),
    }
    invalid = (milestone_form and milestone_form.errors) or (comment_form and comment_form.errors)
    return render(request, "mentorships/goal_detail.html", context, status=400 if invalid else 200)


@org_view(Action.PROGRAMS_VIEW)
@require_safe
@member_page(my_goal, writes=False)
def goal_detail(request, goal, viewer):
    return _goal_page(request, goal, viewer)


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
@member_page(my_goal, writes=True)
def goal_edit(request, goal, viewer):
    initial = {
        "statement": goal.statement,
        "measure": goal.measure,
        "target_date": goal.target_date,
        "relevance": goal.relevance,
        "status": goal.status,
        "progress": goal.progress,
    }
    form = _goal_form(GoalEditForm, viewer, request.POST or None, initial=initial)
    form.fields.pop("owner", None)  # a goal keeps its owner
    if request.method == "POST" and form.is_valid() and _goal_saved(request, form, goal, viewer):
        messages.success(request, "Goal saved.")
        return _to_goal(goal, viewer)
    context = {"viewer": viewer, "mentorship": viewer.mentorship, "program": viewer.program, "form": form, "goal": goal}
    return render(request, "mentorships/goal_form.html", context, status=400 if form.errors else 200)


def _goal_saved(request, form, goal, viewer) -> bool:
    """The SMART fields, then the status and the progress when they changed: all or nothing."""
    data = form.cleaned_data
    arguments = {"organization": request.organization, "goal": goal, "person": viewer.person}
    try:
        with transaction.atomic():
            services.goal_update(**arguments, **form.goal_fields())
            if data["status"] != goal.status:
                services.goal_set_status(**arguments, status=data["status"])
            if data["progress"] != goal.progress:
                services.goal_set_progress(**arguments, progress=data["progress"])
    except SERVICE_REFUSALS as error:
        goal.refresh_from_db()
        add_service_errors(form, as_validation_error(error))
        return False
    return True


@org_view(Action.PROGRAMS_VIEW)
@require_POST
@member_page(my_goal, writes=True)
def milestone_add(request, goal, viewer):
    form = MilestoneForm(request.POST)
    if form.is_valid() and attempt(
        form,
        services.milestone_add,
        organization=request.organization,
        goal=goal,
        person=viewer.person,
        **form.cleaned_data,
    ):
        messages.success(request, f"Milestone added: {form.cleaned_data['title']}.")
        return _to_goal(goal, viewer)
    return _goal_page(request, goal, viewer, milestone_form=form)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
@member_page(my_milestone, writes=True)
def milestone_toggle(request, milestone, viewer):
    try:
        services.milestone_toggle(organization=request.organization, milestone=milestone, person=viewer.person)
    except SERVICE_REFUSALS as error:
        messages.error(request, " ".join(as_validation_error(error).messages))
    return _to_goal(milestone.goal, viewer)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
@member_page(my_goal, writes=True)
def comment_add(request, goal, viewer):
    form = CommentForm(request.POST)
    if form.is_valid() and attempt(
        form,
        services.goal_comment_add,
        organization=request.organization,
        goal=goal,
        person=viewer.person,
        text=form.cleaned_data["text"],
    ):
        messages.success(request, "Comment added.")
        return _to_goal(goal, viewer)
    return _goal_page(request, goal, viewer, comment_form=form)
