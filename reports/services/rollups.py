"""KPI rollups: start one (queued after commit), execute it (the Celery task's body).

A run reads the organization's tables (reports/loaders.py, a fixed number of queries), computes
every week's figures with pandas (reports/rollup.py, pure) and replaces the KpiSnapshot rows of
its weeks in one transaction: a dashboard reads either the old figures or the new ones, never a
mix. The same data gives the same rows (the core is deterministic and rounds its floats), so a
rollup can be re-run for any past week, any number of times.

Progress goes to the run row as it happens (loading 5–45 %, computing 45–90 %, writing 90–100 %),
outside any long transaction, so a browser polling the run sees it move; a failure leaves the run
FAILED with a readable error, never stuck silently. A task redelivered because its worker died
takes the abandoned run over (the write replaces whatever the lost attempt wrote).
"""

import logging
import time
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorships.services.health import organization_today
from organizations.models import Organization

from .. import rollup
from ..loaders import load_frames
from ..models import KpiSnapshot, RollupRun, RollupStatus
from ..tasks import run_rollup_task
from .impact import impact_refresh

logger = logging.getLogger(__name__)

DEFAULT_WEEKS = 26
MAX_WEEKS = 156  # three years: what a dashboard can look back on
WRITE_BATCH = 1000
WAITING_REUSED = timedelta(minutes=10)


def rollup_week_range_default(organization, today):
    """(first Monday, last Monday): the last 26 weeks up to and including this one."""
    last = rollup.monday(today)
    return last - timedelta(weeks=DEFAULT_WEEKS - 1), last


def _week_range(organization, first_week, last_week, today):
    _, default_last = rollup_week_range_default(organization, today)
    last = rollup.monday(last_week) if last_week else default_last
    first = rollup.monday(first_week) if first_week else last - timedelta(weeks=DEFAULT_WEEKS - 1)
    errors = {}
    if last > default_last:
        errors["last_week"] = ["The last week cannot be after this week."]
    if first > last:
        errors["first_week"] = ["The first week must come before the last one."]
    elif (last - first).days // 7 + 1 > MAX_WEEKS:
        errors["first_week"] = [f"A rollup covers at most {MAX_WEEKS} weeks."]
    if errors:
        raise ValidationError(errors)
    return first, last


@transaction.atomic
def rollup_start(*, organization, first_week=None, last_week=None, requested_by=None) -> RollupRun:
    """Queue a rollup of the weeks from `first_week` to `last_week` (any day of each; the last
    26 weeks by default). A run of the same weeks queued in the last few minutes and still
    waiting for a worker is returned instead of queuing another (a double click, two managers at
    once): it has not read anything yet, so it will see today's data too."""
    first, last = _week_range(organization, first_week, last_week, organization_today(organization))
    waiting = (
        RollupRun.objects.for_org(organization)
        .filter(
            status=RollupStatus.QUEUED,
            first_week=first,
            last_week=last,
            # an older one may have lost its message (a broker restarted): queue afresh then
            created_at__gte=timezone.now() - WAITING_REUSED,
        )
        .order_by("created_at", "pk")
        .first()
    )
    if waiting is not None:
        return waiting
    run = RollupRun.objects.create(
        organization=organization,
        first_week=first,
        last_week=last,
        requested_by=requested_by,
        step="Waiting for a worker",
    )
    org_id, run_id = organization.pk, run.pk
    transaction.on_commit(lambda: run_rollup_task.delay(org_id, run_id))
    return run


# --- executing ----------------------------------------------------------------------------------


def _org_id(organization):
    return organization.pk if isinstance(organization, Organization) else int(organization)


class _Progress:
    """Writes the run's progress, at most once per percent point and step, so the core's many
    small steps do not become many queries; keeps the seconds spent in each step."""

    def __init__(self, run):
        self.runs = RollupRun.objects.for_org(run.organization_id).filter(pk=run.pk, status=RollupStatus.RUNNING)
        self.last = None
        self.steps = {}
        self._step, self._since = None, time.perf_counter()

    def __call__(self, percent, step):
        percent = int(percent)
        if step != self._step:
            self.close()
            self._step = step
        if (percent, step) != self.last:
            self.last = (percent, step)
            self.runs.update(progress=percent, step=step)

    def close(self):
        now = time.perf_counter()
        if self._step is not None:
            self.steps[self._step] = round(self.steps.get(self._step, 0) + now - self._since, 3)
        self._since = now

    def scaled(self, low, high):
        return lambda fraction, step: self(low + (high - low) * fraction, step)


