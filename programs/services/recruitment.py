"""Recruitment: applications, decisions, withdrawals, invitations and manager nominations.

Every refusal is a ValidationError naming the field at fault (intake answers by question key)
and changes nothing. Emails are sent by Celery tasks enqueued after commit; each email has a
row that the task claims with a compare-and-set (ProgramInvitation, Nomination,
EnrollmentNotification), so a retried or redelivered task never sends the same email twice.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from organizations.models import Person

from ..audience import audience_queryset, ineligibility_reasons
from ..models import (
    Enrollment,
    EnrollmentNotification,
    EnrollmentStatus,
    Nomination,
    ParticipantRole,
    ProgramInvitation,
    ProgramStatus,
)

MAX_CAPACITY = 50
MAX_INVITE_LINES = 5000
EMAIL_BATCH = 200  # emails one task sends
DEPARTED_REASON = "Left the organization"
# Applications still in play: the ones a departure withdraws and that block a second application.
OPEN_STATUSES = (EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED, EnrollmentStatus.WAITLISTED)
DECISIONS = (EnrollmentStatus.APPROVED, EnrollmentStatus.WAITLISTED, EnrollmentStatus.DECLINED)
# Managers may still decide while matching runs and late joiners come in; a closed program is history.
DECIDABLE_PROGRAM_STATUSES = (ProgramStatus.RECRUITING, ProgramStatus.MATCHING, ProgramStatus.ACTIVE)


def _raise(errors):
    if errors:
        raise ValidationError(errors)


def _send_after_commit(task, organization, ids):
    """Enqueue `task(organization_id, ids)` after commit, in batches, so one task's emails
    finish well within the task time limit however many rows a bulk action wrote."""
    org_id = organization.pk
    for start in range(0, len(ids), EMAIL_BATCH):
        batch = ids[start : start + EMAIL_BATCH]
        transaction.on_commit(lambda batch=batch: task.delay(org_id, batch))


def _same_org(organization, *objects):
    """A service called with another tenant's object refuses it like a missing one."""
    for obj in objects:
        if obj is not None and obj.organization_id != organization.pk:
            raise ValidationError({"organization": ["This belongs to another organization."]})


def _recruiting_error(program):
    if program.status != ProgramStatus.RECRUITING:
        return f"{program.name} is not taking applications (it is {program.get_status_display().lower()})."
    return None


def _person_errors(person, program, *, today=None):
    """Why this person may not join this program (having left included); empty when eligible."""
    return ineligibility_reasons(person=person, rules=program.audience or {}, today=today)


def _clean_capacity(program, capacity):
    """A mentor's capacity as an int, the program's default when not given, or an error message."""
    if capacity is None or capacity == "":
        return program.mentor_default_capacity, None
    if isinstance(capacity, bool):
        return None, "Enter a whole number of mentees."
    try:
        value = int(capacity)
    except (TypeError, ValueError):
        return None, "Enter a whole number of mentees."
    if value != capacity and not isinstance(capacity, str):
        return None, "Enter a whole number of mentees."
    if value < 0:
        return None, "Capacity cannot be below zero."
    if value > MAX_CAPACITY:
        return None, f"Capacity can be at most {MAX_CAPACITY} mentees."
    return value, None


def _pending_nomination_intake(enrollment):
    return (
        enrollment is not None
        and enrollment.source == Enrollment.Source.NOMINATED
        and enrollment.status == EnrollmentStatus.APPLIED
        and enrollment.intake_submitted_at is None
    )


def application_state(enrollment):
    """What a person can do about their existing enrollment: "new", "intake" (a nominee who
    accepted still fills the form in), or "enrolled" (nothing to apply for)."""
    if enrollment is None or enrollment.status == EnrollmentStatus.WITHDRAWN:
        return "new"
    if _pending_nomination_intake(enrollment):
        return "intake"
    return "enrolled"


# --- applying ------------------------------------------------------------------------------


