"""Factories for the whole suite. Later issues add theirs here or in tests/<app>/factories.py."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from organizations.models import Invitation, Membership, Organization, Person, Role

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Users have a verified primary email unless built with verified=False."""
        self.save()
        if create:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=extracted is not False)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organization = factory.SubFactory(OrganizationFactory)
    external_id = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    department = "Engineering"
    level = 3


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.MEMBER


# matching: self-match


class MentorshipFactory(factory.django.DjangoModelFactory):
    """A live mentorship of `program`; members=[enrollment, …] adds each with their role."""

    class Meta:
        model = "mentorships.Mentorship"
        skip_postgeneration_save = True

    program = None  # required: MentorshipFactory(program=program, members=[mentor, mentee])
    organization = factory.SelfAttribute("program.organization")
    started_on = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def members(mentorship, create, extracted, **kwargs):
        for enrollment in extracted or ():
            mentorship.members.create(
                organization=mentorship.organization,
                enrollment=enrollment,
                person_id=enrollment.person_id,
                role=enrollment.role,
            )


# matching


class MatchingCriterionFactory(factory.django.DjangoModelFactory):
    """A directory-field criterion (no questions needed): "different department" by default."""

    class Meta:
        model = "matching.MatchingCriterion"

    program = None  # required
    organization = factory.SelfAttribute("program.organization")
    kind = "different"
    label = "From another department"
    weight = 1.0
    attribute = "department"


class MatchRunFactory(factory.django.DjangoModelFactory):
    """A run row as a finished run leaves it (no proposals): for tests of what reads runs."""

    class Meta:
        model = "matching.MatchRun"

    program = None  # required
    organization = factory.SelfAttribute("program.organization")
    status = "succeeded"
    progress = 100


# mentorships: goals and check-ins


class GoalFactory(factory.django.DjangoModelFactory):
    """A goal of `mentorship` owned by nobody unless given `owner` (a MentorshipMember)."""

    class Meta:
        model = "mentorships.Goal"

    mentorship = None  # required
    organization = factory.SelfAttribute("mentorship.organization")
    statement = "Lead a team retrospective"
    measure = "One retrospective run end to end, with feedback from the team"
    target_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentorships.Milestone"

    goal = None  # required
    organization = factory.SelfAttribute("goal.organization")
    title = factory.Sequence(lambda n: f"Step {n}")


class CheckInFactory(factory.django.DjangoModelFactory):
    """A check-in of `member` (a MentorshipMember) for the period starting `period_start`."""

    class Meta:
        model = "mentorships.CheckIn"

    member = None  # required
    organization = factory.SelfAttribute("member.organization")
    mentorship = factory.SelfAttribute("member.mentorship")
    period_start = factory.SelfAttribute("mentorship.started_on")
    score = 4


class HeldMeetingFactory(factory.django.DjangoModelFactory):
    """A meeting of `mentorship` logged as held (pass status= for another state)."""

    class Meta:
        model = "mentorships.Meeting"

    mentorship = None  # required
    organization = factory.SelfAttribute("mentorship.organization")
    status = "held"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    duration_minutes = 45
    actual_minutes = 45
    uid = factory.Sequence(lambda n: f"meeting-{n}@tandem.test")


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentorships.Intervention"

    mentorship = None  # required
    organization = factory.SelfAttribute("mentorship.organization")
    kind = "note"
    note = "Spoke with both; they are booking their next meeting."
