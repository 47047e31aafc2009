"""Survey results: aggregates only, and only where enough people stand behind them.

The k rules (see surveys-contract and `surveys.aggregation`): a wave's results need k responses,
a question k answers, a breakdown cell k responses (plus a second hidden cell when the first
could be worked out from the total; hidden cells are shown as one unnamed row), free text
k_text answers. Counts of invitations and responses are always given: they are not answers.

While an anonymous survey's wave is open, its results count answers in whole steps of k: with n
responses, only the first (n // k) * k in arrival order (response id order) are counted, so two
looks at the results always differ by at least k people's answers and nobody who knows who
answered in between can read one person's answers from the change. Once the wave closes (closed
early, past its last day, or the survey ended) every response counts. Named surveys count every
response at once: their answers carry the name anyway.

Nothing here returns a response's id, one response's answers or an envelope's facts. A wave's
answers are loaded as plain columns in a fixed number of queries, whatever the number of
responses, grouped in memory and handed to the pure `aggregation` module; every figure passes
the k rules before it is put in a result.
"""

import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from programs.models import ParticipantRole

from ..aggregation import (
    Estimate,
    distribution,
    mean_change,
    mean_ci,
    nps,
    nps_change,
    proportion_ci,
    shuffled,
    suppressed_cells,
)
from ..models import Answer, AnswerChoice, Question, Survey, SurveyResponse, SurveyStatus, SurveyWave
from .questionnaires import choices_prefetch
from .surveys import latest_opened, organization_today, survey_waves, waves_with_counts

DIMENSIONS = ("role", "department", "level", "cohort")
DIMENSION_LABELS = {"role": "Role", "department": "Department", "level": "Level", "cohort": "Cohort"}
NOT_STATED = "Not stated"
# The one row that stands for every hidden cell. Hidden cells are never listed by name: a group's
# name next to "hidden" would still tell that someone in it answered, and when only one invited
# person is in that department, level or cohort, that they did.
OTHER_GROUPS = "Other groups"

NUMERIC_TYPES = (Question.Type.SCALE, Question.Type.NUMBER)
TEXT_TYPES = (Question.Type.SHORT_TEXT, Question.Type.LONG_TEXT)
NPS_SCALE = (0, 10)
# The overview's headline question: the catalog's key, else the first 1–5 scale.
SATISFACTION_KEY, SATISFACTION_SCALE = "satisfaction", (1, 5)
NPS_KEY = "nps"


def reason_survey(k):
    return f"Results appear once at least {k} people have answered."


def reason_question(k):
    return f"Fewer than {k} answers."


def reason_texts(k_text):
    return f"Comments appear once at least {k_text} people have written one."


def reason_other_groups(k):
    return (
        f"Groups with fewer than {k} answers are shown together without names, with one more group "
        "where needed so none can be worked out from the total."
    )


def note_steps(responded, counted, k):
    """Why the results of an open anonymous wave stand on fewer answers than have come in."""
    included = f"the first {counted:,}" if counted < responded else f"all {counted:,}"
    return (
        f"{responded:,} {'person has' if responded == 1 else 'people have'} answered. While the survey is open, "
        f"results move in steps of {k} answers, so no single answer can be read from a change: they include "
        f"{included} now, and every answer once it closes."
    )


REASON_NOT_OPENED = "No wave has opened yet."


@dataclass
class QuestionResult:
    key: str
    text: str
    type: str
    n: int
    hidden: bool = False
    hidden_reason: str = ""
    # [{"value", "label", "count", "share"}]: choices and scale points, in order; share is 0..1
    # of those who answered (multiple choice: can add up to more than 1).
    distribution: list[dict] = field(default_factory=list)
    mean: Estimate | None = None
    nps: Estimate | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class BreakdownCell:
    label: str  # OTHER_GROUPS for the one row standing for every hidden cell
    n: int | None  # None when hidden: with the total and the visible cells it would tell the rest
    hidden: bool = False
    hidden_reason: str = ""
    means: dict[str, Estimate | None] = field(default_factory=dict)
    nps: Estimate | None = None


