"""Demo data: realistic organizations to explore Tandem with, built by `manage.py seed_demo`.

Deterministic: every random draw comes from a generator seeded by the step's name, and dates
count back from `today`, so the same day gives the same data (and a new step added by a later
issue does not reshuffle the people of an earlier one).

Idempotent: each step creates only what is missing, so running the command twice changes
nothing; `reset=True` deletes the demo organizations and users first and rebuilds them.

Later issues extend the demo by appending a step to `STEPS`: a function taking the
`DemoContext` (organizations by slug, users by email, `today`, `rng(name)`) that checks what
already exists before it creates anything.
"""

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import ExitReason, Membership, Organization, Person, Role
from .services import person_link_user

DEMO_PASSWORD = "tandem-demo"
DEMO_URL = "http://127.0.0.1:8000"
SEED = "tandem-demo"


# --- Places and names --------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    city: str
    country: str
    time_zone: str  # IANA
    languages: tuple[str, ...]  # ISO 639-1, the local language first
    names: str  # key of NAMES: whose names are common there

    @property
    def label(self):
        return self.city if self.city == self.country else f"{self.city}, {self.country}"


LOCATIONS = {
    "seattle": Location("Seattle", "United States", "America/Los_Angeles", ("en",), "us"),
    "new_york": Location("New York", "United States", "America/New_York", ("en",), "us"),
    "toronto": Location("Toronto", "Canada", "America/Toronto", ("en", "fr"), "us"),
    "chicago": Location("Chicago", "United States", "America/Chicago", ("en",), "us"),
    "mexico_city": Location("Mexico City", "Mexico", "America/Mexico_City", ("es", "en"), "mx"),
    "sao_paulo": Location("São Paulo", "Brazil", "America/Sao_Paulo", ("pt", "en"), "br"),
    "london": Location("London", "United Kingdom", "Europe/London", ("en",), "gb"),
    "dublin": Location("Dublin", "Ireland", "Europe/Dublin", ("en", "ga"), "gb"),
    "berlin": Location("Berlin", "Germany", "Europe/Berlin", ("de", "en"), "de"),
    "bengaluru": Location("Bengaluru", "India", "Asia/Kolkata", ("en", "hi", "kn"), "in"),
    "singapore": Location("Singapore", "Singapore", "Asia/Singapore", ("en", "zh"), "sg"),
    "sydney": Location("Sydney", "Australia", "Australia/Sydney", ("en",), "gb"),
}

