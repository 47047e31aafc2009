"""Every write to surveys: creating and scheduling them, opening and closing their waves, the
hourly scan that invites and reminds, and answering.

Anonymity is made here, at answer time, and nowhere else: an anonymous survey's Response has
no respondent and is stamped with the start of its day (00:00 UTC of the organization's date),
and the coarse facts breakdowns need (role, department, level band, cohort quarter) are copied
onto its envelope (SurveyResponse), never a person or enrollment id. Who answered is a separate
SurveyCompletion with a random key and no time, written in the same transaction, read only to
stop reminders and refuse a second answer.

Sending follows the reminders of the mentorships app: invitations and reminders go out only
while the recipient's own clock shows 08:00–10:59, through `notify()` with a key per wave,
reminder day and person, so whichever run comes first sends and every later one skips.
"""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone

from mentorships.models import MentorshipMember, MentorshipStatus
from mentorships.reminders import in_window
from mentorships.services.health import organization_today
from mentorships.timezones import person_zone, zone
from organizations.notify import notify, sent_keys
from programs.models import Enrollment, EnrollmentStatus, ParticipantRole

from .. import notification_kinds as kinds
from .. import schedule as schedules
from ..catalog import SURVEY_TEMPLATES
from ..models import (
    Question,
    Questionnaire,
    Response,
    Survey,
    SurveyAudience,
    SurveyCompletion,
    SurveyInvitation,
    SurveyResponse,
    SurveySchedule,
    SurveyStatus,
    SurveyWave,
)
from .questionnaires import TITLE_MAX, _clean_text, _same_org, questionnaire_create, questionnaire_create_from_spec
from .questionnaires import response_submit as _response_submit

SURVEY_FIELDS = (
    "title",
    "intro",
    "audience",
    "active_pairs_only",
    "anonymous",
    "schedule",
    "opens_on",
    "pulse_weeks",
    "open_days",
    "reminder_days",
)
# Once launched, a survey keeps its schedule and audience: invitations and reminders have been
# planned from them, and results compare waves sent to the same people on the same rhythm.
DRAFT_ONLY_FIELDS = frozenset(SURVEY_FIELDS) - {"title", "intro", "anonymous"}
OPEN_DAYS_MAX = 90
PULSE_WEEKS_MAX = 26

AUDIENCE_ROLES = {
    SurveyAudience.ALL: (ParticipantRole.MENTOR, ParticipantRole.MENTEE, ParticipantRole.PEER),
    SurveyAudience.MENTORS: (ParticipantRole.MENTOR,),
    SurveyAudience.MENTEES: (ParticipantRole.MENTEE,),
    SurveyAudience.PEERS: (ParticipantRole.PEER,),
}

INVITATION_TEMPLATE = "surveys/emails/survey_invitation"
REMINDER_TEMPLATE = "surveys/emails/survey_reminder"


def invite_key(wave_id, person_id) -> str:
    return f"survey-invite:{wave_id}:{person_id}"


def reminder_key(wave_id, day, person_id) -> str:
    return f"survey-reminder:{wave_id}:{day}:{person_id}"


def answer_url(organization, wave) -> str:
    """The participant's page to answer `wave`. The pages are built separately; until their
    URL is known, the path they will have."""
    try:
        return reverse("surveys:answer", args=[organization.slug, wave.pk])
    except NoReverseMatch:
        return f"/o/{organization.slug}/surveys/answer/{wave.pk}/"


def _day(value: date) -> str:
    return dateformat.format(value, "j F Y")


# --- validation -------------------------------------------------------------------------------


def _whole_number(value, name, low, high, errors, *, label):
    if value is None or value == "":
        errors[name] = [f"Give the {label}: a whole number from {low} to {high}."]
        return None
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        number = int(value)
    except (TypeError, ValueError):
        errors[name] = [f"“{value}” is not a whole number: use {low} to {high}."]
        return None
    if not low <= number <= high:
        errors[name] = [f"Use a whole number from {low} to {high}."]
        return None
    return number


def _date(value, name, errors):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors[name] = [f"“{value}” is not a date: use YYYY-MM-DD."]
        return None