@dataclass
class SurveyResults:
    survey: Survey
    wave: SurveyWave | None
    waves: list[SurveyWave]  # every wave, in order, with `invited` and `responded`
    k: int
    k_text: int
    invited: int
    responded: int  # every response, always shown: a count, not an answer
    counted: int  # the responses the figures stand on: `responded` less the open step's remainder
    response_rate: Estimate
    visible: bool
    hidden_reason: str
    questions: list[QuestionResult]
    dimension: str | None = None
    cells: list[BreakdownCell] = field(default_factory=list)
    # By question key: after − before against `previous_wave`; NPS questions give the NPS change.
    changes: dict[str, Estimate] = field(default_factory=dict)
    previous_wave: SurveyWave | None = None
    # Set while the results move in steps of k (an open anonymous wave): what they include.
    note: str = ""

    @property
    def dimension_label(self) -> str:
        return DIMENSION_LABELS.get(self.dimension, "")

    @property
    def breakdown_keys(self) -> list[str]:
        """The questions the breakdown gives a mean for, in order."""
        return [q.key for q in self.questions if q.type in NUMERIC_TYPES and not q.hidden]


# --- helpers ----------------------------------------------------------------------------------


def _scale(question) -> tuple[int, int] | None:
    if question.type != Question.Type.SCALE or question.min_value is None or question.max_value is None:
        return None
    return int(question.min_value), int(question.max_value)


def is_nps(question) -> bool:
    return _scale(question) == NPS_SCALE


def text_seed(survey, wave, question) -> str:
    """The shuffle's key: fixed for a question of a wave (the page does not reorder on reload),
    unknowable without SECRET_KEY (the order cannot be undone into submission order)."""
    message = f"survey-texts:{survey.pk}:{wave.pk}:{question.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _cell_label(dimension, raw) -> str:
    if not raw:
        return NOT_STATED
    if dimension == "role" and raw in ParticipantRole.values:
        return ParticipantRole(raw).label
    return raw


def _cell_order(label):
    return (label == NOT_STATED, label.casefold(), label)


def _rate(responded, invited) -> Estimate:
    # Guarded so that data written outside the services (more answers than invitations) cannot
    # make the page fail.
    return proportion_ci(responded, max(invited, responded))


_POOLED = "\x00hidden cells"


def _hidden_for_question(cell_counts, hidden_cells, k) -> set[str]:
    """The cells where one question's figures are hidden.

    A question someone skipped can leave fewer answers than responses in a cell, so the k rule
    runs again on the question's own counts. The cells already hidden whole are pooled into one,
    so that what is hidden together still holds 0 or at least k answers.
    """
    pooled = {label: n for label, n in cell_counts.items() if label not in hidden_cells}
    pooled[_POOLED] = sum(cell_counts.get(label, 0) for label in hidden_cells)
    return (suppressed_cells(pooled, k) - {_POOLED}) | set(hidden_cells)


def _pick_wave(waves, wave):
    if wave is None:
        return latest_opened(waves)
    wave_pk = getattr(wave, "pk", wave)
    for candidate in waves:
        if str(candidate.pk) == str(wave_pk):
            return candidate
    raise SurveyWave.DoesNotExist("No such wave in this survey.")


def _previous(waves, current):
    earlier = [w for w in waves if w.number < current.number and w.opened_at is not None]
    return earlier[-1] if earlier else None


def wave_takes_answers(survey, wave, today) -> bool:
    """Whether answers may still arrive: the wave is not closed, not past its last day, and its
    survey has not ended (as `survey_answer_submit` refuses)."""
    return wave.closed_at is None and today <= wave.closes_on and survey.status != SurveyStatus.ENDED


def counted_step(survey, wave, k, today) -> int | None:
    """While an anonymous wave takes answers, how many of its responses its results count (whole
    steps of k); None when they count every response."""
    if survey.anonymous and wave_takes_answers(survey, wave, today):
        return wave.responded // k * k
    return None


def _cutoffs(organization, steps) -> dict[int, int]:
    """{wave id: the id of its m-th response in arrival order} for `steps` ({wave id: m > 0}):
    one query, whatever the number of waves."""
    if not steps:
        return {}
    rows = (
        SurveyResponse.objects.for_org(organization)
        .filter(wave_id__in=list(steps))
        .annotate(position=Window(RowNumber(), partition_by=[F("wave_id")], order_by=F("pk").asc()))
        .filter(position__in=set(steps.values()))
        .order_by()
        .values_list("wave_id", "position", "pk")
    )
    return {wave_id: pk for wave_id, position, pk in rows if steps[wave_id] == position}


def _limits(organization, steps) -> dict[int, int | None]:
    """{wave id: the last response id its results count, or None for every response}, from
    `steps` ({wave id: `counted_step`}).

    One query finds the m-th responses of the waves counting in steps, none when there are none.
    Such a wave is bounded by that id even when m is all it has, so that an answer arriving
    between the count and the loading is not counted.
    """
    cutoffs = _cutoffs(organization, {wave_id: m for wave_id, m in steps.items() if m})
    # 0 (nothing) for a wave counting none yet, or whose responses vanished meanwhile.
    return {wave_id: None if m is None else cutoffs.get(wave_id, 0) for wave_id, m in steps.items()}