NAMES = {
    "us": (
        "James Mary Michael Jennifer Robert Linda David Emily Chris Ashley Daniel Jessica Kevin Sarah Brian "
        "Megan Jason Rachel Tyler Lauren Marcus Aaliyah Jordan Taylor Andre Keisha Ryan Hannah Ethan Olivia",
        "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Thomas Jackson White Harris Martin "
        "Thompson Moore Clark Lewis Walker Hall Young Allen King Wright Scott Green Baker Adams Nelson Carter",
    ),
    "gb": (
        "Oliver Amelia George Isla Harry Ava Jack Mia Charlie Grace Thomas Freya Oscar Poppy William Evie "
        "Alfie Ella Henry Lily Leo Sophie Archie Chloe Joshua Ruby Callum Niamh Rhys Siobhan",
        "Taylor Davies Evans Roberts Wright Walker Robinson Thompson Hughes Edwards Green Hall Wood Clarke "
        "Jackson Turner Hill Cooper Ward Morris Murphy Kelly Byrne Ryan Walsh Campbell Stewart Morgan Price Bennett",
    ),
    "de": (
        "Lukas Anna Leon Lea Finn Hannah Jonas Lena Felix Laura Paul Julia Maximilian Sophie Niklas Marie "
        "Tim Katharina Jan Johanna Moritz Clara Tobias Miriam Sebastian Greta Florian Franziska Matthias Ines",
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf "
        "Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Werner Krause Lehmann Köhler",
    ),
    "fr": (
        "Louis Chloé Hugo Camille Gabriel Léa Arthur Manon Jules Inès Lucas Sarah Théo Juliette Nathan "
        "Clémence Mathis Élise Raphaël Margaux Antoine Pauline Baptiste Océane",
        "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel "
        "Garcia David Bertrand Roux Vincent Fournier Morel Girard Bonnet Dupont",
    ),
    "br": (
        "João Maria Pedro Ana Lucas Juliana Gabriel Fernanda Matheus Beatriz Rafael Larissa Gustavo Camila "
        "Felipe Mariana Thiago Letícia Bruno Amanda Rodrigo Isabela Diego Carolina",
        "Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro Martins "
        "Carvalho Almeida Lopes Araújo Barbosa Rocha Dias Moreira Cardoso Teixeira Nascimento",
    ),
    "mx": (
        "José Guadalupe Luis Sofía Carlos Valeria Miguel Ximena Alejandro Regina Diego Fernanda Jorge "
        "Daniela Ricardo Andrea Eduardo Paola Emiliano Renata Santiago Mariana Héctor Lucía",
        "Hernández García Martínez López González Pérez Rodríguez Sánchez Ramírez Cruz Flores Gómez Morales "
        "Vázquez Reyes Jiménez Torres Díaz Gutiérrez Ruiz Mendoza Aguilar Ortiz Castillo",
    ),
    "in": (
        "Aarav Ananya Vihaan Diya Arjun Aditi Rohan Priya Karthik Kavya Rahul Sneha Vikram Pooja Siddharth "
        "Meera Aditya Divya Nikhil Lakshmi Sanjay Shreya Varun Nandini Harish Deepa",
        "Sharma Patel Reddy Iyer Nair Gupta Singh Kumar Rao Menon Joshi Desai Mehta Pillai Krishnan "
        "Banerjee Chatterjee Mukherjee Kapoor Verma Bhat Shetty Naidu Agarwal Hegde Kulkarni",
    ),
    "sg": (
        "Wei Jia Hui Jun Xin Ming Li Ting Kai Yan Zhi Mei Jun Wei Shu Fen Hao Min Jie Ling Siti Farid Nur "
        "Aisyah Ravi Kumar",
        "Tan Lim Lee Ng Ong Wong Goh Chua Chan Koh Teo Ang Yeo Tay Ho Low Toh Sim Chong Chia Rahman Ismail",
    ),
}


# --- What an organization looks like -----------------------------------------------------


@dataclass(frozen=True)
class Team:
    name: str
    role: str  # the individual contributors' job, e.g. "Software Engineer"
    size: int  # individual contributors, leavers included
    home: str  # key of LOCATIONS


@dataclass(frozen=True)
class Department:
    name: str
    head_title: str  # level 7, reports to the top
    director_title: str  # level 6, one per three teams, only when a department has three or more
    manager_title: str  # level 5, leads one team; "{team}" and "{role}" are filled in
    teams: tuple[Team, ...]
    # Title words for individual contributors by level: "Senior Software Engineer".
    ranks: tuple[str, str, str, str] = ("Associate", "", "Senior", "Lead")


@dataclass(frozen=True)
class Named:
    """A fixed person at a position, so demo logins have a known name, email and job."""

    name: str
    email: str
    level: int | None = None
    title: str = ""


@dataclass(frozen=True)
class OrgSpec:
    name: str
    slug: str
    id_prefix: str  # of external ids: "NW00001"
    domain: str
    time_zone: str
    brand_colour: str
    top_title: str
    top_department: str
    top_staff: tuple[tuple[str, int], ...]  # (title, level) reporting to the top
    top_team: str
    home: str
    departments: tuple[Department, ...]
    years: int = 12
    attrition: float = 0.12
    # Positions: "top", "head:<dept>", "manager:<dept>:<team>", "ic:<dept>:<team>:<n>".
    named: dict[str, Named] = field(default_factory=dict)


