"""python manage.py bench_rollup [--reuse] [--cleanup]: the KPI rollup at scale.

Builds (reports/bench_data.py) an organization of 50,000 people with 10,000 participants in four
programs, their mentorships over three years, 500,000 meetings, goals, check-ins and 100,000
survey answers (sizes are options), or reuses the one a previous run left (--reuse). Then it
runs the rollup of the last 26 weeks as the Celery task does (rollup_execute) and reports, as
one JSON object on stdout (progress on stderr):
- seconds per step (reading each table, each stage of the computation, writing), the total,
  the queries and the rows read;
- memory: the process's peak resident size, and the peak of Python and numpy allocations of a
  second, identical run under tracemalloc, which must write the same rows (determinism);
- the dashboard: reports.selectors.dashboard() and the whole page as a leader sees it, from the
  snapshots (p50 of 5 calls and their queries);
- reports.services.impact.impact_refresh when it exists (the nightly job runs both).
The organization is kept for the next --reuse; --cleanup deletes it (and does nothing else).
Run it with --reuse in a fresh process for the memory figure of the rollup alone.
"""

import importlib
import json
import resource
import statistics
import time
import tracemalloc

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from mentorships.management.commands.bench_reminders import CountingQueries
from mentorships.services.health import organization_today
from organizations.models import Organization
from reports import bench_data
from reports.models import KpiSnapshot, RollupRun, RollupStatus
from reports.services.rollups import rollup_execute, rollup_week_range_default

DASHBOARD_CALLS = 5


class Command(BaseCommand):
    help = "Time the KPI rollup of a large organization (built once, reused with --reuse)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=50_000)
        parser.add_argument("--participants", type=int, default=10_000)
        parser.add_argument("--meetings", type=int, default=500_000)
        parser.add_argument("--answers", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--reuse", action="store_true", help="use the organization a previous run left")
        parser.add_argument("--cleanup", action="store_true", help="delete the benchmark organization and stop")
        parser.add_argument("--no-trace", action="store_true", help="skip the second run under tracemalloc")

    def _note(self, message):
        self.stderr.write(message)

    def handle(self, *args, **options):
        existing = Organization.objects.filter(slug=bench_data.SLUG).first()
        if options["cleanup"]:
            if existing is None:
                self._note("No benchmark organization to delete.")
                return
            started = time.perf_counter()
            bench_data.delete_organization(existing)
            self._note(f"Deleted {bench_data.SLUG} in {time.perf_counter() - started:.1f} s.")
            return
        # DEBUG would keep every query in memory and distort the memory figures.
        with override_settings(DEBUG=False):
            report = self._bench(existing, options)
        self.stdout.write(json.dumps(report, indent=2))

    def _bench(self, organization, options):
        report = {"database": connection.vendor}
        if options["reuse"]:
            if organization is None:
                raise CommandError("There is no benchmark organization to reuse: run without --reuse first.")
            report["built"] = "reused"
        else:
            if organization is not None:
                raise CommandError(f"{bench_data.SLUG} exists: pass --reuse, or --cleanup to delete it first.")
            self._note("Building the organization")
            started = time.perf_counter()
            built = bench_data.build(
                people=options["people"],
                participants=options["participants"],
                meetings=options["meetings"],
                answers=options["answers"],
                seed=options["seed"],
                note=self._note,
            )
            organization = built.organization
            report["built"] = {"seconds": round(time.perf_counter() - started, 1), **built.counts}
            self._note(f"Built in {report['built']['seconds']} s")

        self._note("Rolling up the last 26 weeks")
        with CountingQueries() as queries:
            run = self._rollup(organization)
        if run.status != RollupStatus.SUCCEEDED:
            raise CommandError(f"The rollup failed: {run.error}")
        report["rollup"] = {
            **run.timings,
            "queries": queries.count,
            "weeks": (run.last_week - run.first_week).days // 7 + 1,
        }
        report["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        first_rows = self._rows(organization)

        if not options["no_trace"]:
            self._note("Running it again under tracemalloc")
            tracemalloc.start()
            again = self._rollup(organization)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            report["rollup_traced_peak_mib"] = round(peak / 2**20, 1)
            report["traced_run_seconds"] = again.timings.get("total_seconds")  # slowed by tracing
            report["deterministic"] = self._rows(organization) == first_rows

        self._note("Refreshing the impact figures, then timing the dashboard")
        report["impact"] = self._impact(organization)
        report["dashboard"] = self._dashboard(organization)
        report["organization"] = bench_data.SLUG
        return report

    def _rollup(self, organization):
        first, last = rollup_week_range_default(organization, organization_today(organization))
        run = RollupRun.objects.create(organization=organization, first_week=first, last_week=last, step="Queued")
        return rollup_execute(organization=organization, run=run)

    def _rows(self, organization):
        """The snapshots without their ids and computing times: what determinism compares."""
        fields = [f.attname for f in KpiSnapshot._meta.concrete_fields if f.attname not in ("id", "computed_at")]
        return list(KpiSnapshot.objects.for_org(organization).order_by("program_id", "week_start").values_list(*fields))

    def _dashboard(self, organization):
        """The dashboard data (reports.selectors.dashboard) and the whole page as a leader gets
        it (template, charts' JSON, the nav): p50 of 5 after a warm-up, and the queries."""
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.urls import reverse

        from organizations.models import Membership, Role
        from reports.selectors import dashboard

        def timed(call):
            call()  # warm: imports, the first connection's catalog lookups, template loading
            seconds = []
            for _ in range(DASHBOARD_CALLS):
                with CountingQueries() as queries:
                    started = time.perf_counter()
                    call()
                    seconds.append(time.perf_counter() - started)
            return {"p50_ms": round(statistics.median(seconds) * 1000, 1), "queries": queries.count}

        leader, _ = get_user_model().objects.get_or_create(
            username="bench-leader@tandem.example", defaults={"email": "bench-leader@tandem.example"}
        )
        Membership.objects.get_or_create(organization=organization, user=leader, defaults={"role": Role.LEADER})
        client = Client()
        client.force_login(leader)
        url = reverse("reports:dashboard", args=[organization.slug])

        def page():
            response = client.get(url)
            if response.status_code != 200:
                raise CommandError(f"The dashboard answered {response.status_code}")

        with override_settings(ALLOWED_HOSTS=["*"]):
            return {"data": timed(lambda: dashboard(organization=organization)), "page": timed(page)}

    def _impact(self, organization):
        try:
            impact = importlib.import_module("reports.services.impact")
        except ModuleNotFoundError:
            return None
        started = time.perf_counter()
        try:
            with CountingQueries() as queries:
                impact.impact_refresh(organization=organization)
        except Exception as error:  # reported, not fatal: the rollup is what this bench measures
            return {"error": f"{type(error).__name__}: {error}"}
        return {"seconds": round(time.perf_counter() - started, 2), "queries": queries.count}
