"""python manage.py bench_matching --mentees 10000 --mentors 2000 [--keep]: a match run end to end.

Builds, in a throwaway organization, a one-on-one program in the matching stage with a realistic
pool: mentees want 1-4 skills and mentors offer 3-9, drawn with a skewed popularity; everyone
answers a single-choice region question (mostly the region of their site); the directory holds
levels (mentors senior), departments, languages and a management tree in which mentors manage
each other and most mentees, so reporting lines forbid some pairs; mentors take 1-5 mentees;
a few mentees asked for a mentor or asked not to be matched with one. Five criteria and a
minimum score are set through the services.

The pool is written in bulk (people, intake responses with their typed answers and chosen
options, approved enrollments), row for row what enrollment_apply and enrollment_decide write,
less the decision emails; every answer goes through the survey validation first, and the
bench refuses to go on unless matching_pool() sees the whole pool.

Then it times match_run_execute (the Celery task's body) end to end, the review pages through
the test client with DEBUG off (p50 of 5 renders, queries and size of the last one), and one
review edit (proposal_remove then proposal_add through the services), and prints one JSON
object on stdout (progress goes to stderr). The organization is deleted at the end unless
--keep.
"""

import json
import random
import resource
import secrets
import statistics
import time
from unittest import mock

import numpy as np
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchPreference, MatchProposal, PairExclusion, ProposalMember
from matching.services.criteria import criterion_create, matching_settings_update
from matching.services.review import proposal_add, proposal_remove
from matching.services.runs import match_run_execute, match_run_start
from organizations.management.commands.bench_import import DEPARTMENTS, FIRST, LAST, SITES
from organizations.models import Membership, Organization, Person, Role
from programs.models import (
    Enrollment,
    EnrollmentStatus,
    MentoringModel,
    ParticipantRole,
    Program,
    ProgramStatus,
)
from programs.selectors.matching import matching_pool
from programs.services.design import program_transition
from surveys.models import Answer, AnswerChoice, Question, Response
from surveys.selectors import questionnaire_questions
from surveys.services import questionnaire_create_from_spec, validate_answers

SKILLS = [
    ["python", "Python"],
    ["sql", "SQL"],
    ["leadership", "Leadership"],
    ["speaking", "Public speaking"],
    ["stakeholders", "Stakeholder management"],
    ["people-management", "Managing people"],
    ["data-analysis", "Data analysis"],
    ["career", "Career planning"],
    ["negotiation", "Negotiation"],
    ["product", "Product strategy"],
    ["writing", "Writing"],
    ["budgeting", "Budgeting"],
    ["ux", "UX design"],
    ["cloud", "Cloud architecture"],
    ["security", "Security"],
    ["sales", "Selling"],
    ["marketing", "Marketing"],
    ["coaching", "Coaching"],
    ["agile", "Agile delivery"],
    ["machine-learning", "Machine learning"],
    ["finance", "Finance basics"],
    ["hiring", "Hiring"],
    ["design-systems", "Design systems"],
    ["testing", "Testing"],
]
REGIONS = [["americas", "Americas"], ["europe", "Europe"], ["india", "India"], ["apac", "Asia-Pacific"]]
SITE_REGION = {
    "Berlin": "europe",
    "Paris": "europe",
    "London": "europe",
    "New York": "americas",
    "São Paulo": "americas",
    "Bangalore": "india",
    "Singapore": "apac",
}
WANTS = {"key": "wants", "text": "What do you want to learn?", "type": "multiple", "choices": SKILLS}
OFFERS = {"key": "offers", "text": "What can you help with?", "type": "multiple", "choices": SKILLS}
ZONE = {"key": "zone", "text": "Which region do you work in?", "type": "single", "choices": REGIONS, "required": True}
SPECS = {
    ParticipantRole.MENTEE: {"title": "Mentee intake", "questions": [WANTS, ZONE]},
    ParticipantRole.MENTOR: {"title": "Mentor intake", "questions": [OFFERS, ZONE]},
}
# Criteria over the intake questions (mentee's key, mentor's key) or a directory attribute.
CRITERIA = [
    {"label": "Skills you want to learn", "kind": "overlap", "weight": 5, "questions": ("wants", "offers")},
    {"label": "Same region", "kind": "same", "weight": 2, "questions": ("zone", "zone")},
    {"label": "One or two levels ahead", "kind": "gap", "weight": 2, "attribute": "level", "gap_target": 2.0,
     "gap_tolerance": 1.0, "gap_hard_min": 0.0},
    {"label": "Another department", "kind": "different", "weight": 1, "attribute": "department", "required": True},
    {"label": "A language in common", "kind": "overlap", "weight": 1, "attribute": "languages"},
]  # fmt: skip
MIN_SCORE = 20.0
MANAGER_FANOUT = 8  # mentors manage each other in a tree of this fan-out; mentees report to a mentor
BATCH = 2000
PAGE_RENDERS = 5
SEARCHED_NAME = "Okafor"  # a family name about one person in 25 has