# The demo logins. Their emails are directory emails, so each login links to its Person.
OWNER = Named("Morgan Reyes", "morgan.reyes@northwind.example")
ADMIN = Named("Priya Nair", "priya.nair@northwind.example")
LEADER = Named("Daniel Okafor", "daniel.okafor@northwind.example")
MEMBER = Named("Sam Taylor", "sam.taylor@northwind.example", level=2)
CONTOSO_OWNER = Named("Lena Fischer", "lena.fischer@contoso.example")
SUPERUSER_EMAIL = "superuser@tandem.example"


def _t(name, role, size, home):
    return Team(name, role, size, home)


NORTHWIND = OrgSpec(
    name="Northwind Traders",
    slug="northwind",
    id_prefix="NW",
    domain="northwind.example",
    time_zone="America/Los_Angeles",
    brand_colour="#0f766e",
    top_title="Chief Executive Officer",
    top_department="Executive",
    top_staff=(("Chief of Staff", 6), ("Executive Assistant", 3), ("Executive Assistant", 2)),
    top_team="Office of the CEO",
    home="seattle",
    departments=(
        Department(
            "Engineering",
            "VP of Engineering",
            "Director of Engineering",
            "Engineering Manager, {team}",
            (
                _t("Platform", "Software Engineer", 16, "seattle"),
                _t("Payments", "Software Engineer", 14, "seattle"),
                _t("Web", "Frontend Engineer", 12, "berlin"),
                _t("Mobile", "Mobile Engineer", 12, "bengaluru"),
                _t("Data", "Data Engineer", 12, "bengaluru"),
                _t("Infrastructure", "Site Reliability Engineer", 9, "toronto"),
                _t("Security", "Security Engineer", 7, "london"),
                _t("Quality", "QA Engineer", 8, "bengaluru"),
            ),
            ranks=("Associate", "", "Senior", "Staff"),
        ),
        Department(
            "Product",
            "VP of Product",
            "Director of Product",
            "{team} Lead",
            (
                _t("Product Management", "Product Manager", 10, "seattle"),
                _t("Design", "Product Designer", 10, "berlin"),
                _t("Research", "UX Researcher", 5, "toronto"),
            ),
            ranks=("Associate", "", "Senior", "Principal"),
        ),
        Department(
            "Sales",
            "VP of Sales",
            "Regional Sales Director",
            "Sales Manager, {team}",
            (
                _t("Enterprise", "Account Executive", 13, "new_york"),
                _t("Mid-Market", "Account Executive", 12, "new_york"),
                _t("Sales Development", "Sales Development Representative", 16, "mexico_city"),
                _t("Solutions", "Solutions Engineer", 8, "london"),
                _t("EMEA", "Account Executive", 10, "london"),
                _t("APAC", "Account Executive", 9, "singapore"),
                _t("LATAM", "Account Executive", 8, "sao_paulo"),
            ),
        ),
        Department(
            "Customer Success",
            "VP of Customer Success",
            "Director of Customer Success",
            "{team} Manager",
            (
                _t("Support", "Support Specialist", 22, "mexico_city"),
                _t("Account Management", "Customer Success Manager", 14, "sydney"),
                _t("Onboarding", "Implementation Consultant", 8, "toronto"),
            ),
        ),
        Department(
            "Marketing",
            "Chief Marketing Officer",
            "Director of Marketing",
            "{team} Manager",
            (
                _t("Brand", "Brand Marketer", 5, "new_york"),
                _t("Growth", "Growth Marketer", 8, "seattle"),
                _t("Content", "Content Strategist", 6, "london"),
                _t("Product Marketing", "Product Marketing Manager", 6, "seattle"),
                _t("Events", "Event Manager", 4, "sao_paulo"),
            ),
        ),
        Department(
            "Finance",
            "Chief Financial Officer",
            "Finance Director",
            "{team} Manager",
            (
                _t("Accounting", "Accountant", 10, "seattle"),
                _t("FP&A", "Financial Analyst", 7, "new_york"),
                _t("Procurement", "Procurement Specialist", 4, "dublin"),
            ),
        ),
        Department(
            "People",
            "Chief People Officer",
            "Director of People",
            "{team} Manager",
            (
                _t("People Operations", "People Operations Specialist", 7, "seattle"),
                _t("Talent Acquisition", "Recruiter", 12, "bengaluru"),
                _t("Learning & Development", "Learning Specialist", 5, "london"),
            ),
        ),
        Department(
            "Operations",
            "Chief Operating Officer",
            "Director of Operations",
            "{team} Manager",
            (
                _t("IT", "IT Specialist", 10, "seattle"),
                _t("Facilities", "Facilities Coordinator", 6, "new_york"),
                _t("Legal", "Legal Counsel", 5, "dublin"),
                _t("Business Operations", "Business Analyst", 6, "singapore"),
            ),
        ),
    ),
    named={
        "top": OWNER,
        "manager:People:People Operations": ADMIN,
        "head:Engineering": LEADER,
        "ic:Engineering:Platform:0": MEMBER,
    },
)

