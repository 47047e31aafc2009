"""What the mentorship endpoints share: who is asking (a member of the pair, a manager of its
program, or both) and the mentorship fields of request bodies.

A mentorship's data is seen by its members and by the managers of its program (every program
for organization admins); a mentorship nobody lets the caller see answers 404 like a missing
one, in a path and in a body. What each side sees of a visible row is decided per row by
`Audience`: members see their pair's content, managers see dates, counts, scores and health.
"""

from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from matching.api.common import manages_q
from organizations.api_base import TenantPrimaryKeyRelatedField
from organizations.permissions import Action, can
from programs.models import ProgramManager

from ..models import MentorshipMember
from ..services._pair import NOT_A_MEMBER


def _paths(mentorship):
    """(mentorship id, program id) paths of rows reached through `mentorship` ("" for Mentorship rows)."""
    if not mentorship:
        return "pk", "program_id"
    return f"{mentorship}_id", f"{mentorship}__program_id"


def member_q(viewset, mentorship=""):
    """A Q for "the caller is a member of the row's mentorship"."""
    mine = MentorshipMember.objects.for_org(viewset.organization).filter(
        mentorship_id=OuterRef(_paths(mentorship)[0]), person__user_id=viewset.request.user.pk
    )
    return Q(Exists(mine))


def visible_q(viewset, mentorship=""):
    """A Q for the rows of mentorships the caller is a member of or whose program they manage."""
    return member_q(viewset, mentorship) | manages_q(viewset, _paths(mentorship)[1])


def managed_q(viewset, mentorship=""):
    """A Q for the rows of mentorships whose program the caller manages."""
    return manages_q(viewset, _paths(mentorship)[1])


class Audience:
    """Who the caller is to each mentorship, asked once per request (two queries at most)."""

    def __init__(self, viewset):
        self.organization = viewset.organization
        self.membership = viewset.membership
        self.user = viewset.request.user

    @cached_property
    def _member_of(self) -> dict[int, MentorshipMember]:
        rows = MentorshipMember.objects.for_org(self.organization).filter(person__user_id=self.user.pk)
        return {row.mentorship_id: row for row in rows.select_related("person")}

    @cached_property
    def _managed_program_ids(self) -> set[int] | None:
        """None when the caller manages every program (organization admins)."""
        if can(self.membership, Action.PROGRAM_MANAGE):
            return None
        managed = ProgramManager.objects.for_org(self.organization).filter(user_id=self.user.pk)
        return set(managed.values_list("program_id", flat=True))

    def member(self, mentorship_id) -> MentorshipMember | None:
        """The caller's own membership of the mentorship, if they are in it."""
        return self._member_of.get(mentorship_id)

    def is_member(self, mentorship_id) -> bool:
        return mentorship_id in self._member_of

    def manages(self, program_id) -> bool:
        managed = self._managed_program_ids
        return managed is None or program_id in managed

    def require_member(self, mentorship) -> MentorshipMember:
        member = self.member(mentorship.pk)
        if member is None:
            raise PermissionDenied(NOT_A_MEMBER)
        return member


class AudienceMixin:
    """For the viewsets: `self.audience`, made once per request."""

    @cached_property
    def audience(self) -> Audience:
        return Audience(self)


class ScopedByCallerField(TenantPrimaryKeyRelatedField):
    """A foreign key in a body whose choices depend on the caller (`choices`): any other row
    fails exactly like a missing id."""

    def get_queryset(self):
        queryset = super().get_queryset()
        view = self.context.get("view")
        if view is None or view.organization is None:
            return queryset.none()
        return self.choices(view, queryset)

    def choices(self, view, queryset):
        raise NotImplementedError


class VisibleMentorshipField(ScopedByCallerField):
    """A mentorship the caller is a member of or manages; a manager who is not a member then gets
    the service's own refusal."""

    def choices(self, view, queryset):
        return queryset.filter(visible_q(view)).select_related("program")


class InMyMentorshipField(ScopedByCallerField):
    """A row (a goal, a membership) of a mentorship the caller is a member of."""

    def choices(self, view, queryset):
        return queryset.filter(member_q(view, "mentorship"))


class AwareDateTimeField(serializers.DateTimeField):
    """A moment with its UTC offset: the members of a pair live in different time zones, so a time
    without one is refused rather than guessed."""

    default_error_messages = {
        "naive": "Give the time with its UTC offset, such as 2026-03-02T09:30:00+01:00 (or Z for UTC)."
    }

    def to_internal_value(self, value):
        try:
            parsed = parse_datetime(value.strip()) if isinstance(value, str) else None
        except ValueError:
            parsed = None  # well formed but impossible (a 13th month): the parent says so
        if parsed is not None and timezone.is_naive(parsed):
            self.fail("naive")
        return super().to_internal_value(value)
