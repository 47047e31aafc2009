"""The cohort: a program's ready pool turned into what the pure scoring and solver modules take.

`build_cohort` reads the pool, the typed intake answers, the directory fields and the hard
rules (reporting line, previous pairs, please-not lists) and the mentees' preferences, in a
fixed number of queries whatever the pool size (under twenty), and returns plain lists and
numpy arrays indexed like the pool: mentee i, mentor j. `cohort_scores` builds the score
matrix from it.

Peer programs have one pool: `mentees` and `mentors` are the same list of peers, and the
scores are symmetrized with the diagonal forbidden (nobody is matched with themselves).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import numpy as np
from django.utils import timezone

from mentorships.models import LIVE_STATUSES, MentorshipMember
from organizations.models import Person
from programs.catalog.questions import LANGUAGES, TIME_ZONES
from programs.models import PEER_MODELS, Enrollment, MentoringModel, ParticipantRole, Program
from programs.selectors.matching import matching_pool
from surveys.models import Choice, Question
from surveys.selectors import answers_table

from . import scoring
from .features import tenure_years, time_zone_band
from .models import (
    CriterionKind,
    DirectoryAttribute,
    MatchingCriterion,
    MatchingSettings,
    MatchPreference,
    MatchRunKind,
    PairExclusion,
    RematchRequest,
)

REPORTING_LINE = "Same reporting line: one of them is in the other's management chain"
PREVIOUS_PAIR = "They were matched before (in this program or an earlier cycle)"
ASKED_NOT = "One of them asked not to be matched with the other"
ASKED_TO_END = "One of them asked to end an earlier match between them"
# Words for a directory attribute's values, where the raw value is a code.
ATTRIBUTE_LABELS = {
    DirectoryAttribute.LANGUAGES: dict(LANGUAGES),
    DirectoryAttribute.TIME_ZONE: dict(TIME_ZONES),
}


def run_kind_for(program) -> str:
    """Peer circles make circles; rotation rounds and peer coaching pair the peers with each
    other (rotation_round: everyone gets a partner, one triple when the count is odd); every
    other model matches mentees with mentors."""
    if program.model == MentoringModel.PEER_CIRCLES:
        return MatchRunKind.CIRCLES
    if program.model in PEER_MODELS:
        return MatchRunKind.ROTATION
    return MatchRunKind.PAIRS


@dataclass
class Cohort:
    program: Program
    kind: str  # MatchRunKind
    mentees: list[Enrollment]  # for peer programs: the peers (mentors is the same list)
    mentors: list[Enrollment]
    capacity: np.ndarray  # remaining capacity per mentor (live mentorships and locked pairs subtracted)
    criteria: list[scoring.Criterion]
    forbidden_pairs: np.ndarray  # (k, 2) int: reporting line, previous pairs, please-not lists
    forbidden_reasons: dict[tuple[int, int], list[str]]  # words, for the add-by-hand preview
    preferred_pairs: np.ndarray  # (k, 2) int
    preference_bonus: float
    min_score: float | None
    # Rotation rounds only: pairs that met in an earlier round, avoided until everyone has met
    # (rotation_round's `met`), rather than forbidden for ever.
    met_pairs: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    warnings: list[str] = field(default_factory=list)

    @property
    def is_peer(self) -> bool:
        return self.kind != MatchRunKind.PAIRS

    def mentee_index(self) -> dict[int, int]:
        """{enrollment id: mentee index}"""
        return {e.pk: i for i, e in enumerate(self.mentees)}

    def mentor_index(self) -> dict[int, int]:
        """{enrollment id: mentor index}"""
        return {e.pk: j for j, e in enumerate(self.mentors)}

    @cached_property
    def preferred(self) -> set[tuple[int, int]]:
        """The (mentee index, mentor index) pairs a mentee asked for."""
        return {(int(i), int(j)) for i, j in self.preferred_pairs.tolist()}

    def pair_reasons(self, i, j) -> list[dict]:
        """Why mentee i with mentor j scores what they do; the preference line only when it counted."""
        preferred = (i, j) in self.preferred
        bonus = self.preference_bonus if preferred else 0.0
        return scoring.explain(self.criteria, i, j, preferred=preferred, preference_bonus=bonus)

    def pairs_flags(self, mentee_idx, mentor_idx, *, min_score=True) -> tuple[np.ndarray, list[list[str]]]:
        """(scores, flags) of the pairs (mentee_idx[k], mentor_idx[k]): each pair's score as in
        cohort_scores (before peer symmetrizing) and the hard rules it breaks, in words for the
        program manager only: they name please-not lists and reporting lines, so a participant
        never reads them. `min_score` False leaves the minimum score out (peer groups have none).
        Vectorized; rules are put in words only for the pairs that break one."""
        mentee_idx = np.asarray(mentee_idx, dtype=np.int64).reshape(-1)
        mentor_idx = np.asarray(mentor_idx, dtype=np.int64).reshape(-1)
        pairs = list(zip(mentee_idx.tolist(), mentor_idx.tolist(), strict=True))
        scores, allowed = scoring.pair_scores(
            self.criteria,
            mentee_idx,
            mentor_idx,
            preferred=np.array([pair in self.preferred for pair in pairs], dtype=bool),
            preference_bonus=self.preference_bonus,
        )
        flags = []
        for (i, j), score, rules_kept in zip(pairs, scores.tolist(), allowed.tolist(), strict=True):
            words = [] if rules_kept else scoring.broken_rules(self.criteria, i, j)
            words += self.forbidden_reasons.get((i, j), [])
            if min_score and self.min_score is not None and score < self.min_score:
                words.append(f"The score {score:.0f} is below the program's minimum of {self.min_score:g}")
            flags.append(words)
        return scores, flags

    def pair_score(self, i, j) -> float:
        scores, _ = self.pairs_flags([i], [j])
        return float(scores[0])

    def unconfirmed_flags(self, proposals) -> dict:
        """{key: [hard rules, in words]} for the proposals that break a hard rule now which their
        flags (what the program manager confirmed) do not hold: a please-not entry, a reporting
        line or an answer that changed after the run. `proposals`: [(key, [(enrollment id,
        role), …], flags)]. People no longer in the cohort are the caller's to report."""
        mentee_at, mentor_at = self.mentee_index(), self.mentor_index()
        keys, rows, cols = [], [], []
        for key, members, _flags in proposals:
            if self.is_peer:
                people = [mentee_at[eid] for eid, _role in members if eid in mentee_at]
                pairs = [(a, b) for a in people for b in people if a != b]
            else:
                mentees = [
                    mentee_at[eid] for eid, role in members if role != ParticipantRole.MENTOR and eid in mentee_at
                ]
                mentors = [
                    mentor_at[eid] for eid, role in members if role == ParticipantRole.MENTOR and eid in mentor_at
                ]
                pairs = [(i, j) for i in mentees for j in mentors]
            for i, j in pairs:
                keys.append(key)
                rows.append(i)
                cols.append(j)
        _scores, flags = self.pairs_flags(rows, cols, min_score=not self.is_peer)
        confirmed = {key: set(flags or []) for key, _members, flags in proposals}
        found = {}
        for key, words in zip(keys, flags, strict=True):
            for word in words:
                if word not in confirmed[key] and word not in found.setdefault(key, []):
                    found[key].append(word)
        return {key: words for key, words in found.items() if words}