def _popularity(count, exponent=1.0):
    """Zipf-like shares: a few skills (or mentors) are asked for far more than the rest."""
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


class Pool:
    """The generated participants, before anything is written: people, answers, capacities."""

    def __init__(self, mentees, mentors, seed):
        self.rnd, self.rng = random.Random(seed), np.random.default_rng(seed)
        self.mentors = [self._person(k, ParticipantRole.MENTOR) for k in range(mentors)]
        self.mentees = [self._person(k, ParticipantRole.MENTEE) for k in range(mentees)]

    def _person(self, k, role):
        rnd = self.rnd
        city, time_zone, language = rnd.choice(SITES)
        region = SITE_REGION.get(city) or rnd.choice(REGIONS)[0]
        if rnd.random() < 0.1:  # people travel, move, or answer for the team they work with
            region = rnd.choice(REGIONS)[0]
        mentor = role == ParticipantRole.MENTOR
        skill_count = rnd.randint(3, 9) if mentor else rnd.randint(1, 4)
        skills = self.rng.choice(len(SKILLS), skill_count, replace=False, p=_popularity(len(SKILLS), 1.1))
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        return {
            "role": role,
            "index": k,
            "name": f"{first} {last}",
            "department": rnd.choices(DEPARTMENTS, weights=_popularity(len(DEPARTMENTS), 0.8))[0],
            "location": city,
            "time_zone": time_zone,
            "languages": list(dict.fromkeys([language, "en"])),
            "level": rnd.randint(1, 5),
            "answers": {"offers" if mentor else "wants": [SKILLS[s][0] for s in sorted(skills)], "zone": region},
            "capacity": rnd.randint(1, 5) if mentor else None,
        }


