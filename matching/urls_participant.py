"""Participants: suggested mentors, requests, preferences, rematch."""

urlpatterns = []