def _reminder_days(value, open_days, errors):
    """A sorted list of distinct days after opening, each before the wave's last day."""
    if value in (None, ""):
        return []
    items = value.replace(";", ",").split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        errors["reminder_days"] = ["Give the reminder days as a list of whole numbers, e.g. 3, 7."]
        return None
    days = []
    for item in items:
        if isinstance(item, str) and not item.strip():
            continue
        try:
            if isinstance(item, bool) or (isinstance(item, float) and not item.is_integer()):
                raise ValueError
            days.append(int(item))
        except (TypeError, ValueError):
            errors["reminder_days"] = [f"“{item}” is not a whole number of days."]
            return None
    if len(set(days)) != len(days):
        errors["reminder_days"] = ["Each reminder day may appear only once."]
        return None
    if open_days is not None and any(not 1 <= day <= open_days - 1 for day in days):
        errors["reminder_days"] = [
            f"Remind between day 1 and day {open_days - 1}: the wave is open {open_days} days."
            if open_days > 1
            else "A wave open for one day has no room for reminders."
        ]
        return None
    return sorted(days)


def _clean_fields(program, values) -> dict:
    """Check a survey's fields together (they depend on each other); every error names its field."""
    errors, clean = {}, {}
    try:
        clean["title"] = _clean_text(values.get("title"), "title", TITLE_MAX, required=True)
    except ValidationError as error:
        errors.update(error.message_dict)
    clean["intro"] = str(values.get("intro") or "").strip()
    clean["active_pairs_only"] = bool(values.get("active_pairs_only"))
    clean["anonymous"] = bool(values.get("anonymous"))

    audience = values.get("audience")
    if audience not in SurveyAudience.values:
        errors["audience"] = [f"Choose one of: {', '.join(SurveyAudience.values)}."]
    elif audience != SurveyAudience.ALL and AUDIENCE_ROLES[audience][0] not in program.roles:
        errors["audience"] = [f"This program has no {SurveyAudience(audience).label.lower()}: choose another audience."]
    clean["audience"] = audience

    schedule = values.get("schedule")
    if schedule not in SurveySchedule.values:
        errors["schedule"] = [f"Choose one of: {', '.join(SurveySchedule.values)}."]
    clean["schedule"] = schedule
    clean["opens_on"] = _date(values.get("opens_on"), "opens_on", errors)
    if schedule in (SurveySchedule.MIDPOINT, SurveySchedule.END):
        clean["opens_on"] = None  # the program's dates decide
    clean["open_days"] = _whole_number(values.get("open_days"), "open_days", 1, OPEN_DAYS_MAX, errors, label="days")
    clean["pulse_weeks"] = None
    if schedule == SurveySchedule.PULSE:
        clean["pulse_weeks"] = _whole_number(
            values.get("pulse_weeks"), "pulse_weeks", 1, PULSE_WEEKS_MAX, errors, label="weeks between pulses"
        )
        if clean["pulse_weeks"] and clean["open_days"] and clean["open_days"] > 7 * clean["pulse_weeks"]:
            errors["open_days"] = [
                f"A pulse every {clean['pulse_weeks']} week(s) can stay open at most {7 * clean['pulse_weeks']} days, "
                "so that each wave closes before the next one opens."
            ]
    days = _reminder_days(values.get("reminder_days"), clean["open_days"], errors)
    clean["reminder_days"] = days or []

    if not errors:
        try:
            schedules.first_wave(
                schedule=schedule,
                opens_on=clean["opens_on"],
                program_start=program.start_date,
                program_end=program.end_date,
                open_days=clean["open_days"],
            )
        except schedules.ScheduleError as error:
            errors[error.field] = [error.message]
    if errors:
        raise ValidationError(errors)
    return clean


# --- surveys ----------------------------------------------------------------------------------


def _defaults() -> dict:
    return {name: Survey._meta.get_field(name).get_default() for name in SURVEY_FIELDS}


