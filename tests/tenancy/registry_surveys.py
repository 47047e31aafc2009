"""Isolation-audit routes for surveys."""
