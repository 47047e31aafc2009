"""Isolation-audit routes for programs: design."""