CONTOSO = OrgSpec(
    name="Contoso University",
    slug="contoso",
    id_prefix="CU",
    domain="contoso.example",
    time_zone="America/Chicago",
    brand_colour="#7c3aed",
    top_title="President",
    top_department="Office of the President",
    top_staff=(("Chief of Staff", 6),),
    top_team="President's Office",
    home="chicago",
    departments=(
        Department(
            "School of Engineering",
            "Dean of Engineering",
            "Associate Dean",
            "Chair, {team}",
            (
                _t("Computer Science", "Lecturer", 8, "chicago"),
                _t("Electrical Engineering", "Lecturer", 6, "chicago"),
            ),
            ranks=("Assistant", "", "Senior", "Principal"),
        ),
        Department(
            "School of Arts and Sciences",
            "Dean of Arts and Sciences",
            "Associate Dean",
            "Chair, {team}",
            (
                _t("Mathematics", "Lecturer", 6, "chicago"),
                _t("History", "Lecturer", 5, "dublin"),
            ),
            ranks=("Assistant", "", "Senior", "Principal"),
        ),
        Department(
            "Student Services",
            "Dean of Students",
            "Associate Dean of Students",
            "{team} Lead",
            (
                _t("Advising", "Academic Advisor", 6, "chicago"),
                _t("Career Services", "Career Coach", 5, "chicago"),
            ),
        ),
    ),
    named={
        "head:Student Services": CONTOSO_OWNER,
        "ic:School of Engineering:Computer Science:0": Named(
            MEMBER.name, MEMBER.email, level=1, title="Graduate Teaching Assistant"
        ),
    },
)

ORG_SPECS = (NORTHWIND, CONTOSO)


@dataclass(frozen=True)
class DemoUser:
    label: str
    email: str
    roles: tuple[tuple[str, str], ...]  # (organization slug, role)
    superuser: bool = False


DEMO_USERS = (
    DemoUser("Owner (the CEO)", OWNER.email, (("northwind", Role.OWNER),)),
    DemoUser("Admin (People Operations)", ADMIN.email, (("northwind", Role.ADMIN),)),
    DemoUser("Leader (VP of Engineering)", LEADER.email, (("northwind", Role.LEADER),)),
    DemoUser(
        "Member (an engineer; also at Contoso)", MEMBER.email, (("northwind", Role.MEMBER), ("contoso", Role.MEMBER))
    ),
    DemoUser("Owner of Contoso (Dean of Students)", CONTOSO_OWNER.email, (("contoso", Role.OWNER),)),
    DemoUser("Superuser, for /admin/", SUPERUSER_EMAIL, (), superuser=True),
)


