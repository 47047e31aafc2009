"""Participants: suggested mentors, requests, preferences, rematch.

Every page acts on the signed-in member's own enrollment, request or mentorship; anyone else's
answers 404 (matching/views/participant.py).
"""

from django.urls import path

from .views import participant

urlpatterns = [
    path("me/<int:enrollment_pk>/suggestions/", participant.my_suggestions, name="my_suggestions"),
    path("me/<int:enrollment_pk>/request/", participant.request_send, name="request_send"),
    path("me/<int:enrollment_pk>/requests/", participant.my_requests, name="my_requests"),
    path("requests/<int:pk>/accept/", participant.request_accept, name="request_accept"),
    path("requests/<int:pk>/decline/", participant.request_decline, name="request_decline"),
    path("requests/<int:pk>/withdraw/", participant.request_withdraw, name="request_withdraw"),
    path("me/<int:enrollment_pk>/preferences/", participant.my_preferences, name="my_preferences"),
    path("mentorships/<int:pk>/rematch/", participant.rematch_request, name="rematch_request"),
]
