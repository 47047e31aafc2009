"""python manage.py bench_import --rows 50000: time the directory import on this database.

Builds a realistic HRIS export (a management tree, hire dates over twenty years, people who
left with a reason, custom columns), imports it into a throwaway organization, re-imports it
with 5% of the rows changed (exits, promotions, new managers), prints the timings and deletes
the organization again.
"""

import csv
import io
import random
import secrets
import time
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from organizations.models import Membership, Organization, Person, PersonChange, Role
from organizations.services import people_import_apply, people_import_create

FIRST = [
    "Ada",
    "Ben",
    "Chloé",
    "Dev",
    "Emil",
    "Fatima",
    "Gustav",
    "Hana",
    "Ivan",
    "Júlia",
    "Kofi",
    "Lena",
    "Mateo",
    "Nora",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tomás",
    "Uma",
    "Wen",
    "Yusuf",
    "Zoë",
]
LAST = [
    "Andersen",
    "Brown",
    "Chen",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "López",
    "Müller",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhang",
]
DEPARTMENTS = [
    "Engineering",
    "Sales",
    "Marketing",
    "Finance",
    "People",
    "Operations",
    "Legal",
    "Support",
    "Product",
    "Design",
    "Data",
    "Security",
]
SITES = [
    ("Berlin", "Europe/Berlin", "de"),
    ("Paris", "Europe/Paris", "fr"),
    ("London", "Europe/London", "en"),
    ("New York", "America/New_York", "en"),
    ("São Paulo", "America/Sao_Paulo", "pt"),
    ("Bangalore", "Asia/Kolkata", "hi"),
    ("Singapore", "Asia/Singapore", "zh"),
    ("Remote", "UTC", "en"),
]
TITLES = ["Associate", "Specialist", "Senior Specialist", "Lead", "Manager", "Senior Manager", "Director", "VP"]
HEADER = [
    "Employee ID",
    "First name",
    "Last name",
    "Work email",
    "Department",
    "Team",
    "Job title",
    "Grade",
    "Manager ID",
    "Location",
    "Timezone",
    "Languages",
    "Start date",
    "Termination date",
    "Termination type",
    "Last promotion date",
    "Cost centre",
    "Employment type",
]


