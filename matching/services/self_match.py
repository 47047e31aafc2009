"""Self-match: mentees choose among suggested mentors, mentors accept or decline.

Suggestions are spread over the whole cohort: no mentor is shown to many more mentees than
they have free places, so the popular few are not flooded while others wait unasked. Each
round asks the optimal solver for one more mentor per mentee within every mentor's remaining
exposure, so the spread is decided for everyone at once, never first come first served.

Capacity holds under concurrent accepts: an accept locks the mentor's and the mentee's
enrollment rows (in id order, so two accepts never deadlock) before it counts the places,
and re-reads the request under lock, so of two accepts racing for a last place one wins and
the other gets a clear refusal. Emails go out after commit through matching/tasks.py.
"""

import math

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentorships.models import LIVE_STATUSES, Mentorship, MentorshipMember
from programs.models import GROUP_MODELS, Enrollment, ParticipantRole
from programs.selectors.matching import matching_pool

from .. import scoring
from ..access import require_own_enrollment
from ..cohort import build_cohort, cohort_scores, matching_settings_or_default
from ..models import MatchingMode, MatchingSettings, MentorRequest, MentorSuggestion, RequestStatus
from ..selectors import mentor_places_taken
from ..solver import solve
from ._common import raise_errors, same_org
from .publish import PUBLISHABLE_PROGRAM_STATUSES

# A mentor is suggested to at most this many mentees per free place: enough choice for the
# mentees, few enough that most requests a mentor receives can be accepted.
EXPOSURE_PER_PLACE = 3
NOTE_MAX = 2000
MENTOR_FULL_NOTE = "This mentor's places are all taken now. Please ask another mentor."


# --- suggestions ---------------------------------------------------------------------------


def spread_suggestions(
    scores, allowed, capacity, *, per_mentee, min_score=None, exposure_per_place=EXPOSURE_PER_PLACE
) -> list[list[int]]:
    """For each mentee, up to `per_mentee` mentor indexes, best score first.

    Mentor j is suggested to at most ceil(exposure_per_place × capacity[j]) mentees. Round r
    solves an assignment with capacity = exposure left and the pairs already suggested
    forbidden: the solver first gives as many mentees as possible one more mentor, then the
    best total score, so the scarce exposure of popular mentors goes where it matters most
    across the cohort. Deterministic: the same input gives the same suggestions.
    """
    scores = np.asarray(scores, dtype=np.float64)
    n_mentees, n_mentors = scores.shape
    picks: list[list[int]] = [[] for _ in range(n_mentees)]
    if n_mentees == 0 or n_mentors == 0:
        return picks
    exposure_left = np.array([math.ceil(exposure_per_place * max(int(c), 0)) for c in capacity], dtype=np.int64)
    open_pairs = np.ones(scores.shape, dtype=bool) if allowed is None else np.array(allowed, dtype=bool)
    for _ in range(per_mentee):
        if not exposure_left.any():
            break
        assignment = np.asarray(solve(scores, exposure_left, open_pairs, min_score))
        mentees = np.flatnonzero(assignment >= 0)
        if mentees.size == 0:
            break
        mentors = assignment[mentees]
        open_pairs[mentees, mentors] = False
        np.subtract.at(exposure_left, mentors, 1)
        for i, j in zip(mentees.tolist(), mentors.tolist(), strict=True):
            picks[i].append(j)
    # Best first; a tie keeps the round order (stable sort).
    return [sorted(chosen, key=lambda j, i=i: -scores[i, j]) for i, chosen in enumerate(picks)]


def _self_match_errors(program, settings) -> dict:
    """Why mentees cannot ask mentors in `program` now; empty when they can."""
    if ParticipantRole.MENTOR not in program.roles:
        return {"program": [f"{program.name} has no mentors to choose from."]}
    if settings.mode != MatchingMode.SELF_MATCH:
        return {"program": [f"In {program.name} the program team makes the matches; mentees do not choose."]}
    if program.status not in PUBLISHABLE_PROGRAM_STATUSES:
        return {"program": [f"{program.name} is not matching now (it is {program.get_status_display().lower()})."]}
    return {}


