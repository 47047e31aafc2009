"""Isolation-audit graph builder for surveys (questionnaires, questions, choices, responses)."""