def _counted_only(limits, response) -> Q:
    """The filter keeping the counted responses of the waves in `limits`; `response` is the path
    to the Response from the model filtered ("response__", "answer__response__")."""
    wave = f"{response}survey_envelope__wave_id"
    condition = Q(**{f"{wave}__in": [wave_id for wave_id, last in limits.items() if last is None]})
    for wave_id, last in limits.items():
        if last is not None:
            condition |= Q(**{wave: wave_id, f"{response}pk__lte": last})
    return condition


def _questions(organization, survey) -> list[Question]:
    return list(
        Question.objects.for_org(organization)
        .filter(questionnaire_id=survey.questionnaire_id)
        .order_by("order", "pk")
        .prefetch_related(choices_prefetch(organization.pk))
    )


# --- one survey -------------------------------------------------------------------------------


class _Answers:
    """A wave's answers grouped by question (and by breakdown cell), without response ids."""

    def __init__(self):
        self.numbers = defaultdict(list)  # question id -> [float]
        self.numbers_by_cell = defaultdict(lambda: defaultdict(list))  # question id -> label -> [float]
        self.texts = defaultdict(list)  # question id -> [str]
        self.choices = defaultdict(list)  # question id -> [[choice id, ...] per answer]
        self.counts = defaultdict(int)  # question id -> answers


def _load_answers(organization, limits, dimension, questions):
    """{wave id: _Answers} for the counted responses of the waves in `limits` (see `_limits`):
    two queries, whatever the number of responses."""
    by_id = {q.pk: q for q in questions}
    columns = ["id", "question_id", "number_value", "text_value", "date_value", "response__survey_envelope__wave_id"]
    if dimension:
        columns.append(f"response__survey_envelope__{dimension}")
    rows = (
        Answer.objects.for_org(organization)
        .filter(_counted_only(limits, "response__"), question_id__in=list(by_id))
        .values_list(*columns)
    )
    chosen = defaultdict(list)
    for answer_id, choice_id in (
        AnswerChoice.objects.for_org(organization)
        .filter(_counted_only(limits, "answer__response__"), answer__question_id__in=list(by_id))
        .values_list("answer_id", "choice_id")
    ):
        chosen[answer_id].append(choice_id)

    grouped = {wave_id: _Answers() for wave_id in limits}
    for answer_id, question_id, number, text, day, wave_id, *cell in rows:
        answers, question = grouped[wave_id], by_id[question_id]
        if question.type in NUMERIC_TYPES:
            if number is None:
                continue
            answers.numbers[question_id].append(float(number))
            if dimension:
                answers.numbers_by_cell[question_id][_cell_label(dimension, cell[0])].append(float(number))
        elif question.type in Question.CHOICE_TYPES:
            if not chosen.get(answer_id):
                continue
            answers.choices[question_id].append(chosen[answer_id])
        elif question.type in TEXT_TYPES:
            if not text.strip():
                continue
            answers.texts[question_id].append(text.strip())
        elif day is None:
            continue
        answers.counts[question_id] += 1
    return grouped


def _question_result(question, answers, *, k, k_text, seed) -> QuestionResult:
    n = answers.counts.get(question.pk, 0)
    result = QuestionResult(key=question.key, text=question.text, type=question.type, n=n)
    if question.type in TEXT_TYPES:
        if n < k_text:
            result.hidden, result.hidden_reason = True, reason_texts(k_text)
        else:
            # Sorted first, so the order handed to the shuffle carries nothing of the database's.
            result.texts = shuffled(sorted(answers.texts[question.pk]), seed)
        return result
    if n < k:
        result.hidden, result.hidden_reason = True, reason_question(k)
        return result
    if question.type in Question.CHOICE_TYPES:
        offered = list(question.choices.all())
        picked = {choice_id for chosen in answers.choices[question.pk] for choice_id in chosen}
        # A retired choice is listed only when someone chose it.
        offered = [c for c in offered if not c.retired or c.pk in picked]
        shares = distribution(answers.choices[question.pk], [c.pk for c in offered])
        result.distribution = [
            {"value": c.value, "label": c.label, "count": count, "share": share}
            for c, (_, count, share) in zip(offered, shares, strict=True)
        ]
    elif question.type in NUMERIC_TYPES:
        values = answers.numbers[question.pk]
        result.mean = mean_ci(values)
        scale = _scale(question)
        if scale:
            points = list(range(scale[0], scale[1] + 1))
            result.distribution = [
                {"value": point, "label": str(point), "count": count, "share": share}
                for point, count, share in distribution([round(v) for v in values], points)
            ]
        if is_nps(question):
            result.nps = nps(values)
    return result


