"""Pages of the surveys app, all in the "surveys" namespace: the questionnaire builder under
/o/<org_slug>/questionnaires/, and surveys (surveys/urls_surveys.py) under /o/<org_slug>/surveys/."""

from django.urls import include, path

from .views import builder

app_name = "surveys"

Q = "<int:pk>/questions/<int:question_pk>/"
C = Q + "choices/<int:choice_pk>/"

builder_urlpatterns = [
    path("", builder.questionnaire_list, name="questionnaire-list"),
    path("new/", builder.questionnaire_create, name="questionnaire-create"),
    path("<int:pk>/", builder.questionnaire_detail, name="questionnaire-detail"),
    path("<int:pk>/edit/", builder.questionnaire_edit, name="questionnaire-edit"),
    path("<int:pk>/copy/", builder.questionnaire_copy, name="questionnaire-copy"),
    path("<int:pk>/preview/", builder.questionnaire_preview, name="questionnaire-preview"),
    path("<int:pk>/questions/add/", builder.question_add, name="question-add"),
    path(Q + "edit/", builder.question_edit, name="question-edit"),
    path(Q + "retire/", builder.question_retire, name="question-retire"),
    path(Q + "restore/", builder.question_restore, name="question-restore"),
    path(Q + "move/", builder.question_move, name="question-move"),
    path(Q + "choices/add/", builder.choice_add, name="choice-add"),
    path(C + "edit/", builder.choice_edit, name="choice-edit"),
    path(C + "retire/", builder.choice_retire, name="choice-retire"),
    path(C + "restore/", builder.choice_restore, name="choice-restore"),
]

urlpatterns = [
    path("questionnaires/", include(builder_urlpatterns)),
    path("surveys/", include("surveys.urls_surveys")),
]
