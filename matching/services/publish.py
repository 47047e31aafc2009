"""Publishing a reviewed run: every proposal becomes a mentorship, all at once or none.

The run row is locked first (select_for_update), so two managers publishing the same run at
the same moment get one publish and one clear refusal. The enrollments of everyone involved are
locked next, in id order, so a self-match accept or a rematch cannot slip a mentorship in
between the checks and the writes. People who meanwhile got a live mentorship in the program
(or a mentor whose places filled up, or someone who left the pool), and a pair that now breaks
a hard rule the manager did not confirm (a please-not entry made after the run, say), make the
whole publish refuse, naming them; nothing is written. The members are told by email after
commit.

One mentorship per proposal, except the group model, where a mentor's proposals make one
mentorship with all their mentees. A rotation round replaces the previous one: the live
rotation mentorships of its people that were made before this run are completed.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorships.models import LIVE_STATUSES, Mentorship, MentorshipMember, MentorshipStatus
from programs.models import Enrollment, MentoringModel, ParticipantRole, ProgramStatus
from programs.selectors.matching import matching_pool

from ..cohort import build_cohort, live_places
from ..models import MatchRun, MatchRunKind, MatchRunStatus, RematchRequest
from ..selectors import run_proposals
from ._common import same_org
from .runs import merge_reasons

PUBLISHABLE_PROGRAM_STATUSES = (ProgramStatus.MATCHING, ProgramStatus.ACTIVE)
NOTIFY_BATCH = 100  # mentorships per notification task


def _locked_run(organization, run) -> MatchRun:
    locked = MatchRun.objects.for_org(organization).select_for_update().select_related("program").get(pk=run.pk)
    if locked.status == MatchRunStatus.PUBLISHED:
        when = timezone.localtime(locked.published_at).strftime("%d %b %Y %H:%M") if locked.published_at else ""
        raise ValidationError({"run": [f"This run was already published{' on ' + when if when else ''}."]})
    if locked.status != MatchRunStatus.SUCCEEDED:
        raise ValidationError(
            {
                "run": [
                    f"Only a run ready for review can be published; this one is {locked.get_status_display().lower()}."
                ]
            }
        )
    if locked.program.status not in PUBLISHABLE_PROGRAM_STATUSES:
        raise ValidationError(
            {"run": [f"The program is {locked.program.get_status_display().lower()}: it takes no new mentorships."]}
        )
    return locked


def _groups(run, proposals):
    """[(proposals making one mentorship)]: a group program's mentor gathers their pairs."""
    if run.kind == MatchRunKind.PAIRS and run.program.model == MentoringModel.GROUP:
        by_mentor = defaultdict(list)
        for proposal in proposals:
            mentor = next((m.enrollment_id for m in proposal.members.all() if m.role == ParticipantRole.MENTOR), None)
            by_mentor[mentor or f"proposal-{proposal.pk}"].append(proposal)
        return list(by_mentor.values())
    return [[proposal] for proposal in proposals]


def _live_groups_to_join(run, groups) -> dict[int, Mentorship]:
    """{position in groups: live mentorship}: in a group program, new mentees of a mentor who
    already leads a live group join it (as a self-match accept does) rather than start a second."""
    if not (run.kind == MatchRunKind.PAIRS and run.program.model == MentoringModel.GROUP):
        return {}
    mentor_at = {}
    for position, group in enumerate(groups):
        for member in group[0].members.all():
            if member.role == ParticipantRole.MENTOR:
                mentor_at[member.enrollment_id] = position
    leading = (
        MentorshipMember.objects.for_org(run.organization_id)
        .filter(
            enrollment_id__in=list(mentor_at),
            role=ParticipantRole.MENTOR,
            mentorship__program_id=run.program_id,
            mentorship__status__in=LIVE_STATUSES,
        )
        .select_related("mentorship")
        .order_by("mentorship__created_at", "mentorship_id")
    )
    joining = {}
    for member in leading:
        joining.setdefault(mentor_at[member.enrollment_id], member.mentorship)
    return joining


def _conflicts(run, proposals) -> tuple[list[str], list[int]]:
    """(why publishing now would be wrong, naming the people; the live mentorships a rotation
    round replaces)."""
    program = run.program
    members = [m for p in proposals for m in p.members.all()]
    enrollment_ids = sorted({m.enrollment_id for m in members})
    # Everyone involved, row-locked in id order: concurrent accepts and rematches wait for us.
    list(
        Enrollment.objects.for_org(run.organization_id).filter(pk__in=enrollment_ids).select_for_update().order_by("pk")
    )
    capacity = dict(matching_pool(program).filter(pk__in=enrollment_ids).values_list("pk", "effective_capacity"))
    live = live_places(program)
    replaced = []
    if run.kind == MatchRunKind.ROTATION:
        replaced = _previous_round(run, enrollment_ids)
        live = _without(live, replaced, program)
    problems, new_load = [], defaultdict(int)
    for proposal in proposals:
        mentees = [m for m in proposal.members.all() if m.role != ParticipantRole.MENTOR]
        for member in proposal.members.all():
            name = member.enrollment.person.name
            if member.enrollment_id not in capacity:
                problems.append(f"{name} is no longer ready to match (withdrawn, declined or left).")
            elif member.role != ParticipantRole.MENTOR and member.enrollment_id in live.taken:
                problems.append(f"{name} was matched meanwhile in this program.")
            elif member.role == ParticipantRole.MENTOR:
                new_load[member.enrollment_id] += len(mentees)
    names = {m.enrollment_id: m.enrollment.person.name for m in members}
    for mentor_id, adding in sorted(new_load.items()):
        places = capacity.get(mentor_id, 0) - live.load.get(mentor_id, 0)
        if adding > places:
            problems.append(f"{names[mentor_id]} has {max(places, 0)} places left, not the {adding} this run needs.")
    problems += _rules_broken_now(run, proposals)
    return sorted(set(problems)), replaced