def rollup_execute(*, organization, run, redelivered=False) -> RollupRun | None:
    """Run a queued rollup: claim it, load, compute, write the snapshots; FAILED with a
    readable error otherwise. `run` is a RollupRun or its id.

    A task delivered twice finds the run claimed and does nothing, except when the broker
    redelivered it because the worker running it was lost (`redelivered`): the run is then
    RUNNING with nobody working on it, so this attempt takes it over rather than leave it stuck."""
    org_id = _org_id(organization)
    run_id = run.pk if isinstance(run, RollupRun) else int(run)
    runs = RollupRun.objects.for_org(org_id)
    claimable = (RollupStatus.QUEUED, RollupStatus.RUNNING) if redelivered else (RollupStatus.QUEUED,)
    claimed = runs.filter(pk=run_id, status__in=claimable).update(
        status=RollupStatus.RUNNING, started_at=timezone.now(), progress=1, step="Starting", error=""
    )
    if not claimed:
        return runs.filter(pk=run_id).first()
    run = runs.select_related("organization").get(pk=run_id)
    try:
        _execute(run)
    except Exception as error:  # the run must end visibly FAILED whatever went wrong
        logger.exception("Rollup %s failed", run.pk)
        runs.filter(pk=run.pk, status=RollupStatus.RUNNING).update(
            status=RollupStatus.FAILED,
            error=f"The figures could not be computed ({type(error).__name__}: {error}). "
            "Try again, or contact support.",
            step="Failed",
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


def _execute(run):
    organization = run.organization
    progress = _Progress(run)
    timings = {}
    started = clock = time.perf_counter()

    def lap(name):
        nonlocal clock
        now = time.perf_counter()
        timings[f"{name}_seconds"] = round(now - clock, 3)
        clock = now

    progress(5, "Reading the data")
    frames = load_frames(organization, since=run.first_week, progress=progress.scaled(5, 45))
    lap("load")

    weeks = rollup.weeks_between(run.first_week, run.last_week)
    table = rollup.compute_kpis(
        frames,
        weeks,
        k=organization.survey_min_responses,
        today=organization_today(organization),
        progress=progress.scaled(45, 80),
    )
    lap("compute")

    progress(80, "Writing the snapshots")
    written = snapshots_replace(
        organization=organization, first_week=run.first_week, last_week=run.last_week, table=table
    )
    lap("write")
    # The impact figures (retention, promotion, hence the ROI) are refreshed by the same run, so
    # "refresh now" and the nightly job leave the whole dashboard current.
    progress(85, "Comparing participants with colleagues who did not take part")
    impact_refresh(organization=organization)
    lap("impact")
    progress.close()
    timings["steps"] = progress.steps
    timings["total_seconds"] = round(time.perf_counter() - started, 3)
    timings["rows_read"] = frames.sizes()
    timings["snapshots"] = written
    RollupRun.objects.for_org(run.organization_id).filter(pk=run.pk, status=RollupStatus.RUNNING).update(
        status=RollupStatus.SUCCEEDED,
        progress=100,
        step="Finished",
        timings=timings,
        finished_at=timezone.now(),
    )


@transaction.atomic
def snapshots_replace(*, organization, first_week, last_week, table) -> int:
    """Replace the organization's snapshots of the weeks first_week..last_week with the rows of
    `table` (compute_kpis's output), all or nothing. Two rollups writing at once queue on the
    organization's row, so neither trips on the other's rows."""
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    KpiSnapshot.objects.for_org(organization).filter(week_start__gte=first_week, week_start__lte=last_week).delete()
    now = timezone.now()
    rows = [
        KpiSnapshot(
            organization_id=organization.pk, computed_at=now, min_group_size=organization.survey_min_responses, **row
        )
        for row in rollup.records(table)
        if first_week <= row["week_start"] <= last_week
    ]
    KpiSnapshot.objects.bulk_create(rows, batch_size=WRITE_BATCH)
    return len(rows)
