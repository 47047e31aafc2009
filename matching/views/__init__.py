"""Matching pages: the program manager's (criteria.py, runs.py, lookups in manager.py) and the
participant's (participant.py)."""
