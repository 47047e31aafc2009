"""Isolation-audit routes for programs: training."""