@transaction.atomic
def survey_create(*, organization, program, questionnaire=None, created_by=None, template_key="", **fields) -> Survey:
    """A draft survey of `program`, asking `questionnaire` (a fresh empty one when None: the
    manager adds questions with the builder)."""
    _same_org(organization, program, questionnaire)
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise TypeError(f"survey_create() got unexpected fields: {', '.join(sorted(unknown))}")
    if questionnaire is not None and questionnaire.kind != Questionnaire.Kind.SURVEY:
        raise ValidationError({"questionnaire": ["Choose a survey questionnaire, not an intake form."]})
    clean = _clean_fields(program, {**_defaults(), **fields})
    if questionnaire is None:
        questionnaire = questionnaire_create(
            organization=organization, title=clean["title"], kind=Questionnaire.Kind.SURVEY
        )
    return Survey.objects.create(
        organization=organization,
        program=program,
        questionnaire=questionnaire,
        template_key=template_key,
        created_by=created_by,
        **clean,
    )


@transaction.atomic
def survey_create_from_template(*, organization, program, template_key, created_by=None, **overrides) -> Survey:
    """A draft survey with the template's questions, schedule and audience; `overrides` change
    any of SURVEY_FIELDS."""
    template = SURVEY_TEMPLATES.get(template_key)
    if template is None:
        raise ValidationError({"template_key": [f"Choose one of: {', '.join(SURVEY_TEMPLATES)}."]})
    fields = {name: template[name] for name in SURVEY_FIELDS if name in template}
    if template.get("opens_after_days") is not None and program.start_date is not None:
        fields["opens_on"] = program.start_date + timedelta(days=template["opens_after_days"])
    fields.update(overrides)
    # Check the survey's fields before building its questionnaire, so an error names them.
    _same_org(organization, program)
    _clean_fields(program, {**_defaults(), **fields})
    questionnaire = questionnaire_create_from_spec(
        organization=organization,
        spec={**template["questionnaire"], "title": fields.get("title") or template["questionnaire"]["title"]},
    )
    return survey_create(
        organization=organization,
        program=program,
        questionnaire=questionnaire,
        created_by=created_by,
        template_key=template_key,
        **fields,
    )


@transaction.atomic
def survey_update(*, organization, survey, **fields) -> Survey:
    """Title and intro may change at any time; schedule and audience only while a draft;
    anonymity while nobody has answered (and, once invitations went out promising it, it is
    never taken away)."""
    _same_org(organization, survey)
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise TypeError(f"survey_update() got unexpected fields: {', '.join(sorted(unknown))}")
    survey = (
        Survey.objects.for_org(organization).select_for_update(of=("self",)).select_related("program").get(pk=survey.pk)
    )
    current = {name: getattr(survey, name) for name in SURVEY_FIELDS}
    if survey.status == SurveyStatus.DRAFT:
        clean = _clean_fields(survey.program, {**current, **fields})
    else:
        changed = sorted(
            name
            for name in DRAFT_ONLY_FIELDS & set(fields) - _unused_fields(survey.schedule)
            if _normalised(name, fields[name]) != current[name]
        )
        if changed:
            message = "The survey has been launched: its schedule and audience can no longer change."
            raise ValidationError({name: [message] for name in changed})
        # Only what may still change is checked, so a launched survey whose program dates
        # moved since can still have its title fixed.
        clean = dict(current)
        if "title" in fields:
            clean["title"] = _clean_text(fields["title"], "title", TITLE_MAX, required=True)
        if "intro" in fields:
            clean["intro"] = str(fields["intro"] or "").strip()
        if "anonymous" in fields:
            clean["anonymous"] = bool(fields["anonymous"])
    if clean["anonymous"] != survey.anonymous and survey.status != SurveyStatus.DRAFT:
        # The invitations said whether answers carry names; changing it afterwards would break
        # that promise (and would race with an answer being stored under the old setting).
        raise ValidationError(
            {"anonymous": ["The invitations have gone out saying whether answers carry names: this cannot change now."]}
        )
    for name, value in clean.items():
        setattr(survey, name, value)
    survey.save()
    return survey


def _unused_fields(schedule) -> set[str]:
    """Fields a schedule ignores (and stores empty): a form posting them back changes nothing."""
    unused = set() if schedule == SurveySchedule.PULSE else {"pulse_weeks"}
    if schedule in (SurveySchedule.MIDPOINT, SurveySchedule.END):
        unused.add("opens_on")
    return unused