@transaction.atomic
def enrollment_apply(*, organization, program, person, role, answers, motivation="", capacity=None) -> Enrollment:
    """Apply `person` to `program` as `role`, with the role's intake answers.

    Also completes the application of a nominee who accepted (their enrollment waits for the
    intake), and re-opens a withdrawn one. Errors name program, role, person, motivation,
    capacity, or the intake question by its key.
    """
    _same_org(organization, program, person)
    errors = {}
    if message := _recruiting_error(program):
        errors["program"] = [message]
    if role not in program.roles:
        allowed = ", ".join(ParticipantRole(r).label.lower() for r in program.roles)
        errors["role"] = [f"Choose a role this program has: {allowed}."]
    if reasons := _person_errors(person, program):
        errors["person"] = reasons
    existing = Enrollment.objects.for_org(organization).filter(program=program, person=person).first()
    state = application_state(existing)
    if state == "enrolled":
        errors.setdefault("person", []).append(
            f"You already applied to this program (status: {existing.get_status_display().lower()})."
        )
    if state == "intake" and role != existing.role:
        errors["role"] = [f"You were nominated as a {existing.get_role_display().lower()}."]
    motivation = (motivation or "").strip()
    if role == ParticipantRole.MENTOR:
        if not motivation:
            errors["motivation"] = ["Tell the program managers why you want to mentor."]
        capacity, capacity_error = _clean_capacity(program, capacity)
        if capacity_error:
            errors["capacity"] = [capacity_error]
    else:
        capacity = None
    if len(motivation) > 5000:
        errors["motivation"] = ["Keep it under 5,000 characters."]

    response = None
    questionnaire = program.questionnaire_for(role) if role in program.roles else None
    if questionnaire is not None:
        # Validated even when other fields failed, so the applicant sees every problem at once;
        # the whole transaction is rolled back below if anything is wrong.
        from surveys.services import response_submit

        previous = existing.response if existing is not None else None
        if previous is not None and previous.questionnaire_id != questionnaire.pk:
            previous = None
        try:
            response = response_submit(
                organization=organization,
                questionnaire=questionnaire,
                respondent=person,
                answers=answers or {},
                response=previous,
            )
        except ValidationError as error:
            for key, messages in _error_items(error):
                errors.setdefault(key, []).extend(messages)
    # Raising inside the transaction also rolls back the response written above.
    _raise(errors)

    source = Enrollment.Source.APPLIED
    if state == "intake":
        source = Enrollment.Source.NOMINATED
    elif ProgramInvitation.objects.for_org(organization).filter(program=program, person=person).exists():
        source = Enrollment.Source.INVITED
    fields = {
        "role": role,
        "status": EnrollmentStatus.APPLIED,
        "reason": "",
        "decided_by": None,
        "decided_at": None,
        "capacity": capacity,
        "motivation": motivation,
        "response": response,
        "source": source,
        "intake_submitted_at": timezone.now(),
    }
    if existing is not None:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        return existing
    try:
        with transaction.atomic():
            return Enrollment.objects.create(organization=organization, program=program, person=person, **fields)
    except IntegrityError:
        # A second tab or a double click applied at the same moment.
        raise ValidationError({"person": ["You already applied to this program."]}) from None


def _error_items(error):
    if hasattr(error, "error_dict"):
        return error.message_dict.items()
    return [("__all__", error.messages)]


# --- deciding ------------------------------------------------------------------------------


@dataclass
class DecisionResult:
    changed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)


