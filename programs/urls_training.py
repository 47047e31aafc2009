"""Program pages: training and orientation (managers' modules and overview, participants' modules)."""

from django.urls import path

from .views import training

urlpatterns = [
    path("<int:pk>/training/", training.module_list, name="training"),
    path("<int:pk>/training/new/", training.module_create, name="training-module-create"),
    path("<int:pk>/training/preview/", training.content_preview, name="training-preview"),
    path("<int:pk>/training/overview/", training.completion_overview, name="training-overview"),
    path("<int:pk>/training/mine/", training.my_training, name="my-training"),
    path("<int:pk>/training/<int:module_pk>/", training.module_take, name="training-module"),
    path("<int:pk>/training/<int:module_pk>/edit/", training.module_edit, name="training-module-edit"),
    path("<int:pk>/training/<int:module_pk>/delete/", training.module_delete, name="training-module-delete"),
    path("<int:pk>/training/<int:module_pk>/move/", training.module_move, name="training-module-move"),
]