def _rules_broken_now(run, proposals) -> list[str]:
    """Proposals that break a hard rule now which the manager did not confirm (their flags): a
    please-not entry, a reporting line or an answer that changed since the run was solved."""
    cohort = build_cohort(run.program, free_only=True)
    broken = cohort.unconfirmed_flags(
        [(p.pk, [(m.enrollment_id, m.role) for m in p.members.all()], p.flags) for p in proposals]
    )
    unit = "Circle" if run.kind == MatchRunKind.CIRCLES else "Pair"
    return [
        f"{unit} {p.number} ({' with '.join(m.enrollment.person.name for m in p.members.all())}) now breaks a hard "
        f"rule: {'; '.join(broken[p.pk])}. Remove it before publishing."
        for p in proposals
        if p.pk in broken
    ]


def _previous_round(run, enrollment_ids) -> list[int]:
    return list(
        Mentorship.objects.for_org(run.organization_id)
        .filter(
            program_id=run.program_id,
            status__in=LIVE_STATUSES,
            created_at__lt=run.created_at,
            members__enrollment_id__in=enrollment_ids,
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def _without(live, mentorship_ids, program):
    """The live places as they will be once the previous rotation round is completed."""
    if not mentorship_ids:
        return live
    gone = set(
        MentorshipMember.objects.for_org(program.organization_id)
        .filter(mentorship_id__in=mentorship_ids)
        .values_list("enrollment_id", flat=True)
    )
    live.taken -= gone
    return live


def _start_date(program, today):
    # A match published after the program's start date starts today, not in the past.
    return program.start_date if program.start_date and program.start_date >= today else today


@transaction.atomic
def match_run_publish(*, organization, run, user) -> list[Mentorship]:
    """Create the run's mentorships, all or none (in a group program, new mentees may join their
    mentor's live group instead); email every new member after commit. Returns the mentorships
    created or joined."""
    same_org(organization, run)
    given, run = run, _locked_run(organization, run)
    program = run.program
    proposals = list(run_proposals(run))
    if not proposals:
        raise ValidationError({"run": ["Nothing to publish: the run has no pairs. Add pairs or run matching again."]})
    problems, replaced = _conflicts(run, proposals)
    if problems:
        raise ValidationError({"run": ["Nothing was published: " + problems[0], *problems[1:]]})

    today = timezone.localdate()
    if replaced:
        Mentorship.objects.for_org(organization).filter(pk__in=replaced).update(
            status=MentorshipStatus.COMPLETED, ended_on=today, updated_at=timezone.now()
        )
    groups = _groups(run, proposals)
    joining = _live_groups_to_join(run, groups)
    created = Mentorship.objects.bulk_create(
        [
            Mentorship(
                organization=organization,
                program=program,
                started_on=_start_date(program, today),
                planned_end_on=program.end_date,
                match_run=run,
                score=sum(p.score for p in group) / len(group),
                reasons=group[0].reasons if len(group) == 1 else merge_reasons([p.reasons for p in group]),
                created_by=user,
            )
            for position, group in enumerate(groups)
            if position not in joining
        ]
    )
    new_ones = iter(created)
    mentorships = [joining[position] if position in joining else next(new_ones) for position in range(len(groups))]
    # Members already in a group the new mentees join are not added twice.
    members, seen = (
        [],
        set(
            MentorshipMember.objects.for_org(organization)
            .filter(mentorship__in=list(joining.values()))
            .values_list("mentorship_id", "enrollment_id")
        ),
    )
    for mentorship, group in zip(mentorships, groups, strict=True):
        for proposal in group:
            for member in proposal.members.all():
                if (mentorship.pk, member.enrollment_id) in seen:
                    continue  # a group's mentor is in each of their pairs, once in the mentorship
                seen.add((mentorship.pk, member.enrollment_id))
                members.append(
                    MentorshipMember(
                        organization=organization,
                        mentorship=mentorship,
                        enrollment_id=member.enrollment_id,
                        person_id=member.enrollment.person_id,
                        role=member.role,
                    )
                )
    MentorshipMember.objects.bulk_create(members, batch_size=1000)
    matched = [member.enrollment_id for member in members]
    RematchRequest.objects.for_org(organization).filter(
        mentorship__program=program,
        rematched_by_run__isnull=True,
        pk__in=RematchRequest.objects.for_org(organization).filter(mentorship__members__enrollment_id__in=matched),
    ).update(rematched_by_run=run)

    run.status, run.published_at, run.published_by = MatchRunStatus.PUBLISHED, timezone.now(), user
    run.save(update_fields=["status", "published_at", "published_by"])
    given.status, given.published_at, given.published_by = run.status, run.published_at, run.published_by
    _notify_after_commit(organization, [m.pk for m in mentorships])
    return mentorships


def _notify_after_commit(organization, mentorship_ids):
    from ..tasks import send_match_notifications_task

    org_id = organization.pk
    for start in range(0, len(mentorship_ids), NOTIFY_BATCH):
        batch = mentorship_ids[start : start + NOTIFY_BATCH]
        transaction.on_commit(lambda batch=batch: send_match_notifications_task.delay(org_id, batch))