def generate(rows, seed=7):
    """A list of row dicts; person i reports to someone with a smaller index, so there is no cycle."""
    rnd = random.Random(seed)
    today = date(2025, 6, 30)
    people = []
    for i in range(rows):
        depth = 0 if i == 0 else min(7, (i.bit_length() - 1) // 3 + 1)
        manager = "" if i == 0 else f"E{100000 + (i - 1) // 8}"
        site, tz, language = rnd.choice(SITES)
        hired = today - timedelta(days=rnd.randint(30, 20 * 365))
        left = hired + timedelta(days=rnd.randint(60, 4000)) if rnd.random() < 0.12 else None
        left = left if left and left < today else None
        department = DEPARTMENTS[i % len(DEPARTMENTS)] if i else "Executive"
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        people.append(
            {
                "Employee ID": f"E{100000 + i}",
                "First name": first,
                "Last name": last,
                "Work email": f"{first.lower()}.{last.lower()}.{i}@bench.example".encode("ascii", "ignore").decode(),
                "Department": department,
                "Team": f"{department} {rnd.randint(1, 9)}",
                "Job title": TITLES[max(0, 7 - depth)],
                "Grade": str(max(1, 10 - depth - rnd.randint(0, 1))),
                "Manager ID": manager,
                "Location": site,
                "Timezone": tz,
                "Languages": ", ".join(dict.fromkeys([language, "en"])),
                "Start date": hired.isoformat(),
                "Termination date": left.isoformat() if left else "",
                "Termination type": rnd.choice(["voluntary", "voluntary", "involuntary"]) if left else "",
                "Last promotion date": (hired + timedelta(days=400)).isoformat() if rnd.random() < 0.3 else "",
                "Cost centre": f"CC-{rnd.randint(100, 999)}",
                "Employment type": rnd.choice(["Full-time", "Full-time", "Full-time", "Part-time", "Contractor"]),
            }
        )
    # HRIS exports are sorted by name, not by hierarchy: reports often come before their managers.
    rnd.shuffle(people)
    return people


def change_five_percent(people, seed=11):
    """Exactly 5% of the rows changed: a third leave, a third are promoted, a third get a new manager."""
    rnd = random.Random(seed)
    changed = [dict(person) for person in people]
    for person in rnd.sample(changed, len(changed) // 20):
        kind = rnd.randrange(3)
        index = int(person["Employee ID"][1:]) - 100000
        new_manager = f"E{100000 + rnd.randrange(index)}" if index > 1 else ""
        if kind == 0 and not person["Termination date"]:
            person["Termination date"] = "2025-07-31"
            person["Termination type"] = "voluntary"
        elif kind == 2 and new_manager and new_manager != person["Manager ID"]:
            person["Manager ID"] = new_manager
        else:
            person["Grade"] = str(int(person["Grade"]) + 1)
            person["Job title"] = "Senior " + person["Job title"]
            person["Last promotion date"] = "2025-07-01"
    return changed


def to_csv(people):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(people)
    return buffer.getvalue().encode()


class Command(BaseCommand):
    help = "Time the people import (parse+validate, first apply, 5%-changed re-import) in a throwaway organization."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=50000)

    def handle(self, *args, rows, **options):
        self.stdout.write(f"Database: {connection.vendor}; generating {rows} rows…")
        people = generate(rows)
        first, second = to_csv(people), to_csv(change_five_percent(people))
        self.stdout.write(f"CSV: {len(first) / 1e6:.1f} MB")
        organization = Organization.objects.create(
            name="Import benchmark (throwaway)", slug=f"bench-{secrets.token_hex(4)}"
        )
        try:
            self._run(organization, "first import", first)
            self._run(organization, "re-import with 5% changed", second)
            history = PersonChange.objects.for_org(organization).count()
            self.stdout.write(f"History rows written in total: {history}")
            self._time_pages(organization)
        finally:
            started = time.perf_counter()
            organization.delete()
            self.stdout.write(f"(throwaway organization deleted in {time.perf_counter() - started:.1f} s)")

    def _time_pages(self, organization, repeat=20):
        """The directory pages an admin uses, rendered against all the imported people."""
        user = get_user_model().objects.create_user(
            username=f"bench-{organization.slug}", email=f"{organization.slug}@bench.example"
        )
        try:
            Membership.objects.create(organization=organization, user=user, role=Role.ADMIN)
            client = Client()
            client.force_login(user)
            person = Person.objects.for_org(organization).filter(reports__isnull=False).first()
            base = f"/o/{organization.slug}/people/"
            pages = {
                "people list, first page": base,
                "people list, page 500": f"{base}?page=500",
                "people search 'garcia'": f"{base}?q=garcia",
                "people, one department, left": f"{base}?department=Sales&status=left",
                "person detail (with reports)": f"{base}{person.pk}/",
            }
            self.stdout.write(
                f"Pages over {Person.objects.for_org(organization).count()} people ({repeat} requests each):"
            )
            for label, url in pages.items():
                timings = []
                for _ in range(repeat):
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        response = client.get(url, HTTP_HOST="127.0.0.1")
                        timings.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
                timings.sort()
                p50, p95 = timings[len(timings) // 2], timings[int(len(timings) * 0.95) - 1]
                self.stdout.write(f"  {label:32} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  {len(queries)} queries")
        finally:
            user.delete()

    def _run(self, organization, label, content):
        started = time.perf_counter()
        people_import = people_import_create(
            organization=organization, uploaded_by=None, file_name=f"{label}.csv", content=content, defer=False
        )
        checked = time.perf_counter()
        people_import = people_import_apply(organization=organization, people_import=people_import)
        applied = time.perf_counter()
        s = people_import.summary
        self.stdout.write(
            f"{label}: {s['rows']} rows → {s['created']} created, {s['updated']} updated, "
            f"{s['unchanged']} unchanged, {s['rejected']} rejected"
        )
        self.stdout.write(f"  parse + validate (dry run): {checked - started:6.2f} s")
        self.stdout.write(f"  apply (one transaction):    {applied - checked:6.2f} s")
        self.stdout.write(self.style.SUCCESS(f"  total:                      {applied - started:6.2f} s"))
