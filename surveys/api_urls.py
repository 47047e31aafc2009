"""Questionnaire API under /api/v1/o/<org_slug>/questionnaires/, and the survey API under
surveys/, survey-templates/ and survey-waves/ (full paths: this module is included at /api/v1/)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .api import surveys, views

QUESTIONNAIRE = r"questionnaires/(?P<questionnaire_pk>\d+)"
QUESTION = QUESTIONNAIRE + r"/questions/(?P<question_pk>\d+)"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("questionnaires", views.QuestionnaireViewSet, basename="questionnaire")
router.register(QUESTIONNAIRE + "/questions", views.QuestionViewSet, basename="questionnaire-question")
router.register(QUESTION + "/choices", views.ChoiceViewSet, basename="questionnaire-choice")
router.register(QUESTIONNAIRE + "/responses", views.ResponseViewSet, basename="questionnaire-response")
router.register("surveys", surveys.SurveyViewSet, basename="survey")
router.register("survey-templates", surveys.SurveyTemplateViewSet, basename="survey-template")
router.register("survey-waves", surveys.SurveyWaveViewSet, basename="survey-wave")

urlpatterns = [
    path("o/<slug:org_slug>/", include(router.urls)),
]