def _breakdown(cell_counts, questions, results, answers, k) -> list[BreakdownCell]:
    """The visible cells, in order, then one unnamed row for all the hidden ones (when any)."""
    hidden_cells = suppressed_cells(cell_counts, k)
    cells = {label: BreakdownCell(label=label, n=n) for label, n in cell_counts.items() if label not in hidden_cells}
    nps_question = next((q for q in questions if is_nps(q) and not results[q.pk].hidden), None)
    for question in questions:
        if question.type not in NUMERIC_TYPES or results[question.pk].hidden:
            continue
        by_cell = answers.numbers_by_cell[question.pk]
        hidden = _hidden_for_question({label: len(by_cell.get(label, ())) for label in cell_counts}, hidden_cells, k)
        for label, cell in cells.items():
            estimate = None if label in hidden else mean_ci(by_cell[label])
            cell.means[question.key] = estimate
            if question is nps_question:
                cell.nps = None if label in hidden else nps(by_cell[label])
    rows = [cells[label] for label in sorted(cells, key=_cell_order)]
    if hidden_cells:
        # Without a size, like any hidden cell; nor is it told how many groups it holds.
        rows.append(BreakdownCell(label=OTHER_GROUPS, n=None, hidden=True, hidden_reason=reason_other_groups(k)))
    return rows


def _changes(questions, results, current, previous, k) -> dict[str, Estimate]:
    changes = {}
    for question in questions:
        if question.type not in NUMERIC_TYPES or results[question.pk].hidden:
            continue
        before, after = previous.numbers[question.pk], current.numbers[question.pk]
        if len(before) < k:
            continue
        changes[question.key] = (nps_change if is_nps(question) else mean_change)(before, after)
    return changes


def survey_results(*, organization, survey, wave=None, dimension=None, today=None) -> SurveyResults:
    """The aggregate results of one wave of `survey` (a SurveyWave or its id; None: the latest
    opened wave), broken down by `dimension` (one of DIMENSIONS) when given. `today` (the
    organization's, by default) tells whether the wave still takes answers.

    At most eight queries, whatever the number of responses. Raises SurveyWave.DoesNotExist for a
    wave of another survey and ValueError for an unknown dimension.
    """
    if dimension and dimension not in DIMENSIONS:
        raise ValueError(f"Break down by one of {', '.join(DIMENSIONS)}.")
    dimension = dimension or None
    today = today or organization_today(organization)
    k, k_text = organization.survey_min_responses, organization.survey_min_text_responses
    waves = survey_waves(organization=organization, survey=survey)
    current = _pick_wave(waves, wave)
    step = None if current is None else counted_step(survey, current, k, today)
    responded = current.responded if current else 0
    results = SurveyResults(
        survey=survey,
        wave=current,
        waves=waves,
        k=k,
        k_text=k_text,
        invited=current.invited if current else 0,
        responded=responded,
        counted=responded if step is None else step,
        response_rate=_rate(current.responded, current.invited) if current else _rate(0, 0),
        visible=False,
        hidden_reason=REASON_NOT_OPENED if current is None else "",
        questions=[],
        dimension=dimension,
    )
    if current is None:
        return results
    questions = _questions(organization, survey)
    if results.responded < k:
        # Not even a question's answers are loaded: only how many answered each one, and while
        # the wave counts in steps, none of them is counted yet (who skipped what is an answer).
        counts = {}
        if step is None:
            counts = dict(
                Answer.objects.for_org(organization)
                .filter(response__survey_envelope__wave=current)
                .values_list("question_id")
                .annotate(n=Count("pk"))
            )
        results.hidden_reason = reason_survey(k)
        results.questions = [
            QuestionResult(
                key=q.key, text=q.text, type=q.type, n=counts.get(q.pk, 0), hidden=True, hidden_reason=reason_survey(k)
            )
            for q in questions
            if not q.retired or counts.get(q.pk)
        ]
        return results

    results.visible = True
    if step is not None:
        results.note = note_steps(results.responded, results.counted, k)
    previous = _previous(waves, current)
    previous_step = None if previous is None else counted_step(survey, previous, k, today)
    compare = previous is not None and (previous.responded if previous_step is None else previous_step) >= k
    steps = {current.pk: step}
    if compare:
        steps[previous.pk] = previous_step
    limits = _limits(organization, steps)
    loaded = _load_answers(organization, limits, dimension, questions)
    answers = loaded[current.pk]
    # A retired question is listed only when this wave has answers to it.
    questions = [q for q in questions if not q.retired or answers.counts.get(q.pk)]
    by_question = {
        q.pk: _question_result(q, answers, k=k, k_text=k_text, seed=text_seed(survey, current, q)) for q in questions
    }
    results.questions = list(by_question.values())
    if dimension:
        cell_counts = defaultdict(int)
        counted = SurveyResponse.objects.for_org(organization).filter(wave=current)
        if limits[current.pk] is not None:
            counted = counted.filter(pk__lte=limits[current.pk])
        for raw, n in counted.values_list(dimension).annotate(n=Count("pk")).order_by():
            cell_counts[_cell_label(dimension, raw)] += n
        results.cells = _breakdown(dict(cell_counts), questions, by_question, answers, k)
    if compare:
        results.previous_wave = previous
        results.changes = _changes(questions, by_question, answers, loaded[previous.pk], k)
    return results