def matching_settings_or_default(program) -> MatchingSettings:
    """The program's settings, or the defaults (unsaved) when none were made yet: reading a
    cohort never writes."""
    found = MatchingSettings.objects.for_org(program.organization_id).filter(program_id=program.pk).first()
    return found or MatchingSettings(organization_id=program.organization_id, program=program)


def build_cohort(program, *, free_only=True, locked=(), today=None) -> Cohort:
    """The program's ready pool as a cohort.

    free_only: people already in a live mentorship of this program are left out; a mentor
    stays in with the capacity they have left. The rotation kind ignores it (every round pairs
    everyone again).
    locked: pairs kept from an earlier run, each a sequence of (enrollment id, role); their
    mentees (or peers) leave the pool and their mentors' capacity shrinks accordingly.
    """
    organization_id = program.organization_id
    today = today or timezone.localdate()
    kind = run_kind_for(program)
    settings = matching_settings_or_default(program)
    pool = list(matching_pool(program, today=today))

    taken, load = set(), defaultdict(int)  # enrollments not to match; mentees each mentor holds
    if free_only and kind != MatchRunKind.ROTATION:
        live = live_places(program)
        taken.update(live.taken)
        load.update(live.load)
    for members in locked:
        members = list(members)
        mentees_in = [eid for eid, role in members if role != ParticipantRole.MENTOR]
        taken.update(mentees_in)
        for eid, role in members:
            if role == ParticipantRole.MENTOR:
                load[eid] += len(mentees_in)

    if kind == MatchRunKind.PAIRS:
        mentees = [e for e in pool if e.role == ParticipantRole.MENTEE and e.pk not in taken]
        mentors = [e for e in pool if e.role == ParticipantRole.MENTOR]
        capacity = np.array([max(e.effective_capacity - load[e.pk], 0) for e in mentors], dtype=np.int64)
    else:
        mentees = [e for e in pool if e.role == ParticipantRole.PEER and e.pk not in taken]
        mentors = mentees
        capacity = np.ones(len(mentors), dtype=np.int64)

    people = _People(mentees, mentors)
    forbidden = _ForbiddenPairs(people, symmetric=kind != MatchRunKind.PAIRS)
    met = []
    if settings.exclude_reporting_line:
        _forbid_reporting_line(organization_id, people, forbidden)
    previous, rematched = _previous_pairs(program, people)
    if kind == MatchRunKind.ROTATION and program.model == MentoringModel.ROTATION:
        met = sorted(previous)
    elif settings.exclude_previous_pairs:
        for i, j in previous:
            forbidden.add(i, j, PREVIOUS_PAIR)
    # Someone asked to end this match: it is never proposed again, whatever the settings say.
    for i, j in rematched:
        forbidden.add(i, j, ASKED_TO_END)
    _forbid_asked_not(program, people, forbidden)

    cohort = Cohort(
        program=program,
        kind=kind,
        mentees=mentees,
        mentors=mentors,
        capacity=capacity,
        criteria=_criteria(program, people, today),
        forbidden_pairs=forbidden.array(),
        forbidden_reasons=forbidden.reasons,
        preferred_pairs=_preferred_pairs(program, people),
        preference_bonus=float(settings.preference_bonus),
        min_score=settings.min_score,
        met_pairs=_pairs_array(met),
    )
    cohort.warnings = pool_warnings(
        kind, mentees=len(mentees), mentors=len(mentors), places=int(capacity.sum()) if mentors else 0
    )
    return cohort


