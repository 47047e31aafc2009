"""Reads of surveys and waves for lists: a program's surveys, a participant's surveys to answer.

Counts only, never who: a wave carries how many were invited and how many answered; which
people answered (SurveyCompletion) is read for one person at a time, about themselves.
"""

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

# One rule for "today" across apps: the organization's calendar day (waves open and close by it).
from mentorships.services.health import organization_today

from ..models import Survey, SurveyCompletion, SurveyInvitation, SurveyResponse, SurveyStatus, SurveyWave


def _count_per_wave(queryset):
    # A subquery per count rather than two joins, which would multiply invitations by responses.
    counted = queryset.filter(wave=OuterRef("pk")).order_by().values("wave")
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0)


def waves_with_counts(organization) -> QuerySet[SurveyWave]:
    """The organization's waves, each with `invited` and `responded` (response envelopes)."""
    return SurveyWave.objects.for_org(organization).annotate(
        invited=_count_per_wave(SurveyInvitation.objects.for_org(organization)),
        responded=_count_per_wave(SurveyResponse.objects.for_org(organization)),
    )


def survey_waves(*, organization, survey) -> list[SurveyWave]:
    """Every wave of `survey` in order, with `invited` and `responded`: one query."""
    return list(waves_with_counts(organization).filter(survey=survey).order_by("number"))


def latest_opened(waves):
    """The last wave that has opened (invitations sent), or None: what results show by default."""
    opened = [wave for wave in waves if wave.opened_at is not None]
    return max(opened, key=lambda wave: wave.number, default=None)


def program_surveys(*, organization, program) -> list[Survey]:
    """The program's surveys, newest first, each with `wave_count`, `waves` (in order, with
    counts) and `latest_wave` (the last opened one, or None): two queries."""
    surveys = list(
        Survey.objects.for_org(organization)
        .filter(program=program)
        .annotate(wave_count=Count("waves"))
        .order_by("-created_at", "-pk")
    )
    waves_by_survey = {survey.pk: [] for survey in surveys}
    for wave in waves_with_counts(organization).filter(survey__in=surveys).order_by("survey_id", "number"):
        waves_by_survey[wave.survey_id].append(wave)
    for survey in surveys:
        survey.wave_list = waves_by_survey[survey.pk]
        survey.latest_wave = latest_opened(survey.wave_list)
    return surveys


def open_waves_for(*, organization, person, today=None) -> list[dict]:
    """The waves `person` is invited to that are open today, soonest to close first:
    [{"wave", "survey", "answered"}]. One query; `answered` is about this person only."""
    today = today or organization_today(organization)
    invitations = (
        SurveyInvitation.objects.for_org(organization)
        .filter(
            person=person,
            wave__survey__status=SurveyStatus.LIVE,
            wave__opened_at__isnull=False,
            wave__closed_at__isnull=True,
            wave__opens_on__lte=today,
            wave__closes_on__gte=today,
        )
        .select_related("wave__survey__program")
        .annotate(
            answered=Exists(SurveyCompletion.objects.for_org(organization).filter(wave=OuterRef("wave"), person=person))
        )
        .order_by("wave__closes_on", "wave__survey__title", "wave_id")
    )
    return [
        {"wave": invitation.wave, "survey": invitation.wave.survey, "answered": invitation.answered}
        for invitation in invitations
    ]


def invitation_for(*, organization, wave, person) -> SurveyInvitation | None:
    """The person's invitation to the wave: whoever holds none may not see or answer it."""
    return SurveyInvitation.objects.for_org(organization).filter(wave=wave, person=person).first()