def _normalised(name, value):
    """A draft-only field's value in its stored form, to tell a real change from a form
    posting the same value back; anything unreadable counts as a change."""
    errors = {}
    if value in (None, "") and name in ("opens_on", "pulse_weeks"):
        return None
    if name == "opens_on":
        value = _date(value, name, errors)
    elif name in ("pulse_weeks", "open_days"):
        try:
            value = int(value)
        except (TypeError, ValueError):
            return object()
    elif name == "reminder_days":
        value = _reminder_days(value, None, errors)
    elif name == "active_pairs_only":
        value = bool(value)
    return object() if errors else value


def _first_wave_dates(survey, today) -> tuple[date, date]:
    program = survey.program
    try:
        opens, closes = schedules.first_wave(
            schedule=survey.schedule,
            opens_on=survey.opens_on,
            program_start=program.start_date,
            program_end=program.end_date,
            open_days=survey.open_days,
        )
    except schedules.ScheduleError as error:
        raise ValidationError({error.field: [error.message]}) from None
    if survey.schedule == SurveySchedule.PULSE:
        # A pulse launched late joins its rhythm at the next period still open.
        while closes < today:
            following = schedules.next_pulse_wave(
                last_opens_on=opens,
                pulse_weeks=survey.pulse_weeks,
                open_days=survey.open_days,
                program_end=program.end_date,
            )
            if following is None:
                break
            opens, closes = following
    if closes < today:
        field = "opens_on" if survey.schedule in (SurveySchedule.AT_DATE, SurveySchedule.PULSE) else "schedule"
        raise ValidationError(
            {field: [f"The first wave would run from {_day(opens)} to {_day(closes)}, which has passed."]}
        )
    return opens, closes


@transaction.atomic
def survey_launch(*, organization, survey, today=None) -> Survey:
    """Draft -> live: plan the first wave from the schedule, and open it now when its day has come."""
    _same_org(organization, survey)
    survey = (
        Survey.objects.for_org(organization)
        .select_for_update(of=("self",))
        .select_related("program", "questionnaire")
        .get(pk=survey.pk)
    )
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError({"survey": ["This survey has already been launched."]})
    if (
        not Question.objects.for_org(organization)
        .filter(questionnaire_id=survey.questionnaire_id, retired=False)
        .exists()
    ):
        raise ValidationError({"questionnaire": ["Add at least one question before launching the survey."]})
    _clean_fields(survey.program, {name: getattr(survey, name) for name in SURVEY_FIELDS})
    today = today or organization_today(organization)
    opens, closes = _first_wave_dates(survey, today)
    wave = SurveyWave.objects.create(
        organization=organization, survey=survey, number=1, opens_on=opens, closes_on=closes
    )
    survey.status = SurveyStatus.LIVE
    survey.save(update_fields=["status", "updated_at"])
    if opens <= today:
        wave_open(organization=organization, wave=wave)
    return survey


@transaction.atomic
def survey_end(*, organization, survey) -> Survey:
    """Live -> ended: the open wave closes now and no further wave opens. Ending twice is harmless."""
    _same_org(organization, survey)
    survey = Survey.objects.for_org(organization).select_for_update().get(pk=survey.pk)
    if survey.status == SurveyStatus.DRAFT:
        raise ValidationError({"survey": ["A draft survey has not started, so it cannot end."]})
    if survey.status == SurveyStatus.LIVE:
        SurveyWave.objects.for_org(organization).filter(survey=survey, closed_at__isnull=True).update(
            closed_at=timezone.now()
        )
        survey.status = SurveyStatus.ENDED
        survey.save(update_fields=["status", "updated_at"])
    return survey


# --- audience and waves -----------------------------------------------------------------------


def survey_audience(*, organization, survey):
    """The approved enrollments of the survey's audience roles (only those in an active pair,
    when the survey says so), without people who have left the organization."""
    enrollments = Enrollment.objects.for_org(organization).filter(
        program_id=survey.program_id, status=EnrollmentStatus.APPROVED, role__in=AUDIENCE_ROLES[survey.audience]
    )
    if survey.active_pairs_only:
        active = MentorshipMember.objects.for_org(organization).filter(
            enrollment_id=OuterRef("pk"), mentorship__status=MentorshipStatus.ACTIVE
        )
        enrollments = enrollments.filter(Exists(active))
    return enrollments.exclude(person__exit_date__lte=organization_today(organization)).order_by("pk")