@transaction.atomic
def enrollment_decide(*, organization, program, enrollments, decision, reason="", actor) -> DecisionResult:
    """Approve, waitlist or decline applications of `program`, in bulk; email each applicant
    once per decision, after commit. A declined application needs a reason (it is sent)."""
    _same_org(organization, program)
    errors = {}
    if decision not in DECISIONS:
        errors["decision"] = ["Choose approve, waitlist or decline."]
    reason = (reason or "").strip()
    if decision == EnrollmentStatus.DECLINED and not reason:
        errors["reason"] = ["Say why: the applicant receives this reason."]
    if program.status not in DECIDABLE_PROGRAM_STATUSES:
        errors["program"] = [
            f"Applications cannot be decided while the program is {program.get_status_display().lower()}."
        ]
    ids = sorted({e.pk if isinstance(e, Enrollment) else int(e) for e in enrollments})
    if not ids:
        errors["enrollments"] = ["Select at least one application."]
    _raise(errors)

    # Locked in id order, so two managers deciding overlapping batches cannot deadlock.
    rows = list(
        Enrollment.objects.for_org(organization)
        .filter(program=program, pk__in=ids)
        .select_related("person")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    problems = []
    if len(rows) != len(ids):
        problems.append("Some selected applications are not in this program.")
    for row in rows:
        if row.status == EnrollmentStatus.WITHDRAWN:
            problems.append(f"{row.person.name} withdrew; a withdrawn application cannot be decided.")
        elif decision == EnrollmentStatus.APPROVED and not row.person.is_active:
            problems.append(f"{row.person.name} has left the organization.")
        if actor is not None and row.person.user_id == actor.pk:
            problems.append("You cannot decide your own application: another program manager or an admin does.")
    _raise({"enrollments": problems} if problems else {})

    result = DecisionResult()
    now = timezone.now()
    for row in rows:
        if row.status == decision:
            result.unchanged.append(row)
            continue
        row.status, row.reason, row.decided_by, row.decided_at = decision, reason, actor, now
        row.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
        result.changed.append(row)
    notices = EnrollmentNotification.objects.bulk_create(
        [EnrollmentNotification(organization=organization, enrollment=row, status=decision) for row in result.changed]
    )
    if notices:
        from ..tasks import send_enrollment_decisions_task

        _send_after_commit(send_enrollment_decisions_task, organization, [n.pk for n in notices])
    return result


@transaction.atomic
def enrollment_withdraw(*, organization, enrollment, actor=None, reason="") -> Enrollment:
    """Withdraw an application or a place: by the participant (`actor` is their user), or by a
    manager or the system (a reason is required, and kept on the enrollment)."""
    _same_org(organization, enrollment)
    enrollment = (
        Enrollment.objects.for_org(organization)
        .select_related("program", "person")
        .select_for_update(of=("self",))
        .get(pk=enrollment.pk)
    )
    reason = (reason or "").strip()
    by_participant = actor is not None and enrollment.person.user_id == actor.pk
    errors = {}
    if enrollment.status not in OPEN_STATUSES:
        errors["enrollment"] = [f"This application is already {enrollment.get_status_display().lower()}."]
    if enrollment.program.status == ProgramStatus.CLOSED:
        errors["program"] = ["The program is closed."]
    if not by_participant and not reason:
        errors["reason"] = ["Say why this person is withdrawn."]
    _raise(errors)
    enrollment.status = EnrollmentStatus.WITHDRAWN
    enrollment.reason = reason
    enrollment.decided_by = actor
    enrollment.decided_at = timezone.now()
    enrollment.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
    return enrollment


def enrollments_withdraw_departed(*, organization, person_ids=None, today=None) -> int:
    """Withdraw the open applications and places, in programs not closed, of people whose exit
    date has passed; they are never matched. Returns how many were withdrawn."""
    today = today or timezone.localdate()
    org_id = organization if isinstance(organization, int) else organization.pk
    departed = (
        Enrollment.objects.for_org(org_id)
        .filter(status__in=OPEN_STATUSES, person__exit_date__lte=today)
        .exclude(program__status=ProgramStatus.CLOSED)
    )
    if person_ids is not None:
        departed = departed.filter(person_id__in=list(person_ids))
    # One UPDATE: a large import can announce thousands of people at once.
    return (
        Enrollment.objects.for_org(org_id)
        .filter(pk__in=departed.values("pk"))
        .update(
            status=EnrollmentStatus.WITHDRAWN,
            reason=DEPARTED_REASON,
            decided_by=None,
            decided_at=timezone.now(),
            updated_at=timezone.now(),
        )
    )


# --- invitations ---------------------------------------------------------------------------


@dataclass
class InviteLine:
    """One invited person, or one line of a pasted list, and what became of it."""

    email: str
    outcome: str  # "invited" or "skipped"
    message: str = ""
    line: int | None = None
    person: Person | None = None


@dataclass
class InviteReport:
    lines: list[InviteLine] = field(default_factory=list)

    @property
    def invited(self):
        return [line for line in self.lines if line.outcome == "invited"]

    @property
    def skipped(self):
        return [line for line in self.lines if line.outcome == "skipped"]


def _check_can_invite(organization, program):
    _same_org(organization, program)
    if program.status != ProgramStatus.RECRUITING:
        raise ValidationError(
            {"program": ["Invite people once the program is recruiting: the link leads to its join page."]}
        )


def _invite_people(*, organization, program, candidates, actor, report):
    """Invite each (line, person) of `candidates` not yet invited, enrolled or refused; the
    sends are enqueued after commit."""
    people = [person for _, person in candidates]
    person_ids = [p.pk for p in people]
    invited_before = set(
        ProgramInvitation.objects.for_org(organization)
        .filter(program=program, person_id__in=person_ids)
        .values_list("person_id", flat=True)
    )
    enrolled = set(
        Enrollment.objects.for_org(organization)
        .filter(program=program, person_id__in=person_ids)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .values_list("person_id", flat=True)
    )
    new_rows = []
    for line, person in candidates:
        entry = InviteLine(email=person.email, outcome="skipped", line=line, person=person)
        report.lines.append(entry)
        if person.pk in invited_before:
            entry.message = "Already invited to this program."
        elif person.pk in enrolled:
            entry.message = "Already applied to this program."
        elif not person.email:
            entry.message = "Has no email address in the directory."
        elif reasons := _person_errors(person, program):
            entry.message = "Not eligible: " + " ".join(reasons)
        else:
            entry.outcome = "invited"
            new_rows.append(
                ProgramInvitation(
                    organization=organization, program=program, person=person, email=person.email, invited_by=actor
                )
            )
    # The unique key (organization, program, person) is the send log: a concurrent invite of
    # the same person inserts nothing here.
    ProgramInvitation.objects.bulk_create(new_rows, ignore_conflicts=True)
    to_send = list(
        ProgramInvitation.objects.for_org(organization)
        .filter(program=program, person_id__in=[r.person_id for r in new_rows], sent_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if to_send:
        from ..tasks import send_program_invitations_task

        _send_after_commit(send_program_invitations_task, organization, to_send)
    return report


@transaction.atomic
def program_invite_segment(*, organization, program, actor, rules=None, people=None) -> InviteReport:
    """Invite the program's audience, narrowed by the segment `rules` when given, or the given
    `people`; each person gets one invitation per program, ever. Bad rules raise a
    ValidationError naming the rule."""
    _check_can_invite(organization, program)
    if people is None:
        # A segment narrows the program's audience; it never widens it.
        people = audience_queryset(organization=organization, rules=program.audience or {})
        if rules is not None:
            people = people.filter(pk__in=audience_queryset(organization=organization, rules=rules).values("pk"))
    people = Person.objects.for_org(organization).filter(pk__in=people.values("pk")).order_by("name", "pk")
    return _invite_people(
        organization=organization,
        program=program,
        candidates=[(None, person) for person in people],
        actor=actor,
        report=InviteReport(),
    )


_EMAIL_HEADERS = ("email", "e-mail", "email address", "mail", "work email")


def parse_email_lines(*, csv_text=None, emails=None) -> list[tuple[int, str]]:
    """(line number, address) pairs: from a CSV file with an "email" column (an HR export), or
    from pasted addresses, one or several per line, separated by commas, semicolons or spaces."""
    if emails is not None:
        return [(number, str(email).strip()) for number, email in enumerate(emails, start=1) if str(email).strip()]
    text = (csv_text or "").lstrip("\ufeff")
    first_cells = [cell.strip().strip('"').lower() for cell in re.split(r"[,;\t]", text.split("\n", 1)[0])]
    column = next((first_cells.index(name) for name in _EMAIL_HEADERS if name in first_cells), None)
    if column is None:
        return [
            (number, address)
            for number, line in enumerate(text.splitlines(), start=1)
            for address in re.split(r"[,;\s]+", line)
            if address
        ]
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    next(rows)
    return [(rows.line_num, row[column].strip()) for row in rows if len(row) > column and row[column].strip()]


@transaction.atomic
def program_invite_emails(*, organization, program, actor, csv_text=None, emails=None) -> InviteReport:
    """Invite the directory's people by email address (pasted, uploaded as CSV, or a list).

    The report has a line for every address: invited, or skipped with why (not a valid
    address, not in the directory, a duplicate of an earlier line, already invited...).
    """
    _check_can_invite(organization, program)
    field_name = "emails" if emails is not None else "csv_text"
    try:
        lines = parse_email_lines(csv_text=csv_text, emails=emails)
    except csv.Error as error:
        raise ValidationError({field_name: [f"This is not a readable CSV file: {error}."]}) from None
    if not lines:
        raise ValidationError({field_name: ["Give at least one email address."]})
    if len(lines) > MAX_INVITE_LINES:
        raise ValidationError({field_name: [f"Invite at most {MAX_INVITE_LINES:,} addresses at a time."]})

    addresses = {address.lower() for _, address in lines}
    directory = {
        person.address: person
        for person in Person.objects.for_org(organization)
        .annotate(address=Lower("email"))
        .filter(address__in=addresses)
    }
    report, seen, candidates = InviteReport(), {}, []
    for number, address in lines:
        key = address.lower()
        try:
            validate_email(address)
        except ValidationError:
            report.lines.append(
                InviteLine(email=address, outcome="skipped", line=number, message="Not an email address.")
            )
            continue
        if key in seen:
            message = f"Duplicate of line {seen[key]}."
            report.lines.append(InviteLine(email=address, outcome="skipped", line=number, message=message))
            continue
        seen[key] = number
        person = directory.get(key)
        if person is None:
            report.lines.append(
                InviteLine(email=address, outcome="skipped", line=number, message="Not in the people directory.")
            )
            continue
        candidates.append((number, person))
    _invite_people(organization=organization, program=program, candidates=candidates, actor=actor, report=report)
    report.lines.sort(key=lambda line: line.line or 0)
    return report


# --- nominations ---------------------------------------------------------------------------


@transaction.atomic
def nomination_create(*, organization, program, nominee, actor, note="") -> Nomination:
    """A manager nominates one of their direct reports (in the directory) as a mentor."""
    _same_org(organization, program, nominee)
    errors = {}
    if message := _recruiting_error(program):
        errors["program"] = [message]
    elif ParticipantRole.MENTOR not in program.roles:
        errors["program"] = [f"{program.name} has no mentors; only programs with mentors take nominations."]
    nominator = Person.objects.for_org(organization).filter(user=actor).first() if actor else None
    if nominator is None or nominee.manager_id != nominator.pk:
        errors["nominee"] = ["You can nominate only your own direct reports, as the directory lists them."]
    elif reasons := _person_errors(nominee, program):
        errors["nominee"] = [f"{nominee.name} cannot join: " + " ".join(reasons)]
    elif Nomination.objects.for_org(organization).filter(program=program, nominee=nominee).exists():
        errors["nominee"] = [f"{nominee.name} was already nominated for this program."]
    elif (
        Enrollment.objects.for_org(organization)
        .filter(program=program, person=nominee)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .exists()
    ):
        errors["nominee"] = [f"{nominee.name} already applied to this program."]
    if len(note or "") > 2000:
        errors["note"] = ["Keep the note under 2,000 characters."]
    _raise(errors)
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                organization=organization,
                program=program,
                nominee=nominee,
                nominated_by=actor,
                note=(note or "").strip(),
            )
    except IntegrityError:
        raise ValidationError({"nominee": [f"{nominee.name} was already nominated for this program."]}) from None
    from ..tasks import send_nomination_email_task

    org_id, nomination_id = organization.pk, nomination.pk
    transaction.on_commit(lambda: send_nomination_email_task.delay(org_id, nomination_id))
    return nomination


@transaction.atomic
def nomination_respond(*, organization, nomination, actor, accept) -> Nomination:
    """The nominee accepts (an application as mentor opens, waiting for their intake) or declines."""
    _same_org(organization, nomination)
    nomination = (
        Nomination.objects.for_org(organization)
        .select_related("program", "nominee")
        .select_for_update(of=("self",))
        .get(pk=nomination.pk)
    )
    if actor is None or nomination.nominee.user_id != actor.pk:
        raise PermissionDenied("Only the person nominated can answer a nomination.")
    if nomination.status != Nomination.Status.PENDING:
        raise ValidationError({"nomination": [f"You already answered: {nomination.get_status_display().lower()}."]})
    program, person = nomination.program, nomination.nominee
    if accept:
        errors = {}
        if message := _recruiting_error(program):
            errors["program"] = [message]
        if reasons := _person_errors(person, program):
            errors["nominee"] = reasons
        existing = Enrollment.objects.for_org(organization).filter(program=program, person=person).first()
        if application_state(existing) != "new":
            errors["nominee"] = ["You already applied to this program."]
        _raise(errors)
        fields = {
            "role": ParticipantRole.MENTOR,
            "status": EnrollmentStatus.APPLIED,
            "source": Enrollment.Source.NOMINATED,
            "capacity": program.mentor_default_capacity,
            "reason": "",
            "decided_by": None,
            "decided_at": None,
            "intake_submitted_at": None,
        }
        Enrollment.objects.update_or_create(organization=organization, program=program, person=person, defaults=fields)
    nomination.status = Nomination.Status.ACCEPTED if accept else Nomination.Status.DECLINED
    nomination.responded_at = timezone.now()
    nomination.save(update_fields=["status", "responded_at"])
    return nomination