# --- Generating a directory (pure: no database) ------------------------------------------


@dataclass
class PersonRow:
    external_id: str
    name: str
    email: str
    department: str
    team: str
    title: str
    level: int
    manager: str | None  # the manager's external_id
    location: str
    time_zone: str
    languages: list[str]
    hire_date: date
    exit_date: date | None = None
    exit_reason: str = ""
    last_promotion_date: date | None = None
    custom_attributes: dict = field(default_factory=dict)


# Individual contributors' levels: most in the middle, few juniors and few leads.
IC_LEVEL_WEIGHTS = {1: 15, 2: 35, 3: 33, 4: 17}
# How strongly hire dates lean to the company's early years, by level (an exponent on a
# uniform draw): juniors mostly joined recently as the company grew, heads joined early.
TENURE_SKEW = {1: 0.3, 2: 0.55, 3: 0.8, 4: 1.0, 5: 1.1, 6: 1.3, 7: 1.8}
ERGS = ("Women in Tech", "Pride Network", "Black Employee Network", "Latinx Network", "Parents", "Veterans")
EXTRA_LANGUAGES = ("es", "fr", "de", "pt", "zh", "hi", "ja", "ar")
VOLUNTARY_SHARE = 0.7


def _ascii(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


class _DirectoryBuilder:
    def __init__(self, spec: OrgSpec, rng: random.Random, today: date):
        self.spec, self.rng, self.today = spec, rng, today
        self.founded = today - timedelta(days=round(spec.years * 365.25))
        self.rows: list[PersonRow] = []
        self.used_names = {n.name for n in spec.named.values()}
        self.used_emails = {n.email for n in spec.named.values()}

    def build(self) -> list[PersonRow]:
        spec = self.spec
        top = self.add("top", spec.top_title, 8, None, spec.top_department, "Leadership", spec.home, self.founded)
        for title, level in spec.top_staff:
            self.add(None, title, level, top, spec.top_department, spec.top_team, spec.home)
        for department in spec.departments:
            self.add_department(department, top)
        self.mark_leavers()
        for row in self.rows:
            self.decorate(row)
        return self.rows

    def add_department(self, department, top):
        home = department.teams[0].home
        head = self.add(f"head:{department.name}", department.head_title, 7, top, department.name, "Leadership", home)
        teams = department.teams
        # Large departments get a director per three teams; small ones report to the head.
        groups = [teams[i : i + 3] for i in range(0, len(teams), 3)] if len(teams) >= 3 else [teams]
        for group in groups:
            lead = head
            if len(teams) >= 3:
                lead = self.add(None, department.director_title, 6, head, department.name, "Leadership", group[0].home)
            for team in group:
                self.add_team(department, team, lead)

    def add_team(self, department, team, lead):
        title = department.manager_title.format(team=team.name, role=team.role)
        key = f"manager:{department.name}:{team.name}"
        manager = self.add(key, title, 5, lead, department.name, team.name, team.home)
        levels, weights = zip(*IC_LEVEL_WEIGHTS.items(), strict=True)
        for n in range(team.size):
            level = self.rng.choices(levels, weights)[0]
            rank = department.ranks[level - 1]
            ic_title = f"{rank} {team.role}".strip()
            # Most of a team sits at its home office; some work from the department's other sites.
            site = team.home if self.rng.random() < 0.75 else self.rng.choice(department.teams).home
            key = f"ic:{department.name}:{team.name}:{n}"
            self.add(key, ic_title, level, manager, department.name, team.name, site)

    def add(self, key, title, level, manager, department, team, site, hire_date=None):
        named = self.spec.named.get(key) if key else None
        location = LOCATIONS[site]
        if named:
            name, email = named.name, named.email
            level = named.level or level
            title = named.title or title
        else:
            name = self.unique_name(location)
            email = self.unique_email(name)
        row = PersonRow(
            external_id=f"{self.spec.id_prefix}{len(self.rows) + 1:05d}",
            name=name,
            email=email,
            department=department,
            team=team,
            title=title,
            level=level,
            manager=manager.external_id if manager else None,
            location=location.label,
            time_zone=location.time_zone,
            languages=list(location.languages),
            hire_date=hire_date or self.hire_date(level),
        )
        self.rows.append(row)
        return row

    def unique_name(self, location):
        # A fifth of the people anywhere come from elsewhere: offices are international.
        pool = location.names if self.rng.random() < 0.8 else self.rng.choice(sorted(NAMES))
        firsts, lasts = (part.split() for part in NAMES[pool])
        for _ in range(50):
            name = f"{self.rng.choice(firsts)} {self.rng.choice(lasts)}"
            if name not in self.used_names:
                break
        self.used_names.add(name)
        return name

    def unique_email(self, name):
        first, *_, last = (_ascii(part) for part in name.split())
        local = "".join(c for c in f"{first}.{last}" if c.isalnum() or c in ".-")
        email, n = f"{local}@{self.spec.domain}", 1
        while email in self.used_emails:
            n += 1
            email = f"{local}{n}@{self.spec.domain}"
        self.used_emails.add(email)
        return email

    def hire_date(self, level):
        # Nobody joins before the company exists, and heads join in its first years.
        span = (self.today - timedelta(days=30) - self.founded).days
        offset = round(span * self.rng.random() ** TENURE_SKEW[level])
        if level == 7:
            offset = round(offset * 0.4)
        return self.founded + timedelta(days=offset)

    def mark_leavers(self):
        # Leavers are individual contributors: a departed manager's reports would have been
        # moved to someone else in a real directory. Named demo people stay.
        named_emails = {n.email for n in self.spec.named.values()}
        candidates = [
            r
            for r in self.rows
            if r.level <= 4 and r.email not in named_emails and (self.today - r.hire_date).days > 180
        ]
        count = min(len(candidates), round(len(self.rows) * self.spec.attrition))
        leavers = self.rng.sample(candidates, count)
        for row in leavers:
            first = max(row.hire_date + timedelta(days=120), self.today - timedelta(days=3 * 365))
            last = self.today - timedelta(days=7)
            row.exit_date = first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))
            row.exit_reason = ExitReason.VOLUNTARY if self.rng.random() < VOLUNTARY_SHARE else ExitReason.INVOLUNTARY

    def decorate(self, row):
        rng = self.rng
        end = row.exit_date or self.today
        earliest = row.hire_date + timedelta(days=365)
        latest = end - timedelta(days=30)
        if 2 <= row.level < 8 and earliest < latest and rng.random() < 0.75:
            row.last_promotion_date = earliest + timedelta(days=rng.randint(0, (latest - earliest).days))
        if rng.random() < 0.12:
            extra = rng.choice([lang for lang in EXTRA_LANGUAGES if lang not in row.languages])
            row.languages.append(extra)
        attributes = {"work_arrangement": rng.choices(("onsite", "hybrid", "remote"), (3, 5, 2))[0]}
        if row.level <= 2 and (self.today - row.hire_date).days < 5 * 365 and rng.random() < 0.6:
            attributes["cohort"] = f"Graduate {row.hire_date.year}"
        if rng.random() < 0.35:
            attributes["ergs"] = sorted(rng.sample(ERGS, rng.choice((1, 1, 1, 2))))
        row.custom_attributes = attributes