def _open_wave(organization, wave, now) -> tuple[int, int]:
    """Fix a wave's audience (SurveyInvitation rows) and mark it open; (invited, without a login).

    People without a login are left out: they cannot sign in to answer, and counting them as
    invited would lower the response rate for nothing. Opening twice changes nothing."""
    wave = (
        SurveyWave.objects.for_org(organization)
        .select_for_update(of=("self",))
        .select_related("survey")
        .get(pk=wave.pk)
    )
    if wave.opened_at is not None:
        return SurveyInvitation.objects.for_org(organization).filter(wave=wave).count(), 0
    rows = survey_audience(organization=organization, survey=wave.survey).values_list(
        "person_id", "role", "person__user_id"
    )
    invitations = [
        SurveyInvitation(organization=organization, wave=wave, person_id=person_id, role=role)
        for person_id, role, user_id in rows
        if user_id is not None
    ]
    SurveyInvitation.objects.bulk_create(invitations, ignore_conflicts=True)
    wave.opened_at = now or timezone.now()
    wave.save(update_fields=["opened_at"])
    return len(invitations), len(rows) - len(invitations)


@transaction.atomic
def wave_open(*, organization, wave, now=None) -> int:
    """Open `wave`: snapshot its audience, then (after commit) invite those whose morning it is;
    the hourly scan invites the others when their morning comes. Returns how many are invited
    (the audience, less those without a login)."""
    _same_org(organization, wave)
    invited, _ = _open_wave(organization, wave, now)
    from ..tasks import send_wave_notifications_task  # here: the tasks module imports this one

    org_id, wave_id = organization.pk, wave.pk
    transaction.on_commit(lambda: send_wave_notifications_task.delay(org_id, wave_id))
    return invited


# --- answering --------------------------------------------------------------------------------


def _cohort(when: datetime | None, tz) -> str:
    if when is None:
        return ""
    local = when.astimezone(tz)
    return f"{local.year} Q{(local.month - 1) // 3 + 1}"


def _refuse_unless_open(wave, today, org_zone):
    survey = wave.survey
    if wave.closed_at is not None:
        raise ValidationError(
            {"survey": [f"This survey closed on {_day(wave.closed_at.astimezone(org_zone).date())}."]}
        )
    if survey.status == SurveyStatus.ENDED or today > wave.closes_on:
        raise ValidationError({"survey": [f"This survey closed on {_day(wave.closes_on)}."]})
    if today < wave.opens_on:
        raise ValidationError({"survey": [f"This survey is not open yet: it opens on {_day(wave.opens_on)}."]})
    if wave.opened_at is None:
        raise ValidationError({"survey": ["This survey is about to open: please try again in an hour."]})


@transaction.atomic
def survey_answer_submit(*, organization, wave, person, answers, today=None) -> Response:
    """Store one person's answers to an open wave, with the envelope and the completion, all
    or nothing. Errors name the field: "survey" (not open), "person" (outside the audience,
    already answered), or the question keys (answers that do not fit)."""
    _same_org(organization, wave, person)
    wave = (
        SurveyWave.objects.for_org(organization)
        .select_related("survey__program", "survey__questionnaire")
        .get(pk=wave.pk)
    )
    survey = wave.survey
    org_zone = zone(organization.time_zone)
    today = today or organization_today(organization)
    _refuse_unless_open(wave, today, org_zone)
    outside = ValidationError({"person": ["You are not in this survey's audience, so you cannot answer it."]})
    if person is None:
        raise outside
    # The lock makes two submissions by the same person (a double click, two tabs) queue here.
    invitation = (
        SurveyInvitation.objects.for_org(organization).select_for_update().filter(wave=wave, person=person).first()
    )
    if invitation is None:
        raise outside
    already = ValidationError({"person": ["You have already answered this survey: each person answers once."]})
    if SurveyCompletion.objects.for_org(organization).filter(wave=wave, person=person).exists():
        raise already
    try:
        with transaction.atomic():
            SurveyCompletion.objects.create(organization=organization, wave=wave, person=person)
    except IntegrityError:
        raise already from None

    questionnaire = survey.questionnaire
    # Anonymous: no person on the row, and no time finer than the day.
    response = _response_submit(
        organization=organization,
        questionnaire=questionnaire,
        respondent=None if survey.anonymous else person,
        answers=answers,
        stamp=datetime.combine(today, time.min, tzinfo=UTC) if survey.anonymous else None,
    )
    joined = (
        Enrollment.objects.for_org(organization)
        .filter(program_id=survey.program_id, person=person)
        .values_list("created_at", flat=True)
        .first()
    )
    SurveyResponse.objects.create(
        organization=organization,
        response=response,
        wave=wave,
        submitted_on=today,
        role=invitation.role,
        department=person.department,
        level=f"Level {person.level}" if person.level is not None else "",
        cohort=_cohort(joined, org_zone),
    )
    return response


