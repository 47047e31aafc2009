"""Survey pages under /o/<org_slug>/surveys/, in the "surveys" namespace (included by surveys/urls.py
beside the questionnaire builder): the program manager's surveys and results, the leaders'
overview, and the participant's own surveys to answer."""

from django.urls import path

from .views import answer, results, surveys

urlpatterns = [
    # program managers
    path("program/<int:program_pk>/", surveys.program_surveys, name="program-surveys"),
    path("program/<int:program_pk>/new/", surveys.survey_create, name="survey-create"),
    path("<int:pk>/", surveys.survey_detail, name="survey-detail"),
    path("<int:pk>/edit/", surveys.survey_edit, name="survey-edit"),
    path("<int:pk>/launch/", surveys.survey_launch, name="survey-launch"),
    path("<int:pk>/end/", surveys.survey_end, name="survey-end"),
    path("<int:pk>/results/", results.survey_results, name="survey-results"),
    path("<int:pk>/results.<slug:fmt>", results.survey_export, name="survey-export"),
    # leaders
    path("overview/", results.overview, name="overview"),
    # participants
    path("mine/", answer.mine, name="mine"),
    path("answer/<int:wave_pk>/", answer.answer, name="answer"),
    path("answer/<int:wave_pk>/thanks/", answer.answer_thanks, name="answer-thanks"),
]