def generate_people(spec: OrgSpec, *, today: date, seed: str = SEED) -> list[PersonRow]:
    """The directory of one demo organization, managers before their reports."""
    return _DirectoryBuilder(spec, random.Random(f"{seed}:{spec.slug}"), today).build()


# --- Writing it ---------------------------------------------------------------------------


@dataclass
class DemoContext:
    today: date
    organizations: dict[str, Organization] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        """A generator of its own for each step, so steps do not shift each other's data."""
        return random.Random(f"{SEED}:{name}")


def organizations_step(context: DemoContext):
    for spec in ORG_SPECS:
        organization, _ = Organization.objects.get_or_create(
            slug=spec.slug,
            defaults={"name": spec.name, "time_zone": spec.time_zone, "brand_colour": spec.brand_colour},
        )
        context.organizations[spec.slug] = organization


def people_step(context: DemoContext):
    for spec in ORG_SPECS:
        organization = context.organizations[spec.slug]
        if Person.objects.for_org(organization).exists():
            continue
        rows = generate_people(spec, today=context.today)
        # Seeding writes directly in bulk: this is the initial state, so there is no history to record.
        Person.objects.bulk_create(
            [
                Person(organization=organization, **{k: v for k, v in vars(row).items() if k != "manager"})
                for row in rows
            ],
            batch_size=500,
        )
        ids = dict(Person.objects.for_org(organization).values_list("external_id", "id"))
        Person.objects.bulk_update(
            [Person(pk=ids[row.external_id], manager_id=ids[row.manager]) for row in rows if row.manager],
            ["manager"],
            batch_size=500,
        )