# --- the hourly scan --------------------------------------------------------------------------


def _live_waves(organization):
    return SurveyWave.objects.for_org(organization).filter(survey__status=SurveyStatus.LIVE)


@transaction.atomic
def _close_expired(organization, today, now) -> int:
    return _live_waves(organization).filter(closed_at__isnull=True, closes_on__lt=today).update(closed_at=now)


def _open_due(organization, today, now) -> Counter:
    counts = Counter()
    due = _live_waves(organization).filter(opened_at__isnull=True, closed_at__isnull=True, opens_on__lte=today)
    for wave in due.order_by("pk"):
        with transaction.atomic():
            invited, no_login = _open_wave(organization, wave, now)
        counts["opened"] += 1
        counts["invited"] += invited
        counts["no_login"] += no_login
    return counts


@transaction.atomic
def _plan_pulses(organization, today) -> int:
    """Plan each live pulse's next wave once its latest has opened, skipping periods that
    would already be over (the beat was down), and none past the program's end."""
    planned = 0
    surveys = (
        Survey.objects.for_org(organization)
        .select_for_update(of=("self",))
        .filter(status=SurveyStatus.LIVE, schedule=SurveySchedule.PULSE)
        .select_related("program")
    )
    for survey in surveys:
        latest = SurveyWave.objects.for_org(organization).filter(survey=survey).order_by("-number").first()
        # Planned once the latest wave has opened (or expired unopened, the beat being down).
        if latest is None or (latest.opened_at is None and latest.closed_at is None) or not survey.pulse_weeks:
            continue
        opens, following = latest.opens_on, None
        while True:
            following = schedules.next_pulse_wave(
                last_opens_on=opens,
                pulse_weeks=survey.pulse_weeks,
                open_days=survey.open_days,
                program_end=survey.program.end_date,
            )
            if following is None or following[1] >= today:
                break
            opens = following[0]
        if following is None:
            continue
        SurveyWave.objects.create(
            organization=organization,
            survey=survey,
            number=latest.number + 1,
            opens_on=following[0],
            closes_on=following[1],
        )
        planned += 1
    return planned


@transaction.atomic
def _end_finished(organization, now) -> int:
    """Live surveys with no wave still to come or open are over (a dated survey after its
    wave, a pulse after the program's end)."""
    pending = SurveyWave.objects.for_org(organization).filter(survey_id=OuterRef("pk"), closed_at__isnull=True)
    finished = Survey.objects.for_org(organization).filter(status=SurveyStatus.LIVE).exclude(Exists(pending))
    return finished.update(status=SurveyStatus.ENDED, updated_at=now)


def _due_notifications(organization, now, wave_ids=None) -> list[dict]:
    """What each invited non-respondent should get now: their invitation, or else the latest
    reminder day that has come; only in their morning window, on their own date."""
    waves = _live_waves(organization).filter(opened_at__isnull=False, closed_at__isnull=True)
    if wave_ids is not None:
        waves = waves.filter(pk__in=list(wave_ids))
    waves = {wave.pk: wave for wave in waves.select_related("survey__program")}
    if not waves:
        return []
    invitations = (
        SurveyInvitation.objects.for_org(organization)
        .filter(wave_id__in=list(waves), person__user__isnull=False)
        .exclude(
            Exists(
                SurveyCompletion.objects.for_org(organization).filter(
                    wave_id=OuterRef("wave_id"), person_id=OuterRef("person_id")
                )
            )
        )
        .select_related("person")
        .only("wave_id", "person", "person__user_id", "person__name", "person__time_zone", "person__exit_date")
        .order_by("pk")
    )
    due = []
    for invitation in invitations:
        person, wave = invitation.person, waves[invitation.wave_id]
        local = now.astimezone(person_zone(person, organization.time_zone))
        today = local.date()
        if not in_window(local) or not wave.opens_on <= today <= wave.closes_on:
            continue
        if person.exit_date is not None and person.exit_date <= today:
            continue
        days = [day for day in wave.survey.reminder_days if wave.opens_on + timedelta(days=day) <= today]
        due.append(
            {
                "wave": wave,
                "person": person,
                "invite": invite_key(wave.pk, person.pk),
                "reminder": reminder_key(wave.pk, max(days), person.pk) if days else None,
            }
        )
    return due