def pool_warnings(kind, *, mentees: int, mentors: int, places: int) -> list[str]:
    """What a program manager should know before running: nobody to match, too few places."""
    warnings = []
    if kind == MatchRunKind.PAIRS:
        if mentees and not mentors:
            warnings.append("There are no mentors ready to match.")
        elif places < mentees:
            warnings.append(
                f"{mentees} mentees but only {places} mentor places: at least {mentees - places} will stay unmatched."
            )
    elif mentees == 1:
        warnings.append("Only one person is ready to match: nobody to pair them with.")
    return warnings


def cohort_scores(cohort) -> scoring.ScoreMatrix:
    """The score matrix (mentees × mentors) with hard rules and preferences applied; for peer
    programs symmetric (the mean of both directions) with the diagonal forbidden."""
    matrix = scoring.build_scores(
        cohort.criteria,
        len(cohort.mentees),
        len(cohort.mentors),
        forbidden_pairs=cohort.forbidden_pairs,
        preferred_pairs=cohort.preferred_pairs,
        preference_bonus=cohort.preference_bonus,
    )
    if cohort.is_peer:
        matrix.scores = (matrix.scores + matrix.scores.T) / 2
        matrix.allowed = matrix.allowed & matrix.allowed.T
        np.fill_diagonal(matrix.allowed, False)
    return matrix


