"""Isolation-audit graph builder for programs: training. Registered by importing this module."""
