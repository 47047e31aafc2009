"""Writes of the surveys app. Questionnaires (intake forms and survey questions) live in
`questionnaires`; surveys, waves and answers in `surveys`."""

from .questionnaires import (  # noqa: F401 (the public names of this package)
    CHOICE_LABEL_MAX,
    HELP_TEXT_MAX,
    QUESTION_EDITABLE,
    QUESTION_TEXT_MAX,
    TITLE_MAX,
    choice_add,
    choice_restore,
    choice_retire,
    choice_update,
    machine_name,
    parse_choices,
    question_add,
    question_move,
    question_reorder,
    question_restore,
    question_retire,
    question_update,
    questionnaire_copy,
    questionnaire_create,
    questionnaire_create_from_spec,
    questionnaire_update,
    response_submit,
    validate_answers,
)