# --- the pool's people ------------------------------------------------------------------


class _People:
    """Index lookups by enrollment and by person for both sides of the cohort."""

    def __init__(self, mentees, mentors):
        self.mentees, self.mentors = mentees, mentors
        self.mentee_by_person = {e.person_id: i for i, e in enumerate(mentees)}
        self.mentor_by_person = {e.person_id: j for j, e in enumerate(mentors)}
        self.mentee_by_enrollment = {e.pk: i for i, e in enumerate(mentees)}
        self.mentor_by_enrollment = {e.pk: j for j, e in enumerate(mentors)}

    @cached_property
    def person_ids(self) -> set[int]:
        return set(self.mentee_by_person) | set(self.mentor_by_person)

    @cached_property
    def enrollment_ids(self) -> set[int]:
        return set(self.mentee_by_enrollment) | set(self.mentor_by_enrollment)

    def index_pairs(self, person_a, person_b):
        """The (mentee, mentor) index pairs of two people, in either role."""
        pairs = []
        for first, second in ((person_a, person_b), (person_b, person_a)):
            i, j = self.mentee_by_person.get(first), self.mentor_by_person.get(second)
            if i is not None and j is not None:
                pairs.append((i, j))
        return pairs


class _ForbiddenPairs:
    def __init__(self, people, *, symmetric):
        self.people, self.symmetric = people, symmetric
        self.reasons: dict[tuple[int, int], list[str]] = {}

    def add(self, i, j, reason):
        for pair in ((i, j), (j, i)) if self.symmetric else ((i, j),):
            if self.symmetric and pair[0] == pair[1]:
                continue  # one pool: nobody is paired with themselves anyway
            reasons = self.reasons.setdefault(pair, [])
            if reason not in reasons:
                reasons.append(reason)

    def add_people(self, person_a, person_b, reason):
        for i, j in self.people.index_pairs(person_a, person_b):
            self.add(i, j, reason)

    def array(self):
        return _pairs_array(sorted(self.reasons))


def _pairs_array(pairs):
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


@dataclass
class LivePlaces:
    """Who holds a place in a live mentorship of a program, and each mentor's load."""

    taken: set[int]  # enrollment ids of the mentees and peers in a live mentorship
    load: dict[int, int]  # mentor enrollment id -> mentees they hold (a group of four holds four)
    mentorships: int


def live_places(program) -> LivePlaces:
    """One query, whatever the number of mentorships."""
    members = (
        MentorshipMember.objects.for_org(program.organization_id)
        .filter(mentorship__program_id=program.pk, mentorship__status__in=LIVE_STATUSES)
        .values_list("mentorship_id", "enrollment_id", "role")
    )
    by_mentorship = defaultdict(list)
    for mentorship_id, enrollment_id, role in members:
        by_mentorship[mentorship_id].append((enrollment_id, role))
    places = LivePlaces(taken=set(), load=defaultdict(int), mentorships=len(by_mentorship))
    for rows in by_mentorship.values():
        held = [eid for eid, role in rows if role != ParticipantRole.MENTOR]
        places.taken.update(held)
        for eid, role in rows:
            if role == ParticipantRole.MENTOR:
                places.load[eid] += len(held)
    return places


def _forbid_reporting_line(organization_id, people, forbidden):
    """Nobody with anyone above them in their management chain: one query for the whole
    organization's manager links, the chains walked in memory."""
    manager_of = dict(
        Person.objects.for_org(organization_id).filter(manager__isnull=False).values_list("pk", "manager_id")
    )
    for person_id in people.person_ids:
        seen = {person_id}
        boss = manager_of.get(person_id)
        while boss is not None and boss not in seen:  # a cycle in bad data stops the walk
            seen.add(boss)
            forbidden.add_people(person_id, boss, REPORTING_LINE)
            boss = manager_of.get(boss)


