"""Isolation-audit routes for programs: recruitment."""