class Command(BaseCommand):
    help = "Time a match run end to end, the review pages and one review edit, in a throwaway organization."

    def add_arguments(self, parser):
        parser.add_argument("--mentees", type=int, default=10000)
        parser.add_argument("--mentors", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--keep", action="store_true", help="keep the organization to look at it afterwards")

    def handle(self, *args, mentees, mentors, seed, keep, **options):
        if mentees < 1 or mentors < 1:
            raise CommandError("Give at least one mentee and one mentor.")
        # Pages are timed as production serves them; DEBUG would also keep every query in memory.
        with override_settings(DEBUG=False):
            report = self._bench(mentees, mentors, seed, keep)
        self.stdout.write(json.dumps(report))

    def _note(self, message):
        self.stderr.write(message)

    def _bench(self, mentees, mentors, seed, keep):
        self._note(f"Database: {connection.vendor}; {mentees} mentees, {mentors} mentors")
        slug = f"bench-matching-{timezone.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
        organization = Organization.objects.create(name="Matching benchmark (throwaway)", slug=slug)
        manager = get_user_model().objects.create_user(username=slug, email=f"{slug}@bench.example")
        Membership.objects.create(organization=organization, user=manager, role=Role.ADMIN)
        report = {"database": connection.vendor, "mentees": mentees, "mentors": mentors, "organization": slug}
        try:
            started = time.perf_counter()
            program = self._build_program(organization, manager, Pool(mentees, mentors, seed))
            report["setup_seconds"] = round(time.perf_counter() - started, 2)
            self._note(f"Set up in {report['setup_seconds']} s; running the match")
            run = self._run(organization, program, manager, report)
            report["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
            self._note("Timing the pages")
            report["pages"] = self._time_pages(organization, program, run, manager)
            self._note("Timing one review edit")
            report["review_edit"] = self._time_edit(organization, run, manager)
        finally:
            report["kept"] = keep
            if not keep:
                started = time.perf_counter()
                organization.delete()
                manager.delete()
                self._note(f"(throwaway organization deleted in {time.perf_counter() - started:.1f} s)")
        return report

    # --- the program and its pool ------------------------------------------------------------

    @transaction.atomic
    def _build_program(self, organization, manager, pool):
        questionnaires = {
            role: questionnaire_create_from_spec(organization=organization, spec=spec) for role, spec in SPECS.items()
        }
        program = Program.objects.create(
            organization=organization,
            name="Mentoring at scale (benchmark)",
            status=ProgramStatus.RECRUITING,
            model=MentoringModel.ONE_ON_ONE,
            mentor_default_capacity=2,
            mentee_questionnaire=questionnaires[ParticipantRole.MENTEE],
            mentor_questionnaire=questionnaires[ParticipantRole.MENTOR],
            created_by=manager,
        )
        mentor_people = self._create_mentor_people(organization, pool.mentors)
        mentee_people = self._create_mentee_people(organization, pool, mentor_people)
        people = [*mentor_people, *mentee_people]
        entries = [*pool.mentors, *pool.mentees]
        responses = self._create_responses(organization, questionnaires, entries, people)
        now = timezone.now()
        enrollments = Enrollment.objects.bulk_create(
            [
                Enrollment(
                    organization=organization,
                    program=program,
                    person=person,
                    role=entry["role"],
                    status=EnrollmentStatus.APPROVED,
                    decided_by=manager,
                    decided_at=now,
                    capacity=entry["capacity"],
                    motivation="Glad to help." if entry["role"] == ParticipantRole.MENTOR else "",
                    response=response,
                    source=Enrollment.Source.APPLIED,
                    intake_submitted_at=now,
                )
                for entry, person, response in zip(entries, people, responses, strict=True)
            ],
            batch_size=BATCH,
        )
        self._create_wishes(organization, pool, enrollments[len(mentor_people) :], mentor_people)
        ready = matching_pool(program).count()
        if ready != len(people):
            raise CommandError(f"matching_pool() sees {ready} of the {len(people)} participants written.")
        program_transition(organization=organization, program=program, to_status=ProgramStatus.MATCHING, actor=manager)
        self._set_criteria(organization, program, manager)
        return program

    def _person_row(self, organization, entry, **fields):
        role = "mentor" if entry["role"] == ParticipantRole.MENTOR else "mentee"
        return Person(
            organization=organization,
            name=entry["name"],
            email=f"{role}.{entry['index']}@bench.example",
            department=entry["department"],
            location=entry["location"],
            time_zone=entry["time_zone"],
            languages=entry["languages"],
            level=entry["level"],
            **fields,
        )

    def _create_mentor_people(self, organization, mentors):
        """The mentors as a management tree, one level at a time so each row can name its manager;
        the higher in the tree, the more senior (levels 5-9)."""
        people = [None] * len(mentors)
        depth = [0] * len(mentors)
        for k in range(1, len(mentors)):
            depth[k] = depth[(k - 1) // MANAGER_FANOUT] + 1
        for level in range(max(depth) + 1):
            indices = [k for k in range(len(mentors)) if depth[k] == level]
            rows = []
            for k in indices:
                mentors[k]["level"] = max(5, 9 - level - (k % 2))
                manager = people[(k - 1) // MANAGER_FANOUT] if k else None
                rows.append(self._person_row(organization, mentors[k], manager=manager))
            for k, person in zip(indices, Person.objects.bulk_create(rows, batch_size=BATCH), strict=True):
                people[k] = person
        return people

    def _create_mentee_people(self, organization, pool, mentor_people):
        """Most mentees report to a mentor (and work in their department); the rest to nobody in
        the program."""
        rows = []
        for entry in pool.mentees:
            manager = pool.rnd.choice(mentor_people) if pool.rnd.random() < 0.7 else None
            if manager is not None:
                entry["department"] = manager.department
            rows.append(self._person_row(organization, entry, manager=manager))
        return Person.objects.bulk_create(rows, batch_size=BATCH)

    def _create_responses(self, organization, questionnaires, entries, people):
        """One intake response per participant, with the typed answers response_submit stores:
        a choice answer is an Answer row plus one AnswerChoice row per option chosen."""
        questions = {role: questionnaire_questions(q, include_retired=True) for role, q in questionnaires.items()}
        if any(q.type not in Question.CHOICE_TYPES for qs in questions.values() for q in qs):
            raise CommandError("The bench writes choice answers only.")
        valued = [
            validate_answers(
                organization=organization,
                questionnaire=questionnaires[entry["role"]],
                answers=entry["answers"],
                questions=questions[entry["role"]],
            )
            for entry in entries
        ]
        responses = Response.objects.bulk_create(
            [
                Response(organization=organization, questionnaire=questionnaires[entry["role"]], respondent=person)
                for entry, person in zip(entries, people, strict=True)
            ],
            batch_size=BATCH,
        )
        chosen = [
            (Answer(organization=organization, response=response, question=question), value)
            for response, values in zip(responses, valued, strict=True)
            for question, value in values.items()
            if value is not None
        ]
        Answer.objects.bulk_create([answer for answer, _ in chosen], batch_size=BATCH)
        AnswerChoice.objects.bulk_create(
            [
                AnswerChoice(organization=organization, answer=answer, choice_id=choice_id)
                for answer, value in chosen
                for choice_id in (value if isinstance(value, (list, tuple, set)) else [value])
            ],
            batch_size=BATCH,
        )
        return responses

    def _create_wishes(self, organization, pool, mentee_enrollments, mentor_people):
        """5 % of the mentees asked for a (popular) mentor, 1 % asked not to meet one."""
        rnd, share = pool.rnd, _popularity(len(mentor_people))
        asked = rnd.sample(range(len(mentee_enrollments)), len(mentee_enrollments) // 20)
        popular = pool.rng.choice(len(mentor_people), len(asked), p=share)
        MatchPreference.objects.bulk_create(
            MatchPreference(
                organization=organization, enrollment=mentee_enrollments[i], preferred_person=mentor_people[j]
            )
            for i, j in zip(asked, popular.tolist(), strict=True)
        )
        refused = rnd.sample(range(len(mentee_enrollments)), len(mentee_enrollments) // 100)
        PairExclusion.objects.bulk_create(
            PairExclusion(
                organization=organization, enrollment=mentee_enrollments[i], excluded_person=rnd.choice(mentor_people)
            )
            for i in refused
        )

    def _set_criteria(self, organization, program, manager):
        for spec in CRITERIA:
            fields = {key: value for key, value in spec.items() if key != "questions"}
            if "questions" in spec:
                mentee_key, mentor_key = spec["questions"]
                questions = Question.objects.for_org(organization)
                fields["mentee_question"] = questions.get(questionnaire=program.mentee_questionnaire, key=mentee_key)
                fields["mentor_question"] = questions.get(questionnaire=program.mentor_questionnaire, key=mentor_key)
            criterion_create(organization=organization, program=program, user=manager, **fields)
        matching_settings_update(organization=organization, program=program, user=manager, min_score=MIN_SCORE)

    # --- the run, the pages, an edit ---------------------------------------------------------

    def _run(self, organization, program, manager, report):
        # This process is the worker: the task is not queued, match_run_execute runs here, timed.
        with mock.patch("matching.tasks.execute_match_run_task"):
            run = match_run_start(organization=organization, program=program, user=manager)
        started = time.perf_counter()
        run = match_run_execute(organization=organization, run_id=run.pk)
        report["run_seconds"] = round(time.perf_counter() - started, 2)
        if run.status != "succeeded":
            raise CommandError(f"The run did not succeed ({run.status}): {run.error}")
        metrics = run.metrics
        report.update(
            timings=metrics["timings"],
            matched=metrics["matched"],
            unmatched=metrics["unmatched"],
            proposals=metrics["proposals"],
            optimal=metrics["solver"]["optimal"],
            proven=metrics["solver"]["proven"],
        )
        return run

    def _time_pages(self, organization, program, run, manager):
        client = Client()
        client.force_login(manager)
        run_page = reverse("matching:run_detail", args=[organization.slug, run.pk])
        pages = {
            "run page": run_page,
            f"run page, search '{SEARCHED_NAME}'": f"{run_page}?q={SEARCHED_NAME}",
            "add a pair page": reverse("matching:proposal_add", args=[organization.slug, run.pk]),
            "matching home": reverse("matching:program", args=[organization.slug, program.pk]),
        }
        timed = {}
        for label, url in pages.items():
            timings = []
            for _ in range(PAGE_RENDERS):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            timed[label] = {
                "p50_ms": round(statistics.median(timings), 1),
                "queries": len(queries),
                "kib": round(len(response.content) / 1024, 1),
            }
        return timed

    def _time_edit(self, organization, run, manager):
        """Take the first pair out, then put it back by hand: what a reviewer does most."""
        proposal = MatchProposal.objects.for_org(organization).filter(run=run).order_by("number").first()
        members = {
            member.role: member.enrollment
            for member in ProposalMember.objects.for_org(organization)
            .filter(proposal=proposal)
            .select_related("enrollment__person")
        }
        started = time.perf_counter()
        proposal_remove(organization=organization, proposal=proposal, user=manager)
        removed = time.perf_counter()
        proposal_add(
            organization=organization,
            run=run,
            mentee=members[ParticipantRole.MENTEE],
            mentor=members[ParticipantRole.MENTOR],
            user=manager,
            confirm=True,
        )
        added = time.perf_counter()
        return {"remove_seconds": round(removed - started, 2), "add_seconds": round(added - removed, 2)}