def _program_cycles(program) -> list[int]:
    """This program and every earlier cycle it was copied from (one query)."""
    copied_from = dict(
        Program.objects.for_org(program.organization_id)
        .filter(copied_from__isnull=False)
        .values_list("pk", "copied_from_id")
    )
    chain, current = [program.pk], copied_from.get(program.pk)
    while current is not None and current not in chain:
        chain.append(current)
        current = copied_from.get(current)
    return chain


def _previous_pairs(program, people) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(mentee index, mentor index) of people who shared any mentorship, ended or not, in this
    program or an earlier cycle of it; and, separately, those of mentorships a member asked to
    end (a rematch request)."""
    cycles = _program_cycles(program)
    members = (
        MentorshipMember.objects.for_org(program.organization_id)
        .filter(mentorship__program_id__in=cycles)
        .values_list("mentorship_id", "person_id")
    )
    ended_on_request = set(
        RematchRequest.objects.for_org(program.organization_id)
        .filter(mentorship__program_id__in=cycles)
        .values_list("mentorship_id", flat=True)
    )
    in_pool = people.person_ids
    together = defaultdict(set)
    for mentorship_id, person_id in members:
        if person_id in in_pool:
            together[mentorship_id].add(person_id)
    pairs, rematched = set(), set()
    for mentorship_id, group in together.items():
        group = sorted(group)
        for a_pos, person_a in enumerate(group):
            for person_b in group[a_pos + 1 :]:
                index_pairs = people.index_pairs(person_a, person_b)
                pairs.update(index_pairs)
                if mentorship_id in ended_on_request:
                    rematched.update(index_pairs)
    return pairs, rematched


def _forbid_asked_not(program, people, forbidden):
    """Each participant's private please-not list, in both directions."""
    rows = (
        PairExclusion.objects.for_org(program.organization_id)
        .filter(enrollment__program_id=program.pk)
        .values_list("enrollment_id", "enrollment__person_id", "excluded_person_id")
    )
    for enrollment_id, person_id, excluded_id in rows:
        if enrollment_id in people.enrollment_ids:
            forbidden.add_people(person_id, excluded_id, ASKED_NOT)


def _preferred_pairs(program, people) -> np.ndarray:
    rows = (
        MatchPreference.objects.for_org(program.organization_id)
        .filter(enrollment__program_id=program.pk)
        .values_list("enrollment_id", "preferred_person_id")
        .order_by("pk")
    )
    pairs = set()
    for enrollment_id, preferred_id in rows:
        i, j = people.mentee_by_enrollment.get(enrollment_id), people.mentor_by_person.get(preferred_id)
        if i is not None and j is not None and people.mentees[i].person_id != preferred_id:
            pairs.add((i, j))
    return _pairs_array(sorted(pairs))


# --- criteria ---------------------------------------------------------------------------


def _criteria(program, people, today) -> list[scoring.Criterion]:
    rows = list(
        MatchingCriterion.objects.for_org(program.organization_id)
        .filter(program_id=program.pk)
        .select_related("mentee_question", "mentor_question")
        .order_by("order", "pk")
    )
    questions = [q for c in rows for q in (c.mentee_question, c.mentor_question) if q is not None]
    answers = _Answers(program.organization_id, questions, people.person_ids)
    directory = _Directory(today)
    criteria = []
    for row in rows:
        if row.attribute:
            values = directory.values
            mentee_source = mentor_source = row.attribute
        elif row.mentee_question is not None and row.mentor_question is not None:
            values = answers.values
            mentee_source, mentor_source = row.mentee_question, row.mentor_question
        else:
            continue  # a question was deleted under the criterion: nothing left to compare
        sides = {
            "mentee_values": values(people.mentees, mentee_source, row.kind),
            "mentor_values": values(people.mentors, mentor_source, row.kind),
        }
        if row.reciprocal and row.kind == CriterionKind.OVERLAP:
            sides["mentee_offers"] = values(people.mentees, mentor_source, row.kind)
            sides["mentor_wants"] = values(people.mentors, mentee_source, row.kind)
        if row.attribute:
            labels = ATTRIBUTE_LABELS.get(row.attribute, {})
        else:  # after reading the values: free-text labels are collected while reading
            # The mentee's words win: the explanation is written to them.
            labels = {**answers.labels(row.mentor_question), **answers.labels(row.mentee_question)}
        criteria.append(
            scoring.Criterion(
                key=f"c{row.pk}",
                kind=row.kind,
                label=row.label,
                weight=float(row.weight),
                required=row.required,
                reciprocal="mentee_offers" in sides,
                gap_target=row.gap_target,
                gap_tolerance=row.gap_tolerance,
                gap_hard_min=row.gap_hard_min,
                gap_hard_max=row.gap_hard_max,
                value_labels=labels,
                **sides,
            )
        )
    return criteria


