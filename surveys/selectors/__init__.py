"""Reads of the surveys app: questionnaires and answers in `questionnaires`, survey lists in
`surveys`, survey results (aggregates under the k rules) in `results`."""

from .questionnaires import (  # noqa: F401 (the public names of this package)
    RETIRED_SUFFIX,
    AnswerRow,
    answers_table,
    choices_prefetch,
    display_value,
    question_has_answers,
    questionnaire_questions,
    questionnaire_with_questions,
    questionnaires_for_org,
    response_answers,
    response_raw_values,
    response_typed_values,
)
from .results import (  # noqa: F401 (the public names of this package)
    DIMENSION_LABELS,
    DIMENSIONS,
    NOT_STATED,
    BreakdownCell,
    QuestionResult,
    SurveyResults,
    organization_survey_overview,
    survey_results,
)
from .surveys import (  # noqa: F401 (the public names of this package)
    invitation_for,
    open_waves_for,
    organization_today,
    program_surveys,
    survey_waves,
    waves_with_counts,
)