@transaction.atomic
def suggestions_refresh(*, organization, program) -> int:
    """Replace the program's suggestions: every free mentee gets up to `suggestions_shown`
    mentors with free places, spread (see spread_suggestions), each with its score and the
    reasons in words. Returns how many suggestions were stored."""
    same_org(organization, program)
    settings = matching_settings_or_default(program)
    raise_errors(_self_match_errors(program, settings))
    # Two refreshes at once (an accept and a rematch) would both delete and insert. Self-match
    # mode is a saved setting, so the row exists here.
    MatchingSettings.objects.for_org(organization).select_for_update().filter(pk=settings.pk).first()
    MentorSuggestion.objects.for_org(organization).filter(program=program).delete()
    cohort = build_cohort(program, free_only=True)
    if not cohort.mentees or not cohort.mentors:
        return 0
    matrix = cohort_scores(cohort)
    allowed = matrix.allowed
    if any(criterion.weight > 0 for criterion in cohort.criteria):
        # A suggestion is someone with something in common; a mentee may still ask anyone allowed.
        allowed = allowed & (matrix.scores > 0)
    picks = spread_suggestions(
        matrix.scores,
        allowed,
        cohort.capacity,
        per_mentee=settings.suggestions_shown,
        min_score=cohort.min_score,
    )
    rows = [
        MentorSuggestion(
            organization=organization,
            program=program,
            mentee=cohort.mentees[i],
            mentor=cohort.mentors[j],
            rank=rank,
            score=round(float(matrix.scores[i, j]), 2),
            reasons=cohort.pair_reasons(i, j),
        )
        for i, mentors in enumerate(picks)
        for rank, j in enumerate(mentors, start=1)
    ]
    MentorSuggestion.objects.bulk_create(rows)
    return len(rows)


def refresh_after_commit(organization, program):
    """Recompute the suggestions once this transaction commits (someone left or joined the pool)."""
    if matching_settings_or_default(program).mode != MatchingMode.SELF_MATCH:
        return
    from ..tasks import refresh_suggestions_task

    org_id, program_id = organization.pk, program.pk
    transaction.on_commit(lambda: refresh_suggestions_task.delay(org_id, program_id))


# --- requests ------------------------------------------------------------------------------


def _email_after_commit(organization, request_ids):
    request_ids = list(request_ids)
    if not request_ids:
        return
    from ..tasks import send_mentor_request_emails_task

    org_id = organization.pk
    transaction.on_commit(lambda: send_mentor_request_emails_task.delay(org_id, request_ids))


def _lock_enrollments(organization, ids):
    """Lock enrollment rows in id order: every path that locks two takes them the same way."""
    return list(Enrollment.objects.for_org(organization).filter(pk__in=sorted(ids)).select_for_update().order_by("pk"))


def _locked_request(organization, request):
    return (
        MentorRequest.objects.for_org(organization)
        .select_related("program", "mentee__person", "mentor__person")
        .select_for_update(of=("self",))
        .get(pk=request.pk)
    )


def _has_live_place(organization, enrollment) -> bool:
    return (
        MentorshipMember.objects.for_org(organization)
        .filter(enrollment=enrollment, mentorship__status__in=LIVE_STATUSES)
        .exists()
    )


def _pair_errors(organization, program, mentee, mentor) -> dict:
    """Why this mentee may not ask this mentor under the program's hard rules; empty when allowed.

    The reasons are never named: a reporting line, someone's please-not list or an earlier
    match are private, and a failed required criterion would reveal the mentor's answers; the
    mentee hears only that the rules rule the pair out.
    """
    cohort = build_cohort(program, free_only=True)
    i, j = cohort.mentee_index().get(mentee.pk), cohort.mentor_index().get(mentor.pk)
    name = mentor.person.name
    if i is None:
        if _has_live_place(organization, mentee):
            return {"mentee": ["You already have a mentor in this program."]}
        not_ready = "You cannot be matched yet: your place must be approved, your intake filled in and training done."
        return {"mentee": [not_ready]}
    if j is None or cohort.capacity[j] < 1:
        return {"mentor": [f"{name} has no free place at the moment."]}
    if _forbidden(cohort, i, j):
        return {"mentor": [f"The program's matching rules do not allow a match with {name}."]}
    if cohort.min_score is not None:
        score = cohort.pair_score(i, j)
        if score < cohort.min_score:
            return {
                "mentor": [
                    f"Your match score with {name} ({score:.0f}) is below the program's minimum "
                    f"({cohort.min_score:.0f}). Choose one of your suggested mentors."
                ]
            }
    return {}


def _forbidden(cohort, i, j) -> bool:
    """A hard rule forbids mentee i with mentor j (the minimum score aside). Which one is never
    said to a participant: see _pair_errors."""
    return (i, j) in cohort.forbidden_reasons or bool(scoring.broken_rules(cohort.criteria, i, j))


