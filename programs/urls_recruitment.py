"""Program pages: recruitment (joining, one's own programs, review, invitations, nominations)."""

from django.urls import path

from .views import recruitment

urlpatterns = [
    path("<int:pk>/join/", recruitment.join, name="join"),
    path("mine/", recruitment.my_enrollments, name="my-enrollments"),
    path("mine/<int:pk>/withdraw/", recruitment.enrollment_withdraw, name="enrollment-withdraw"),
    path("<int:pk>/review/", recruitment.review, name="review"),
    path("<int:pk>/review/<int:enrollment_pk>/", recruitment.review_applicant, name="review-applicant"),
    path("<int:pk>/invite/", recruitment.invite, name="invite"),
    path("nominations/", recruitment.nominations, name="nominations"),
    path("nominations/<int:pk>/respond/", recruitment.nomination_respond, name="nomination-respond"),
]