def users_step(context: DemoContext):
    User = get_user_model()
    for demo_user in DEMO_USERS:
        user = User.objects.filter(email__iexact=demo_user.email).first()
        if user is None:
            user = User(username=demo_user.email, email=demo_user.email)
        # Always reset: the printed credentials must work, even after someone changed them.
        user.set_password(DEMO_PASSWORD)
        user.is_superuser = user.is_staff = demo_user.superuser
        user.save()
        address, _ = EmailAddress.objects.get_or_create(user=user, email=demo_user.email)
        if not (address.verified and address.primary):
            address.verified = address.primary = True
            address.save(update_fields=["verified", "primary"])
        for slug, role in demo_user.roles:
            Membership.objects.update_or_create(
                organization=context.organizations[slug], user=user, defaults={"role": role}
            )
        person_link_user(user=user)
        context.users[demo_user.email] = user


Step = Callable[[DemoContext], None]
STEPS: list[Step] = [organizations_step, people_step, users_step]


STEP_LATE: dict[Step, int] = {}


def register_step(step: Step, *, late: int = 0) -> None:
    """Later apps add their demo data (programs, matches, ...) from their AppConfig.ready().
    Steps run in registration order (INSTALLED_APPS order); `late` > 0 moves a step after all
    ordinary ones, for an app that needs data from apps listed after it."""
    if step not in STEPS:
        STEPS.append(step)
    STEP_LATE[step] = late
    # A stable sort keeps the registration order among steps of the same lateness.
    STEPS.sort(key=lambda registered: STEP_LATE.get(registered, 0))


def reset_demo():
    """Delete the demo organizations (everything they own goes with them) and the demo users."""
    Organization.objects.filter(slug__in=[spec.slug for spec in ORG_SPECS]).delete()
    get_user_model().objects.filter(email__in=[u.email for u in DEMO_USERS]).delete()


@transaction.atomic
def seed_demo(*, reset: bool = False, today: date | None = None) -> DemoContext:
    if reset:
        reset_demo()
    context = DemoContext(today=today or timezone.localdate())
    for step in STEPS:
        step(context)
    return context


def credentials() -> list[tuple[str, str, str, str]]:
    """(who, email, password, organizations) for every demo login, for printing."""
    names = {spec.slug: spec.name for spec in ORG_SPECS}
    return [
        (
            u.label,
            u.email,
            DEMO_PASSWORD,
            ", ".join(f"{names[slug]} ({role})" for slug, role in u.roles) or "Django admin",
        )
        for u in DEMO_USERS
    ]


def headcount(organization) -> dict[str, int]:
    people = Person.objects.for_org(organization)
    return {"people": people.count(), "left": people.exclude(exit_date=None).count()}