def as_kind_value(kind, value, *, text=False):
    """A typed answer or directory value in the shape scoring takes for a criterion kind:
    overlap a frozenset of strings, gap a float, same/different a string; None when there is
    nothing to compare. `text` marks free text, compared without case or surrounding spaces."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if kind == CriterionKind.OVERLAP:
        items = value if isinstance(value, (set, frozenset, list, tuple)) else [value]
        found = frozenset(_as_text(item, text=text) for item in items if item not in (None, ""))
        return found or None
    if isinstance(value, (set, frozenset, list, tuple)):
        return None
    if kind == CriterionKind.GAP:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return number if np.isfinite(number) else None
    return _as_text(value, text=text) or None


def _as_text(value, *, text=False):
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
        return str(int(number)) if number == number.to_integral_value() else str(number.normalize())
    value = str(value).strip()
    return value.casefold() if text else value


class _Answers:
    """Typed intake answers of the pool, read once per questionnaire a criterion uses."""

    def __init__(self, organization_id, questions, person_ids):
        self.tables = {}
        for questionnaire_id in sorted({q.questionnaire_id for q in questions}):
            self.tables[questionnaire_id] = answers_table(
                organization=organization_id, questionnaire=questionnaire_id, respondent_ids=person_ids
            )
        self.choice_labels = defaultdict(dict)
        for question_id, value, label in (
            Choice.objects.for_org(organization_id)
            .filter(question_id__in=[q.pk for q in questions])
            .values_list("question_id", "value", "label")
        ):
            self.choice_labels[question_id][value] = label
        self.text_labels = defaultdict(dict)

    def values(self, enrollments, question, kind):
        table = self.tables.get(question.questionnaire_id, {})
        text = question.type in (Question.Type.SHORT_TEXT, Question.Type.LONG_TEXT)
        found = []
        for enrollment in enrollments:
            raw = table.get(enrollment.person_id, {}).get(question.key)
            value = as_kind_value(kind, raw, text=text)
            if text and isinstance(value, str):
                # Shown as the first person typed it, compared without case.
                self.text_labels[question.pk].setdefault(value, str(raw).strip())
            found.append(value)
        return found

    def labels(self, question):
        return {**self.choice_labels.get(question.pk, {}), **self.text_labels.get(question.pk, {})}


class _Directory:
    """Directory fields of the pool's people (already loaded with the pool's enrollments)."""

    def __init__(self, today):
        self.today = today

    def values(self, enrollments, attribute, kind):
        return [as_kind_value(kind, self.raw(enrollment.person, attribute)) for enrollment in enrollments]

    def raw(self, person, attribute):
        if attribute == DirectoryAttribute.TIME_ZONE:
            return time_zone_band(person.time_zone, on=self.today)
        if attribute == DirectoryAttribute.TENURE_YEARS:
            return tenure_years(person.hire_date, on=self.today)
        if attribute == DirectoryAttribute.LANGUAGES:
            return list(person.languages or [])
        return getattr(person, attribute, None)