@transaction.atomic
def mentor_request_send(*, organization, mentee, mentor, message="", user) -> MentorRequest:
    """The mentee `user` asks `mentor` (any mentor of the pool with a free place whom the hard
    rules allow, not only a suggested one). The mentor is emailed after commit."""
    same_org(organization, mentee, mentor)
    require_own_enrollment(user, mentee, "Only the mentee themself can ask a mentor.")
    program = mentee.program
    settings = matching_settings_or_default(program)
    errors = _self_match_errors(program, settings)
    if mentee.role != ParticipantRole.MENTEE:
        errors["mentee"] = ["Only mentees ask for a mentor."]
    if mentor.program_id != program.pk or mentor.role != ParticipantRole.MENTOR:
        errors["mentor"] = ["Choose a mentor of this program."]
    message = (message or "").strip()
    if len(message) > NOTE_MAX:
        errors["message"] = [f"Keep the message under {NOTE_MAX:,} characters."]
    raise_errors(errors)

    # The mentee's row is locked so two requests sent at once (two tabs) respect the cap.
    _lock_enrollments(organization, [mentee.pk])
    asked = MentorRequest.objects.for_org(organization).filter(mentee=mentee)
    name = mentor.person.name
    if asked.filter(mentor=mentor, status=RequestStatus.PENDING).exists():
        raise ValidationError({"mentor": [f"You already asked {name}; they have not answered yet."]})
    if asked.filter(mentor=mentor, status=RequestStatus.DECLINED).exists():
        raise ValidationError({"mentor": [f"{name} declined your earlier request. Please ask another mentor."]})
    pending = asked.filter(status=RequestStatus.PENDING).count()
    if pending >= settings.max_pending_requests:
        raise ValidationError(
            {
                "mentor": [
                    f"You have {pending} requests waiting for an answer, the most this program allows. "
                    "Withdraw one or wait for an answer."
                ]
            }
        )
    raise_errors(_pair_errors(organization, program, mentee, mentor))
    try:
        with transaction.atomic():
            request = MentorRequest.objects.create(
                organization=organization, program=program, mentee=mentee, mentor=mentor, message=message
            )
    except IntegrityError:
        # The unique pending (mentee, mentor) constraint: a double click raced past the check.
        raise ValidationError({"mentor": [f"You already asked {name}; they have not answered yet."]}) from None
    _email_after_commit(organization, [request.pk])
    return request


def _mentorship_for(organization, program, mentor, user, *, score, reasons):
    """The mentorship the mentee joins: a new pair, or in a group program the mentor's live group."""
    if program.model in GROUP_MODELS:
        group = (
            Mentorship.objects.for_org(organization)
            .filter(
                program=program,
                status__in=LIVE_STATUSES,
                members__enrollment=mentor,
                members__role=ParticipantRole.MENTOR,
            )
            .order_by("pk")
            .first()
        )
        if group is not None:
            return group
    mentorship = Mentorship.objects.create(
        organization=organization,
        program=program,
        started_on=timezone.localdate(),
        planned_end_on=program.end_date,
        score=score,
        reasons=reasons,
        created_by=user,
    )
    MentorshipMember.objects.create(
        organization=organization,
        mentorship=mentorship,
        enrollment=mentor,
        person_id=mentor.person_id,
        role=ParticipantRole.MENTOR,
    )
    return mentorship


def _pair_as_now(organization, program, mentee, mentor):
    """(score, reasons, forbidden) for the pair as the program's rules and answers are now: the
    score and reasons from the suggestion when there is one; forbidden when a hard rule rules
    the pair out since the request was sent (a please-not list, a new reporting line)."""
    cohort = build_cohort(program, free_only=True)
    i, j = cohort.mentee_index().get(mentee.pk), cohort.mentor_index().get(mentor.pk)
    if i is None or j is None:
        return None, [], False  # out of the pool or matched already: the accept's checks say so
    suggestion = (
        MentorSuggestion.objects.for_org(organization).filter(mentee=mentee, mentor=mentor).only("score", "reasons")
    ).first()
    if suggestion is not None:
        return suggestion.score, suggestion.reasons, _forbidden(cohort, i, j)
    return round(cohort.pair_score(i, j), 2), cohort.pair_reasons(i, j), _forbidden(cohort, i, j)


