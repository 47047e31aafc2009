"""Reads of the surveys app: questionnaires and answers in `questionnaires`, survey results in `results`."""

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