def _notify(organization, user, wave, person, *, kind, key):
    survey = wave.survey
    program = survey.program
    closes = _day(wave.closes_on)
    privacy = (
        "Your answers are anonymous: they are stored without your name."
        if survey.anonymous
        else "Your name is stored with your answers."
    )
    if kind == kinds.SURVEY_INVITATION:
        title = f"Your feedback, please: {survey.title}"
        body = f"A short survey about {program.name} is open until {closes}. {privacy}"
        template = INVITATION_TEMPLATE
    else:
        title = f"Reminder: {survey.title} closes on {closes}"
        body = f"You have not answered the survey about {program.name} yet. It is open until {closes}. {privacy}"
        template = REMINDER_TEMPLATE
    return notify(
        organization=organization,
        user=user,
        kind=kind,
        key=key,
        title=title,
        body=body,
        url=answer_url(organization, wave),
        email_template=template,
        email_context={
            "name": person.name,
            "program_name": program.name,
            "survey_title": survey.title,
            "intro": survey.intro,
            "anonymous": survey.anonymous,
            "closes_on": wave.closes_on,
        },
    )


def _send_due(organization, now, wave_ids=None) -> Counter:
    """Send what is due and not in the send log yet. A reminder goes only to someone whose
    invitation went out in an earlier run, so nobody gets both in one morning."""
    due = _due_notifications(organization, now, wave_ids)
    keys = [item["invite"] for item in due] + [item["reminder"] for item in due if item["reminder"]]
    already = sent_keys(organization=organization, keys=keys)
    users = get_user_model().objects.in_bulk({item["person"].user_id for item in due})
    counts = Counter()
    for item in due:
        user = users.get(item["person"].user_id)
        if user is None:
            continue
        if item["invite"] not in already:
            kind, key, counted = kinds.SURVEY_INVITATION, item["invite"], "invitations"
        elif item["reminder"] and item["reminder"] not in already:
            kind, key, counted = kinds.SURVEY_REMINDER, item["reminder"], "reminders"
        else:
            continue
        counts[counted] += _notify(organization, user, item["wave"], item["person"], kind=kind, key=key)
    return counts


def wave_notifications_send(*, organization, wave, now=None) -> dict:
    """Invite (or remind) the people of one wave whose morning it is; the task wave_open enqueues."""
    _same_org(organization, wave)
    counts = _send_due(organization, now or timezone.now(), wave_ids=[wave.pk])
    return {"invitations": counts["invitations"], "reminders": counts["reminders"]}


SCAN_COUNTS = ("closed", "opened", "invited", "no_login", "planned", "ended", "invitations", "reminders")


def surveys_run(*, organization, now=None) -> dict:
    """The hourly scan of one organization: close waves past their last day, plan pulses' next
    waves, open waves whose day has come (fixing their audience), end surveys with nothing
    left to run, then send due invitations and reminders. Every step is idempotent, so a
    second run in the same hour does nothing. Not atomic as a whole: each step commits before
    anything is sent (notify() must run after commit)."""
    now = now or timezone.now()
    today = organization_today(organization, now)
    counts = Counter()
    counts["closed"] = _close_expired(organization, today, now)
    # Planning before opening lets a pulse that missed periods open the current one in this
    # run; planning after it follows each wave that just opened with the next.
    counts["planned"] = _plan_pulses(organization, today)
    counts.update(_open_due(organization, today, now))
    counts["planned"] += _plan_pulses(organization, today)
    counts["ended"] = _end_finished(organization, now)
    counts.update(_send_due(organization, now))
    return {name: counts[name] for name in SCAN_COUNTS}