# --- the organization's overview --------------------------------------------------------------


def _headline_questions(questions):
    """{questionnaire id: (satisfaction question, NPS question)}, either None when absent."""
    by_questionnaire = defaultdict(list)
    for question in questions:
        by_questionnaire[question.questionnaire_id].append(question)

    def first(candidates, key, scale):
        keyed = [q for q in candidates if q.key == key and _scale(q) == scale]
        return (keyed or [q for q in candidates if _scale(q) == scale] or [None])[0]

    return {
        qid: (first(qs, SATISFACTION_KEY, SATISFACTION_SCALE), first(qs, NPS_KEY, NPS_SCALE))
        for qid, qs in by_questionnaire.items()
    }


def organization_survey_overview(*, organization, today=None) -> list[dict]:
    """For leaders: every launched survey, by program, with its latest opened wave's counts,
    response rate, mean satisfaction and NPS (None under k). The figures count what the
    survey's results page counts (whole steps of k while an anonymous wave is open). At most
    five queries.

    [{"program", "survey", "wave", "invited", "responded", "counted", "response_rate",
      "visible", "hidden_reason", "note", "satisfaction", "nps"}]
    """
    k = organization.survey_min_responses
    today = today or organization_today(organization)
    surveys = list(
        Survey.objects.for_org(organization)
        .exclude(status=SurveyStatus.DRAFT)
        .select_related("program")
        .order_by("program__name", "program_id", "title", "pk")
    )
    latest = {}
    for wave in waves_with_counts(organization).filter(survey__in=surveys, opened_at__isnull=False):
        if wave.survey_id not in latest or wave.number > latest[wave.survey_id].number:
            latest[wave.survey_id] = wave
    headline = _headline_questions(
        Question.objects.for_org(organization).filter(
            questionnaire_id__in={s.questionnaire_id for s in surveys}, type=Question.Type.SCALE
        )
    )
    picked = {q.pk for pair in headline.values() for q in pair if q is not None}
    by_pk = {survey.pk: survey for survey in surveys}
    steps = {wave.pk: counted_step(by_pk[wave.survey_id], wave, k, today) for wave in latest.values()}
    values = defaultdict(list)  # (wave id, question id) -> [float]
    limits = _limits(organization, {wave.pk: steps[wave.pk] for wave in latest.values() if wave.responded >= k})
    for wave_id, question_id, number in (
        Answer.objects.for_org(organization)
        .filter(_counted_only(limits, "response__"), question_id__in=picked, number_value__isnull=False)
        .values_list("response__survey_envelope__wave_id", "question_id", "number_value")
    ):
        values[wave_id, question_id].append(float(number))

    rows = []
    for survey in surveys:
        wave = latest.get(survey.pk)
        invited, responded = (wave.invited, wave.responded) if wave else (0, 0)
        step = steps[wave.pk] if wave else None
        counted = responded if step is None else step
        visible = wave is not None and responded >= k
        satisfaction_q, nps_q = headline.get(survey.questionnaire_id, (None, None))

        def figure(question, compute, wave=wave, visible=visible):
            if not visible or question is None:
                return None
            answers = values[wave.pk, question.pk]
            return compute(answers) if len(answers) >= k else None

        rows.append(
            {
                "program": survey.program,
                "survey": survey,
                "wave": wave,
                "invited": invited,
                "responded": responded,
                "counted": counted,
                "response_rate": _rate(responded, invited),
                "visible": visible,
                "hidden_reason": "" if visible else (reason_survey(k) if wave else REASON_NOT_OPENED),
                "note": note_steps(responded, counted, k) if visible and step is not None else "",
                "satisfaction": figure(satisfaction_q, mean_ci),
                "nps": figure(nps_q, nps),
            }
        )
    return rows