@transaction.atomic
def mentor_request_accept(*, organization, request, user) -> Mentorship:
    """The mentor `user` accepts: the mentorship starts now, if they still have a free place.

    The mentee's other pending requests close; when this fills the mentor's last place, the
    mentor's other pending requests close too, with a note the mentees are emailed.
    """
    same_org(organization, request)
    request = MentorRequest.objects.for_org(organization).select_related("program", "mentor__person").get(pk=request.pk)
    require_own_enrollment(user, request.mentor, "Only the mentor asked can accept.")
    program = request.program
    # Read before taking the locks: building the cohort takes a while.
    score, reasons, forbidden = _pair_as_now(organization, program, request.mentee, request.mentor)

    _lock_enrollments(organization, [request.mentor_id, request.mentee_id])
    request = _locked_request(organization, request)  # its latest status, after any accept before ours
    mentee, mentor = request.mentee, request.mentor
    errors = _self_match_errors(program, matching_settings_or_default(program))
    if request.status != RequestStatus.PENDING:
        errors["request"] = [_not_open(request)]
    elif forbidden:
        # Never which rule: someone's please-not list or reporting line is not the mentor's to know.
        errors["request"] = [
            f"The program's matching rules no longer allow a match with {mentee.person.name}. "
            "Decline the request, or ask the program team."
        ]
    raise_errors(errors)
    in_pool = matching_pool(program).filter(pk__in=[mentor.pk, mentee.pk])
    capacity = dict(in_pool.values_list("pk", "effective_capacity"))
    if mentor.pk not in capacity:
        raise ValidationError({"request": ["You can no longer mentor in this program."]})
    if mentee.pk not in capacity:
        raise ValidationError({"request": [f"{mentee.person.name} can no longer be matched in this program."]})
    if _has_live_place(organization, mentee):
        raise ValidationError({"request": [f"{mentee.person.name} already has a mentor in this program."]})
    taken = mentor_places_taken(organization, [mentor.pk]).get(mentor.pk, 0)
    if taken >= capacity[mentor.pk]:
        raise ValidationError(
            {
                "request": [
                    f"You have no free place: you mentor {taken} of {capacity[mentor.pk]}. "
                    "Ask the program team if you can take one more."
                ]
            }
        )

    mentorship = _mentorship_for(organization, program, mentor, user, score=score, reasons=reasons)
    MentorshipMember.objects.create(
        organization=organization,
        mentorship=mentorship,
        enrollment=mentee,
        person_id=mentee.person_id,
        role=ParticipantRole.MENTEE,
    )
    now = timezone.now()
    request.status, request.decided_at, request.mentorship = RequestStatus.ACCEPTED, now, mentorship
    request.save(update_fields=["status", "decided_at", "mentorship"])
    open_requests = MentorRequest.objects.for_org(organization).filter(status=RequestStatus.PENDING)
    # The mentee is matched: their other requests are moot (the mentors just see them closed).
    open_requests.filter(mentee=mentee).update(status=RequestStatus.CLOSED, decided_at=now)
    MentorSuggestion.objects.for_org(organization).filter(mentee=mentee).delete()
    emails = [request.pk]
    mentor_full = taken + 1 >= capacity[mentor.pk]
    if mentor_full:
        others = list(open_requests.filter(mentor=mentor).values_list("pk", flat=True))
        open_requests.filter(pk__in=others).update(
            status=RequestStatus.CLOSED, response_note=MENTOR_FULL_NOTE, decided_at=now
        )
        emails += others
        refresh_after_commit(organization, program)  # others get a mentor with room instead
    _email_after_commit(organization, emails)
    return mentorship


def _not_open(request) -> str:
    if request.status == RequestStatus.CLOSED:
        if request.response_note == MENTOR_FULL_NOTE:
            return "This request closed when the mentor's last place was taken."
        return f"This request closed: {request.mentee.person.name} was matched with another mentor."
    return f"This request is no longer open ({request.get_status_display().lower()})."


def _answer(organization, request, user, *, side, status, note=""):
    """Decline (the mentor) or withdraw (the mentee) a pending request."""
    same_org(organization, request)
    request = _locked_request(organization, request)
    who = request.mentor if side == ParticipantRole.MENTOR else request.mentee
    require_own_enrollment(user, who, f"Only the {side} of this request can do this.")
    note = (note or "").strip()
    errors = {}
    if request.status != RequestStatus.PENDING:
        errors["request"] = [_not_open(request)]
    if len(note) > NOTE_MAX:
        errors["note"] = [f"Keep the note under {NOTE_MAX:,} characters."]
    raise_errors(errors)
    request.status, request.response_note, request.decided_at = status, note, timezone.now()
    request.save(update_fields=["status", "response_note", "decided_at"])
    return request


@transaction.atomic
def mentor_request_decline(*, organization, request, user, note="") -> MentorRequest:
    """The mentor declines, with an optional kind note; the mentee is emailed after commit."""
    request = _answer(
        organization, request, user, side=ParticipantRole.MENTOR, status=RequestStatus.DECLINED, note=note
    )
    _email_after_commit(organization, [request.pk])
    return request


@transaction.atomic
def mentor_request_withdraw(*, organization, request, user) -> MentorRequest:
    """The mentee takes their request back (no email: the mentor simply no longer sees it open)."""
    return _answer(organization, request, user, side=ParticipantRole.MENTEE, status=RequestStatus.WITHDRAWN)
